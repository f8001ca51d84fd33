package dev.mp4j.examples.thread;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.examples.DemoRunner;
import dev.mp4j.examples.PyTime;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class LoopThreadTest {
    @Test
    @Timeout(60)
    void theNamedThreadCountsToFiveAndTheMainThreadWaitsForIt() throws Exception {
        DemoRunner.Result run = DemoRunner.run("thread-loop", Duration.ofSeconds(50));

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderr(), run::toString);
        assertEquals(List.of("thread main is running...", "thread LoopThread is running...",
                "thread LoopThread >>> 1", "thread LoopThread >>> 2", "thread LoopThread >>> 3",
                "thread LoopThread >>> 4", "thread LoopThread >>> 5", "thread LoopThread ended.",
                "thread main ended."), run.texts(), run::toString);
        // One (scaled) second after each count: five sleeps between the first count and the end.
        Duration counting = run.line("thread LoopThread ended.").at().minus(run.line("thread LoopThread >>> 1").at());
        assertTrue(counting.compareTo(PyTime.SECOND.multipliedBy(5).minusMillis(100)) >= 0, run::toString);
    }
}
