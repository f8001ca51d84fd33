package dev.mp4j.examples.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.examples.DemoRunner;
import dev.mp4j.examples.PyTime;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ApplyAsyncGetTest {
    @Test
    @Timeout(60)
    void theResultOfTheAsynchronousTaskIsPrintedAfterItsThreeSecondSleep() throws Exception {
        DemoRunner.Result run = DemoRunner.run("pool-apply-async-get", Duration.ofSeconds(50));

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderr(), run::toString);
        assertEquals(List.of("开工啦...", "4"), run.texts(), run::toString);
        // get() after join(): the square of 2 comes once the worker has slept its three seconds.
        Duration waited = run.line("4").at().minus(run.line("开工啦...").at());
        assertTrue(waited.compareTo(PyTime.SECOND.multipliedBy(3).minusMillis(100)) >= 0,
                () -> "the result came after " + waited + "\n" + run);
    }
}
