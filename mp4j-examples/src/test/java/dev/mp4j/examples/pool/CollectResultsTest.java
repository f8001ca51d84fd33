package dev.mp4j.examples.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.examples.DemoRunner;
import dev.mp4j.examples.PyTime;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class CollectResultsTest {
    @Test
    @Timeout(60)
    void theMainProcessPrintsAllTenSquaresInOrderOnceThePoolIsDone() throws Exception {
        DemoRunner.Result run = DemoRunner.run("pool-collect-results", Duration.ofSeconds(50));

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderr(), run::toString);
        assertEquals(List.of("[0, 1, 4, 9, 16, 25, 36, 49, 64, 81]"), run.texts(), run::toString);
        // Ten one-second tasks on four workers take at least three rounds before the list exists.
        Duration rounds = PyTime.SECOND.multipliedBy(
                (CollectResults.TASKS + CollectResults.PROCESSES - 1) / CollectResults.PROCESSES);
        assertTrue(run.lines().getFirst().at().compareTo(rounds) >= 0, run::toString);
        // And they ran side by side: one after the other they would take all ten seconds.
        assertTrue(run.lines().getFirst().at().compareTo(PyTime.SECOND.multipliedBy(CollectResults.TASKS)) < 0,
                () -> "the tasks did not run in parallel\n" + run);
    }
}
