package dev.mp4j.examples.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mp4j.examples.DemoRunner;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class TerminateIsAliveTest {
    @Test
    @Timeout(60)
    void aliveRightAfterTerminateDeadAMomentLaterAndNothingPrintedByTheChild() throws Exception {
        DemoRunner.Result run = DemoRunner.run("process-terminate", Duration.ofSeconds(50));

        assertEquals(0, run.exitCode(), run::toString);
        // The child is terminated while its JVM starts (see the helper for what that may print).
        assertEquals("", run.stderrWithoutChildStartupTermination(), run::toString);
        assertEquals(List.of("True", "开始", "False"), run.texts(), run::toString);
    }
}
