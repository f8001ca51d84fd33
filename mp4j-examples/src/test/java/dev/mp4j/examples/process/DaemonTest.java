package dev.mp4j.examples.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mp4j.examples.DemoRunner;
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
}
