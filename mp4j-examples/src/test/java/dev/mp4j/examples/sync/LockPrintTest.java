package dev.mp4j.examples.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.examples.DemoRunner;
import dev.mp4j.examples.PyTime;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class LockPrintTest {
    @Test
    @Timeout(60)
    void tenNumbersComeOutOneAtATimeHalfASecondApart() throws Exception {
        DemoRunner.Result run = DemoRunner.run("lock-print", Duration.ofSeconds(50));

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderr(), run::toString);
        assertEquals(10, run.lines().size(), run::toString);
        Set<String> numbers = new TreeSet<>(run.texts());
        assertEquals(IntStream.range(0, 10).mapToObj(Integer::toString).collect(Collectors.toCollection(TreeSet::new)),
                numbers, run::toString);

        // Each child sleeps half a (scaled) second holding the lock before it prints, so the next
        // line cannot come sooner than that after the previous one. Without the lock the children
        // would all print about half a second after they start, close together.
        Duration halfSecond = PyTime.SECOND.dividedBy(2);
        List<DemoRunner.Line> lines = run.lines();
        for (int i = 1; i < lines.size(); i++) {
            Duration gap = lines.get(i).at().minus(lines.get(i - 1).at());
            assertTrue(gap.compareTo(halfSecond.minusMillis(50)) >= 0,
                    "only " + gap.toMillis() + " ms between line " + (i - 1) + " and line " + i + "\n" + run);
        }
        // Never joined, still waited for: the main JVM exits after the last child printed.
        assertTrue(run.exitedAt().compareTo(lines.getLast().at()) >= 0, run::toString);
    }
}
