package dev.mp4j.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.testing.JavaRunner;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A queue whose ring cannot get its pages because /dev/shm is full (a container's default
 * /dev/shm is 64 MiB): a put is refused with a clear error, and nothing is lost. Runs the
 * scenario in a JVM of its own with a private 24 MiB /dev/shm (a mount namespace: needs root
 * and {@code unshare}; skipped without them).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FullShmTest {
    private static final List<String> SMALL_SHM = List.of("unshare", "--mount", "--propagation", "private", "sh", "-c",
            "mount -t tmpfs -o size=24m tmpfs /dev/shm && exec \"$0\" \"$@\"");

    @Test
    void aPutThatFindsDevShmFullIsRefusedPromptlyWithAClearErrorAndNothingIsLost() throws Exception {
        JavaRunner.Result probe = JavaRunner.runThrough(Duration.ofSeconds(60), SMALL_SHM, Probe.class);
        Assumptions.assumeTrue(probe.exitCode() == 0 && probe.stdout().contains("24"),
                "no private /dev/shm here (needs root and unshare): " + probe.stderr());
        JavaRunner.Result r = JavaRunner.runThrough(Duration.ofSeconds(90), SMALL_SHM, FullShmScenario.class);
        String out = r.stdout() + r.stderr();
        assertEquals(0, r.exitCode(), out);
        assertTrue(r.stdout().contains("OK ") && r.stdout().contains(" true true 7 204800 prompt"), out);
    }

    /** Prints the size of its /dev/shm in MiB. */
    public static final class Probe {
        public static void main(String[] args) throws Exception {
            System.out.println(java.nio.file.Files.getFileStore(java.nio.file.Path.of("/dev/shm")).getTotalSpace() >> 20);
        }
    }
}
