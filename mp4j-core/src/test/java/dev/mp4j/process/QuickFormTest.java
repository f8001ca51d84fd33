package dev.mp4j.process;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.Multiprocessing;
import dev.mp4j.serial.ProcessTarget;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class QuickFormTest {
    private static final AtomicReference<String> SEEN = new AtomicReference<>();

    @Test
    void aLambdaCapturingSimpleValuesRoundTripsWithItsProcessFields() throws Exception {
        int n = 7;
        long big = 1L << 40;
        double x = 2.5;
        boolean flag = true;
        String s = "héllo";
        byte[] raw = {1, 2, 3};
        String none = null;
        ProcessTarget target = () -> SEEN.set(n + " " + big + " " + x + " " + flag + " " + s + " " + raw.length + " " + none);
        byte[] quick = QuickForm.encode(target, new int[] {3, 4}, "Quick-3:4", Boolean.TRUE, 42L);
        assertNotNull(quick, "a lambda capturing only simple values takes the quick form");
        assertEquals(QuickForm.TAG, quick[0]);
        JvmProcess back = QuickForm.decode(quick);
        assertEquals("Quick-3:4", back.name());
        assertTrue(back.isDaemon());
        back.run();
        assertEquals("7 1099511627776 2.5 true héllo 3 null", SEEN.get());
    }

    @Test
    void otherTargetsKeepTheObjectStream() {
        List<Integer> list = new ArrayList<>(List.of(1, 2));
        ProcessTarget capturesAList = () -> SEEN.set(list.toString());
        assertNull(QuickForm.encode(capturesAList, new int[] {1}, "P", null, 1L));
        assertNull(QuickForm.encode(new NotALambda(), new int[] {1}, "P", null, 1L));
        assertNull(QuickForm.encode(null, new int[] {1}, "P", null, 1L));
    }

    /** A real child started from the quick form runs its lambda with its captures and its name. */
    @Test
    @Timeout(60)
    void aChildStartedFromTheQuickFormRunsWithItsCapturesAndName(@TempDir Path dir) throws Exception {
        String out = dir.resolve("out.txt").toString();
        int n = 41;
        byte[] raw = "bytes".getBytes(StandardCharsets.US_ASCII);
        JvmProcess p = new JvmProcess(() -> Files.writeString(Path.of(out),
                Multiprocessing.currentProcess().name() + " " + (n + 1) + " " + new String(raw, StandardCharsets.US_ASCII)),
                "quick-child");
        p.start();
        p.join();
        assertEquals(0, p.exitCode());
        assertEquals("quick-child 42 bytes", Files.readString(Path.of(out)));
        assertArrayEquals("bytes".getBytes(StandardCharsets.US_ASCII), raw);
    }

    private static final class NotALambda implements ProcessTarget {
        private static final long serialVersionUID = 1L;

        @Override
        public void run() {
        }
    }
}
