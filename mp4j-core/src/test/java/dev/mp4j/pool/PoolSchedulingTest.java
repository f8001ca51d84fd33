package dev.mp4j.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.serial.NotSerializableValueException;
import dev.mp4j.sync.ProcessBarrier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** How a pool hands out work, and what it does with work left when a worker or the pool stops. */
@Timeout(120)
class PoolSchedulingTest {

    private static void killAndWait(long pid) {
        ProcessHandle h = ProcessHandle.of(pid).orElseThrow();
        h.destroyForcibly();
        h.onExit().join();
    }

    @Test
    void aWorkerKilledWhileIdleDoesNotFailTheNextTask() throws Exception {
        try (ProcessPool p = ProcessPool.create(1)) {
            long pid = p.apply(() -> ProcessHandle.current().pid());
            killAndWait(pid);
            // The task never reached the dead worker: it runs on the replacement.
            assertEquals(42, p.apply(() -> 42));
        }
    }

    /** What a test does with its pool. */
    private interface PoolBody {
        void run(ProcessPool p) throws Exception;
    }

    /**
     * Runs {@code body} on a new pool, terminated afterwards whatever happened: its own close
     * would wait for whatever a failed assertion left running.
     */
    private static void onPool(int processes, PoolBody body) throws Exception {
        ProcessPool p = ProcessPool.create(processes);
        try {
            body.run(p);
        } finally {
            p.terminate();
            p.join();
        }
    }

    @Test
    void aJobLargerThanThePipeSentToADeadWorkerRunsOnItsReplacement() throws Exception {
        onPool(1, p -> {
            long pid = p.apply(() -> ProcessHandle.current().pid());
            killAndWait(pid);
            // 4 MiB: more than the worker pipe's ring, so the send itself meets the dead reader.
            AsyncResult<List<Integer>> big = p.mapAsync(b -> b.length, List.of(new byte[4 << 20]));
            assertEquals(List.of(4 << 20), big.get(Duration.ofSeconds(60)));
            assertEquals(1, p.applyAsync(() -> 1).get(Duration.ofSeconds(60)));
            p.shutdown();
            assertTrue(p.awaitTermination(60, TimeUnit.SECONDS), "the pool did not end after shutdown");
        });
    }

    @Test
    void imapResultsCanStillBeReadAfterShutdownAndJoin() throws Exception {
        onPool(1, PoolSchedulingTest::readAfterShutdown);
    }

    private static void readAfterShutdown(ProcessPool p) throws Exception {
        Iterator<Integer> read = p.imap(x -> x * 2, IntStream.range(0, 100).boxed().toList());
        Iterator<Integer> unread = p.imapUnordered(x -> x + 1, IntStream.range(0, 100).boxed().toList());
        p.shutdown();
        List<Integer> doubled = new ArrayList<>();
        read.forEachRemaining(doubled::add);
        assertEquals(IntStream.range(0, 100).map(x -> x * 2).boxed().toList(), doubled);
        // As in CPython, join waits for what an imap begun before close has left, and its
        // results are there afterwards.
        p.join();
        Set<Integer> plusOne = new HashSet<>();
        unread.forEachRemaining(plusOne::add);
        assertEquals(100, plusOne.size());
        assertTrue(plusOne.contains(100) && plusOne.contains(1));
    }

    @Test
    void anImapItemThatCannotTravelFailsInItsPlaceAndTheRestArrive() {
        try (ProcessPool p = ProcessPool.create(2)) {
            // Item 150 is far past the first window of chunks: it is read while results are taken.
            Iterator<Object> results = p.imap(x -> x, itemsWithAnUnsendableOne(), 1);
            for (int i = 0; i < 200; i++) {
                if (i == 150) {
                    assertThrows(dev.mp4j.serial.NotSerializableValueException.class, results::next);
                } else {
                    assertEquals(i, results.next());
                }
            }
            assertFalse(results.hasNext());
        }
    }

    @Test
    void closingAPoolWhoseOpenImapHasAnItemThatCannotTravelStillEnds() throws Exception {
        // The pool feeds what an open imap has left on a thread of its own after shutdown(): the
        // unsendable item used to kill that thread, the end markers were never queued, and join()
        // waited for ever.
        ProcessPool p = ProcessPool.create(2);
        Iterator<Object> results = p.imap(x -> x, itemsWithAnUnsendableOne(), 1);
        p.shutdown();
        assertTrue(p.awaitTermination(60, TimeUnit.SECONDS), "the pool did not end after shutdown");
        int ok = 0;
        int failed = 0;
        while (results.hasNext()) {
            try {
                results.next();
                ok++;
            } catch (dev.mp4j.serial.NotSerializableValueException expected) {
                failed++;
            }
        }
        assertEquals(199, ok);
        assertEquals(1, failed);
    }

    private static List<Object> itemsWithAnUnsendableOne() {
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            items.add(i == 150 ? new Object() : i);
        }
        return items;
    }

    @Test
    void anImapInputThatFailsReportsItsErrorInItsPlace() {
        try (ProcessPool p = ProcessPool.create(1)) {
            Iterator<Integer> input = new Iterator<>() {
                int n;

                @Override
                public boolean hasNext() {
                    return true;
                }

                @Override
                public Integer next() {
                    if (n == 3) {
                        throw new IllegalStateException("input broke at 3");
                    }
                    return n++;
                }
            };
            Iterator<Integer> results = p.imap(x -> x, () -> input);
            assertEquals(0, results.next());
            assertEquals(1, results.next());
            assertEquals(2, results.next());
            IllegalStateException e = assertThrows(IllegalStateException.class, results::next);
            assertEquals("input broke at 3", e.getMessage());
            assertFalse(results.hasNext());
        }
    }

    @Test
    void shutdownNowListsTheTasksQueuedBehindTheRunningOne() throws Exception {
        onPool(1, PoolSchedulingTest::listsQueuedTasks);
    }

    private static void listsQueuedTasks(ProcessPool p) throws Exception {
        // Warm the slot so it keeps several jobs in flight to its worker.
        p.map(x -> x, IntStream.range(0, 64).boxed().toList(), 1);
        dev.mp4j.connection.Pipe started = dev.mp4j.connection.Pipe.open(false);
        dev.mp4j.connection.Connection tell = started.right();
        List<CompletableFuture<Integer>> quick = new ArrayList<>();
        CompletableFuture<Integer> slow = p.submit(() -> {
            tell.send("running");
            Thread.sleep(30_000);
            return 0;
        });
        dev.mp4j.connection.Pipe ranHere = dev.mp4j.connection.Pipe.open(false);
        dev.mp4j.connection.Connection report = ranHere.right();
        for (int i = 0; i < 19; i++) {
            int n = i;
            quick.add(p.submit(() -> {
                report.send(n);
                return n;
            }));
        }
        assertTrue(started.left().poll(Duration.ofSeconds(30)), "the slow task never started");
        // One its caller cancelled is not a task left to run.
        quick.getFirst().cancel(true);
        List<Runnable> never = p.shutdownNow();
        assertEquals(18, never.size(), "every task behind the running one never started: " + never);
        assertTrue(never.getFirst().toString().startsWith("task #"), never.getFirst().toString());
        // Each runs its task here, for whoever takes the list over.
        for (Runnable r : never) {
            r.run();
        }
        java.util.Set<Object> reported = new java.util.HashSet<>();
        for (int i = 0; i < 18; i++) {
            reported.add(ranHere.left().recv());
        }
        assertEquals(IntStream.range(1, 19).boxed().collect(java.util.stream.Collectors.toSet()), reported);
        assertTrue(slow.isCancelled());
        for (CompletableFuture<Integer> f : quick) {
            assertTrue(f.isCancelled());
        }
    }

    @Test
    void cancellingARunningTasksFutureInterruptsItInItsWorker() throws Exception {
        onPool(1, p -> {
            long worker = p.apply(() -> ProcessHandle.current().pid());
            dev.mp4j.connection.Pipe events = dev.mp4j.connection.Pipe.open(false);
            dev.mp4j.connection.Connection tell = events.right();
            CompletableFuture<String> f = p.submit(() -> {
                tell.send("started");
                try {
                    Thread.sleep(60_000);
                    return "slept";
                } catch (InterruptedException e) {
                    tell.send("interrupted");
                    throw e;
                }
            });
            assertEquals("started", events.left().recv());
            assertTrue(f.cancel(true));
            assertTrue(events.left().poll(Duration.ofSeconds(20)), "the running task was not interrupted");
            assertEquals("interrupted", events.left().recv());
            // The worker is free at once, and it is the same one: an interrupt was enough.
            assertEquals(worker, p.submit(() -> ProcessHandle.current().pid()).get(30, TimeUnit.SECONDS));
        });
    }

    @Test
    void aTaskInvokeAllGaveUpOnIsStoppedEvenIfItIgnoresInterrupts() throws Exception {
        ProcessPool p = ProcessPool.create(ProcessPool.Options.defaults().withProcesses(1).withKillGrace(Duration.ofSeconds(1)));
        try {
            long before = p.apply(() -> ProcessHandle.current().pid());
            dev.mp4j.serial.SerializableCallable<Integer> endless = () -> {
                long spins = 0;
                while (spins >= 0) {
                    spins++;
                }
                return 0;
            };
            List<Callable<Integer>> tasks = List.of(endless);
            List<java.util.concurrent.Future<Integer>> out = p.invokeAll(tasks, 1, TimeUnit.SECONDS);
            assertTrue(out.getFirst().isCancelled());
            // Its worker is killed after the grace and replaced: the pool serves again.
            assertEquals(42, p.submit(() -> 42).get(30, TimeUnit.SECONDS));
            assertTrue(p.apply(() -> ProcessHandle.current().pid()) != before, "the endless task's worker was not replaced");
            p.shutdown();
            assertTrue(p.awaitTermination(30, TimeUnit.SECONDS), "the pool did not end after shutdown");
        } finally {
            p.terminate();
            p.join();
        }
    }

    @Test
    void invokeAnyWhoseTasksAreAllCancelledThrowsExecutionException() throws Exception {
        ProcessPool p = ProcessPool.create(2);
        try {
            dev.mp4j.connection.Pipe starts = dev.mp4j.connection.Pipe.open(false);
            dev.mp4j.connection.Connection tell = starts.right();
            dev.mp4j.serial.SerializableCallable<Integer> sleeper = () -> {
                tell.send("started");
                Thread.sleep(60_000);
                return 1;
            };
            List<Callable<Integer>> tasks = List.of(sleeper, sleeper);
            CompletableFuture<Throwable> outcome = new CompletableFuture<>();
            Thread caller = Thread.ofPlatform().start(() -> {
                try {
                    p.invokeAny(tasks);
                    outcome.complete(null);
                } catch (Throwable e) {
                    outcome.complete(e);
                }
            });
            // Both running: shutdownNow cancels them all.
            for (int i = 0; i < 2; i++) {
                assertTrue(starts.left().poll(Duration.ofSeconds(30)), "the tasks did not start");
                assertEquals("started", starts.left().recv());
            }
            p.shutdownNow();
            Throwable e = outcome.get(30, TimeUnit.SECONDS);
            assertTrue(e instanceof java.util.concurrent.ExecutionException, "invokeAny threw " + e);
            caller.join();
        } finally {
            p.terminate();
            p.join();
        }
    }

    @Test
    void invokeAllCancelsWhatIsLeftWhenInterrupted() throws Exception {
        ProcessPool p = ProcessPool.create(1);
        dev.mp4j.connection.Pipe starts = dev.mp4j.connection.Pipe.open(false);
        dev.mp4j.connection.Connection tell = starts.right();
        dev.mp4j.sync.ProcessEvent gate = dev.mp4j.sync.ProcessEvent.create();
        List<Callable<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            int n = i;
            dev.mp4j.serial.SerializableCallable<Integer> c = () -> {
                tell.send(n);
                // held until the test has seen invokeAll interrupted: the second task stays queued
                gate.await(Duration.ofSeconds(60));
                return n;
            };
            tasks.add(c);
        }
        Thread caller = Thread.currentThread();
        Thread interrupter = Thread.ofPlatform().start(() -> {
            try {
                // once the first task runs: the second is still queued
                starts.left().poll(Duration.ofSeconds(30));
            } catch (java.io.IOException ignored) {
                // the test fails below
            }
            caller.interrupt();
        });
        try {
            assertThrows(InterruptedException.class, () -> p.invokeAll(tasks));
            gate.set();
            p.shutdown();
            p.join();
            // The queued task was cancelled: it never started.
            assertEquals(0, (Integer) starts.left().recv());
            assertFalse(starts.left().poll(Duration.ZERO), "the second task ran after invokeAll was interrupted");
        } finally {
            interrupter.join();
            Thread.interrupted();
            gate.set();
            p.terminate();
            p.join();
        }
    }

    @Test
    void aWorkerOverItsMemoryCeilingIsReplacedEvenUnderABacklogOfShortTasks() throws Exception {
        // A ceiling of one byte: every worker is over it after its first task.
        try (ProcessPool p = ProcessPool.create(ProcessPool.Options.defaults().withProcesses(1).withMaxWorkerRss(1))) {
            List<AsyncResult<Long>> pids = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                pids.add(p.applyAsync(() -> ProcessHandle.current().pid()));
            }
            Set<Long> seen = new HashSet<>();
            for (AsyncResult<Long> r : pids) {
                seen.add(r.get(Duration.ofSeconds(60)));
            }
            assertTrue(seen.size() >= 12, "workers over the ceiling kept running tasks: " + seen.size() + " pid(s)");
        }
    }

    @Test
    void tasksThatWaitForEachOtherRunOnDifferentWorkersOfAWarmPool() throws Exception {
        try (ProcessPool p = ProcessPool.create(2)) {
            // Short tasks first: each slot then keeps many jobs in flight to its worker.
            p.map(x -> x, IntStream.range(0, 400).boxed().toList(), 1);
            for (int round = 0; round < 10; round++) {
                ProcessBarrier both = ProcessBarrier.create(2);
                AsyncResult<Long> a = p.applyAsync(() -> {
                    both.await(Duration.ofSeconds(20));
                    return ProcessHandle.current().pid();
                });
                AsyncResult<Long> b = p.applyAsync(() -> {
                    both.await(Duration.ofSeconds(20));
                    return ProcessHandle.current().pid();
                });
                long pa = a.get(Duration.ofSeconds(60));
                long pb = b.get(Duration.ofSeconds(60));
                assertTrue(pa != pb, "round " + round + ": both tasks queued on one worker");
            }
        }
    }

    /** Short jobs until every slot of the pool has done enough to keep many in flight to its worker. */
    private static void warmEverySlot(ProcessPool p) throws Exception {
        // Until a deadline, not for a number of rounds: the first worker alone can run many
        // rounds while the second is still starting.
        // 1,000 each: a slot's window is set by its average job, which a test's long holder
        // jobs must not push past the short-job sizes.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() - deadline < 0) {
            p.map(x -> x, IntStream.range(0, 400).boxed().toList(), 1);
            if (p.workerStats().stream().allMatch(s -> s.tasksDone() >= 1000)) {
                return;
            }
        }
        throw new AssertionError("a slot never got work: " + p.workerStats());
    }

    /** A task that keeps a worker busy until {@code go} is set; it releases {@code busy} once running. */
    private static AsyncResult<Boolean> holdAWorker(ProcessPool p, dev.mp4j.sync.ProcessSemaphore busy,
                                                    dev.mp4j.sync.ProcessEvent go) {
        return p.applyAsync(() -> {
            busy.release();
            return go.await(Duration.ofSeconds(60));
        });
    }

    /** Waits until both workers of a two-worker pool run a {@link #holdAWorker} task. */
    private static void awaitBothHeld(dev.mp4j.sync.ProcessSemaphore busy) {
        for (int i = 0; i < 2; i++) {
            assertTrue(busy.acquire(true, Duration.ofSeconds(30)), "both workers never got busy");
        }
    }

    @Test
    void jobsQueuedBehindALongOneRunOnAnIdleWorkerInstead() throws Exception {
        runsQueuedWorkElsewhere(false);
    }

    @Test
    void afterShutdownJobsQueuedBehindALongOneStillRunOnAnIdleWorker() throws Exception {
        runsQueuedWorkElsewhere(true);
    }

    private static void runsQueuedWorkElsewhere(boolean shutDown) throws Exception {
        ProcessPool p = ProcessPool.create(2);
        try {
            warmEverySlot(p);
            // Both workers busy while the work below is queued. The first freed sends the long
            // job and, behind it, chunks of the map; the second is freed once the long job runs.
            dev.mp4j.sync.ProcessEvent goFirst = dev.mp4j.sync.ProcessEvent.create();
            dev.mp4j.sync.ProcessEvent goSecond = dev.mp4j.sync.ProcessEvent.create();
            dev.mp4j.sync.ProcessSemaphore busy = dev.mp4j.sync.ProcessSemaphore.create(0);
            AsyncResult<Boolean> first = holdAWorker(p, busy, goFirst);
            AsyncResult<Boolean> second = holdAWorker(p, busy, goSecond);
            awaitBothHeld(busy);
            dev.mp4j.sync.ProcessEvent longStarted = dev.mp4j.sync.ProcessEvent.create();
            dev.mp4j.sync.ProcessEvent release = dev.mp4j.sync.ProcessEvent.create();
            AsyncResult<String> longOne = p.applyAsync(() -> {
                longStarted.set();
                release.await(Duration.ofSeconds(60));
                return "long";
            });
            dev.mp4j.serial.TaskFunction<Integer, Integer> twice = x -> x * 2;
            List<Integer> items = IntStream.range(0, 400).boxed().toList();
            List<Integer> expected = items.stream().map(x -> x * 2).toList();
            AsyncResult<List<Integer>> doubled = p.mapAsync(twice, items, 1, null, null);
            if (shutDown) {
                // Python's close(): what is queued still runs, and must not wait for the long job.
                p.shutdown();
            }
            goFirst.set();
            try {
                assertTrue(longStarted.await(Duration.ofSeconds(30)), "the long job never started");
                goSecond.set();
                assertEquals(expected, doubled.get(Duration.ofSeconds(20)));
                // Every result came while the long job still ran.
                assertFalse(longOne.ready());
                assertTrue(p.workerStats().stream().mapToLong(WorkerStats::takenOver).sum() > 0, "nothing was taken over");
            } finally {
                goSecond.set();
                release.set();
            }
            assertEquals("long", longOne.get(Duration.ofSeconds(30)));
            assertTrue(first.get(Duration.ofSeconds(30)));
            assertTrue(second.get(Duration.ofSeconds(30)));
            if (shutDown) {
                p.join();
            } else {
                // The long job's worker received `twice` only with jobs it then skipped: it kept
                // the function, since the pool does not send it again.
                assertEquals(expected, p.map(twice, items, 1));
            }
        } finally {
            p.terminate();
            p.join();
        }
    }

    @Test
    void aJobTooLargeToQueueBehindALongOneRunsOnAnIdleWorker() throws Exception {
        ProcessPool p = ProcessPool.create(2);
        dev.mp4j.sync.ProcessEvent goFirst = dev.mp4j.sync.ProcessEvent.create();
        dev.mp4j.sync.ProcessEvent goSecond = dev.mp4j.sync.ProcessEvent.create();
        dev.mp4j.sync.ProcessEvent release = dev.mp4j.sync.ProcessEvent.create();
        try {
            warmEverySlot(p);
            dev.mp4j.sync.ProcessSemaphore busy = dev.mp4j.sync.ProcessSemaphore.create(0);
            AsyncResult<Boolean> first = holdAWorker(p, busy, goFirst);
            AsyncResult<Boolean> second = holdAWorker(p, busy, goSecond);
            awaitBothHeld(busy);
            dev.mp4j.sync.ProcessEvent longStarted = dev.mp4j.sync.ProcessEvent.create();
            AsyncResult<String> longOne = p.applyAsync(() -> {
                longStarted.set();
                release.await(Duration.ofSeconds(60));
                return "long";
            });
            // Chunks of a map: a small one, then one larger than may wait in a worker's pipe.
            List<byte[]> items = List.of(new byte[10], new byte[1 << 20]);
            ResultIterator<Integer> sizes = p.imapUnordered(b -> b.length, items, 1);
            goFirst.set();
            assertTrue(longStarted.await(Duration.ofSeconds(30)), "the long job never started");
            goSecond.set();
            Set<Integer> got = new HashSet<>();
            got.add(sizes.next(Duration.ofSeconds(20)));
            got.add(sizes.next(Duration.ofSeconds(20)));
            assertEquals(Set.of(10, 1 << 20), got);
            // Both came while the long job still ran.
            assertFalse(longOne.ready());
            release.set();
            assertEquals("long", longOne.get(Duration.ofSeconds(30)));
            assertTrue(first.get(Duration.ofSeconds(30)) && second.get(Duration.ofSeconds(30)));
        } finally {
            goFirst.set();
            goSecond.set();
            release.set();
            p.terminate();
            p.join();
        }
    }

    @Test
    void jobsTakenBackFromAWorkerRunExactlyOnce() throws Exception {
        dev.mp4j.queue.SimpleProcessQueue<Integer> ran = dev.mp4j.queue.SimpleProcessQueue.create();
        List<Integer> all = new ArrayList<>();
        long takenOver;
        try (ProcessPool p = ProcessPool.create(2)) {
            warmEverySlot(p);
            dev.mp4j.serial.TaskFunction<Integer, Integer> record = i -> {
                ran.put(i);
                if (i % 40 == 0) {
                    // Around the take-back delay: some are taken back as the worker reaches them.
                    Thread.sleep(8 + (i / 40) % 8);
                }
                return i;
            };
            // Each map's first call is long: the calls queued behind it are taken back by the
            // other slot once it runs out of work.
            for (int round = 0; round < 60; round++) {
                List<Integer> items = IntStream.range(round * 40, round * 40 + 40).boxed().toList();
                assertEquals(items, p.map(record, items, 1));
                all.addAll(items);
            }
            takenOver = p.workerStats().stream().mapToLong(WorkerStats::takenOver).sum();
        }
        // The pool is closed: a call run twice has put its number twice by now.
        List<Integer> runs = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            runs.add(ran.get(Duration.ofSeconds(30)));
        }
        assertTrue(ran.empty(), "a call ran twice");
        runs.sort(null);
        assertEquals(all, runs);
        assertTrue(takenOver >= 20, "too few jobs were taken over to test claiming them: " + takenOver);
        ran.close();
    }

    /** The cause of a failed result, as get() reports it. */
    private static Throwable causeOf(Exception error) {
        return error instanceof java.util.concurrent.ExecutionException ? error.getCause() : error;
    }

    @Test
    void aResultThisProcessWouldNotReadFailsItsTaskAndTheWorkerStays() throws Exception {
        try (ProcessPool p = ProcessPool.create(1)) {
            long pid = p.apply(() -> ProcessHandle.current().pid());
            // A File is serializable, but not on the allow-list of what a pool reads back: the
            // worker refuses to send it, and the task fails saying so.
            AsyncResult<java.io.File> refused = p.applyAsync(() -> new java.io.File("/tmp"));
            Throwable cause = causeOf(assertThrows(Exception.class, () -> refused.get(Duration.ofSeconds(30))));
            assertTrue(cause.getMessage().contains("result") && cause.getMessage().contains("java.io.File"), String.valueOf(cause));
            assertEquals(pid, p.apply(() -> ProcessHandle.current().pid()), "the worker was replaced");
            // Among jobs queued behind it (a warm worker keeps many in flight): only its own fails.
            p.map(x -> x, IntStream.range(0, 400).boxed().toList(), 1);
            List<AsyncResult<Object>> calls = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                int n = i;
                calls.add(p.applyAsync(() -> n == 50 ? new java.io.File("/tmp") : n));
            }
            for (int i = 0; i < 100; i++) {
                AsyncResult<Object> call = calls.get(i);
                if (i == 50) {
                    Throwable one = causeOf(assertThrows(Exception.class, () -> call.get(Duration.ofSeconds(30))));
                    assertTrue(one.getMessage().contains("java.io.File"), String.valueOf(one));
                } else {
                    assertEquals(i, call.get(Duration.ofSeconds(30)));
                }
            }
            assertEquals(pid, p.apply(() -> ProcessHandle.current().pid()), "the worker was replaced");
        }
    }

    /** One call site, so its calls share one function. */
    private static AsyncResult<String> describe(ProcessPool p, Object value) {
        return p.applyAsync(() -> String.valueOf(value));
    }

    @Test
    void anArgumentTheWorkerWouldNotReadIsRefusedAtSubmitAndTheWorkerStays() throws Exception {
        try (ProcessPool p = ProcessPool.create(1)) {
            long pid = p.apply(() -> ProcessHandle.current().pid());
            NotSerializableValueException refused = assertThrows(NotSerializableValueException.class,
                    () -> describe(p, new java.io.File("/tmp")));
            assertEquals("java.io.File", refused.offendingClass());
            assertEquals(pid, p.apply(() -> ProcessHandle.current().pid()), "the worker was replaced");
            // The same call with an argument it reads: the function, sent with the refused job,
            // was kept.
            assertEquals("ok", describe(p, "ok").get(Duration.ofSeconds(30)));
        }
    }

    @Test
    void aTaskSubmittedJustBeforeShutdownToAPoolWhoseIdleWorkerDiedStillRuns() throws Exception {
        onPool(1, p -> {
            long pid = p.apply(() -> ProcessHandle.current().pid());
            killAndWait(pid);
            CompletableFuture<Integer> f = p.submit(() -> 7);
            p.shutdown();
            p.join();
            assertEquals(7, f.get(30, TimeUnit.SECONDS));
        });
    }
}
