package dev.mp4j.examples.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.examples.DemoRunner;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class PidsTest {
    private static final Pattern LINE = Pattern.compile("(zx-\\d)的PID为(\\d+),他的fu进程PID为(\\d+)");

    @Test
    @Timeout(60)
    void threeDistinctPidsAllWithTheMainProcessAsParent() throws Exception {
        DemoRunner.Result run = DemoRunner.run("process-pids", Duration.ofSeconds(50));

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderr(), run::toString);
        assertEquals(3, run.lines().size(), run::toString);
        Set<String> names = new HashSet<>();
        Set<Long> pids = new HashSet<>();
        for (DemoRunner.Line line : run.lines()) {
            Matcher m = LINE.matcher(line.text());
            assertTrue(m.matches(), () -> "unexpected line: " + line.text() + "\n" + run);
            names.add(m.group(1));
            long pid = Long.parseLong(m.group(2));
            assertNotEquals(run.pid(), pid, run::toString);
            pids.add(pid);
            assertEquals(run.pid(), Long.parseLong(m.group(3)), () -> "the parent must be the main process\n" + run);
        }
        assertEquals(Set.of("zx-1", "zx-2", "zx-3"), names, run::toString);
        assertEquals(3, pids.size(), () -> "the three processes must have distinct PIDs\n" + run);
        // Not joined, yet waited for: the main JVM exits after the children have printed.
        assertTrue(run.exitedAt().compareTo(run.lines().getLast().at()) >= 0, run::toString);
    }
}
