package llmproxy.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The {@code no_proxy} list: hosts reached directly. An entry is a host ({@code example.com}, which also
 * covers its subdomains, as curl does), a suffix ({@code .corp}), {@code *} for everything, or an IP
 * literal / CIDR ({@code 10.0.0.0/8}); a {@code :port} is ignored. Hosts are compared as written in the backend
 * URL; no DNS lookups.
 */
public record NoProxy(List<String> entries) {
    public static final NoProxy NONE = new NoProxy(List.of());

    public NoProxy {
        entries = entries.stream().map(e -> withoutPort(e.strip().toLowerCase(Locale.ROOT))).filter(e -> !e.isEmpty())
                .toList();
    }

    /**
     * {@code host:port} and {@code [v6]:port}, as NO_PROXY lists often hold them, name the host: the proxy choice
     * is per host, so the port is dropped rather than the entry silently never matching.
     */
    static String withoutPort(String e) {
        int colon = e.lastIndexOf(':');
        if (colon <= 0 || colon == e.length() - 1 || !e.substring(colon + 1).chars().allMatch(Character::isDigit)) {
            return e;
        }
        String host = e.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            return host.substring(1, host.length() - 1);
        }
        return host.indexOf(':') < 0 ? host : e; // a bare IPv6 literal: its last group is not a port
    }

    /** Comma- or space-separated, as in the NO_PROXY environment variable. */
    static NoProxy parseList(String text) {
        return new NoProxy(List.of(text.split("[,\\s]+")));
    }

    /** Null when {@code entry} is usable, else why not. */
    static String problem(String entry) {
        String e = entry.strip();
        int slash = e.indexOf('/');
        if (slash >= 0) {
            byte[] net = literal(e.substring(0, slash));
            int bits;
            try {
                bits = Integer.parseInt(e.substring(slash + 1));
            } catch (NumberFormatException x) {
                bits = -1;
            }
            if (net == null || bits < 0 || bits > net.length * 8) {
                return "must be a host, .suffix, IP or CIDR such as 10.0.0.0/8, got \"" + entry + "\"";
            }
        }
        return e.isEmpty() ? "must not be empty" : null;
    }

    public boolean bypasses(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        byte[] ip = literal(h);
        for (String e : entries) {
            if (e.equals("*")) {
                return true;
            }
            int slash = e.indexOf('/');
            if (slash >= 0) {
                if (ip != null && inCidr(ip, e.substring(0, slash), e.substring(slash + 1))) {
                    return true;
                }
            } else if (ip != null) {
                byte[] other = literal(e);
                if (other != null && Arrays.equals(ip, other)) {
                    return true;
                }
            } else {
                String suffix = e.startsWith("*.") ? e.substring(1) : e;
                String bare = suffix.startsWith(".") ? suffix.substring(1) : suffix;
                if (h.equals(bare) || h.endsWith("." + bare)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean inCidr(byte[] ip, String net, String bitsText) {
        byte[] n = literal(net);
        if (n == null || n.length != ip.length) {
            return false;
        }
        int bits = Integer.parseInt(bitsText);
        for (int i = 0; i < bits; i++) {
            int mask = 0x80 >>> (i % 8);
            if ((ip[i / 8] & mask) != (n[i / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    /** The address bytes of an IPv4 or IPv6 literal, or null for a name (never resolved). */
    private static byte[] literal(String text) {
        String t = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        boolean v4 = t.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
        boolean v6 = t.contains(":") && t.matches("[0-9a-fA-F:.]+");
        if (!v4 && !v6) {
            return null;
        }
        try {
            return InetAddress.getByName(t).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
