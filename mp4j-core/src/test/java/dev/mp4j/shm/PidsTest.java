package dev.mp4j.shm;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.testing.Await;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class PidsTest {
    /**
     * Once the futex calls are linked, liveness is one kill(pid, 0) (no /proc reads): it must
     * still tell a live process from one that has gone, and agree with ProcessHandle.
     */
    @Test
    @Timeout(30)
    void tellsALiveProcessFromAGoneOneThroughTheLinkedCall() throws Exception {
        Futex.prepare();
        assertTrue(Await.until(Futex::available, Duration.ofSeconds(20)), "the futex call was not linked within 20 s");
        int self = (int) ProcessHandle.current().pid();
        assertNotNull(Futex.processExists(self), "the linked call is not in use");
        assertTrue(Pids.alive(self));

        Process sleeper = new ProcessBuilder("sleep", "30").start();
        int pid = (int) sleeper.pid();
        try {
            assertTrue(Pids.alive(pid), "a running child counts as alive");
        } finally {
            sleeper.destroyForcibly();
            assertTrue(sleeper.waitFor(10, TimeUnit.SECONDS));
        }
        // Reaped (waitFor): the pid names nothing now, unless the system reused it at once. A
        // live answer is trusted for 20 ms, so the death shows within that.
        if (ProcessHandle.of(pid).isEmpty()) {
            assertTrue(Await.until(() -> !Pids.alive(pid), Duration.ofSeconds(5)), "a reaped child counts as gone");
        }
    }
}
