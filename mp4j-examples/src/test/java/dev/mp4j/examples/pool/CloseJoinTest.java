package dev.mp4j.examples.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.examples.DemoRunner;
import dev.mp4j.examples.PyTime;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class CloseJoinTest {
    @Test
    @Timeout(90)
    void twentyTasksRunAtMostFourAtATimeAndJoinWaitsForAllOfThem() throws Exception {
        DemoRunner.Result run = DemoRunner.run("pool-close-join", Duration.ofSeconds(80));

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderr(), run::toString);
        assertEquals(2 * CloseJoin.TASKS + 1, run.lines().size(), run::toString);
        // join() returned only after every task had printed its END!.
        assertEquals("ALL IS OVER!", run.texts().getLast(), run::toString);

        // A task prints its number, sleeps, prints END!: between the two it holds a worker. So
        // the numbers printed minus the END!s printed, at any point of the output, is a lower
        // bound on the tasks running at once, and can never pass the pool's four.
        Set<Integer> numbers = new HashSet<>();
        int running = 0;
        int mostRunning = 0;
        for (String text : run.texts().subList(0, run.lines().size() - 1)) {
            if (text.equals("END!")) {
                running--;
                assertTrue(running >= 0, () -> "an END! before its number\n" + run);
            } else {
                assertTrue(numbers.add(Integer.parseInt(text)), () -> text + " printed twice\n" + run);
                running++;
                assertTrue(running <= CloseJoin.PROCESSES, () -> "more tasks at once than workers\n" + run);
                mostRunning = Math.max(mostRunning, running);
            }
        }
        assertEquals(IntStream.range(0, CloseJoin.TASKS).boxed().collect(Collectors.toSet()), numbers, run::toString);
        assertTrue(mostRunning >= 2, () -> "the pool never ran two tasks side by side\n" + run);

        // Twenty two-second sleeps, at most four at a time: at least five rounds; side by side,
        // well under the forty seconds one after the other would take.
        Duration oneTask = PyTime.SECOND.multipliedBy(2);
        Duration total = run.line("ALL IS OVER!").at().minus(run.lines().getFirst().at());
        assertTrue(total.compareTo(oneTask.multipliedBy(CloseJoin.TASKS / CloseJoin.PROCESSES).minusMillis(100)) >= 0,
                () -> "too fast for four workers: " + total + "\n" + run);
        assertTrue(total.compareTo(oneTask.multipliedBy(CloseJoin.TASKS).multipliedBy(3).dividedBy(4)) < 0,
                () -> "not side by side: " + total + "\n" + run);
    }
}
