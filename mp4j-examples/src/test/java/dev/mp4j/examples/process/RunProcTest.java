package dev.mp4j.examples.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.examples.DemoRunner;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class RunProcTest {
    @Test
    @Timeout(60)
    void joinPutsTheChildsLineBeforeProcessEnd() throws Exception {
        DemoRunner.Result run = DemoRunner.run("process-run-proc", Duration.ofSeconds(50));

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderr(), run::toString);
        List<String> texts = run.texts();
        assertEquals(4, texts.size(), run::toString);
        assertEquals("Parent process " + run.pid() + ".", texts.get(0), run::toString);
        assertEquals("Process will start.", texts.get(1), run::toString);
        assertTrue(texts.get(2).matches("Run child process test \\(\\d+\\)\\.\\.\\."), run::toString);
        long childPid = Long.parseLong(texts.get(2).replaceAll("\\D", ""));
        assertNotEquals(run.pid(), childPid, () -> "run_proc ran in the main process\n" + run);
        assertEquals("Process end.", texts.get(3), run::toString);
    }
}
