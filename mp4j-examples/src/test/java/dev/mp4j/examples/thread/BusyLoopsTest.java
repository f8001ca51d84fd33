package dev.mp4j.examples.thread;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.examples.DemoRunner;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class BusyLoopsTest {
    @Test
    @Timeout(60)
    void oneBusyThreadPerCpuEachUsingCpuAndTheTotalReported() throws Exception {
        DemoRunner.Result run = DemoRunner.run("thread-busy-loops", Duration.ofSeconds(50));

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderr(), run::toString);
        int cpus = Runtime.getRuntime().availableProcessors();
        assertEquals(cpus + 2, run.lines().size(), run::toString);
        Matcher first = Pattern.compile("(\\d+) threads, one per CPU, looped for (\\d+\\.\\d\\d) s").matcher(run.texts().getFirst());
        assertTrue(first.matches(), run::toString);
        assertEquals(cpus, Integer.parseInt(first.group(1)), run::toString);
        double wall = Double.parseDouble(first.group(2));
        // Every thread looped (how much of a core each got is the host's to give, not asserted).
        Pattern perThread = Pattern.compile("Thread-\\d+ used (\\d+\\.\\d\\d) s of CPU");
        double total = 0;
        for (String line : run.texts().subList(1, cpus + 1)) {
            Matcher m = perThread.matcher(line);
            assertTrue(m.matches(), () -> line + "\n" + run);
            double used = Double.parseDouble(m.group(1));
            assertTrue(used > 0, () -> "a thread never ran\n" + run);
            total += used;
        }
        Matcher last = Pattern.compile("CPU used: (\\d+)% of (\\d+)%").matcher(run.texts().getLast());
        assertTrue(last.matches(), run::toString);
        assertEquals(100 * cpus, Integer.parseInt(last.group(2)), run::toString);
        // The point of the seed's text: unlike CPython's threads under the GIL (one core at most
        // in all), Java's run at once. With two cores or more they used clearly more than one
        // core's worth of CPU together (about two here; more than 1.2 leaves room for a busy host).
        if (cpus >= 2) {
            assertTrue(total > 1.2 * wall, () -> "the threads never ran at once: " + run);
        }
        // The total is the threads' own figures over the wall time (rounded as printed).
        assertEquals(100 * total / wall, Integer.parseInt(last.group(1)), 100.0 * cpus * 0.02 / wall + 2, run::toString);
    }
}
