package dev.mp4j.examples.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.examples.DemoRunner;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class SharedFileTest {
    @Test
    @Timeout(60)
    void fiveProcessesEachAppendTheirNumberToTheSameFile() throws Exception {
        DemoRunner.Result run = DemoRunner.run("process-shared-file", Duration.ofSeconds(50));

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderr(), run::toString);
        assertEquals(1, run.lines().size(), run::toString);
        String text = run.lines().getFirst().text();
        assertTrue(text.startsWith("a.txt: "), run::toString);
        String content = text.substring("a.txt: ".length());
        // Every child's write is there, once, none lost to another's.
        String sorted = content.chars().sorted().mapToObj(c -> String.valueOf((char) c)).collect(Collectors.joining());
        assertEquals("01234", sorted, run::toString);
    }

    @Test
    @Timeout(60)
    void workAppendsToWhatIsThere() throws Exception {
        java.nio.file.Path f = java.nio.file.Files.createTempFile("mp4j-shared-file-", ".txt");
        try {
            for (String msg : List.of("3", "1", "4")) {
                SharedFile.work(f.toString(), msg);
            }
            assertEquals("314", java.nio.file.Files.readString(f));
        } finally {
            java.nio.file.Files.deleteIfExists(f);
        }
    }
}
