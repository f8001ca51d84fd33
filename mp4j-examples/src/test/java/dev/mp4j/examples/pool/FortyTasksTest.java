package dev.mp4j.examples.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.examples.DemoRunner;
import dev.mp4j.examples.PyTime;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class FortyTasksTest {
    @Test
    @Timeout(90)
    void fortyTasksFourAtATimeThenTheMainProcessSaysItIsDone() throws Exception {
        DemoRunner.Result run = DemoRunner.run("pool-forty-tasks", Duration.ofSeconds(80));

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderr(), run::toString);
        assertEquals(FortyTasks.TASKS + 1, run.lines().size(), run::toString);
        assertEquals("搬砖结束", run.texts().getLast(), run::toString);
        List<DemoRunner.Line> numbers = run.lines().subList(0, FortyTasks.TASKS);
        assertEquals(IntStream.range(0, FortyTasks.TASKS).boxed().collect(Collectors.toSet()),
                numbers.stream().map(l -> Integer.parseInt(l.text())).collect(Collectors.toSet()), run::toString);

        // Each task prints as it ends, half a second after it began. Five prints within less than
        // half a second would mean five tasks were running at once, one more than the workers; so
        // any five consecutive lines span about half a second (less some output jitter).
        Duration halfSecond = PyTime.SECOND.dividedBy(2);
        for (int k = 0; k + FortyTasks.PROCESSES < numbers.size(); k++) {
            Duration span = numbers.get(k + FortyTasks.PROCESSES).at().minus(numbers.get(k).at());
            int first = k;
            assertTrue(span.compareTo(halfSecond.minusMillis(150)) >= 0,
                    () -> "lines " + first + ".." + (first + FortyTasks.PROCESSES) + " came within " + span
                            + ": more tasks at once than workers\n" + run);
        }
        // Side by side: far less than forty half-seconds one after the other.
        Duration total = numbers.getLast().at().minus(numbers.getFirst().at());
        assertTrue(total.compareTo(halfSecond.multipliedBy(FortyTasks.TASKS).multipliedBy(3).dividedBy(4)) < 0,
                () -> "not side by side: " + total + "\n" + run);
    }
}
