package dev.mp4j.examples.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mp4j.examples.DemoRunner;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class DaemonJoinTimeoutTest {
    @Test
    @Timeout(60)
    void joinGivesUpAtOnceAndTheDaemonDiesWithTheMainProcess() throws Exception {
        DemoRunner.Result run = DemoRunner.run("process-daemon-join-timeout", Duration.ofSeconds(50));

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderrWithoutChildStartupTermination(), run::toString);
        // No child JVM gets to print within 0.1 ms, and the daemon never prints "Piao-1 is piao end".
        assertEquals(List.of("开始"), run.texts(), run::toString);
    }
}
