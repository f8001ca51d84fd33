package dev.mp4j.shm;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

    @Test
    @Timeout(30)
    void anOwnerWordNamesThisJvmNotAnEarlierProcessWithItsPid() throws Exception {
        int pid = Pids.myPid();
        int tag = Pids.MY_OWNER >>> 22;
        assertTrue(tag >= 1 && tag <= 255, "tag " + tag);
        assertEquals(pid, Pids.MY_OWNER & Pids.PID_BITS);
        assertTrue(Pids.ownerAlive(Pids.MY_OWNER));
        assertFalse(Pids.ownerAlive(pid | ((tag % 255 + 1) << 22)), "an earlier process with this pid counts as alive");
        assertTrue(Pids.ownerAlive(pid), "this process, named by its pid alone, counts as gone");

        Process sleeper = new ProcessBuilder("sleep", "30").start();
        int other = (int) sleeper.pid();
        try {
            assertTrue(Pids.ownerAlive(other | (17 << 22)), "another live process counts as gone");
            assertTrue(Pids.ownerAlive(other));
        } finally {
            sleeper.destroyForcibly();
            assertTrue(sleeper.waitFor(10, TimeUnit.SECONDS));
        }
        if (ProcessHandle.of(other).isEmpty()) {
            assertTrue(Await.until(() -> !Pids.ownerAlive(other | (17 << 22)), Duration.ofSeconds(5)),
                    "a reaped child counts as alive");
        }
    }
}
