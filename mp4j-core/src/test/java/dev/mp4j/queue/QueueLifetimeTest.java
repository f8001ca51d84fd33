package dev.mp4j.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.process.JvmProcess;
import dev.mp4j.shm.SharedSegment;
import dev.mp4j.sync.ProcessEvent;
import dev.mp4j.testing.Await;
import dev.mp4j.testing.Segments;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A queue's segment goes once no process holds the queue and no copy of it is on its way
 * anywhere, instead of when the process tree ends: a program that makes a queue per job does
 * not fill /dev/shm.
 */
@Timeout(60)
class QueueLifetimeTest {
    private static final Duration GC_BOUND = Duration.ofSeconds(20);

    @Test
    void aQueueNoProcessHoldsIsRemovedWithTheItemsItSpilled() throws Exception {
        Set<String> before = Segments.like(SharedSegment.PREFIX);
        String name = queueWithASpilledItem();
        Set<String> made = Segments.like(SharedSegment.PREFIX);
        made.removeAll(before);
        // the queue's segment and the one its item was spilled into
        assertTrue(made.contains(name), made::toString);
        assertEquals(2, made.stream().filter(n -> n.startsWith(Segments.prefixOf(name))).count(), made::toString);

        assertTrue(goneAfterCollections(made), () -> "still there: " + made);
    }

    private static String queueWithASpilledItem() throws Exception {
        ProcessQueue<byte[]> q = ProcessQueue.create(0, 64 * 1024, 1 << 20);
        q.put(new byte[200_000]);
        return q.name();
    }

    @Test
    void manyQueuesMadeAndDroppedLeaveNoFiles() throws Exception {
        Set<String> before = Segments.like(SharedSegment.PREFIX);
        Set<String> made = new java.util.HashSet<>();
        for (int i = 0; i < 200; i++) {
            made.add(usedOnce(i));
        }
        assertTrue(goneAfterCollections(made), () -> made.stream().filter(SharedSegment::exists).count() + " of 200 still there");
        Set<String> after = Segments.like(SharedSegment.PREFIX);
        after.removeAll(before);
        assertTrue(after.isEmpty(), after::toString);
    }

    private static String usedOnce(int i) throws Exception {
        ProcessQueue<Integer> q = ProcessQueue.create();
        q.put(i);
        assertEquals(i, q.take());
        return q.name();
    }

    @Test
    void aQueueAChildStillHoldsStaysUntilThatChildEnds() throws Exception {
        ProcessEvent done = ProcessEvent.create();
        Started started = childHolding(done);
        String name = started.queue();
        JvmProcess child = started.child();
        // The process object no longer refers to the target (as in CPython), and the queue
        // object is gone here: only the child holds the queue now.
        assertTrue(Await.until(() -> {
            System.gc();
            return holders(name) == 1;
        }, GC_BOUND), "this process gave its hold back");
        assertTrue(SharedSegment.exists(name), "removed while a child holds it");

        done.set();
        child.join(Duration.ofSeconds(30));
        assertEquals(0, child.exitCode());
        // The child gave its hold back on its way out, and found nobody else.
        assertFalse(SharedSegment.exists(name), "the child's exit left the queue behind");
    }

    @Test
    void aHolderKilledBySignalIsForgotten() throws Exception {
        String name = heldByAKilledChild();
        assertTrue(goneAfterCollections(Set.of(name)), "a dead holder kept the queue");
    }

    private static String heldByAKilledChild() throws Exception {
        ProcessQueue<String> q = ProcessQueue.create();
        JvmProcess child = new JvmProcess(() -> {
            q.put("attached");
            Thread.sleep(60_000);
        });
        child.start();
        assertEquals("attached", q.poll(30, TimeUnit.SECONDS));
        child.kill();
        child.join(Duration.ofSeconds(30));
        // SIGKILL: the child gave nothing back, its pid is still in the table
        assertEquals(2, holders(q.name()));
        return q.name();
    }

    @Test
    void bytesReadTwiceDoNotUseUpAnotherCopysClaim() throws Exception {
        // A pool sends one serialized function to every worker: the same bytes are read several
        // times. That must not count against a copy waiting elsewhere (here, in another queue).
        ProcessQueue<ProcessQueue<String>> outer = ProcessQueue.create();
        String name = waitingInAnotherQueueAndReadTwice(outer);
        assertTrue(Await.until(() -> {
            System.gc();
            return !SharedSegment.exists(name) || holders(name) == 0;
        }, GC_BOUND), "this process gave its holds back");
        assertTrue(SharedSegment.exists(name), "removed while a copy waited in another queue");

        ProcessQueue<String> q = outer.poll(5, TimeUnit.SECONDS);
        q.put("still there");
        assertEquals("still there", q.take());
    }

    private static String waitingInAnotherQueueAndReadTwice(ProcessQueue<ProcessQueue<String>> outer) throws Exception {
        ProcessQueue<String> q = ProcessQueue.create();
        outer.put(q);
        byte[] once = dev.mp4j.serial.SafeSerializer.javaSerialize(q);
        for (int read = 0; read < 2; read++) {
            Object copy = dev.mp4j.serial.SafeSerializer.javaDeserializeTrusted(once, 1, once.length - 1);
            assertEquals(q.name(), ((ProcessQueue<?>) copy).name());
        }
        return q.name();
    }

    @Test
    void aQueueInAMessageOutlivesItsSenderUntilItIsRead() throws Exception {
        ProcessQueue<ProcessQueue<String>> outer = ProcessQueue.create();
        JvmProcess sender = new JvmProcess(() -> {
            ProcessQueue<String> inner = ProcessQueue.create();
            inner.put("made by the sender");
            outer.put(inner);
        });
        sender.start();
        sender.join(Duration.ofSeconds(30));
        assertEquals(0, sender.exitCode());
        // The sender ended holding the inner queue, and gave it back: only the copy in the
        // outer queue keeps it.
        ProcessQueue<String> inner = outer.poll(30, TimeUnit.SECONDS);
        assertEquals("made by the sender", inner.poll(5, TimeUnit.SECONDS));
        inner.put("still working");
        assertEquals("still working", inner.take());

        String name = inner.name();
        inner = null;
        assertTrue(goneAfterCollections(Set.of(name)), "the queue went once its reader dropped it");
    }

    private record Started(String queue, JvmProcess child) {
    }

    private static Started childHolding(ProcessEvent done) throws Exception {
        ProcessQueue<String> q = ProcessQueue.create();
        JvmProcess child = new JvmProcess(() -> {
            q.put("attached");
            done.await(Duration.ofSeconds(30));
        });
        child.start();
        assertEquals("attached", q.poll(30, TimeUnit.SECONDS));
        assertEquals(2, holders(q.name()));
        return new Started(q.name(), child);
    }

    private static boolean goneAfterCollections(Set<String> names) throws InterruptedException {
        return Await.until(() -> {
            System.gc();
            return names.stream().noneMatch(SharedSegment::exists);
        }, GC_BOUND);
    }

    /** The processes holding the queue, read from its segment's holder table. */
    private static int holders(String name) {
        try (SharedSegment segment = SharedSegment.attach(name)) {
            return dev.mp4j.shm.HeldSegment.holders(segment, QueueLayout.HOLDERS);
        }
    }
}
