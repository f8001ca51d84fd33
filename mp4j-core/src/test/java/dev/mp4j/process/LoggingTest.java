package dev.mp4j.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.Multiprocessing;
import dev.mp4j.connection.Pipe;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Python's get_logger() and log_to_stderr(): silent by default, Python's format, inherited by children. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LoggingTest {
    @AfterEach
    void off() {
        MpLog.toStderr(null);
    }

    @Test
    void silentUntilTurnedOnThenInPythonsFormat() {
        System.Logger log = Multiprocessing.getLogger();
        assertEquals("multiprocessing", log.getName());
        assertFalse(log.isLoggable(Level.ERROR), "off by default");
        assertFalse(log.isLoggable(Level.OFF), "OFF is never a level records print at");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            log.log(Level.INFO, "not shown");
            log.log(Level.OFF, "not shown either");
            Multiprocessing.logToStderr(Level.INFO);
            log.log(Level.DEBUG, "below the level");
            log.log(Level.OFF, "never shown");
            log.log(Level.INFO, "shown");
            log.log(Level.WARNING, "also {0}", "shown");
        } finally {
            System.setErr(old);
        }
        String me = Multiprocessing.currentProcess().name();
        assertEquals("[INFO/" + me + "] shown\n[WARNING/" + me + "] also shown\n",
                err.toString(StandardCharsets.UTF_8).replace("\r\n", "\n"));
    }

    @Test
    void aChildStartedAfterwardsLogsAtTheSameLevel() throws Exception {
        Multiprocessing.logToStderr(Level.DEBUG);
        Pipe pipe = Pipe.open();
        try {
            var end = pipe.right();
            JvmProcess p = new JvmProcess(() -> end.send(Multiprocessing.getLogger().isLoggable(Level.DEBUG)
                    + " " + Multiprocessing.getLogger().isLoggable(Level.TRACE)));
            p.start();
            assertEquals("true false", pipe.left().recv());
            p.join();
            assertEquals(0, p.exitCode());
            // And one started once it is off again logs nothing.
            MpLog.toStderr(null);
            JvmProcess q = new JvmProcess(() -> end.send(Multiprocessing.getLogger().isLoggable(Level.ERROR)));
            q.start();
            assertEquals(false, pipe.left().recv());
            q.join();
        } finally {
            pipe.left().close();
            pipe.right().close();
        }
    }
}
