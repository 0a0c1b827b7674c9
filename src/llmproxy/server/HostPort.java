package llmproxy.server;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;

/** An address as people write it: {@code 127.0.0.1:8080}, {@code [::]:8080}, {@code [::1]:8080}. */
public final class HostPort {
    private HostPort() {
        throw new AssertionError();
    }

    public static String format(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        if (ip instanceof Inet6Address) {
            return "[" + compress(ip.getHostAddress()) + "]:" + address.getPort();
        }
        return (ip == null ? address.getHostString() : ip.getHostAddress()) + ":" + address.getPort();
    }

    /** RFC 5952 short form of the JDK's full {@code 0:0:0:0:0:0:0:1}: the longest run of zero groups becomes "::". */
    static String compress(String full) {
        int percent = full.indexOf('%');
        String scope = percent < 0 ? "" : full.substring(percent);
        String[] groups = (percent < 0 ? full : full.substring(0, percent)).split(":");
        int bestStart = -1;
        int bestLength = 1; // a single zero group stays "0"
        for (int i = 0; i < groups.length; i++) {
            int j = i;
            while (j < groups.length && groups[j].equals("0")) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = Math.max(i, j);
        }
        if (bestStart < 0) {
            return String.join(":", groups) + scope;
        }
        String head = String.join(":", Arrays.copyOfRange(groups, 0, bestStart));
        String tail = String.join(":", Arrays.copyOfRange(groups, bestStart + bestLength, groups.length));
        return head + "::" + tail + scope;
    }
}
