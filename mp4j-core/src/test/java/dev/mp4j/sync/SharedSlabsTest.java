package dev.mp4j.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.process.JvmProcess;
import dev.mp4j.shm.ResourceTracker;
import dev.mp4j.shm.SharedSegment;
import dev.mp4j.shm.SharedSlabs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Primitives' records share slabs of shared memory, and work as one record each across processes. */
@Timeout(60)
class SharedSlabsTest {

    private static long segmentsOfThisTree() throws IOException {
        try (Stream<Path> files = Files.list(SharedSegment.DIRECTORY)) {
            return files.filter(f -> f.getFileName().toString().startsWith(ResourceTracker.treePrefix())).count();
        }
    }

    @Test
    void manyPrimitivesTakeAFewSegmentsNotOneEach() throws Exception {
        long before = segmentsOfThisTree();
        List<Object> keep = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            keep.add(ProcessLock.create());
            keep.add(ProcessEvent.create());
            keep.add(ProcessSemaphore.create(i));
            keep.add(dev.mp4j.shared.Value.ofLong(i));
        }
        long added = segmentsOfThisTree() - before;
        // 4,000 records of 128 bytes (with their alignment): eight slabs at most; one more of
        // slack for an unrelated segment.
        assertTrue(added <= 9, added + " segments for 4,000 primitives");
        assertEquals(4000, keep.size());
    }

    @Test
    void neighboursInASlabAreSeparatePrimitivesInEveryProcess() throws Exception {
        List<ProcessSemaphore> semaphores = new ArrayList<>();
        List<ProcessEvent> events = new ArrayList<>();
        List<dev.mp4j.shared.IntValue> values = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            semaphores.add(ProcessSemaphore.create(i));
            events.add(ProcessEvent.create());
            values.add(dev.mp4j.shared.Value.ofInt(1000 + i));
        }
        JvmProcess child = new JvmProcess(() -> {
            for (int i = 0; i < semaphores.size(); i++) {
                if (semaphores.get(i).value() != i) {
                    throw new IllegalStateException("semaphore " + i + " reads " + semaphores.get(i).value());
                }
                semaphores.get(i).release();
                dev.mp4j.shared.IntValue v = values.get(i);
                v.getLock().lock();
                try {
                    v.set(v.get() * 2);
                } finally {
                    v.getLock().unlock();
                }
                if (i % 3 == 0) {
                    events.get(i).set();
                }
            }
        });
        child.start();
        try {
            assertTrue(child.join(Duration.ofSeconds(50)), "the child did not get through the primitives");
            assertEquals(0, child.exitCode());
        } finally {
            if (child.isAlive()) {
                child.kill();
            }
        }
        for (int i = 0; i < 300; i++) {
            assertEquals(i + 1, semaphores.get(i).value(), "semaphore " + i);
            assertEquals(i % 3 == 0, events.get(i).isSet(), "event " + i);
            assertEquals(2 * (1000 + i), values.get(i).get(), "value " + i);
        }
    }

    @Test
    void aSlabIsMappedOncePerProcessAndARecordOutsideItIsRefused() throws Exception {
        SharedSegment other = SharedSegment.create(65536L);
        try {
            dev.mp4j.shm.HeldSegment held = SharedSlabs.attach(other.name());
            assertSame(held, SharedSlabs.attach(other.name()), "a slab was mapped twice");
            SharedSegment first = held.segment();
            SharedSlabs.checkPlace(first, 128, 64, "a lock");
            assertThrows(java.io.InvalidObjectException.class,
                    () -> SharedSlabs.checkPlace(first, 65536L - 32, 64, "a lock"));
            assertThrows(java.io.InvalidObjectException.class, () -> SharedSlabs.checkPlace(first, -128, 64, "a lock"));
            assertThrows(java.io.InvalidObjectException.class, () -> SharedSlabs.checkPlace(first, 3, 64, "a lock"));
            assertThrows(java.io.InvalidObjectException.class, () -> SharedSlabs.checkPlace(first, 128, 0, "a lock"));
            SharedSlabs.checkPlace(first, 65536L - 64, 64, "the last lock");
            // An offset whose end overflows a long: refused, not taken for a small one.
            assertThrows(java.io.InvalidObjectException.class,
                    () -> SharedSlabs.checkPlace(first, Long.MAX_VALUE - 127, 128, "a lock"));
            assertThrows(IllegalArgumentException.class, () -> SharedSlabs.allocate(0));
        } finally {
            other.unlink();
            other.close();
        }
    }

    @Test
    void fullSlabsWhoseRecordsAreAllDroppedGo() throws Exception {
        // 10,000 locks and values, each dropped at once: some twenty slabs, of which only the
        // one being filled stays (plus one of slack for an unrelated segment).
        long before = segmentsOfThisTree();
        for (int i = 0; i < 5000; i++) {
            ProcessLock lock = ProcessLock.create();
            lock.lock();
            lock.unlock();
            dev.mp4j.shared.Value.ofLong(i).incrementAndGet();
        }
        atMostAddedOnceCollected(before, 2, "full slabs of dropped records");
    }

    /** Collects until at most {@code most} segments more than {@code before} are left, within a bound. */
    private static void atMostAddedOnceCollected(long before, long most, String what) throws InterruptedException {
        assertTrue(dev.mp4j.testing.Await.until(() -> {
            System.gc();
            try {
                return segmentsOfThisTree() - before <= most;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, Duration.ofSeconds(20)), () -> what + " left: " + count() + " segments, " + before + " before");
    }

    private static java.util.Set<String> segmentNamesOfThisTree() throws IOException {
        try (Stream<Path> files = Files.list(SharedSegment.DIRECTORY)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith(ResourceTracker.treePrefix()))
                    .collect(java.util.stream.Collectors.toSet());
        }
    }

    @Test
    void recordsOfASlabSentInOneCopyTakeOneTokenAndTheSlabStillGoes() throws Exception {
        // 600 values in one list to a child: one token per slab for the copy, not one per value
        // (64 tokens would pin the slab until the tree ends).
        java.util.Set<String> before = segmentNamesOfThisTree();
        summedByAChild(600);
        for (int i = 0; i < 1200; i++) {
            ProcessLock.create(); // fills and leaves the slabs the values are in
        }
        onlyTheSlabBeingFilledLeftOnceCollected(before);
    }

    @Test
    void valuesOfOneSlabInOnePoolJobTakeOneTokenAndTheSlabStillGoes() throws Exception {
        // The items of a job are serialized one by one but read together: one token per slab.
        java.util.Set<String> before = segmentNamesOfThisTree();
        try (dev.mp4j.pool.ProcessPool pool = dev.mp4j.pool.ProcessPool.create(1)) {
            readByAPoolWorker(pool, 600);
        }
        for (int i = 0; i < 1200; i++) {
            ProcessLock.create(); // fills and leaves the slabs the values are in
        }
        onlyTheSlabBeingFilledLeftOnceCollected(before);
    }

    private static void readByAPoolWorker(dev.mp4j.pool.ProcessPool pool, int n) throws Exception {
        List<dev.mp4j.shared.IntValue> values = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            values.add(dev.mp4j.shared.Value.ofInt(i));
        }
        List<Integer> got = pool.map(v -> v.get(), values, n);
        assertEquals(n - 1, got.get(n - 1));
    }

    /** Collects until, of the segments made since {@code before}, at most one (the slab being filled) is left. */
    private static void onlyTheSlabBeingFilledLeftOnceCollected(java.util.Set<String> before) throws InterruptedException {
        assertTrue(dev.mp4j.testing.Await.until(() -> {
            System.gc();
            try {
                java.util.Set<String> left = segmentNamesOfThisTree();
                left.removeAll(before);
                return left.size() <= 1;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, Duration.ofSeconds(20)), () -> "slabs made here and left: " + count());
    }

    private static void summedByAChild(int n) throws Exception {
        List<dev.mp4j.shared.IntValue> values = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            values.add(dev.mp4j.shared.Value.ofInt(i));
        }
        dev.mp4j.shared.IntValue sum = dev.mp4j.shared.Value.ofInt(0);
        JvmProcess child = new JvmProcess(() -> {
            int total = 0;
            for (dev.mp4j.shared.IntValue v : values) {
                total += v.get();
            }
            sum.set(total);
        });
        child.start();
        child.join();
        assertEquals(0, child.exitCode());
        assertEquals(n * (n - 1) / 2, sum.get());
    }

    @Test
    void conditionsMadeAndDroppedLeaveNoSegmentsBehind() throws Exception {
        // A condition's wait slots (8 KiB) are too large for a slab: a segment each, which goes
        // once no process holds it.
        long before = segmentsOfThisTree();
        for (int i = 0; i < 100; i++) {
            signalledByAChildOnce(i < 2);
        }
        atMostAddedOnceCollected(before, 2, "conditions");
    }

    private static String count() {
        try {
            return String.valueOf(segmentsOfThisTree());
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Makes a condition and, the first times, has a child wait on it and this process signal it. */
    private static void signalledByAChildOnce(boolean withChild) throws Exception {
        ProcessLock lock = ProcessLock.create();
        ProcessCondition condition = ProcessCondition.create(lock);
        if (!withChild) {
            return;
        }
        dev.mp4j.shared.IntValue state = dev.mp4j.shared.Value.ofInt(0);
        JvmProcess child = new JvmProcess(() -> {
            lock.lock();
            try {
                state.set(1);
                condition.signalAll();
                if (!condition.awaitFor(() -> state.get() == 2, Duration.ofSeconds(30))) {
                    throw new IllegalStateException("not signalled");
                }
            } finally {
                lock.unlock();
            }
        });
        child.start();
        lock.lock();
        try {
            assertTrue(condition.awaitFor(() -> state.get() == 1, Duration.ofSeconds(30)));
            state.set(2);
            condition.signalAll();
        } finally {
            lock.unlock();
        }
        child.join();
        assertEquals(0, child.exitCode());
    }
}
