package llmproxy.testkit;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Everything a test started, closed in reverse order after it. */
public final class Closer implements AutoCloseable {
    private final List<AutoCloseable> items = new ArrayList<>();

    public <T extends AutoCloseable> T add(T item) {
        items.add(item);
        return item;
    }

    public MockUpstream upstream(MockUpstream.Script script) throws IOException {
        return add(MockUpstream.start(script));
    }

    /** A gateway from YAML whose {@code ${NAME}} placeholders come from {@code env}. */
    public ProxyFixture proxy(String yaml, Map<String, String> env, Clock clock) {
        return add(ProxyFixture.start(ProxyFixture.config(yaml, env), clock));
    }

    /** Closes everything, even when one close fails; the first failure is rethrown. */
    @Override
    public void close() {
        RuntimeException first = null;
        for (int i = items.size() - 1; i >= 0; i--) {
            try {
                items.get(i).close();
            } catch (Exception e) {
                if (first == null) {
                    first = new IllegalStateException("closing " + items.get(i), e);
                }
            }
        }
        items.clear();
        if (first != null) {
            throw first;
        }
    }
}
