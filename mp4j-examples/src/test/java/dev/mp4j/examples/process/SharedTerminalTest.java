package dev.mp4j.examples.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mp4j.examples.DemoRunner;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class SharedTerminalTest {
    @Test
    @Timeout(120)
    void everyLoggerPrintsItsDefaultNameOnALineOfItsOwn() throws Exception {
        DemoRunner.Result run = DemoRunner.run("process-shared-terminal", Duration.ofSeconds(100));

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderr(), run::toString);
        // Each name once and each line whole: no two processes' output run together on one line.
        Set<String> expected = IntStream.rangeClosed(1, SharedTerminal.PROCESSES).mapToObj(i -> "Logger-" + i)
                .collect(Collectors.toSet());
        assertEquals(SharedTerminal.PROCESSES, run.lines().size(), run::toString);
        assertEquals(expected, new HashSet<>(run.texts()), run::toString);
    }
}
