package llmproxy.logging;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static llmproxy.logging.LogFixture.filesUnder;
import static llmproxy.logging.LogFixture.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestFilesTest {
    private static final String STAMP = "20261129-183012.123";

    @TempDir
    Path dir;

    @Test
    void sameRequestIdFortyTimes_writesFortyFiles_noneOverwritten() throws IOException {
        RequestFiles files = new RequestFiles(dir.resolve("requests"), dir.resolve("errors"), 10_000);
        for (int i = 0; i < 40; i++) {
            files.write(STAMP, "same-id", "request " + i, true);
        }
        for (String folder : List.of("requests", "errors")) {
            List<Path> written = filesUnder(dir.resolve(folder));
            assertEquals(40, written.size(), written.toString());
            Set<String> texts = new HashSet<>();
            written.forEach(p -> texts.add(read(p)));
            assertEquals(40, texts.size(), "every request kept its own file");
            assertTrue(written.contains(dir.resolve(folder).resolve(STAMP + "_same-id.log")), written.toString());
            assertTrue(written.contains(dir.resolve(folder).resolve(STAMP + "_same-id_40.log")), written.toString());
        }
    }

    @Test
    void anIdThatLooksLikeACounter_stillCannotOverwrite() throws IOException {
        RequestFiles files = new RequestFiles(dir, null, 10_000);
        files.write(STAMP, "r1", "first", false);
        files.write(STAMP, "r1", "second", false);
        files.write(STAMP, "r1_2", "third", false);
        assertEquals(List.of("first", "second", "third"),
                List.of(read(dir.resolve(STAMP + "_r1.log")), read(dir.resolve(STAMP + "_r1_2.log")),
                        read(dir.resolve(STAMP + "_r1_2_2.log"))));
    }

    @Test
    void eachFolderKeepsAtMostMaxFiles_deletingTheOldestFirst() throws IOException {
        RequestFiles files = new RequestFiles(dir.resolve("requests"), dir.resolve("errors"), 3);
        for (int i = 0; i < 6; i++) {
            files.write("20261129-18301" + i + ".000", "r" + i, "request " + i, i % 2 == 1);
        }
        assertEquals(List.of("20261129-183013.000_r3.log", "20261129-183014.000_r4.log", "20261129-183015.000_r5.log"),
                names(dir.resolve("requests")));
        assertEquals(List.of("20261129-183011.000_r1.log", "20261129-183013.000_r3.log", "20261129-183015.000_r5.log"),
                names(dir.resolve("errors")));
    }

    @Test
    void theCapCountsFilesLeftByAnEarlierRun_andNeverTouchesOtherFiles() throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("20261128-090000.000_old1.log"), "old");
        Files.writeString(dir.resolve("20261128-090001.000_old2.log"), "old");
        Files.writeString(dir.resolve("README.txt"), "operator's notes");
        Files.writeString(dir.resolve("notes.log"), "operator's log");
        RequestFiles files = new RequestFiles(dir, null, 2);
        assertEquals(List.of("20261128-090000.000_old1.log", "20261128-090001.000_old2.log", "README.txt", "notes.log"),
                names(dir));
        files.write(STAMP, "new", "new", false);
        assertEquals(List.of("20261128-090001.000_old2.log", STAMP + "_new.log", "README.txt", "notes.log"), names(dir));
    }

    @Test
    void startingOverAFullerFolder_trimsItToTheCapAtOnce() throws IOException {
        Files.createDirectories(dir);
        for (int i = 0; i < 5; i++) {
            Files.writeString(dir.resolve("20261128-09000" + i + ".000_r.log"), "old");
        }
        new RequestFiles(dir, null, 2);
        assertEquals(List.of("20261128-090003.000_r.log", "20261128-090004.000_r.log"), names(dir));
    }

    private static List<String> names(Path folder) {
        return filesUnder(folder).stream().map(p -> p.getFileName().toString()).toList();
    }
}
