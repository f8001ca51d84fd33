package dev.mp4j.shm;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.connection.Connection;
import dev.mp4j.connection.MessageTooLargeException;
import dev.mp4j.connection.Pipe;
import dev.mp4j.queue.ProcessQueue;
import dev.mp4j.queue.QueueFullException;
import dev.mp4j.shared.SharedArray;
import dev.mp4j.testing.Await;
import dev.mp4j.testing.Segments;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A message that is written but never sent gives back what its copies took for their readers: a
 * segment's token (else the segment stays until the process tree ends, waiting for a reader that
 * never comes) and a pipe end's reserved holder slot (else the pipe looks held open).
 */
@Timeout(60)
class UnsentCopiesTest {
    /** A send of {@code shared} that is refused. */
    private interface Refusal {
        void refuse(Object shared) throws Exception;
    }

    private static void goesAfter(Refusal refusal) throws Exception {
        String prefix = ResourceTracker.treePrefix();
        Set<String> before = Segments.like(prefix);
        sendAnArrayThatIsRefused(refusal);
        Set<String> made = Segments.like(prefix);
        made.removeAll(before);
        allGo(prefix, made, "kept for a copy that never went");
    }

    /** Collects until none of {@code made} is left in /dev/shm, within a bound. */
    private static void allGo(String prefix, Set<String> made, String what) throws InterruptedException {
        assertTrue(Await.until(() -> {
            System.gc();
            try {
                Set<String> left = Segments.like(prefix);
                left.retainAll(made);
                return left.isEmpty();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, Duration.ofSeconds(20)), () -> what + ": " + made);
    }

    /** In a method of its own, so that nothing of it is reachable once it returns. */
    private static void sendAnArrayThatIsRefused(Refusal refusal) throws Exception {
        SharedArray array = SharedArray.ofInts(1, 2, 3);
        refusal.refuse(array);
    }

    @Test
    void aMessageTooLargeForItsPipe() throws Exception {
        Pipe pipe = Pipe.open(true, 4096);
        try {
            goesAfter(shared -> assertThrows(MessageTooLargeException.class,
                    () -> pipe.left().send(List.of(shared, new byte[8192]))));
        } finally {
            pipe.left().close();
            pipe.right().close();
        }
    }

    @Test
    void aMessageTimedOutOnAFullPipe() throws Exception {
        Pipe pipe = Pipe.open(true, 1 << 20, 4096);
        try {
            // Fill the ring (nobody reads), so the next send cannot start in time.
            while (true) {
                try {
                    pipe.left().send(new byte[1000], Duration.ofMillis(20));
                } catch (java.util.concurrent.TimeoutException full) {
                    break;
                }
            }
            goesAfter(shared -> assertThrows(java.util.concurrent.TimeoutException.class,
                    () -> pipe.left().send(List.of(shared), Duration.ofMillis(50))));
        } finally {
            pipe.left().close();
            pipe.right().close();
        }
    }

    @Test
    void anItemTooLargeForItsQueueAndOneThatFindsNoRoom() throws Exception {
        ProcessQueue<Object> small = ProcessQueue.create(0, 65536, 4096);
        goesAfter(shared -> assertThrows(IllegalArgumentException.class,
                () -> small.put(List.of(shared, new byte[8192]), true, null)));
        ProcessQueue<Object> full = ProcessQueue.create(1);
        full.put("taking the only place", true, null);
        goesAfter(shared -> assertThrows(QueueFullException.class,
                () -> full.put(List.of(shared), true, Duration.ofMillis(50))));
        small.close();
        full.close();
    }

    @Test
    void aPipeEndInAMessageThatIsRefusedIsNotHeldForItsReader() throws Exception {
        Pipe carrier = Pipe.open(true, 4096);
        String prefix = ResourceTracker.treePrefix();
        Set<String> before = Segments.like(prefix);
        Pipe sent = Pipe.open();
        Set<String> made = Segments.like(prefix);
        made.removeAll(before);
        Connection end = sent.left();
        assertThrows(MessageTooLargeException.class, () -> carrier.left().send(List.of(end, new byte[8192])));
        sent.left().close();
        sent.right().close();
        allGo(prefix, made, "a pipe closed at both ends kept for a copy that never went");
        carrier.left().close();
        carrier.right().close();
    }

    @Test
    void aPoolCallRefusedAtAChunkThatCannotTravel() throws Exception {
        try (dev.mp4j.pool.ProcessPool pool = dev.mp4j.pool.ProcessPool.create(1)) {
            pool.map(Object::hashCode, List.<Object>of(1)); // its worker's segments made before
            // The first chunk's copy of the array is made before the second chunk is refused.
            goesAfter(shared -> assertThrows(dev.mp4j.serial.NotSerializableValueException.class,
                    () -> pool.map(Object::hashCode, List.<Object>of(shared, new Object()), 1)));
        }
    }

    /** A call on a pool of its function (or task object), made from the array to carry and a ballast. */
    private interface PoolCall {
        void make(dev.mp4j.pool.ProcessPool pool, SharedArray array, byte[] ballast) throws Exception;
    }

    /**
     * A pool of one worker kept busy, given a call whose function carries the array and is too
     * large (with its ballast) to wait in the worker's pipe behind the busy job, then terminated:
     * no task of the call is ever sent, so what the function's copy took goes back.
     */
    private static void neverSent(PoolCall call) throws Exception {
        dev.mp4j.pool.ProcessPool pool = dev.mp4j.pool.ProcessPool.create(1);
        try {
            pool.map(Object::hashCode, List.<Object>of(1)); // its worker's segments made before
            pool.applyAsync(() -> {
                Thread.sleep(60_000);
                return 0;
            });
            goesAfter(shared -> {
                call.make(pool, (SharedArray) shared, new byte[600 * 1024]);
                pool.terminate();
            });
        } finally {
            pool.terminate();
        }
    }

    private static dev.mp4j.serial.TaskFunction<Integer, Integer> carrying(SharedArray array, byte[] ballast) {
        return x -> x + array.length() + ballast.length;
    }

    @Test
    void aMapWhoseChunksAreNeverSentGivesBackItsFunctionsCopies() throws Exception {
        neverSent((pool, array, ballast) -> pool.mapAsync(carrying(array, ballast), List.of(1, 2, 3), 1));
    }

    @Test
    void anImapWhoseChunksAreNeverSentGivesBackItsFunctionsCopies() throws Exception {
        neverSent((pool, array, ballast) -> pool.imapUnordered(carrying(array, ballast), List.of(1, 2, 3), 1));
    }

    @Test
    void anImapWithInputLeftWhenThePoolIsTerminatedGivesBackItsFunctionsCopies() throws Exception {
        // More input than the iterator keeps in flight: some is never read.
        List<Integer> many = java.util.stream.IntStream.range(0, 100).boxed().toList();
        neverSent((pool, array, ballast) -> pool.imapUnordered(carrying(array, ballast), many, 1));
    }

    /** A task object, not a lambda: it travels whole, as an object stream. */
    private record Sum(SharedArray array, byte[] ballast) implements dev.mp4j.serial.SerializableCallable<Integer> {
        @Override
        public Integer call() {
            return array.length() + ballast.length;
        }
    }

    @Test
    void aTaskObjectNeverSentGivesBackItsCopies() throws Exception {
        neverSent((pool, array, ballast) -> pool.applyAsync(new Sum(array, ballast)));
    }
}
