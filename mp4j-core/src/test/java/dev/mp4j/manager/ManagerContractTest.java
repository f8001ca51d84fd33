package dev.mp4j.manager;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.Multiprocessing;
import dev.mp4j.testing.Await;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Java collection contracts, Python's counting and ordering, and failure paths, on real manager proxies. */
@Timeout(60)
class ManagerContractTest {
    private static SyncManager manager;

    @BeforeAll
    static void startManager() {
        manager = Multiprocessing.manager();
    }

    @AfterAll
    static void stopManager() {
        manager.shutdown();
    }

    @Test
    void addAllOnAJoinableQueueCountsEachItemAsATask() throws Exception {
        ManagedQueue<Integer> q = manager.joinableQueue();
        q.addAll(List.of(1, 2));
        assertFalse(q.join(Duration.ofMillis(200)), "join() returned with two tasks not done");
        q.take();
        q.taskDone();
        assertFalse(q.join(Duration.ofMillis(100)));
        q.take();
        q.taskDone();
        assertTrue(q.join(Duration.ofSeconds(5)));
        assertThrows(IllegalStateException.class, q::taskDone);
    }

    @Test
    void itemsRemovedWithoutBeingTakenCountAsDoneAndTakenOnesStillWaitForTaskDone() throws Exception {
        ManagedQueue<Integer> q = manager.joinableQueue();
        q.addAll(List.of(1, 2, 3, 4, 5, 6, 7));
        assertTrue(q.remove(7));
        assertFalse(q.remove(8), "nothing removed, nothing counted");
        assertTrue(q.removeIf((java.util.function.Predicate<Integer> & java.io.Serializable) x -> x == 6));
        assertTrue(q.removeAll(List.of(5)));
        assertTrue(q.retainAll(List.of(1, 2, 3)));
        assertEquals(3, q.qsize());
        // Taken: still counted until taskDone(), as in CPython.
        assertEquals(1, q.take());
        q.clear();
        assertEquals(0, q.qsize());
        assertFalse(q.join(Duration.ofMillis(200)), "join() returned with a taken task not done");
        q.taskDone();
        assertTrue(q.join(Duration.ofSeconds(5)), "join() waits for removed items nobody will process");
        assertThrows(IllegalStateException.class, q::taskDone);
    }

    @Test
    void aFullBoundedQueueGivesBackTheTaskCountOfWhatDidNotGoIn() throws Exception {
        ManagedQueue<Integer> q = manager.joinableQueue(1);
        assertTrue(q.offer(1));
        assertFalse(q.offer(2));
        assertFalse(q.offer(3, 50, TimeUnit.MILLISECONDS));
        q.take();
        q.taskDone();
        // Only the one item that went in was counted.
        assertTrue(q.join(Duration.ofSeconds(5)));
    }

    @Test
    void jdkListAlgorithmsChangeTheManagedList() {
        ManagedList<Integer> l = manager.list(IntStream.range(0, 30).boxed().toList());
        // Over Collections.REVERSE_THRESHOLD (18): the JDK writes through a list iterator unless
        // the list is RandomAccess, and a write to a snapshot changed nothing.
        Collections.reverse(l);
        assertEquals(29, l.getFirst());
        assertEquals(0, l.getLast());
        Collections.swap(l, 0, 29);
        assertEquals(0, l.getFirst());
        Collections.fill(l, 7);
        assertEquals(Collections.nCopies(30, 7), new ArrayList<>(l));
    }

    @Test
    void writesThroughASnapshotAreRefusedRatherThanLost() {
        ManagedList<Integer> l = manager.list(List.of(1, 2, 3));
        Iterator<Integer> it = l.iterator();
        it.next();
        assertThrows(UnsupportedOperationException.class, it::remove);
        assertThrows(UnsupportedOperationException.class, () -> l.subList(0, 2).clear());
        assertThrows(UnsupportedOperationException.class, () -> l.listIterator().set(9));
        assertEquals(List.of(1, 2, 3), new ArrayList<>(l));

        ManagedMap<String, Integer> d = manager.dict();
        d.put("a", 1);
        assertThrows(UnsupportedOperationException.class, () -> d.keySet().remove("a"));
        assertThrows(UnsupportedOperationException.class, () -> d.entrySet().removeIf(e -> true));
        assertThrows(UnsupportedOperationException.class, () -> d.values().clear());
        assertEquals(Map.of("a", 1), Map.copyOf(d));

        ManagedQueue<Integer> q = manager.queue();
        q.add(5);
        Iterator<Integer> qi = q.iterator();
        qi.next();
        assertThrows(UnsupportedOperationException.class, qi::remove);
        assertEquals(1, q.size());
    }

    @Test
    void barrierIndicesFollowArrivalOrderAsInPython() throws Exception {
        ManagedBarrier barrier = manager.barrier(2);
        CompletableFuture<Integer> first = CompletableFuture.supplyAsync(() -> {
            try {
                return barrier.await(Duration.ofSeconds(20));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        assertTrue(Await.until(() -> barrier.numberWaiting() == 1, Duration.ofSeconds(20)));
        assertEquals(1, barrier.await(Duration.ofSeconds(20)), "the last to arrive gets parties - 1");
        assertEquals(0, first.get(20, TimeUnit.SECONDS), "the first to arrive gets 0");
    }

    @Test
    void hugeTimeoutsWaitInsteadOfOverflowing() throws Exception {
        Duration forever = ChronoUnit.FOREVER.getDuration();
        ManagedQueue<String> q = manager.queue();
        q.put("x");
        assertEquals("x", q.get(true, forever));
        ManagedLock lock = manager.lock();
        assertTrue(lock.acquire(true, forever));
        lock.release();
        ManagedCondition c = manager.condition();
        assertTrue(c.acquire(true, forever));
        try {
            assertTrue(c.awaitFor(() -> true, forever));
        } finally {
            c.release();
        }
    }

    @Test
    void aProxyStillDescribesItselfOnceItsManagerIsGone() {
        SyncManager own = Multiprocessing.manager();
        ManagedList<Integer> l = own.list(List.of(1));
        ManagedMap<String, Integer> d = own.dict();
        assertEquals("[1]", l.toString());
        own.shutdown();
        // toString() is what a log line or an assertion message calls: it must not throw.
        String s = assertDoesNotThrow(l::toString);
        assertTrue(s.contains("toString() failed"), s);
        assertTrue(assertDoesNotThrow(d::toString).contains("toString() failed"));
    }
}
