package llmproxy.server;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HostPortTest {
    @ParameterizedTest
    @CsvSource({
            "::, '[::]:8080'",
            "0:0:0:0:0:0:0:0, '[::]:8080'",
            "::1, '[::1]:8080'",
            "2001:db8:0:0:1:0:0:1, '[2001:db8::1:0:0:1]:8080'",
            "2001:db8:1:2:3:4:5:6, '[2001:db8:1:2:3:4:5:6]:8080'",
            "fe80:0:0:0:0:0:0:0, '[fe80::]:8080'",
            "2001:db8:0:1:1:1:1:1, '[2001:db8:0:1:1:1:1:1]:8080'",
            "0.0.0.0, '0.0.0.0:8080'",
            "127.0.0.1, '127.0.0.1:8080'"})
    void listenAddress_isPrintedTheWayPeopleWriteIt(String ip, String expected) throws UnknownHostException {
        assertEquals(expected, HostPort.format(new InetSocketAddress(InetAddress.getByName(ip), 8080)));
    }
}
