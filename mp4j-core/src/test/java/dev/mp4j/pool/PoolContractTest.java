package dev.mp4j.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.Multiprocessing;
import dev.mp4j.queue.ProcessQueue;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The ExecutorService face with plain lambdas, option checks, and timeouts of any size. */
@Timeout(120)
class PoolContractTest {
    @Test
    void shutdownNowFromAStageOfOneOfThePoolsTasksDoesNotWaitForItsOwnThread() throws Exception {
        // A stage runs on the slot's thread that completed its task; shutdownNow waited (10 s)
        // for every slot to end, that one included, which could not end before it returned.
        ProcessPool pool = ProcessPool.create(1);
        try {
            // The task waits for the stage to be attached, so that the slot's thread runs it.
            dev.mp4j.sync.ProcessEvent attached = dev.mp4j.sync.ProcessEvent.create();
            long start = System.nanoTime();
            CompletableFuture<List<Runnable>> stage = pool.submit(() -> attached.await(Duration.ofSeconds(30)))
                    .thenApply(v -> pool.shutdownNow());
            attached.set();
            List<Runnable> never = stage.get(30, TimeUnit.SECONDS);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(never.isEmpty(), never::toString);
            assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "shutdownNow from a stage took " + took);
            assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        } finally {
            pool.terminate();
        }
    }

    @Test
    void aCallbackThatLeavesItsThreadInterruptedDoesNotStopThePool() throws Exception {
        // A task's stages and callbacks run on the pool's slot thread that completed it; one that
        // interrupts that thread (or leaves an interrupt set) ended the slot's next wait, and a
        // pool of one worker looked alive but never ran anything again.
        try (ProcessPool pool = ProcessPool.create(1)) {
            CompletableFuture<Boolean> onSlot = new CompletableFuture<>();
            // The task waits for the stage to be attached, so that the slot's thread runs it.
            dev.mp4j.sync.ProcessEvent attached = dev.mp4j.sync.ProcessEvent.create();
            CompletableFuture<Void> stage = pool.submit(() -> attached.await(Duration.ofSeconds(30))).thenRun(() -> {
                onSlot.complete(Thread.currentThread().getName().startsWith("mp4j-pool"));
                Thread.currentThread().interrupt();
            });
            attached.set();
            stage.get(30, TimeUnit.SECONDS);
            assertTrue(onSlot.get(), "the stage did not run on the slot's thread: the test proves nothing");
            assertEquals(2, pool.applyAsync(() -> 2).get(Duration.ofSeconds(30)));
            assertEquals(List.of(1, 4, 9), pool.map(x -> x * x, List.of(1, 2, 3)));
        }
    }

    @Test
    void terminateDoesNotWaitForAnImapsInputThatBlocks() throws Exception {
        // An imap reads its input in the caller's thread (and the pool's feeder), holding the
        // iterator's lock; a read that blocks (a socket's next line) kept terminate() waiting for
        // that lock for ever. It is refused without the lock now: the reader sees it on return.
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.Iterator<Integer> blocking = new java.util.Iterator<>() {
            private int n;

            @Override
            public boolean hasNext() {
                if (n == 3) {
                    try {
                        release.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return n < 5;
            }

            @Override
            public Integer next() {
                return n++;
            }
        };
        ProcessPool pool = ProcessPool.create(1);
        CompletableFuture<Object> caller = new CompletableFuture<>();
        Thread imap = Thread.ofPlatform().name("blocked-input").start(() -> {
            try {
                ResultIterator<Integer> it = pool.imap(x -> x, () -> blocking, 1);
                int got = 0;
                while (it.hasNext()) {
                    it.next();
                    got++;
                }
                caller.complete(got);
            } catch (Throwable t) {
                caller.complete(t);
            }
        });
        try {
            assertTrue(dev.mp4j.testing.Threads.awaitSettledAsleep(ProcessHandle.current().pid(), "blocked-input",
                    Duration.ofSeconds(30)), "the input never blocked");
            Thread terminator = Thread.ofPlatform().start(pool::terminate);
            terminator.join(Duration.ofSeconds(15));
            assertFalse(terminator.isAlive(), "terminate() waited for the imap's blocked input");
        } finally {
            release.countDown();
            imap.join(Duration.ofSeconds(30));
            pool.terminate();
        }
        // The caller hears that its results went with the pool (the chunks in flight were
        // cancelled, or the rest of its input was refused), not a count of them all.
        Object outcome = caller.get(30, TimeUnit.SECONDS);
        assertTrue(outcome instanceof java.util.concurrent.CancellationException
                || outcome instanceof java.util.concurrent.RejectedExecutionException, String.valueOf(outcome));
    }

    @Test
    void executeAndSubmitTakeALambdaWithNoResult() throws Exception {
        try (ProcessPool pool = ProcessPool.create(1)) {
            ProcessQueue<Long> q = ProcessQueue.create();
            try {
                // A lambda with no result: before, it could only be a plain Runnable, always refused.
                pool.execute(() -> q.offer(ProcessHandle.current().pid()));
                long workerPid = q.get(true, Duration.ofSeconds(60));
                assertNotEquals(ProcessHandle.current().pid(), workerPid, "it ran in this process");
                CompletableFuture<?> f = pool.submit(() -> {
                    q.offer(-1L);
                });
                assertEquals(null, f.get(60, TimeUnit.SECONDS));
                assertEquals(-1L, q.get(true, Duration.ofSeconds(60)));
                // A value lambda still picks the Callable overload.
                assertEquals(42, pool.submit(() -> 6 * 7).get(60, TimeUnit.SECONDS));
            } finally {
                q.close();
            }
        }
    }

    @Test
    void aRunnableKeptInAVariableIsRefusedWithHowToWriteIt() throws Exception {
        try (ProcessPool pool = ProcessPool.create(1)) {
            Runnable plain = () -> { };
            var e = assertThrows(dev.mp4j.serial.NotSerializableValueException.class, () -> pool.execute(plain));
            assertTrue(e.getMessage().contains("in the call itself"), e.getMessage());
        }
    }

    @Test
    void optionsRefuseATimeoutThatWouldStopEveryTaskAtOnce() {
        ProcessPool.Options o = ProcessPool.Options.defaults();
        assertThrows(IllegalArgumentException.class, () -> o.withTaskTimeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> o.withTaskTimeout(Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> o.withKillGrace(Duration.ofMillis(-1)));
        assertEquals(null, o.withTaskTimeout(Duration.ofSeconds(1)).withTaskTimeout(null).taskTimeout());
        assertEquals(Duration.ZERO, o.withKillGrace(Duration.ZERO).killGrace());
    }

    @Test
    void hugeTimeoutsWaitInsteadOfOverflowing() throws Exception {
        Duration forever = ChronoUnit.FOREVER.getDuration();
        try (ProcessPool pool = ProcessPool.create(ProcessPool.Options.defaults().withProcesses(1).withTaskTimeout(forever))) {
            AsyncResult<Integer> r = pool.applyAsync(() -> 5);
            assertEquals(5, r.get(forever));
            assertTrue(r.await(forever));
            ResultIterator<Integer> it = pool.imap(x -> x + 1, List.of(1, 2));
            assertEquals(2, it.next(forever));
            assertEquals(3, it.next(forever));
        }
        ProcessQueue<String> q = ProcessQueue.create();
        try {
            q.put("x", true, forever);
            assertEquals("x", q.get(true, forever));
        } finally {
            q.close();
        }
        dev.mp4j.queue.JoinableProcessQueue<String> jq = dev.mp4j.queue.JoinableProcessQueue.create();
        try {
            assertTrue(jq.join(forever));
        } finally {
            jq.close();
        }
    }

    @Test
    void aTaskGivenToExecuteThatFailsIsReportedOnStderr() throws Exception {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.err;
        System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        try (ProcessPool pool = ProcessPool.create(1)) {
            pool.execute(() -> {
                throw new IllegalStateException("broken on purpose");
            });
            // Nothing waits for an execute()'d task: its failure is printed, as an executor's
            // thread prints an uncaught exception.
            assertTrue(dev.mp4j.testing.Await.until(() -> err.toString(java.nio.charset.StandardCharsets.UTF_8)
                    .contains("broken on purpose"), Duration.ofSeconds(60)), err::toString);
            assertTrue(err.toString(java.nio.charset.StandardCharsets.UTF_8).contains("a task given to execute() failed"), err::toString);
        } finally {
            System.setErr(old);
        }
    }

    /** A pool of one worker running a task that waits for {@link #release}; closed with its pool. */
    private record BusyPool(ProcessPool pool, dev.mp4j.sync.ProcessEvent release, CompletableFuture<String> running,
            ProcessQueue<String> started) implements AutoCloseable {
        static BusyPool start() throws Exception {
            ProcessPool pool = ProcessPool.create(1);
            dev.mp4j.sync.ProcessEvent release = dev.mp4j.sync.ProcessEvent.create();
            ProcessQueue<String> started = ProcessQueue.create();
            CompletableFuture<String> running = pool.submit(() -> {
                started.put("running");
                release.await();
                return "finished";
            });
            assertEquals("running", started.get(true, Duration.ofSeconds(60)));
            return new BusyPool(pool, release, running, started);
        }

        /** Lets the running task end, and checks that it finished. */
        void finish() throws Exception {
            release.set();
            assertEquals("finished", running.get(60, TimeUnit.SECONDS), "the running task finishes");
        }

        @Override
        public void close() {
            pool.terminate();
            started.close();
        }
    }

    @Test
    void shutdownWithCancelFuturesDropsWhatWaitsAndFinishesWhatRuns() throws Exception {
        try (BusyPool busy = BusyPool.start()) {
            ProcessPool pool = busy.pool();
            List<CompletableFuture<Integer>> waiting = new java.util.ArrayList<>();
            for (int i = 0; i < 3; i++) {
                int n = i;
                waiting.add(pool.submit(() -> n));
            }
            pool.shutdown(false, true);
            for (CompletableFuture<Integer> f : waiting) {
                assertTrue(f.isCancelled(), "a task no worker had taken is cancelled");
            }
            assertThrows(java.util.concurrent.RejectedExecutionException.class, () -> pool.submit(() -> 1));
            busy.finish();
            pool.shutdown(true, false);
            assertTrue(pool.isTerminated());
        }
    }

    @Test
    void shutdownWithCancelFuturesReadsNoMoreOfAnOpenImapsInput() throws Exception {
        try (BusyPool busy = BusyPool.start()) {
            ProcessPool pool = busy.pool();
            java.util.concurrent.atomic.AtomicInteger read = new java.util.concurrent.atomic.AtomicInteger();
            Iterable<Integer> counted = () -> java.util.stream.IntStream.range(0, 1000).peek(i -> read.incrementAndGet()).iterator();
            ResultIterator<Integer> results = pool.imap(x -> x, counted, 1);
            int readBefore = read.get();
            assertTrue(readBefore < 1000, "an imap reads ahead only a window of chunks");
            pool.shutdown(false, true);
            busy.finish();
            pool.join();
            // At most the chunk the closing pool's feeder was reading as the input was refused.
            assertTrue(read.get() <= readBefore + 1, () -> "read on after the shutdown: " + read.get() + " of 1000");
            assertThrows(java.util.concurrent.CancellationException.class, results::next);
        }
    }

    @Test
    void joinWithATimeoutSaysWhetherThePoolHasEnded() throws Exception {
        try (BusyPool busy = BusyPool.start()) {
            ProcessPool pool = busy.pool();
            assertThrows(IllegalStateException.class, () -> pool.join(Duration.ofSeconds(1)));
            pool.shutdown();
            assertFalse(pool.join(Duration.ofMillis(50)), "its task still runs");
            busy.finish();
            // A timeout too long for nanoseconds in a long waits as long as it takes.
            assertTrue(pool.join(ChronoUnit.FOREVER.getDuration()));
        }
    }
}
