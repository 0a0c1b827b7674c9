package llmproxy.config;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code listen} value split into host and port. Accepts {@code ":8080"}, {@code "8080"},
 * {@code "host:8080"} and {@code "[::1]:8080"}; an empty host means all interfaces, port 0 an
 * ephemeral port.
 */
record ListenAddress(String host, int port) {
    private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    static Optional<ListenAddress> parse(String text) {
        String s = text.strip();
        String host;
        String port;
        if (PORT.matcher(s).matches()) {
            host = "";
            port = s;
        } else if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
                return Optional.empty();
            }
            host = s.substring(1, close);
            port = s.substring(close + 2);
            if (!IPV6.matcher(host).matches()) {
                return Optional.empty();
            }
        } else {
            int colon = s.lastIndexOf(':');
            if (colon < 0) {
                return Optional.empty();
            }
            host = s.substring(0, colon);
            port = s.substring(colon + 1);
            if (!host.isEmpty() && !HOST.matcher(host).matches()) {
                return Optional.empty();
            }
        }
        if (!PORT.matcher(port).matches() || Integer.parseInt(port) > 65_535) {
            return Optional.empty();
        }
        return Optional.of(new ListenAddress(host, Integer.parseInt(port)));
    }
}
