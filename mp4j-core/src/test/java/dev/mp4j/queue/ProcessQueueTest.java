package dev.mp4j.queue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.connection.Connection;
import dev.mp4j.connection.Pipe;
import dev.mp4j.process.JvmProcess;
import dev.mp4j.serial.NotSerializableValueException;
import dev.mp4j.testing.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ProcessQueueTest {

    @Test
    void itemsPutByThreeChildrenAreAllTaken() throws Exception {
        ProcessQueue<Integer> q = ProcessQueue.create();
        List<JvmProcess> ps = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int n = i;
            JvmProcess p = new JvmProcess(() -> q.put(n * n + 6));
            p.start();
            ps.add(p);
        }
        Set<Integer> got = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            got.add(q.take());
        }
        assertEquals(Set.of(6, 7, 10), got);
        ps.forEach(JvmProcess::join);
        assertTrue(q.isEmpty());
    }

    @Test
    void byteArraysTravelWhole() throws Exception {
        ProcessQueue<byte[]> q = ProcessQueue.create();
        JvmProcess p = new JvmProcess(() -> {
            q.put(new byte[0]);
            byte[] big = new byte[100_000];
            for (int i = 0; i < big.length; i++) {
                big[i] = (byte) (i * 31);
            }
            q.put(big);
            q.put(new byte[] {7});
        });
        p.start();
        assertEquals(0, q.take().length);
        byte[] big = q.take();
        assertEquals(100_000, big.length);
        for (int i = 0; i < big.length; i++) {
            assertEquals((byte) (i * 31), big[i]);
        }
        assertEquals(7, q.take()[0]);
        p.join();
    }

    @Test
    void oneProducersOrderIsKept() throws Exception {
        ProcessQueue<Integer> q = ProcessQueue.create();
        JvmProcess p = new JvmProcess(() -> {
            for (int i = 0; i < 10_000; i++) {
                q.put(i);
            }
        });
        p.start();
        for (int i = 0; i < 10_000; i++) {
            assertEquals(i, q.take());
        }
        p.join();
    }

    @Test
    void aProducerThatExitsBeforeAnyoneDrainsNeverDeadlocks() throws Exception {
        ProcessQueue<String> q = ProcessQueue.create();
        JvmProcess p = new JvmProcess(() -> q.put("X".repeat(1_000_000)));
        p.start();
        assertTrue(p.join(Duration.ofSeconds(30)), "the producer should exit without waiting for a consumer");
        assertEquals(0, p.exitCode());
        assertEquals(1_000_000, q.take().length());
    }

    @Test
    void aProducerThatPutsMoreThanTheRingHoldsAndIsJoinedFirstNeverDeadlocks() throws Exception {
        // CPython's trap, past the ring: 20 items of 100 KB (and small ones between them) into a
        // 256 KiB ring, the producer joined before anything is taken. The first items go into
        // the ring; those that find no room are spilled into segments of their own, and so is
        // one larger than the ring. All arrive, in order, and no segment is left behind.
        ProcessQueue<Object> q = ProcessQueue.create(0, 256 * 1024, 1 << 20);
        long segmentsBefore = treeSegments();
        JvmProcess p = new JvmProcess(() -> {
            for (int i = 0; i < 20; i++) {
                byte[] item = new byte[100_000];
                java.util.Arrays.fill(item, (byte) i);
                q.put(item);
                q.put("after " + i);
            }
            q.put("X".repeat(300_000));
        });
        p.start();
        assertTrue(p.join(Duration.ofSeconds(30)), "the producer should exit without waiting for a consumer");
        assertEquals(0, p.exitCode());
        assertEquals(41, q.qsize());
        for (int i = 0; i < 20; i++) {
            byte[] item = (byte[]) q.take();
            assertEquals(100_000, item.length);
            assertEquals((byte) i, item[0]);
            assertEquals((byte) i, item[99_999]);
            assertEquals("after " + i, q.take());
        }
        assertEquals(300_000, ((String) q.take()).length());
        assertTrue(q.empty());
        assertEquals(segmentsBefore, treeSegments(), "a spilled item's segment was left behind");
    }

    @Test
    void aProducerKilledWhileSpillingAnItemLeavesNoSegmentBehind() throws Exception {
        // An item larger than the ring is spilled into a segment of its own. The producer is
        // killed while it copies 200 MB in: nobody else knows that segment's name, so the next
        // producer's repair must remove it (and give back the item's count).
        ProcessQueue<byte[]> q = ProcessQueue.create(0, 64 * 1024, 256L << 20);
        java.nio.file.Path shm = java.nio.file.Path.of("/dev/shm");
        String prefix = dev.mp4j.testing.Segments.prefixOf(q.name());
        Set<String> before = segmentsLike(prefix);
        JvmProcess producer = new JvmProcess(() -> q.put(new byte[200 << 20]));
        producer.start();
        String spill = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (spill == null && System.nanoTime() < deadline) {
            Set<String> now = segmentsLike(prefix);
            now.removeAll(before);
            spill = now.stream().findFirst().orElse(null);
            if (spill == null) {
                Thread.onSpinWait();
            }
        }
        assertTrue(spill != null, "the producer never spilled");
        producer.kill();
        producer.join();
        q.put(new byte[] {42});
        byte[] first = q.take();
        if (first.length == 1) {
            // Killed mid-copy (the usual case): the item is gone, and so is its segment.
            assertArrayEquals(new byte[] {42}, first);
            assertFalse(java.nio.file.Files.exists(shm.resolve(spill)), "the dead producer's spill segment was left behind");
        } else {
            // The copy won the race and the reference went out: the item arrives whole instead.
            assertEquals(200 << 20, first.length);
            assertArrayEquals(new byte[] {42}, q.take());
        }
        assertTrue(q.empty());
        assertFalse(java.nio.file.Files.exists(shm.resolve(spill)), "a spill segment outlived its item");
    }

    @Test
    void aConsumerKilledWhileCopyingASpilledItemOutLeavesNoSegmentBehindAndTheCountsRight() throws Exception {
        // A 200 MB item is spilled (it is larger than the ring); a child consumer takes it and is
        // killed while it copies the item out. The item is lost with it, but its segment must not
        // stay, nor its count, nor (a joinable queue) its task.
        JoinableProcessQueue<byte[]> q = JoinableProcessQueue.create(0, 64 * 1024, 256L << 20);
        String prefix = dev.mp4j.testing.Segments.prefixOf(q.name());
        Set<String> before = segmentsLike(prefix);
        q.put(new byte[200 << 20]);
        assertEquals(1, q.qsize());
        Set<String> spilled = segmentsLike(prefix);
        spilled.removeAll(before);
        assertEquals(1, spilled.size(), "the item was not spilled: " + spilled);
        String spill = spilled.iterator().next();
        java.nio.file.Path file = java.nio.file.Path.of("/dev/shm", spill);
        // The child's copy takes far longer than the kill (200 MB into fresh pages); it is killed
        // as soon as its process has mapped the segment (its /proc maps name it).
        JvmProcess consumer = new JvmProcess(() -> q.take());
        consumer.start();
        java.nio.file.Path maps = java.nio.file.Path.of("/proc", String.valueOf(consumer.pid()), "maps");
        assertTrue(dev.mp4j.testing.Await.until(() -> {
            try {
                return java.nio.file.Files.readString(maps).contains(spill);
            } catch (java.io.IOException gone) {
                return true;
            }
        }, Duration.ofSeconds(30)), "the consumer never mapped the spilled item");
        consumer.kill();
        consumer.join();
        if (consumer.exitCode() == 0) {
            // The copy won the race (rare: 200 MB against a kill): the item was taken whole.
            q.taskDone();
        }
        // The next consumer settles what the dead one left (it takes the lock over, which a
        // poll without a timeout would not wait for).
        assertNull(q.poll(1, TimeUnit.SECONDS));
        assertFalse(java.nio.file.Files.exists(file), "the spilled item's segment outlived the consumer that took it");
        assertEquals(0, q.qsize());
        assertTrue(q.join(Duration.ofSeconds(30)), "join waits for the item lost with its consumer");
        assertCountsOneItemRight(q);
    }

    private static Set<String> segmentsLike(String prefix) throws java.io.IOException {
        return dev.mp4j.testing.Segments.like(prefix);
    }

    /** Segments of this process tree in /dev/shm. */
    private static long treeSegments() throws java.io.IOException {
        return dev.mp4j.testing.Segments.like(dev.mp4j.shm.ResourceTracker.treePrefix()).size();
    }

    @Test
    void emptyAndFullFollowPython() throws Exception {
        ProcessQueue<String> q = ProcessQueue.create(2);
        assertThrows(QueueEmptyException.class, q::getNowait);
        assertThrows(QueueEmptyException.class, () -> q.get(true, Duration.ofMillis(50)));
        assertNull(q.poll());
        assertNull(q.poll(50, TimeUnit.MILLISECONDS));
        q.put("a");
        q.put("b");
        assertTrue(q.isFull());
        assertEquals(2, q.qsize());
        assertFalse(q.offer("c"));
        assertFalse(q.offer("c", 50, TimeUnit.MILLISECONDS));
        assertThrows(QueueFullException.class, () -> q.putNowait("c"));
        assertThrows(QueueFullException.class, () -> q.put("c", true, Duration.ofMillis(50)));
        assertEquals(0, q.remainingCapacity());
        assertEquals("a", q.take());
        assertTrue(q.offer("c"));
        assertEquals("b", q.get());
        assertEquals("c", q.get(false, null));
    }

    @Test
    void aBoundedQueueLetsABlockedProducerGoOnOnceAConsumerTakes() throws Exception {
        ProcessQueue<Integer> q = ProcessQueue.create(1);
        JvmProcess p = new JvmProcess(() -> {
            for (int i = 0; i < 100; i++) {
                q.put(i);
            }
        });
        p.start();
        for (int i = 0; i < 100; i++) {
            assertEquals(i, q.poll(20, TimeUnit.SECONDS));
            assertTrue(q.size() <= 1);
        }
        p.join();
    }

    @Test
    void anItemThatCannotBeSerializedFailsInTheCaller() {
        ProcessQueue<Object> q = ProcessQueue.create();
        NotSerializableValueException e = assertThrows(NotSerializableValueException.class, () -> q.put(new Object()));
        assertEquals("java.lang.Object", e.offendingClass());
        // Serializable, but a class receivers refuse to read: refused here, not lost there.
        NotSerializableValueException refused = assertThrows(NotSerializableValueException.class,
                () -> q.put(new java.io.File("data.txt")));
        assertEquals("java.io.File", refused.offendingClass());
        assertTrue(q.isEmpty());
    }

    @Test
    void anItemOverTheLimitIsRefusedNamingBothSizes() {
        ProcessQueue<byte[]> q = ProcessQueue.create(0, 1 << 16, 1000);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> q.put(new byte[2000]));
        assertTrue(e.getMessage().contains("2001") && e.getMessage().contains("1000"), e.getMessage());
    }

    @Test
    void itemsLargerThanTheRingStreamThroughIt() throws Exception {
        // A queue that never spills: such items go through the ring while a consumer reads.
        ProcessQueue<byte[]> q = ProcessQueue.createStreaming(0, 1 << 16, 64L << 20);
        byte[] big = new byte[3 << 20];
        new java.util.Random(1).nextBytes(big);
        JvmProcess p = new JvmProcess(() -> {
            q.put(big);
            q.put(new byte[] {7});
        });
        p.start();
        byte[] got = q.take();
        assertTrue(java.util.Arrays.equals(big, got));
        assertEquals(7, q.take()[0]);
        p.join();
    }

    @Test
    void aConsumerKilledWhileWaitingLeavesTheQueueWorking() throws Exception {
        ProcessQueue<String> q = ProcessQueue.create();
        JvmProcess consumer = startChildAsleepIn("waiting-taker", q::take);
        consumer.kill();
        consumer.join();
        q.put("after");
        assertEquals("after", q.poll(10, TimeUnit.SECONDS));
    }

    @Test
    void aConsumerKilledWhileWaitingDoesNotMakePollFailForGood() throws Exception {
        // The killed consumer held the consumers' lock in take(): poll() takes it over at once
        // (it used to look at the lock once and give up, for ever).
        ProcessQueue<String> q = ProcessQueue.create();
        JvmProcess consumer = startChildAsleepIn("waiting-taker", q::take);
        consumer.kill();
        consumer.join();
        q.put("after");
        assertEquals("after", q.poll());
        assertEquals(0, q.size());
    }

    @Test
    void aProducerKilledWhileWaitingForRoomDoesNotMakeOfferFailForGood() throws Exception {
        ProcessQueue<Integer> q = ProcessQueue.create(1);
        q.put(1);
        JvmProcess producer = startChildAsleepIn("waiting-producer", () -> q.put(2));
        producer.kill();
        producer.join();
        assertEquals(1, q.take());
        assertTrue(q.offer(3), "offer after the dead producer's lock");
        assertEquals(3, q.poll());
    }

    @Test
    void offerAndPollDoNotFailForContentionOrAnInterruptStatus() throws Exception {
        ProcessQueue<Integer> q = ProcessQueue.create();
        List<Thread> producers = new ArrayList<>();
        java.util.concurrent.ConcurrentLinkedQueue<Throwable> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
        for (int t = 0; t < 4; t++) {
            producers.add(Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < 5_000; i++) {
                        q.add(i);
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        for (Thread t : producers) {
            t.join();
        }
        assertTrue(failures.isEmpty(), () -> "add failed on an unbounded queue: " + failures.peek());
        assertEquals(20_000, q.size());
        List<Integer> drained = new ArrayList<>();
        assertEquals(20_000, q.drainTo(drained));

        q.put(7);
        Thread.currentThread().interrupt();
        try {
            assertEquals(7, q.poll(), "poll ignores the interrupt status, as LinkedBlockingQueue's does");
            assertTrue(q.offer(8));
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt status is kept");
        } finally {
            Thread.interrupted();
        }
        assertEquals(8, q.poll());
    }

    @Test
    void drainToChecksItsCollectionFirstAndKeepsPythonNones() throws Exception {
        ProcessQueue<String> q = ProcessQueue.create();
        q.put("a");
        assertThrows(NullPointerException.class, () -> q.drainTo(null));
        assertEquals(1, q.size(), "no item lost to a null collection");
        q.put(null, true, null);
        q.put("c");
        List<String> out = new ArrayList<>();
        assertEquals(3, q.drainTo(out));
        assertEquals(java.util.Arrays.asList("a", null, "c"), out);
        // Another object for the same queue, as a copy received in a message is: itself.
        q.put("d");
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream o = new java.io.ObjectOutputStream(bytes)) {
            o.writeObject(q);
        }
        @SuppressWarnings("unchecked")
        ProcessQueue<String> copy;
        try (java.io.ObjectInputStream i = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (ProcessQueue<String>) i.readObject();
        }
        assertThrows(IllegalArgumentException.class, () -> q.drainTo(copy));
        assertThrows(IllegalArgumentException.class, () -> q.drainTo(copy, 5));
        assertEquals(1, q.size(), "no item moved");
    }

    @Test
    void anItemTheDrainedCollectionRefusesGoesBackToTheQueue() throws Exception {
        // Before, it was taken off the queue and then refused: in neither, for every process.
        JoinableProcessQueue<String> q = JoinableProcessQueue.create();
        q.put("a");
        q.put(null, true, null);   // a Python-style end marker; an ArrayDeque refuses null
        java.util.ArrayDeque<String> out = new java.util.ArrayDeque<>();
        assertThrows(NullPointerException.class, () -> q.drainTo(out));
        assertEquals(List.of("a"), List.copyOf(out));
        assertEquals(1, q.size(), "the refused item is lost");
        assertEquals(null, q.take());
        q.taskDone();
        q.taskDone();
        assertTrue(q.join(Duration.ofSeconds(5)), "the item given back was counted twice");
    }

    @Test
    void removeAndClearTakeNonesToo() throws Exception {
        // Before, AbstractQueue's remove() took a None for "empty" (and lost it), and clear()
        // stopped at the first None.
        ProcessQueue<String> q = ProcessQueue.create();
        q.put(null, true, null);
        q.put("a");
        assertEquals(null, q.remove());
        assertEquals("a", q.remove());
        assertThrows(java.util.NoSuchElementException.class, q::remove);
        q.put(null, true, null);
        q.put("b");
        q.clear();
        assertEquals(0, q.size());
    }

    @Test
    void aProducerKilledHalfWayThroughAnItemLeavesTheQueueWorkingAndItsCountRight() throws Exception {
        // A 4 KiB ring and a 64 KiB item: the producer streams the item in and blocks when the
        // ring is full, with its frame half written. Killed there, its frame is finished as
        // aborted by the next producer and skipped by the consumer, and the count it reserved
        // is given back when that frame is taken.
        ProcessQueue<byte[]> q = ProcessQueue.createStreaming(0, 4096, 1 << 20);
        // One small item through first: a published whole frame leaves its end noted behind the
        // tail, which the repair below must not mistake for a frame lost with the dead producer.
        q.put(new byte[] {1});
        assertArrayEquals(new byte[] {1}, q.take());
        JvmProcess producer = startProducerStuckOnAFullRing(q, false);
        assertEquals(1, q.qsize());
        producer.kill();
        producer.join();
        assertArrayEquals(new byte[] {42}, putWhileAnotherThreadTakes(q, new byte[] {42}));
        assertEquals(0, q.qsize());
        assertCountsOneItemRight(q);
    }

    @Test
    void aConsumerWithATimeoutIsNotHeldByAnItemWhoseProducerDiedHalfWay() throws Exception {
        // The producer dies with its 64 KiB item half written into a 4 KiB ring, and no other
        // producer comes to finish it: the consumer that reads the half item must notice, finish
        // the frame itself and skip it, then go on waiting for an item within its timeout.
        JoinableProcessQueue<byte[]> q = JoinableProcessQueue.createStreaming(0, 4096, 1 << 20);
        JvmProcess producer = startProducerStuckOnAFullRing(q, false);
        producer.kill();
        producer.join();
        long t0 = System.nanoTime();
        assertTrue(outcomeOf(() -> q.get(true, Duration.ofSeconds(1))) instanceof QueueEmptyException);
        // Not a measure of speed: a bound far above the timeout, to tell "gave up in its time"
        // from "waited for something else".
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(15), "the consumer was held far past its timeout");
        assertEquals(0, q.qsize());
        assertTrue(q.join(Duration.ofSeconds(30)), "join waits for the item lost with its producer");
        assertCountsOneItemRight(q);
    }

    @Test
    void aPutWithATimeoutGivesUpHalfWayThroughAnItemLargerThanTheRingWhenNobodyReads() throws Exception {
        // Nobody reads: a 64 KiB item fills the 4 KiB ring and the producer would wait for ever.
        JoinableProcessQueue<byte[]> q = JoinableProcessQueue.createStreaming(0, 4096, 1 << 20);
        assertTrue(outcomeOf(() -> q.put(new byte[64 * 1024], true, Duration.ofMillis(300))) instanceof QueueFullException);
        // The part sent is skipped: the consumer that reads it finishes the frame (its producer
        // unlocked the queue) and finds nothing after it.
        assertTrue(outcomeOf(() -> q.get(true, Duration.ofMillis(500))) instanceof QueueEmptyException);
        assertEquals(0, q.unfinishedTasks());
        assertCountsOneItemRight(q);
        q.taskDone();
        // An offer without a timeout does the same with nobody reading...
        assertFalse((Boolean) resultOf(() -> q.offer(new byte[64 * 1024])));
        assertTrue(outcomeOf(() -> q.get(true, Duration.ofMillis(500))) instanceof QueueEmptyException);
        assertEquals(0, q.unfinishedTasks());
        assertCountsOneItemRight(q);
        q.taskDone();
        // ...and goes through while a consumer reads: its time is up, but the reader keeps
        // making room.
        java.util.concurrent.atomic.AtomicReference<byte[]> taken = new java.util.concurrent.atomic.AtomicReference<>();
        Asleep consumer = startAsleep("reading-consumer", () -> taken.set(q.get(true, Duration.ofSeconds(30))),
                "the consumer never waited");
        assertTrue((Boolean) resultOf(() -> q.offer(new byte[64 * 1024])));
        assertNull(consumer.outcome().get(30, TimeUnit.SECONDS));
        assertEquals(64 * 1024, taken.get().length);
        q.taskDone();
        assertEquals(0, q.unfinishedTasks());
    }

    /** Runs a queue call on another thread and returns its result, failing if it hangs. */
    private static Object resultOf(java.util.concurrent.Callable<Object> call) throws Exception {
        return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return call.call();
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }).get(30, TimeUnit.SECONDS);
    }

    /** Runs a queue call on another thread and returns what it threw (null if it returned), failing if it hangs. */
    private static Throwable outcomeOf(dev.mp4j.testing.Outcome.Call call) throws Exception {
        return dev.mp4j.testing.Outcome.of(call, Duration.ofSeconds(30));
    }

    /**
     * Starts a child that streams a 64 KiB item into {@code q} (made with a 4 KiB ring and no
     * consumer) on a thread "stuck-producer", then puts {42} if {@code thenFortyTwo}, and returns
     * once that thread sleeps with the ring full and its frame half written.
     */
    private static JvmProcess startProducerStuckOnAFullRing(ProcessQueue<byte[]> q, boolean thenFortyTwo) throws Exception {
        return startChildAsleepIn("stuck-producer", () -> {
            q.put(new byte[64 * 1024]);
            if (thenFortyTwo) {
                q.put(new byte[] {42});
            }
        });
    }

    /**
     * Starts a child that runs {@code action} on a thread named {@code name}, and returns once
     * that thread sleeps (blocked in the queue, typically), so the test can kill or stop it there.
     */
    private static JvmProcess startChildAsleepIn(String name, dev.mp4j.serial.ProcessTarget action) throws Exception {
        Pipe ready = Pipe.open(false);
        Connection tell = ready.right();
        JvmProcess child = new JvmProcess(() -> {
            Thread worker = new Thread(() -> {
                try {
                    action.run();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, name);
            worker.start();
            tell.send("started");
            worker.join();
        });
        child.start();
        assertEquals("started", ready.left().recv());
        assertTrue(Threads.awaitSettledAsleep(child.pid(), name, Duration.ofSeconds(30)), name + " never went to sleep");
        return child;
    }

    /**
     * Puts {@code item} while another thread takes, and returns what that thread took: a producer
     * that finishes an abandoned frame larger than the ring needs a consumer draining meanwhile,
     * as for any item larger than the ring.
     */
    private static byte[] putWhileAnotherThreadTakes(ProcessQueue<byte[]> q, byte[] item) throws Exception {
        java.util.concurrent.CompletableFuture<byte[]> taken = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return q.get(true, Duration.ofSeconds(30));
            } catch (InterruptedException | QueueEmptyException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        q.put(item);
        return taken.get(30, TimeUnit.SECONDS);
    }

    /** An empty queue counts one item put as one: qsize never shows below zero, so a count given back twice shows only here. */
    private static void assertCountsOneItemRight(ProcessQueue<byte[]> q) throws Exception {
        assertTrue(q.empty());
        q.put(new byte[] {7});
        assertEquals(1, q.qsize());
        assertArrayEquals(new byte[] {7}, q.take());
    }

    /** A 4 KiB joinable queue holding four 1000-byte items, whose child producer was killed waiting to put a fifth. */
    private static JoinableProcessQueue<byte[]> fourItemsAndAProducerKilledWaitingForRoomForAFifth() throws Exception {
        JoinableProcessQueue<byte[]> q = JoinableProcessQueue.createStreaming(0, 4096, 1 << 20);
        for (int i = 0; i < 4; i++) {
            q.put(new byte[1000]);
        }
        JvmProcess producer = startChildAsleepIn("waiting-producer", () -> q.put(new byte[1000]));
        assertEquals(5, q.qsize());
        producer.kill();
        producer.join();
        return q;
    }

    @Test
    void aProducerKilledWhileWaitingForRoomLeavesTheCountsRightWithNoOtherProducer() throws Exception {
        // As below, but nobody puts again: the consumers and join() give back the dead
        // producer's count and task themselves (size() stayed 1 and join() waited for ever).
        JoinableProcessQueue<byte[]> q = fourItemsAndAProducerKilledWaitingForRoomForAFifth();
        for (int i = 0; i < 4; i++) {
            assertEquals(1000, q.take().length);
            q.taskDone();
        }
        assertEquals(0, q.qsize(), "the dead producer's item is still counted");
        assertTrue(q.join(Duration.ofSeconds(30)), "join waits for the dead producer's item");
        assertEquals(0, q.unfinishedTasks());
        // and the next producer finds nothing left to give back
        q.put(new byte[] {42});
        assertEquals(1, q.qsize());
        assertArrayEquals(new byte[] {42}, q.take());
        q.taskDone();
        assertTrue(q.join(Duration.ofSeconds(30)));
    }

    @Test
    void pollDoesNotWaitOnAnItemADeadProducerCountedButNeverWrote() throws Exception {
        // The dead producer's count stays until someone settles it. A poll() that finds the
        // consumers' lock held (a take() asleep in it) waits for it only while an item could
        // come; it used to read the raw count, and waited its full second for an item that
        // would never come.
        JoinableProcessQueue<byte[]> q = fourItemsAndAProducerKilledWaitingForRoomForAFifth();
        for (int i = 0; i < 4; i++) {
            assertEquals(1000, q.take().length);
        }
        java.util.concurrent.CompletableFuture<byte[]> taken = new java.util.concurrent.CompletableFuture<>();
        Thread taker = Thread.ofPlatform().name("asleep-in-take").start(() -> {
            try {
                taken.complete(q.take());
            } catch (InterruptedException e) {
                taken.completeExceptionally(e);
            }
        });
        assertTrue(Threads.awaitSettledAsleep(ProcessHandle.current().pid(), "asleep-in-take", Duration.ofSeconds(30)));
        long start = System.nanoTime();
        assertNull(q.poll());
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        // A poll that finds nothing: a few milliseconds; the code before waited its 1 s cap.
        assertTrue(took.compareTo(Duration.ofMillis(500)) < 0, "poll() waited " + took);
        q.put(new byte[] {3});
        assertArrayEquals(new byte[] {3}, taken.get(30, TimeUnit.SECONDS));
        taker.join();
    }

    @Test
    void aProducerKilledWhileWaitingForRoomLeavesTheCountsRight() throws Exception {
        // Four 1000-byte items fill most of a 4 KiB ring; a joinable queue's child producer then
        // waits for room for a fifth and is killed there, before writing any of it. Its count and
        // its task must not stay behind: a bounded queue would lose a slot for good, and join()
        // would wait for an item that will never come.
        JoinableProcessQueue<byte[]> q = fourItemsAndAProducerKilledWaitingForRoomForAFifth();
        // The next put repairs: it gives back the dead producer's count and task.
        q.put(new byte[] {42});
        for (int i = 0; i < 4; i++) {
            assertEquals(1000, q.take().length);
            q.taskDone();
        }
        assertArrayEquals(new byte[] {42}, q.take());
        q.taskDone();
        assertTrue(q.join(Duration.ofSeconds(30)), "join waits for the dead producer's item");
        assertEquals(0, q.unfinishedTasks());
        assertTrue(q.empty());
    }

    @Test
    void aProducerInterruptedHalfWayThroughAnItemLeavesTheQueueWorkingAndItsCountRight() throws Exception {
        // As when a producer is killed half-way, but it is interrupted instead, so it unlocks
        // the queue normally: the next producer must still finish its frame. An unread item
        // ahead of that frame must survive the repair, which writes only where the reader has
        // made room.
        ProcessQueue<byte[]> q = ProcessQueue.createStreaming(0, 4096, 1 << 20);
        q.put(new byte[] {5});
        Asleep putter = startAsleep("interrupted-producer", () -> q.put(new byte[64 * 1024]), "the producer never blocked");
        putter.thread().interrupt();
        assertTrue(putter.outcome().get(30, TimeUnit.SECONDS) instanceof InterruptedException);
        // With nobody reading, the repair cannot finish: a put with a timeout gives up in time
        // (its own item not sent, its count given back) instead of waiting behind it.
        assertFalse(q.offer(new byte[] {9}, 200, TimeUnit.MILLISECONDS));
        // The next producer finds the ring full and sleeps in its repair; taking the unread
        // item makes a little room, and the pause gives a repair that overran the reader the
        // time to write over the half frame's unread header before the consumer reaches it.
        Asleep repairer = startAsleep("repairing-producer", () -> q.put(new byte[] {42}), "the next producer never waited");
        assertArrayEquals(new byte[] {5}, q.get(true, Duration.ofSeconds(30)));
        Thread.sleep(100);
        assertArrayEquals(new byte[] {42}, q.get(true, Duration.ofSeconds(30)));
        assertNull(repairer.outcome().get(30, TimeUnit.SECONDS));
        assertCountsOneItemRight(q);
    }

    @Test
    void anItemGivenUpBeforeItsHeaderWasOutIsSkippedByTheConsumerNotCountedForEver() throws Exception {
        // The ring has 2 bytes free when a producer begins an item larger than it: those 2 bytes
        // of its header go out, then it gives up (interrupted). The consumers reach that half
        // header with nobody left to finish it; before, they waited (spinning) until another
        // put repaired it, and the queue counted an item that was not there.
        ProcessQueue<byte[]> q = ProcessQueue.createStreaming(0, 4096, 1 << 20);
        q.put(new byte[4096 - 6 - 2]);   // a frame of 4094 bytes: length, tag, bytes, status
        Asleep putter = startAsleep("header-producer", () -> q.put(new byte[64 * 1024]), "the producer never blocked");
        putter.thread().interrupt();
        assertTrue(putter.outcome().get(30, TimeUnit.SECONDS) instanceof InterruptedException);
        assertEquals(4096 - 8, q.get(true, Duration.ofSeconds(30)).length);
        assertThrows(QueueEmptyException.class, () -> q.get(true, Duration.ofMillis(500)));
        assertEquals(0, q.qsize(), "the given-up item is still counted");
        assertTrue(q.empty());
        q.put(new byte[] {7});
        assertArrayEquals(new byte[] {7}, q.get(true, Duration.ofSeconds(30)));
        assertEquals(0, q.qsize());
    }

    @Test
    void aConsumerInterruptedHalfWayThroughAnItemReadsItToItsEndAndKeepsTheInterrupt() throws Exception {
        // A child streams a 64 KiB item into a 4 KiB ring and is stopped (SIGSTOP) with the
        // ring full; a consumer thread reads those 4 KiB, waits for the rest and is interrupted.
        // Giving up there would lose the item (and take() would have removed one after all): the
        // consumer reads it to its end once the producer goes on, and keeps the interrupt.
        JoinableProcessQueue<byte[]> q = JoinableProcessQueue.createStreaming(0, 4096, 1 << 20);
        JvmProcess producer = startProducerStuckOnAFullRing(q, true);
        signal("STOP", producer.pid());
        java.util.concurrent.atomic.AtomicReference<byte[]> taken = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean interruptKept = new java.util.concurrent.atomic.AtomicBoolean();
        Asleep taker;
        try {
            taker = startAsleep("interrupted-consumer", () -> {
                taken.set(q.take());
                interruptKept.set(Thread.currentThread().isInterrupted());
            }, "the consumer never waited");
            taker.thread().interrupt();
            // The rest of that item is still to come from the stopped producer: another
            // consumer with a timeout gives up in time instead of waiting behind it.
            assertThrows(QueueEmptyException.class, () -> q.get(true, Duration.ofMillis(200)));
            assertNull(q.poll());
            assertFalse(taker.outcome().isDone(), "the interrupted consumer gave up half-way through the item");
        } finally {
            signal("CONT", producer.pid());
        }
        assertNull(taker.outcome().get(30, TimeUnit.SECONDS));
        assertEquals(64 * 1024, taken.get().length);
        assertTrue(interruptKept.get(), "the interrupt was lost");
        q.taskDone();
        assertArrayEquals(new byte[] {42}, q.get(true, Duration.ofSeconds(30)));
        q.taskDone();
        assertTrue(q.join(Duration.ofSeconds(30)));
        producer.join();
        assertEquals(0, producer.exitCode());
        assertCountsOneItemRight(q);
    }

    /**
     * Run with -Dmp4j.queue.spillAfterMillis=600: a put of a large item waits up to that long
     * for room, holding the producer lock, before it spills; an offer of a small item meanwhile.
     */
    static final class OfferDuringASpillProbe {
        public static void main(String[] args) throws Exception {
            ProcessQueue<byte[]> q = ProcessQueue.create(0, 1 << 20, 64 << 20);
            for (int i = 0; i < 900; i++) {
                q.put(new byte[1000]);
            }
            q.take();   // a consumer has taken something since: the put waits a while for room
            Thread big = Thread.ofPlatform().name("large-put").start(() -> {
                try {
                    q.put(new byte[200_000]);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while (java.util.Arrays.stream(big.getStackTrace()).noneMatch(f -> f.getMethodName().equals("roomSoon"))
                    && System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            boolean offered = q.offer(new byte[10]);
            big.join();
            System.out.println("offer " + offered + ", queued " + q.size());
        }
    }

    @Test
    void anOfferIsNotRefusedWhileALargePutLooksForRoomBeforeSpilling() throws Exception {
        // Before, the large put slept on the ring with a wake request, which other puts take for
        // a producer that keeps the lock until room comes: the offer failed at once ("Queue
        // full" from add()) on an unbounded queue with room, instead of waiting its turn.
        dev.mp4j.testing.JavaRunner.Result r = dev.mp4j.testing.JavaRunner.run(Duration.ofSeconds(60),
                List.of("-Dmp4j.queue.spillAfterMillis=600"), OfferDuringASpillProbe.class);
        assertTrue(r.stdout().contains("offer true, queued 901"), r.toString());
    }

    @Test
    void aPutWaitingForRoomEndsWhenItsQueueIsClosedInAnotherThread() throws Exception {
        // Before, it waited on until room came, and then put its item after the close.
        ProcessQueue<String> q = ProcessQueue.create(1);
        q.put("first");
        Asleep putter = startAsleep("put-on-full-queue", () -> q.put("second"), "the put never waited");
        q.close();
        Throwable outcome = putter.outcome().get(30, TimeUnit.SECONDS);
        assertTrue(outcome instanceof IllegalStateException && outcome.getMessage().contains("closed"), String.valueOf(outcome));
    }

    @Test
    void aCloseInAnotherThreadDoesNotCutAnItemBeingRead() throws Exception {
        // Before, the reader waiting for the rest of a streamed item failed with "handle is
        // closed", and the item, half-read, was lost to every consumer (the next one skips it).
        ProcessQueue<byte[]> q = ProcessQueue.createStreaming(0, 4096, 1 << 20);
        JvmProcess producer = startProducerStuckOnAFullRing(q, false);
        signal("STOP", producer.pid());
        java.util.concurrent.atomic.AtomicReference<byte[]> taken = new java.util.concurrent.atomic.AtomicReference<>();
        Asleep taker;
        try {
            taker = startAsleep("closed-under-consumer", () -> taken.set(q.take()), "the consumer never waited");
            q.close();
            assertFalse(taker.outcome().isDone(), "the close cut the item being read");
        } finally {
            signal("CONT", producer.pid());
        }
        assertNull(taker.outcome().get(30, TimeUnit.SECONDS));
        assertEquals(64 * 1024, taken.get().length);
        assertThrows(IllegalStateException.class, q::take, "closed: no new take");
        producer.join();
        assertEquals(0, producer.exitCode());
    }

    @Test
    void aPollThatDoesNotWaitIgnoresTheInterruptStatusAlsoWhileAnItemStreamsIn() throws Exception {
        // poll() ignores the interrupt status (BlockingQueue); once it has begun an item, an
        // interrupt ending its read after the producer stalled would lose that item.
        JoinableProcessQueue<byte[]> q = JoinableProcessQueue.createStreaming(0, 4096, 1 << 20);
        JvmProcess producer = startProducerStuckOnAFullRing(q, true);
        signal("STOP", producer.pid());
        java.util.concurrent.atomic.AtomicReference<byte[]> polled = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.CompletableFuture<Throwable> poller;
        try {
            poller = dev.mp4j.testing.Outcome.onThread("interrupted-poller", () -> {
                Thread.currentThread().interrupt();
                polled.set(q.poll());
            });
            // Past the 2 s of no progress after which an interrupt ends a waiting take.
            assertFalse(dev.mp4j.testing.Await.until(poller::isDone, Duration.ofSeconds(3)), "the poll gave up half-way through the item");
        } finally {
            signal("CONT", producer.pid());
        }
        assertNull(poller.get(30, TimeUnit.SECONDS));
        assertEquals(64 * 1024, polled.get().length);
        q.taskDone();
        assertArrayEquals(new byte[] {42}, q.get(true, Duration.ofSeconds(30)));
        q.taskDone();
        producer.join();
        assertCountsOneItemRight(q);
    }

    @Test
    void aPollOnAnInterruptedThreadTakesASpilledItemInsteadOfDestroyingIt() throws Exception {
        // The item is too large for the ring and nobody takes: it is spilled into a segment of
        // its own. Mapping that segment through an interruptible FileChannel failed on an
        // interrupted thread, and the queue took the item for gone.
        ProcessQueue<byte[]> q = ProcessQueue.create(0, 4096, 1 << 20);
        q.put(new byte[100_000]);
        byte[] polled;
        Thread.currentThread().interrupt();
        try {
            polled = q.poll();
        } finally {
            assertTrue(Thread.interrupted(), "the interrupt status was not kept");
        }
        assertEquals(100_000, polled == null ? -1 : polled.length);
        assertEquals(0, q.qsize());
    }

    /** Travels, but cannot be read back (as an item whose class the consumer's JVM lacks). */
    static final class UnreadableHere implements java.io.Serializable {
        private static final long serialVersionUID = 1L;

        @java.io.Serial
        private void readObject(java.io.ObjectInputStream in) throws java.io.IOException {
            throw new java.io.InvalidObjectException("cannot be read here");
        }
    }

    @Test
    void anItemThatCannotBeReadIsNotLeftUnfinished() throws Exception {
        // Nobody can call taskDone for an item no consumer could read: join must not wait for it.
        JoinableProcessQueue<Object> q = JoinableProcessQueue.create();
        q.put(new UnreadableHere());
        assertThrows(RuntimeException.class, q::take);
        assertEquals(0, q.unfinishedTasks());
        assertTrue(q.join(Duration.ofSeconds(5)), "join waits for an item nobody could read");
    }

    @Test
    void aPutInterruptedWhileItWaitsForRoomThrowsWithTheInterruptStatusCleared() throws Exception {
        ProcessQueue<byte[]> q = ProcessQueue.createStreaming(0, 4096, 1 << 20);
        q.put(new byte[4000]);
        java.util.concurrent.atomic.AtomicBoolean stillInterrupted = new java.util.concurrent.atomic.AtomicBoolean(true);
        Asleep putter = startAsleep("waiting-putter", () -> {
            try {
                q.put(new byte[1000]);
            } catch (InterruptedException e) {
                stillInterrupted.set(Thread.currentThread().isInterrupted());
                throw e;
            }
        }, "the producer never waited for room");
        putter.thread().interrupt();
        assertTrue(putter.outcome().get(30, TimeUnit.SECONDS) instanceof InterruptedException);
        assertFalse(stillInterrupted.get(), "InterruptedException thrown with the status still set");
        // A put that does not wait, on a full ring, says full whatever the interrupt status.
        Thread.currentThread().interrupt();
        try {
            assertThrows(QueueFullException.class, () -> q.put(new byte[1000], false, null));
        } finally {
            Thread.interrupted();
        }
        assertEquals(4000, q.take().length);
    }

    @Test
    void aConsumerInterruptedWhileAStoppedProducersItemMakesNoProgressGivesUpAfterAWhile() throws Exception {
        // As above, but the producer stays stopped: the held-back interrupt wins once the item
        // has made no progress for 2 s. The next consumer skips what is left of it (it is lost)
        // and takes the next; the lost item's task does not stay unfinished.
        JoinableProcessQueue<byte[]> q = JoinableProcessQueue.createStreaming(0, 4096, 1 << 20);
        JvmProcess producer = startProducerStuckOnAFullRing(q, true);
        signal("STOP", producer.pid());
        try {
            Asleep taker = startAsleep("interrupted-consumer", q::take, "the consumer never waited");
            taker.thread().interrupt();
            assertTrue(taker.outcome().get(30, TimeUnit.SECONDS) instanceof InterruptedException);
        } finally {
            signal("CONT", producer.pid());
        }
        assertArrayEquals(new byte[] {42}, q.get(true, Duration.ofSeconds(30)));
        q.taskDone();
        assertTrue(q.join(Duration.ofSeconds(30)), "join waits for the item lost with its consumer");
        producer.join();
        assertEquals(0, producer.exitCode());
        assertCountsOneItemRight(q);
    }

    /** A thread of this process asleep in a queue call, and what that call threw (null if it returned). */
    private record Asleep(Thread thread, java.util.concurrent.CompletableFuture<Throwable> outcome) {
    }

    /** Starts {@code action} on a thread named {@code name} and returns once that thread sleeps. */
    private static Asleep startAsleep(String name, dev.mp4j.serial.ProcessTarget action, String neverAsleep) throws Exception {
        java.util.concurrent.atomic.AtomicReference<Thread> thread = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.CompletableFuture<Throwable> outcome = dev.mp4j.testing.Outcome.onThread(name, () -> {
            thread.set(Thread.currentThread());
            action.run();
        });
        assertTrue(Threads.awaitAsleep(name, Duration.ofSeconds(30)), neverAsleep);
        return new Asleep(thread.get(), outcome);
    }

    private static void signal(String name, long pid) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + name, Long.toString(pid)).start().waitFor());
    }

    @Test
    void twoProducersStreamingItemsLargerThanTheRingLoseNothing() throws Exception {
        // 100 KB items through a 64 KiB ring are written in steps while the consumer reads. Each
        // producer finds the ring moved on by the other since its own last item, so what it
        // knows of the consumer's position is stale by more than the ring holds.
        ProcessQueue<byte[]> q = ProcessQueue.createStreaming(0, 64 * 1024, 1 << 20);
        int perProducer = 10;
        List<JvmProcess> producers = new ArrayList<>();
        for (int p = 1; p <= 2; p++) {
            byte id = (byte) p;
            JvmProcess producer = new JvmProcess(() -> {
                for (int i = 0; i < perProducer; i++) {
                    byte[] item = new byte[100_000];
                    java.util.Arrays.fill(item, id);
                    item[1] = (byte) i;
                    q.put(item);
                }
            });
            producer.start();
            producers.add(producer);
        }
        Set<String> seen = new HashSet<>();
        for (int k = 0; k < 2 * perProducer; k++) {
            byte[] item = q.get(true, Duration.ofSeconds(30));
            assertEquals(100_000, item.length);
            assertEquals(item[0], item[item.length - 1], "an item arrived mixed with another");
            assertTrue(seen.add(item[0] + ":" + item[1]), "an item arrived twice");
        }
        for (JvmProcess producer : producers) {
            producer.join();
            assertEquals(0, producer.exitCode());
        }
        assertTrue(q.empty());
    }

    @Test
    void aQueueTravelsInsideAMessage() throws Exception {
        ProcessQueue<String> q = ProcessQueue.create();
        Pipe pipe = Pipe.open();
        Connection in = pipe.right();
        JvmProcess p = new JvmProcess(() -> {
            @SuppressWarnings("unchecked")
            ProcessQueue<String> got = (ProcessQueue<String>) in.recv();
            got.put("via message");
        });
        p.start();
        pipe.left().send(q);
        assertEquals("via message", q.poll(20, TimeUnit.SECONDS));
        p.join();
    }

    @Test
    void useAfterCloseIsAClearError() {
        ProcessQueue<String> q = ProcessQueue.create();
        q.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> q.put("x"));
        assertTrue(e.getMessage().contains("closed"));
        assertThrows(IllegalStateException.class, q::poll);
        q.joinThread();
    }

    @Test
    void joinableQueueJoinWaitsForEveryTaskDone() throws Exception {
        JoinableProcessQueue<Integer> q = JoinableProcessQueue.create();
        JvmProcess consumer = new JvmProcess(() -> {
            while (true) {
                q.take();
                Thread.sleep(5);
                q.taskDone();
            }
        });
        consumer.setDaemon(true);
        consumer.start();
        for (int i = 0; i < 20; i++) {
            q.put(i);
        }
        assertTrue(q.join(Duration.ofSeconds(30)));
        assertEquals(0, q.unfinishedTasks());
        consumer.kill();
        consumer.join();
        IllegalStateException e = assertThrows(IllegalStateException.class, q::taskDone);
        assertEquals("task_done() called too many times", e.getMessage());
    }

    @Test
    void simpleQueuePutsAndGets() throws Exception {
        SimpleProcessQueue<String> q = SimpleProcessQueue.create();
        assertTrue(q.empty());
        JvmProcess p = new JvmProcess(() -> q.put("hello"));
        p.start();
        assertEquals("hello", q.get());
        p.join();
        q.put(null);
        assertNull(q.get());
    }

    @Test
    void simpleQueueHasTimeoutFormsOfGetAndPut() throws Exception {
        SimpleProcessQueue<byte[]> q = SimpleProcessQueue.create();
        assertThrows(QueueEmptyException.class, () -> q.get(Duration.ofMillis(50)));
        // The queue holds what its ring holds (16 MiB) of items too small to be spilled: 32 KiB
        // items fill it before the 513th.
        byte[] item = new byte[32 * 1024];
        int put = 0;
        try {
            while (put < 1024) {
                q.put(item, Duration.ofMillis(50));
                put++;
            }
        } catch (QueueFullException full) {
            // expected once the ring is full
        }
        assertTrue(put >= 256 && put < 513, put + " items of 32 KiB went into a 16 MiB ring");
        assertEquals(item.length, q.get(Duration.ofSeconds(5)).length);
        q.put(item, Duration.ofSeconds(5));
        for (int i = 0; i < put; i++) {
            assertEquals(item.length, q.get(Duration.ofSeconds(5)).length);
        }
        assertTrue(q.empty());
    }
}
