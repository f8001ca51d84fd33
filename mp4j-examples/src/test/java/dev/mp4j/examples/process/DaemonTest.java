package dev.mp4j.examples.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.examples.DemoRunner;
import dev.mp4j.process.JvmProcess;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class DaemonTest {
    @Test
    @Timeout(60)
    void mainPrintsEndAndItsDaemonChildrenAreCutOff() throws Exception {
        // The runner reads until every process holding the demo's stdout has closed it, so a
        // daemon child that survived the main process would show up here.
        DemoRunner.Result run = DemoRunner.run("process-daemon", Duration.ofSeconds(50));

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderrWithoutChildStartupTermination(), run::toString);
        assertEquals(List.of("end"), run.texts(), run::toString);
    }

    @Test
    @Timeout(60)
    void startLaunchesThreeDaemonChildrenThatMainDoesNotWaitFor() throws Exception {
        // What the demo's output cannot show: "end" alone would also come from a start() that
        // launched nothing. Run here, the three are this JVM's children, alive after main returns.
        java.util.Set<JvmProcess> before = java.util.Set.copyOf(JvmProcess.activeChildren());
        Daemon.main(new String[0]);
        java.util.List<JvmProcess> started = JvmProcess.activeChildren().stream().filter(p -> !before.contains(p)).toList();
        try {
            assertEquals(3, started.size(), started::toString);
            for (JvmProcess p : started) {
                assertTrue(p.isDaemon(), p::toString);
                assertTrue(p.name().startsWith("zx-"), p::toString);
                assertTrue(p.pid() != null && p.pid() != ProcessHandle.current().pid(), p::toString);
            }
        } finally {
            started.forEach(JvmProcess::terminate);
            started.forEach(JvmProcess::join);
        }
    }
}
