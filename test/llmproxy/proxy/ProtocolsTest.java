package llmproxy.proxy;

import llmproxy.config.Backend;
import llmproxy.config.BackendProtocol;
import llmproxy.config.Secret;
import llmproxy.protocol.Dialect;
import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.junit.jupiter.api.Assertions.assertSame;

/** Which protocol an attempt speaks: passthrough when both sides agree, translation otherwise. */
class ProtocolsTest {
    private static Backend backend(String url, BackendProtocol p) {
        return new Backend("b", URI.create(url), Secret.NONE, true, p);
    }

    @Test
    void autoMeansAnthropicForAnthropicsOwnApiAndTheClientsDialectElsewhere() {
        Backend anthropicApi = backend("https://api.anthropic.com/v1", BackendProtocol.AUTO);
        Backend other = backend("https://openrouter.ai/api/v1", BackendProtocol.AUTO);
        assertSame(Passthrough.INSTANCE, Protocols.of(anthropicApi, Dialect.ANTHROPIC));
        assertSame(Translating.OPENAI_CLIENT_ANTHROPIC_BACKEND, Protocols.of(anthropicApi, Dialect.OPENAI));
        assertSame(Passthrough.INSTANCE, Protocols.of(other, Dialect.OPENAI));
        assertSame(Passthrough.INSTANCE, Protocols.of(other, Dialect.ANTHROPIC));
    }

    @Test
    void anExplicitProtocolTranslatesForClientsOfTheOtherDialect() {
        Backend openai = backend("http://localhost:8000/v1", BackendProtocol.OPENAI);
        Backend anthropic = backend("https://api.deepseek.com/anthropic", BackendProtocol.ANTHROPIC);
        assertSame(Passthrough.INSTANCE, Protocols.of(openai, Dialect.OPENAI));
        assertSame(Translating.ANTHROPIC_CLIENT_OPENAI_BACKEND, Protocols.of(openai, Dialect.ANTHROPIC));
        assertSame(Passthrough.INSTANCE, Protocols.of(anthropic, Dialect.ANTHROPIC));
        assertSame(Translating.OPENAI_CLIENT_ANTHROPIC_BACKEND, Protocols.of(anthropic, Dialect.OPENAI));
    }
}
