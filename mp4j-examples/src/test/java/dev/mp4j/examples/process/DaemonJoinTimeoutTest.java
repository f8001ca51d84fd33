package dev.mp4j.examples.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.examples.DemoRunner;
import dev.mp4j.process.JvmProcess;
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

    @Test
    @Timeout(60)
    void startLaunchesTheDaemonAndTheJoinGivesUpAtOnce() throws Exception {
        // What the demo's output cannot show: "开始" alone would also come from a start() that
        // launched nothing. Run here, the daemon is this JVM's child, alive after main returns.
        java.util.Set<JvmProcess> before = java.util.Set.copyOf(JvmProcess.activeChildren());
        DaemonJoinTimeout.main(new String[0]);
        // Still alive (activeChildren lists the living): join(0.0001) did not wait for the
        // child's one or two (scaled) seconds of sleep.
        java.util.List<JvmProcess> started = JvmProcess.activeChildren().stream().filter(p -> !before.contains(p)).toList();
        try {
            assertEquals(1, started.size(), started::toString);
            assertTrue(started.getFirst().isDaemon());
            assertTrue(started.getFirst().name().startsWith("Piao-"), started::toString);
        } finally {
            started.forEach(JvmProcess::terminate);
            started.forEach(JvmProcess::join);
        }
    }
}
