package dev.mp4j.examples.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.examples.DemoRunner;
import dev.mp4j.examples.PyTime;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class NamePidTest {
    @Test
    @Timeout(60)
    void theNameSetAfterSuperSticksAndThePidIsKnownAtOnce() throws Exception {
        DemoRunner.Result run = DemoRunner.run("process-name-pid", Duration.ofSeconds(50));

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderr(), run::toString);
        List<String> texts = run.texts();
        assertEquals(4, texts.size(), run::toString);
        // The main process's two lines come before the child's JVM is up.
        assertEquals("开始", texts.get(0), run::toString);
        assertTrue(texts.get(1).matches("\\d+"), run::toString);
        assertNotEquals(run.pid(), Long.parseLong(texts.get(1)), () -> "the pid printed is the main process's own\n" + run);
        // egon, not Piao-1: the name given after super() sticks.
        DemoRunner.Line piaoing = run.line("egon is piaoing");
        DemoRunner.Line end = run.line("egon is piao end");
        assertTrue(end.at().minus(piaoing.at()).compareTo(PyTime.SECOND.minusMillis(100)) >= 0, run::toString);
    }

    @Test
    @Timeout(60)
    void thePidPrintedIsTheChildsOwn() throws Exception {
        // Any number but the main process's would pass above: run here, the child is this JVM's.
        dev.mp4j.examples.InThisJvm.Run run = dev.mp4j.examples.InThisJvm.run(() -> NamePid.main(new String[0]));
        List<dev.mp4j.process.JvmProcess> started = run.leftRunning();
        assertEquals(1, started.size(), started::toString);
        assertEquals("egon", started.getFirst().name());
        assertEquals(List.of("开始", String.valueOf(started.getFirst().pid())), run.printed());
    }
}
