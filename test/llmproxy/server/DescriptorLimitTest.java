package llmproxy.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DescriptorLimitTest {
    @TempDir
    Path dir;

    @Test
    void softOpenFileLimit_isReadFromTheProcLimitsFormat() throws IOException {
        Path limits = Files.writeString(dir.resolve("limits"), """
                Limit                     Soft Limit           Hard Limit           Units
                Max processes             63704                63704                processes
                Max open files            1024                 524288               files
                """);
        assertEquals(OptionalLong.of(1024), DescriptorLimit.soft(limits));
    }

    @Test
    void unlimitedOrMissing_isUnknown_soNothingIsChecked() throws IOException {
        Path limits = Files.writeString(dir.resolve("limits"), "Max open files            unlimited            unlimited            files\n");
        assertEquals(OptionalLong.empty(), DescriptorLimit.soft(limits));
        assertEquals(OptionalLong.empty(), DescriptorLimit.soft(dir.resolve("no-proc-here")));
    }
}
