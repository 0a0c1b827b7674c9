package llmproxy.access;

import llmproxy.config.ClientKey;
import llmproxy.config.Config;
import llmproxy.config.Secret;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Who may do what under one config: identifies a presented key among the client keys and the admin key, and
 * answers the admin-path and model allow-list questions. Immutable; built per config snapshot.
 */
public final class Access {
    private record Entry(byte[] digest, Caller caller) {
    }

    private final List<Entry> entries;
    private final boolean open;
    private final boolean hasAdminKey;
    private final Map<String, ModelAllowList> allowLists = new HashMap<>();

    private Access(List<ClientKey> keys, Secret adminKey) {
        List<Entry> list = new ArrayList<>();
        for (ClientKey k : keys) {
            list.add(new Entry(sha256(k.key().value()), new Caller.Client(k)));
            allowLists.put(k.name(), new ModelAllowList(k.models()));
        }
        if (adminKey.isSet()) {
            list.add(new Entry(sha256(adminKey.value()), new Caller.Admin()));
        }
        this.entries = List.copyOf(list);
        this.open = keys.isEmpty();
        this.hasAdminKey = adminKey.isSet();
    }

    public static Access of(Config config) {
        return new Access(config.clientKeys(), config.adminApiKey());
    }

    static Access of(List<ClientKey> keys, Secret adminKey) {
        return new Access(keys, adminKey);
    }

    /**
     * The caller a presented key (null when none was sent) belongs to. Constant time in the key: the presented
     * key's digest is compared with every configured digest, with no early exit, so neither which key matched
     * nor how much of one matched shows in the timing.
     */
    public Caller identify(String presented) {
        Caller found = null;
        if (presented != null) {
            byte[] digest = sha256(presented);
            for (Entry e : entries) {
                boolean equal = MessageDigest.isEqual(digest, e.digest());
                found = equal ? e.caller() : found;
            }
        }
        if (found != null) {
            return found;
        }
        return open ? new Caller.Anonymous() : new Caller.Unknown();
    }

    /** May this caller send proxied requests (and list models)? Client keys, or anyone when auth is off. */
    public boolean mayProxy(Caller caller) {
        return caller instanceof Caller.Client || caller instanceof Caller.Anonymous;
    }

    /**
     * May this caller read /metrics and /status and clear cooldowns? With an admin key, only it; without one,
     * any client key (including the proxy key), or anyone when authentication is off.
     */
    public boolean mayAdminister(Caller caller) {
        if (hasAdminKey) {
            return caller instanceof Caller.Admin;
        }
        return caller instanceof Caller.Client || caller instanceof Caller.Anonymous;
    }

    /** May {@code caller} use model {@code alias}? Anonymous callers may use every model. */
    public Decision allows(Caller caller, String alias) {
        if (caller instanceof Caller.Anonymous) {
            return Decision.ALLOWED;
        }
        ModelAllowList list = caller instanceof Caller.Client c ? allowLists.get(c.name()) : null;
        if (list != null && alias != null && list.allows(alias)) {
            return Decision.ALLOWED;
        }
        return new Decision.Forbidden("the API key \"" + caller.name() + "\" may not use model \"" + alias + "\"");
    }

    /** Whether {@code caller} may use {@code alias}, as a plain yes/no for listings such as /v1/models. */
    public boolean mayUse(Caller caller, String alias) {
        return allows(caller, alias) instanceof Decision.Allowed;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
