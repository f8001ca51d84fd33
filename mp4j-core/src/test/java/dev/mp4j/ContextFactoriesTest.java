package dev.mp4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.pool.ProcessPool;
import dev.mp4j.process.JvmProcess;
import dev.mp4j.queue.JoinableProcessQueue;
import dev.mp4j.queue.ProcessQueue;
import dev.mp4j.queue.QueueFullException;
import dev.mp4j.queue.SimpleProcessQueue;
import dev.mp4j.sync.ProcessBarrier;
import dev.mp4j.sync.ProcessSemaphore;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Code ported from {@code ctx = get_context(...)} reaches every factory through the context, and
 * Python's default arguments have their overloads: {@code ctx.Pool(n)}, {@code ctx.Queue()},
 * {@code Semaphore()}, {@code Barrier(parties, action)}, {@code starmap_async(func, iterable)}.
 */
@Timeout(120)
class ContextFactoriesTest {
    private static final Context SPAWN = Multiprocessing.getContext("spawn");

    @Test
    void aContextsPoolStartsItsWorkersWithThatContext() throws Exception {
        Context small = SPAWN.withJvmOptions(SPAWN.jvmOptions().systemProperty("ctx.test", "from-the-context"));
        try (ProcessPool pool = small.pool(2)) {
            assertEquals(List.of(1, 4, 9), pool.map(x -> x * x, List.of(1, 2, 3)));
            // The workers are the context's children: they carry its JVM options.
            assertEquals("from-the-context", pool.apply(() -> System.getProperty("ctx.test")));
            assertEquals(List.of(3, 7), pool.starmapAsync(a -> (Integer) a[0] + (Integer) a[1],
                    List.of(new Object[] {1, 2}, new Object[] {3, 4})).get(Duration.ofSeconds(60)));
        }
    }

    @Test
    void aContextsQueuesCarryItemsToItsChildren() throws Exception {
        ProcessQueue<Integer> q = SPAWN.queue();
        SimpleProcessQueue<String> answers = SPAWN.simpleQueue();
        JoinableProcessQueue<Integer> jobs = SPAWN.joinableQueue(1);
        jobs.put(5);
        assertThrows(QueueFullException.class, () -> jobs.put(6, true, Duration.ofMillis(10)));
        q.put(20);
        JvmProcess p = SPAWN.process(() -> {
            int job = jobs.take();
            jobs.taskDone();
            answers.put("got " + q.take() + " and " + job);
        });
        p.start();
        assertTrue(jobs.join(Duration.ofSeconds(60)));
        assertEquals("got 20 and 5", answers.get(Duration.ofSeconds(60)));
        p.join();
        assertEquals(0, p.exitCode());
        ProcessQueue<Integer> bounded = SPAWN.queue(1);
        bounded.put(1);
        assertTrue(bounded.isFull());
    }

    @Test
    void pythonsDefaultArgumentsHaveTheirOverloads() throws Exception {
        ProcessSemaphore one = SPAWN.semaphore();
        assertTrue(one.tryAcquire());
        assertFalse(one.tryAcquire(), "Semaphore() has one permit");
        one.release();
        one.release(); // an unbounded semaphore may go above its start
        ProcessSemaphore bounded = SPAWN.boundedSemaphore();
        assertTrue(bounded.tryAcquire());
        assertFalse(bounded.tryAcquire(), "BoundedSemaphore() has one permit");
        bounded.release();
        assertThrows(IllegalStateException.class, bounded::release);

        assertEquals(0, SPAWN.barrier(1).await());
        ProcessQueue<String> ran = ProcessQueue.create();
        ProcessBarrier withAction = ProcessBarrier.create(1, () -> ran.put("the action ran"));
        assertEquals(0, withAction.await());
        assertEquals("the action ran", ran.poll(10, java.util.concurrent.TimeUnit.SECONDS));
    }
}
