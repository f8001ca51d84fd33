package dev.mp4j.shm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.testing.Await;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What keeps a segment's name and mapping, and what lets them go. */
@Timeout(60)
class SegmentLifetimeTest {

    @Test
    void unlinkingThroughAnAttachedCopyForgetsTheTreesRecordOfTheName() throws Exception {
        String name = "mp4j-test-forget-" + ProcessHandle.current().pid();
        try (SharedMemory created = SharedMemory.create(name, 4096, true)) {
            try (SharedMemory attached = SharedMemory.attach(name)) {
                attached.unlink();
            }
            assertTrue(!SharedSegment.exists(name));
            // The last word on the name is that it is gone: the tree's end must not remove a
            // later segment of that name, made by someone else.
            List<String> lines = Files.readAllLines(ResourceTracker.registryFile());
            assertEquals("-" + name, lines.stream().filter(l -> l.endsWith(name)).reduce((a, b) -> b).orElseThrow());
        }
    }

    @Test
    void aHoldLeftByAnEarlierProcessWithThisPidDoesNotKeepAHeldSegment() throws Exception {
        // Pids come back: a process that was killed holding the segment may have had this
        // one's pid. Its slot must be forgotten as dead, not skipped as this process's own.
        String name = heldWithAnEarlierProcessesHold();
        assertTrue(Await.until(() -> {
            System.gc();
            return !SharedSegment.exists(name);
        }, Duration.ofSeconds(20)), "the segment was kept for a dead holder with this pid");
    }

    private static String heldWithAnEarlierProcessesHold() {
        HeldSegment held = HeldSegment.create(4096, 0, HeldSegment.NOTHING_TO_DISCARD);
        assertEquals(1, HeldSegment.holders(held.segment(), 0));
        int earlier = Pids.myPid() | (((Pids.MY_OWNER >>> 22) % 255 + 1) << 22);
        // The table's second holder slot (this process took the first).
        held.segment().memory().set(java.lang.foreign.ValueLayout.JAVA_INT, 64 + 4, earlier);
        assertEquals(2, HeldSegment.holders(held.segment(), 0));
        return held.segment().name();
    }

    @Test
    void aCopyThatArrivedAndWasDroppedIsUnmapped() throws Exception {
        try (SharedMemory shm = SharedMemory.create(8192)) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(shm);
            }
            byte[] form = bytes.toByteArray();
            for (int i = 0; i < 2_000; i++) {
                try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(form))) {
                    SharedMemory copy = (SharedMemory) in.readObject();
                    assertEquals(8192, copy.size());
                }
            }
            // Each copy mapped the segment once; unreachable, the mappings must go.
            assertTrue(Await.until(() -> {
                System.gc();
                return mappingsOf(shm.name()) < 50;
            }, Duration.ofSeconds(30)), "mappings left: " + mappingsOf(shm.name()));
            shm.unlink();
        }
    }

    @Test
    void aClosedSegmentIsUnmappedOnceTheBurstOfSegmentWorkIsOver() throws Exception {
        SharedSegment big = SharedSegment.create(8 << 20);
        String name = big.name();
        big.memory().fill((byte) 1);
        big.close();
        big.unlink();
        // Put off while segments are being made (the next mmap would wait for the unmapping) ...
        for (int i = 0; i < 5; i++) {
            SharedSegment s = SharedSegment.create(1 << 20);
            s.close();
            s.unlink();
        }
        // ... but not for long: gone once the process has left segments alone for a moment.
        assertTrue(Await.until(() -> mappingsOf(name) == 0, Duration.ofSeconds(10)),
                "still mapped: " + name);
    }

    @Test
    void onlySegmentsSmallAgainstTheRoomLeftWaitForAPauseToBeUnmapped() {
        long gib = 1L << 30;
        assertTrue(!SharedSegment.unmapsAtOnce(100L << 20, 12 * gib), "100 MiB of 12 GiB free may wait");
        assertTrue(SharedSegment.unmapsAtOnce(40L << 20, 24L << 20), "40 MiB with 24 MiB free (a 64 MiB /dev/shm) goes at once");
        assertTrue(SharedSegment.unmapsAtOnce(gib, 4 * gib));
    }

    private static long mappingsOf(String name) {
        try {
            return Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.contains(name)).count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
