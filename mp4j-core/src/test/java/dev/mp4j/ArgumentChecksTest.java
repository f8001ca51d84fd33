package dev.mp4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.connection.Connection;
import dev.mp4j.connection.Pipe;
import dev.mp4j.manager.BaseManager;
import dev.mp4j.manager.SyncManager;
import dev.mp4j.pool.AsyncResult;
import dev.mp4j.pool.ProcessPool;
import dev.mp4j.pool.ResultIterator;
import dev.mp4j.process.JvmOptions;
import dev.mp4j.process.JvmProcess;
import dev.mp4j.queue.JoinableProcessQueue;
import dev.mp4j.queue.ProcessQueue;
import dev.mp4j.serial.NotSerializableValueException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Bad arguments are refused in the caller, at once, saying what was wrong. */
@Timeout(120)
class ArgumentChecksTest {
    @Test
    void managerTimeoutsMustBePositiveAndAStartTimeoutOfForeverWorks() {
        SyncManager m = new SyncManager();
        assertThrows(IllegalArgumentException.class, () -> m.withShutdownTimeout(null));
        assertThrows(IllegalArgumentException.class, () -> m.withShutdownTimeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> m.withShutdownTimeout(Duration.ofSeconds(-1)));
        // Longer than Duration.toNanos can say (it threw ArithmeticException and left the server running).
        m.withStartTimeout(ChronoUnit.FOREVER.getDuration()).start();
        try {
            Map<String, Integer> d = m.dict();
            d.put("a", 1);
            assertEquals(1, d.get("a"));
            Object[] tooMany = new Object[256];
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.create("list", tooMany));
            assertTrue(e.getMessage().contains("255") && e.getMessage().contains("256"), e.getMessage());
            assertEquals(1, d.get("a"), "the manager stopped serving after a refused call");
        } finally {
            m.shutdown();
        }
    }

    @Test
    void aRegistrationIsCheckedWhenMade() {
        BaseManager m = new BaseManager();
        assertThrows(IllegalArgumentException.class, () -> m.register(null, List.class));
        assertThrows(IllegalArgumentException.class, () -> m.register("", List.class));
        assertThrows(IllegalArgumentException.class, () -> m.register("q", java.util.ArrayList.class));
        assertThrows(NullPointerException.class, () -> m.register("q", List.class, null));
        Thread notSerializable = new Thread(() -> { });
        NotSerializableValueException e = assertThrows(NotSerializableValueException.class,
                () -> m.register("names", List.class, args -> List.of(notSerializable.getName())));
        assertTrue(e.getMessage().contains("'names'"), e.getMessage());
        assertEquals("java.lang.Thread", e.offendingClass());
    }

    @Test
    void aPoolRefusesBadSettingsAndArgumentsWhenGiven() {
        assertThrows(IllegalArgumentException.class, () -> ProcessPool.Options.defaults().withMaxWorkerRss(-1));
        try (ProcessPool pool = ProcessPool.create(1)) {
            assertThrows(IllegalArgumentException.class, () -> pool.map(x -> x, List.of(1, 2), -1));
            NullPointerException fn = assertThrows(NullPointerException.class, () -> pool.imap(null, List.of(1)));
            assertTrue(fn.getMessage().contains("fn"), fn.getMessage());
            assertThrows(NullPointerException.class, () -> pool.map(x -> x, null));
            NullPointerException task = assertThrows(NullPointerException.class, () -> pool.submit((Runnable) null));
            assertTrue(task.getMessage().contains("task"), task.getMessage());
            assertThrows(NullPointerException.class, () -> pool.submit((java.util.concurrent.Callable<Object>) null));
        }
    }

    @Test
    void aNullTimeoutMeansNoLimitAsNoneDoesInPython() throws Exception {
        try (ProcessPool pool = ProcessPool.create(1)) {
            AsyncResult<Integer> r = pool.applyAsync(() -> 6 * 7);
            assertTrue(r.await(null));
            assertEquals(42, r.get(null));
            r.await();
            ResultIterator<Integer> it = pool.imap(x -> x + 1, List.of(1, 2));
            assertEquals(2, it.next(null));
            assertEquals(3, it.next(null));
        }
        JoinableProcessQueue<Integer> q = JoinableProcessQueue.create();
        q.put(1);
        q.take();
        q.taskDone();
        assertTrue(q.join(null));
        q.close();
    }

    @Test
    void jvmOptionsMustBeFlags() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JvmOptions.defaults().with("Xmx64m"));
        assertTrue(e.getMessage().contains("'Xmx64m'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> JvmOptions.defaults().with(null));
        // The value of an option that takes one as the next argument is not a flag.
        // A class path would be overridden by the children's own (this JVM's).
        assertThrows(IllegalArgumentException.class, () -> JvmOptions.defaults().with("-cp"));
        assertThrows(IllegalArgumentException.class, () -> JvmOptions.defaults().with("--class-path=x.jar"));
        JvmOptions opens = JvmOptions.defaults().with("--add-opens").with("java.base/java.lang=ALL-UNNAMED");
        assertEquals("java.base/java.lang=ALL-UNNAMED", opens.arguments().getLast());
        assertThrows(NullPointerException.class, () -> Multiprocessing.getContext("spawn").withJvmOptions(null));
    }

    @Test
    void aNegativeMaxsizeIsAnUnboundedQueueAsInCPython() throws Exception {
        ProcessQueue<Integer> q = ProcessQueue.create(-1);
        for (int i = 0; i < 5; i++) {
            assertTrue(q.offer(i));
        }
        assertEquals(Integer.MAX_VALUE, q.remainingCapacity());
        q.close();
    }

    @Test
    void aChildKnowsItsStartMethodWithoutFixingAnything() throws Exception {
        Pipe pipe = Pipe.open();
        Connection end = pipe.right();
        JvmProcess child = Multiprocessing.getContext("spawn").process(() -> end.send(Multiprocessing.getStartMethod(true)));
        child.start();
        assertEquals("spawn", pipe.left().recv());
        child.join();
    }
}
