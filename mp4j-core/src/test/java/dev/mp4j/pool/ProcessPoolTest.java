package dev.mp4j.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.serial.NotSerializableValueException;
import dev.mp4j.sync.ProcessEvent;
import dev.mp4j.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class ProcessPoolTest {
    private static ProcessPool pool;

    @BeforeAll
    static void start() {
        pool = ProcessPool.create(2);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        pool.terminate();
        pool.join();
    }

    @Test
    void imapAndImapUnorderedGiveNullResultsAsResults() throws Exception {
        // CPython's imap yields None results like any other.
        List<Object> ordered = new ArrayList<>();
        pool.imap(x -> x % 2 == 0 ? null : x, List.of(1, 2, 3, 4), 2).forEachRemaining(ordered::add);
        assertEquals(java.util.Arrays.asList(1, null, 3, null), ordered);
        List<Object> unordered = new ArrayList<>();
        pool.imapUnordered(x -> null, List.of(1, 2, 3)).forEachRemaining(unordered::add);
        assertEquals(java.util.Arrays.asList(null, null, null), unordered);
    }

    @Test
    void aMapWithAnItemThatCannotTravelRunsNoneOfItsChunks() throws Exception {
        dev.mp4j.shared.IntValue ran = dev.mp4j.shared.Value.ofInt(0);
        try (ProcessPool one = ProcessPool.create(1)) {
            List<Object> items = java.util.Arrays.asList(1, 2, new Object());
            assertThrows(NotSerializableValueException.class, () -> one.map(x -> ran.incrementAndGet(), items, 1));
            // Anything queued would run before this.
            assertEquals(0, (int) one.apply(() -> 0));
            assertEquals(0, ran.get(), "chunks of the refused map ran");
        }
    }

    @Test
    void aMapThatFailsIsReportedOnceEveryChunkHasFinishedAsCPythonDoes() throws Exception {
        dev.mp4j.shared.IntValue finished = dev.mp4j.shared.Value.ofInt(0);
        assertThrows(IllegalStateException.class, () -> pool.mapAsync(x -> {
            if (x == 0) {
                throw new IllegalStateException("chunk 0 fails at once");
            }
            Thread.sleep(300);
            return finished.incrementAndGet();
        }, List.of(0, 1), 1, null, null).get(Duration.ofSeconds(60)));
        assertEquals(1, finished.get(), "the failure was reported while another chunk still ran");
    }

    @Test
    void cancellingTheFutureOfATaskWithCallbacksOrOfAMapStopsTheWork() throws Exception {
        try (ProcessPool one = ProcessPool.create(ProcessPool.Options.defaults().withProcesses(1)
                .withKillGrace(Duration.ofSeconds(60)))) {
            AsyncResult<Object> withCallbacks = one.applyAsync(() -> {
                Thread.sleep(60_000);
                return null;
            }, r -> { }, e -> { });
            assertTrue(withCallbacks.future().cancel(true));
            // The worker is free again well within the 60 s sleep (interrupted, not killed: the grace is 60 s).
            assertEquals(5, (int) one.applyAsync(() -> 5).get(Duration.ofSeconds(30)));
            AsyncResult<List<Object>> map = one.mapAsync(x -> {
                Thread.sleep(60_000);
                return x;
            }, List.of(1), 1, null, null);
            assertTrue(map.future().cancel(true));
            assertEquals(6, (int) one.applyAsync(() -> 6).get(Duration.ofSeconds(30)));
        }
    }

    @Test
    void aStageOnATasksFutureMayCloseItsPoolButNotWaitForIt() throws Exception {
        // A stage hung on a future still pending runs on the thread of the slot that completes
        // it: a close() there that waited for the pool's end would wait for itself.
        ProcessPool own = ProcessPool.create(1);
        CompletableFuture<Throwable> joinFromStage = new CompletableFuture<>();
        own.submit(() -> {
            Thread.sleep(500);
            return 1;
        }).thenRun(() -> {
            own.close();
            try {
                own.join();
                joinFromStage.complete(null);
            } catch (Throwable t) {
                joinFromStage.complete(t);
            }
        });
        assertInstanceOf(IllegalStateException.class, joinFromStage.get(30, TimeUnit.SECONDS));
        assertTrue(own.awaitTermination(30, TimeUnit.SECONDS));
        assertTrue(own.isShutdown());
    }

    @Test
    void cancelWithoutInterruptLetsARunningTaskWithCallbacksOrAMapFinish() throws Exception {
        try (ProcessPool one = ProcessPool.create(1)) {
            dev.mp4j.shared.IntValue started = dev.mp4j.shared.Value.ofInt(0);
            dev.mp4j.shared.IntValue finished = dev.mp4j.shared.Value.ofInt(0);
            AsyncResult<Object> withCallbacks = one.applyAsync(() -> {
                started.incrementAndGet();
                Thread.sleep(1_000);
                return finished.incrementAndGet();
            }, r -> { }, e -> { });
            assertTrue(Await.until(() -> started.get() == 1, Duration.ofSeconds(30)), "the task never started");
            assertTrue(withCallbacks.future().cancel(false));
            AsyncResult<List<Object>> map = one.mapAsync(x -> {
                started.incrementAndGet();
                Thread.sleep(1_000);
                return finished.incrementAndGet();
            }, List.of(1), 1, null, null);
            assertTrue(Await.until(() -> started.get() == 2, Duration.ofSeconds(30)), "the map never started");
            assertTrue(map.future().cancel(false));
            // The one worker runs what comes next only after both: neither was interrupted.
            assertEquals(2, (int) one.applyAsync(finished::get).get(Duration.ofSeconds(30)));
        }
    }

    @Test
    void resultsWithCallbacksCompleteWhenTheirPoolIsTerminatedWhileItIsBeingJoined() throws Exception {
        // terminate() cancels the queued tasks while another thread's join() may already have
        // ended the callback thread: their callbacks must still run and their results complete.
        ProcessPool own = ProcessPool.create(1);
        List<AsyncResult<Object>> results = new ArrayList<>();
        java.util.concurrent.atomic.AtomicInteger errorCallbacks = new java.util.concurrent.atomic.AtomicInteger();
        results.add(own.applyAsync(() -> {
            Thread.sleep(60_000);
            return null;
        }, r -> { }, e -> errorCallbacks.incrementAndGet()));
        for (int i = 0; i < 20_000; i++) {
            results.add(own.applyAsync(() -> null, r -> { }, e -> errorCallbacks.incrementAndGet()));
        }
        own.shutdown();
        CompletableFuture<Throwable> joined = CompletableFuture.supplyAsync(() -> {
            try {
                own.join();
                return null;
            } catch (Throwable t) {
                return t;
            }
        }, r -> Thread.ofPlatform().daemon().start(r));
        own.terminate();
        for (AsyncResult<Object> r : results) {
            assertThrows(java.util.concurrent.CancellationException.class, () -> r.get(Duration.ofSeconds(30)));
        }
        assertEquals(null, joined.get(30, TimeUnit.SECONDS));
        assertTrue(Await.until(() -> errorCallbacks.get() == results.size(), Duration.ofSeconds(30)),
                "error callbacks run: " + errorCallbacks.get() + " of " + results.size());
    }

    @Test
    void aTaskCancelledWhileItIsQueuedInItsWorkerIsStoppedWhenItsTurnComes() throws Exception {
        // A map's chunks are sent to the worker together: the second waits in the worker while
        // the first runs. Cancelled then, it is not running yet, so nothing stops it unless its
        // worker is told when it starts it.
        try (ProcessPool one = ProcessPool.create(ProcessPool.Options.defaults().withProcesses(1)
                .withKillGrace(Duration.ofSeconds(60)))) {
            // Quick jobs first: a slot that has seen only those sends jobs ahead.
            assertEquals(20, one.map(x -> x, IntStream.range(0, 20).boxed().toList(), 1).size());
            dev.mp4j.shared.IntValue started = dev.mp4j.shared.Value.ofInt(0);
            AsyncResult<List<Object>> map = one.mapAsync(x -> {
                started.incrementAndGet();
                Thread.sleep(x == 0 ? 1_000 : 60_000);
                return x;
            }, List.of(0, 1), 1, null, null);
            assertTrue(Await.until(() -> started.get() == 1, Duration.ofSeconds(30)), "the first chunk never started");
            assertTrue(map.future().cancel(true));
            // Well within the 60 s sleep (interrupted, not killed: the grace is 60 s).
            assertEquals(7, (int) one.applyAsync(() -> 7).get(Duration.ofSeconds(30)));
        }
    }

    @Test
    void aResultTooLargeForTheCallersHeapFailsItsTaskAndThePoolGoesOn() throws Exception {
        // Before, the OutOfMemoryError ended the slot's thread: the task was cancelled without a
        // word and, with one worker, every later task waited for ever.
        dev.mp4j.testing.JavaRunner.Result r = dev.mp4j.testing.JavaRunner.run(Duration.ofSeconds(90),
                List.of("-Xmx64m"), PoolScenarios.ResultTooLargeForTheParent.class);
        assertTrue(r.stdout().contains("first: IOException") && r.stdout().contains("too large to receive"), r.toString());
        assertTrue(r.stdout().contains("second: 7"), r.toString());
        // The answer was read past, not left half-read: the worker that sent it serves on (killed
        // for it, it would have run again the jobs it had finished behind it).
        assertTrue(r.stdout().contains("same worker"), r.toString());
        assertEquals(0, r.exitCode(), r.toString());
    }

    /** A result whose writing throws, as a structure changed while it is written does. */
    static final class ThrowsWhenWritten implements java.io.Serializable {
        private static final long serialVersionUID = 1L;

        @java.io.Serial
        private void writeObject(java.io.ObjectOutputStream out) {
            throw new java.util.ConcurrentModificationException("changed while written");
        }
    }

    @Test
    void aResultWhoseWritingThrowsFailsItsTaskAndTheWorkerLivesOn() throws Exception {
        try (ProcessPool one = ProcessPool.create(1)) {
            long pid = one.apply(() -> ProcessHandle.current().pid());
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> one.submit(() -> new ThrowsWhenWritten()).get(30, TimeUnit.SECONDS));
            assertTrue(e.getCause().getMessage().contains("cannot be sent back"), String.valueOf(e.getCause()));
            assertTrue(String.valueOf(e.getCause().getCause()).contains("changed while written"), String.valueOf(e.getCause()));
            assertEquals(pid, (long) one.apply(() -> ProcessHandle.current().pid()), "the worker died of it");
        }
    }

    @Test
    void aCallbackMayCloseItsPoolButNotWaitForIt() throws Exception {
        ProcessPool own = ProcessPool.create(1);
        CompletableFuture<Throwable> joinFromCallback = new CompletableFuture<>();
        own.applyAsync(() -> 1, r -> {
            own.close();   // only shuts down: waiting here would wait for this callback
            try {
                own.join();
                joinFromCallback.complete(null);
            } catch (Throwable t) {
                joinFromCallback.complete(t);
            }
        }, null);
        assertInstanceOf(IllegalStateException.class, joinFromCallback.get(30, TimeUnit.SECONDS));
        assertTrue(own.awaitTermination(30, TimeUnit.SECONDS));
        assertTrue(own.isShutdown());
    }

    @Test
    void capturedValuesThatShareAnObjectStillShareItInTheWorker() throws Exception {
        // Before, each captured value travelled in a stream of its own: the item arrived as a
        // copy apart from the list's, and indexOf (arrays compare by identity) answered -1.
        List<int[]> arrays = new java.util.ArrayList<>(List.of(new int[] {1}, new int[] {2}));
        int[] second = arrays.get(1);
        assertEquals(1, (int) pool.apply(() -> arrays.indexOf(second)));
        StringBuilder log = new StringBuilder();
        StringBuilder view = log;
        assertEquals(1, (int) pool.apply(() -> {
            view.append('x');
            return log.length();
        }));
        // One object and plain values: still the quick path, and right.
        int offset = 10;
        assertEquals(12, (int) pool.apply(() -> arrays.get(1)[0] + offset));
    }

    @Test
    void submitWithAResultCompletesWithThatVeryObjectWhichNeedNotTravel() throws Exception {
        // Before, the result was captured by the task, sent to the worker and back: one that is
        // not serializable was refused, and one that is came back a copy.
        Object token = new Object();
        assertSame(token, pool.submit(() -> { }, token).get(30, TimeUnit.SECONDS));
        java.util.List<String> mutable = new java.util.ArrayList<>();
        assertSame(mutable, pool.submit((Runnable) (dev.mp4j.serial.SerializableRunnable) () -> { }, mutable)
                .get(30, TimeUnit.SECONDS));
        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> pool.submit(() -> { throw new IllegalStateException("no"); }, token).get(30, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, failed.getCause());
    }

    @Test
    void anErrorInAnImapTaskArrivesAsItselfAsInMap() {
        ResultIterator<Object> it = pool.imap(x -> {
            throw new AssertionError("boom " + x);
        }, List.of(1));
        AssertionError e = assertThrows(AssertionError.class, it::next);
        assertEquals("boom 1", e.getMessage());
    }

    @Test
    void aPoolWhoseCallbackStillRunsIsNotTerminated() throws Exception {
        // Before, isTerminated() said true once the workers were gone, while awaitTermination
        // and join still waited for the callback.
        ProcessPool own = ProcessPool.create(1);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        own.applyAsync(() -> 1, v -> {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, null);
        try {
            assertTrue(entered.await(30, TimeUnit.SECONDS));
            own.shutdown();
            assertTrue(Await.until(own::slotsFinished, Duration.ofSeconds(30)), "the workers never finished");
            assertFalse(own.isTerminated(), "terminated while a callback runs");
            assertFalse(own.awaitTermination(0, TimeUnit.SECONDS));
        } finally {
            release.countDown();
        }
        assertTrue(own.awaitTermination(30, TimeUnit.SECONDS));
        assertTrue(own.isTerminated());
    }

    /** A one-worker pool whose worker is busy for a minute, and the 200 tasks queued behind it. */
    private record BusyPool(ProcessPool pool, List<CompletableFuture<Integer>> queued) {
    }

    private static BusyPool busyPoolWithQueue() throws Exception {
        ProcessPool own = ProcessPool.create(1);
        dev.mp4j.shared.IntValue started = dev.mp4j.shared.Value.ofInt(0);
        own.applyAsync(() -> {
            started.incrementAndGet();
            Thread.sleep(60_000);
            return 0;
        });
        List<CompletableFuture<Integer>> queued = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            int x = i;
            queued.add(own.submit(() -> x));
        }
        assertTrue(Await.until(() -> started.get() == 1, Duration.ofSeconds(30)), "the first task never started");
        return new BusyPool(own, queued);
    }

    @Test
    void aStageThatClosesThePoolWhenTerminateCancelsItsTaskDoesNotHang() throws Exception {
        // terminate() cancels the queued tasks on its own thread, and stages on their futures
        // run there. One that closes the pool waits for the pool's end, which must not wait for
        // terminate() to finish cancelling.
        BusyPool busy = busyPoolWithQueue();
        ProcessPool own = busy.pool();
        List<CompletableFuture<Integer>> queued = busy.queued();
        CompletableFuture<Throwable> closedFromStage = new CompletableFuture<>();
        queued.getLast().whenComplete((v, e) -> {
            try {
                own.close();
                closedFromStage.complete(null);
            } catch (Throwable t) {
                closedFromStage.complete(t);
            }
        });
        Thread terminating = Thread.ofPlatform().start(own::terminate);
        assertNull(closedFromStage.get(30, TimeUnit.SECONDS));
        terminating.join(30_000);
        assertFalse(terminating.isAlive(), "terminate() never returned");
        assertTrue(own.awaitTermination(30, TimeUnit.SECONDS));
        assertTrue(queued.getLast().isCancelled());
    }

    @Test
    void aSecondTerminateReturnsOnceTheQueuedTasksAreSettled() throws Exception {
        // Before, a terminate() called while another was still cancelling the queued tasks
        // returned at once, with tasks it was documented to have failed still pending.
        BusyPool busy = busyPoolWithQueue();
        ProcessPool own = busy.pool();
        List<CompletableFuture<Integer>> queued = busy.queued();
        // The stage of a task half-way down the queue (well behind what the worker was sent
        // ahead) holds the first terminate() in its drain, on its own thread, with the tasks
        // behind it still queued.
        CountDownLatch draining = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        queued.get(100).whenComplete((v, e) -> {
            draining.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        });
        Thread.ofPlatform().daemon().start(own::terminate);
        assertTrue(draining.await(30, TimeUnit.SECONDS));
        CompletableFuture<Boolean> allSettledWhenSecondReturned = new CompletableFuture<>();
        Thread second = Thread.ofPlatform().daemon().start(() -> {
            own.terminate();
            allSettledWhenSecondReturned.complete(queued.stream().allMatch(CompletableFuture::isDone));
        });
        assertTrue(Await.until(() -> !second.isAlive() || second.getState() == Thread.State.WAITING, Duration.ofSeconds(30)));
        release.countDown();
        assertTrue(allSettledWhenSecondReturned.get(30, TimeUnit.SECONDS), "the second terminate() returned with tasks unsettled");
        assertTrue(own.awaitTermination(30, TimeUnit.SECONDS));
    }

    @Test
    void mapAppliesTheFunctionInWorkersAndKeepsOrder() throws Exception {
        List<Integer> items = IntStream.range(0, 1000).boxed().toList();
        List<Integer> squares = pool.map(x -> x * x, items);
        assertEquals(items.stream().map(x -> x * x).toList(), squares);
        assertEquals(List.of(), pool.map(x -> x, List.<Integer>of()));
        assertEquals(List.of(4, 9), pool.map(x -> x * x, List.of(2, 3), 1));
        // Python's map returns a list the caller owns: it can be changed, like an ArrayList.
        squares.add(-1);
        squares.set(0, 42);
        squares.removeFirst();
        assertEquals(1000, squares.size());
        assertEquals(-1, squares.getLast());
    }

    @Test
    void mapCarriesPackedAndMixedValuesAlike() throws Exception {
        // All Integers or all Longs travel packed; anything else item by item. Results may change
        // type part-way through a chunk, and nulls and large values must survive either way.
        List<Long> longs = List.of(Long.MIN_VALUE, -1L, 0L, 1L << 40, Long.MAX_VALUE);
        assertEquals(longs.stream().map(x -> x / 2).toList(), pool.map(x -> x / 2, longs));
        // Short lists are copied value by value, long ones in bulk: both must read back alike.
        List<Long> manyLongs = java.util.stream.LongStream.range(-50, 50).map(i -> i * 0x0102030405060708L).boxed().toList();
        assertEquals(manyLongs.stream().map(x -> x + 1).toList(), pool.map(x -> x + 1, manyLongs, 100));
        List<Integer> manyInts = IntStream.range(-50, 50).map(i -> i * 0x01020304).boxed().toList();
        assertEquals(manyInts.stream().map(x -> x ^ 0x7F).toList(), pool.map(x -> x ^ 0x7F, manyInts, 100));
        List<Integer> ints = List.of(Integer.MIN_VALUE, -129, 0, 127, 128, Integer.MAX_VALUE);
        assertEquals(ints.stream().map(x -> (long) x * 3).toList(), pool.map(x -> (long) x * 3, ints));
        List<Object> mixed = java.util.Arrays.asList(1, 2L, "three", null, 4.5, 6);
        assertEquals(mixed, pool.map(x -> x, mixed));
        List<Object> changing = pool.map(x -> x < 3 ? (Object) x : x == 3 ? null : "n" + x, List.of(1, 2, 3, 4));
        assertEquals(java.util.Arrays.asList(1, 2, null, "n4"), changing);
    }

    @Test
    void functionsCapturingSimpleAndOtherValuesBothTravel() throws Exception {
        // Simple captures travel hand-written, others in an object stream: both must work alike.
        String prefix = "n";
        int offset = 10;
        assertEquals(List.of("n11", "n12"), pool.map(x -> prefix + (x + offset), List.of(1, 2)));
        List<Integer> table = new ArrayList<>(List.of(5, 6, 7));
        assertEquals(List.of(7, 5), pool.map(table::get, List.of(2, 0)));
        assertEquals("n10", pool.apply(() -> prefix + offset));
        assertEquals(18, pool.apply(() -> table.stream().mapToInt(Integer::intValue).sum()));
        // A new function's first calls in a worker go to its body directly, while its lambda
        // object is being made: an exception must still arrive as itself.
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.map(x -> {
            if (x == 3) {
                throw new IllegalStateException("three");
            }
            return x;
        }, List.of(1, 2, 3), 1));
        assertEquals("three", e.getMessage());
        assertEquals(List.of(-1, -2), pool.map(Math::negateExact, List.of(1, 2)));
    }

    @Test
    void aFunctionMapAgainIsReusedOnlyWithTheSameCapturedValues() throws Exception {
        // Workers keep a function sent before when it comes again with the same captured values:
        // one code site with other captured values is another function, and a captured array is
        // never shared between maps.
        List<Integer> items = IntStream.range(0, 50).boxed().toList();
        for (int factor : new int[] {2, 3, 2, 5, 3}) {
            assertEquals(items.stream().map(x -> x * factor).toList(), pool.map(x -> x * factor, items, 5));
        }
        for (int round = 0; round < 3; round++) {
            // Each worker counts the items it ran in its copy of the array, which must start at
            // zero in every map: had a copy outlived its map, a worker would count past three
            // by the third round.
            byte[] seen = new byte[1];
            for (int count : pool.map(x -> (int) ++seen[0], List.of(1, 2, 3), 1)) {
                assertTrue(count >= 1 && count <= 3, "count " + count + " in round " + round);
            }
            byte[] fresh = {(byte) round};
            assertEquals(List.of(round, round), pool.map(x -> (int) fresh[0], List.of(1, 2), 1));
        }
    }

    /** A task written for a sub-interface whose default {@code call} wraps the lambda's method. */
    interface Doubled extends dev.mp4j.serial.SerializableCallable<Integer> {
        int compute();

        @Override
        default Integer call() {
            return compute() * 2;
        }
    }

    /** The same for a map function. */
    interface Tripled extends dev.mp4j.serial.TaskFunction<Integer, Integer> {
        int of(int x);

        @Override
        default Integer apply(Integer x) {
            return of(x) * 3;
        }
    }

    @Test
    void aLambdaOfASubInterfaceRunsThroughItsDefaultMethod() throws Exception {
        // The worker may call a lambda's body directly, but only when the lambda implements the
        // pool's own interface method: here that method is a default one that wraps the lambda.
        Doubled task = () -> 21;
        assertEquals(42, pool.apply(task));
        Tripled f = x -> x + 1;
        assertEquals(List.of(6, 9), pool.map(f, List.of(1, 2)));
    }

    @Test
    void aMapWhoseChunksAreLargerThanThePipeDoesNotDeadlock() throws Exception {
        // 1,000,000 items in chunks of 125,000: each job and each result is over a megabyte.
        List<Integer> items = IntStream.range(0, 1_000_000).boxed().toList();
        List<Integer> out = pool.map(x -> x + 1, items);
        assertEquals(1_000_000, out.size());
        assertEquals(1_000_000, out.getLast());
    }

    @Test
    void tasksRunInOtherProcesses() throws Exception {
        Set<Long> pids = new HashSet<>(pool.map(x -> ProcessHandle.current().pid(), IntStream.range(0, 200).boxed().toList(), 1));
        assertFalse(pids.contains(ProcessHandle.current().pid()));
        assertTrue(pids.size() <= 2 && !pids.isEmpty());
    }

    @Test
    void applyAndApplyAsyncWithCallbacks() throws Exception {
        assertEquals(42, pool.apply(() -> 6 * 7));
        List<Object> seen = Collections.synchronizedList(new ArrayList<>());
        AsyncResult<String> ok = pool.applyAsync(() -> "fine", seen::add, seen::add);
        AsyncResult<String> bad = pool.applyAsync(() -> {
            throw new IllegalArgumentException("bad input");
        }, seen::add, seen::add);
        assertEquals("fine", ok.get(Duration.ofSeconds(30)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bad.get(Duration.ofSeconds(30)));
        assertEquals("bad input", e.getMessage());
        assertTrue(ok.ready() && ok.successful());
        assertFalse(bad.successful());
        assertEquals(2, seen.size());
        assertTrue(seen.contains("fine"));
    }

    @Test
    void anExceptionThatCannotTravelArrivesAsARemoteExceptionWithTheStackTrace() {
        AsyncResult<Object> r = pool.applyAsync(() -> {
            throw new NotTravelling();
        });
        RemoteTaskException e = assertThrows(RemoteTaskException.class, () -> r.get(Duration.ofSeconds(30)));
        assertEquals(NotTravelling.class.getName(), e.remoteClass());
        assertTrue(e.remoteStackTrace().contains("at "), e.remoteStackTrace());
    }

    /** An exception whose field cannot be serialized. */
    static final class NotTravelling extends RuntimeException {
        @SuppressWarnings("unused")
        private final transient Object ok = null;
        @SuppressWarnings({"unused", "serial"})
        private final Object notSerializable = new Object();

        NotTravelling() {
            super("cannot travel");
        }
    }

    @Test
    void starmapPassesArgumentArrays() throws Exception {
        List<Object[]> args = List.of(new Object[] {2, 3}, new Object[] {4, 5});
        assertEquals(List.of(8, 1024), pool.starmap(a -> (int) Math.pow((Integer) a[0], (Integer) a[1]), args));
        assertEquals(List.of(5, 9), pool.starmap(a -> (Integer) a[0] + (Integer) a[1], args, 1));
        // starmap_async's callbacks: the whole result list, or the first failure.
        CompletableFuture<List<Integer>> results = new CompletableFuture<>();
        pool.starmapAsync(a -> (Integer) a[0] * (Integer) a[1], args, 1, results::complete, results::completeExceptionally);
        assertEquals(List.of(6, 20), results.get(30, TimeUnit.SECONDS));
        CompletableFuture<Throwable> failed = new CompletableFuture<>();
        pool.<Integer>starmapAsync(a -> {
            throw new IllegalArgumentException("bad " + a[0]);
        }, args, 1, r -> failed.complete(null), failed::complete);
        Throwable error = failed.get(30, TimeUnit.SECONDS);
        assertInstanceOf(IllegalArgumentException.class, error);
        assertTrue(error.getMessage().startsWith("bad "), error.getMessage());
    }

    @Test
    void imapYieldsInOrderAndImapUnorderedYieldsEverything() {
        Iterator<Integer> it = pool.imap(x -> x + 1, IntStream.range(0, 50).boxed().toList());
        List<Integer> got = new ArrayList<>();
        it.forEachRemaining(got::add);
        assertEquals(IntStream.range(1, 51).boxed().toList(), got);
        List<Integer> unordered = new ArrayList<>();
        pool.imapUnordered(x -> x * 2, IntStream.range(0, 50).boxed().toList(), 3).forEachRemaining(unordered::add);
        Collections.sort(unordered);
        assertEquals(IntStream.range(0, 50).map(x -> x * 2).boxed().toList(), unordered);
    }

    @Test
    void imapNextWithATimeoutGivesUpInTimeAndTheResultStillArrives() throws Exception {
        ProcessEvent go = ProcessEvent.create();
        ResultIterator<Integer> results = pool.imap(x -> {
            if (x == 0) {
                go.await();
            }
            return x * 10;
        }, List.of(0, 1, 2));
        // In order: the first result waits for the event, so the iterator must time out.
        assertThrows(java.util.concurrent.TimeoutException.class, () -> results.next(Duration.ofMillis(100)));
        go.set();
        assertEquals(0, results.next(Duration.ofSeconds(30)));
        assertEquals(10, results.next(Duration.ofSeconds(30)));
        assertEquals(20, results.next());
        assertFalse(results.hasNext());
        assertThrows(NoSuchElementException.class, () -> results.next(Duration.ofSeconds(1)));

        ProcessEvent open = ProcessEvent.create();
        ResultIterator<Integer> unordered = pool.imapUnordered(x -> {
            open.await();
            return x;
        }, List.of(5, 6), 1);
        assertThrows(java.util.concurrent.TimeoutException.class, () -> unordered.next(Duration.ofMillis(100)));
        open.set();
        List<Integer> got = new ArrayList<>(List.of(unordered.next(Duration.ofSeconds(30)), unordered.next(Duration.ofSeconds(30))));
        Collections.sort(got);
        assertEquals(List.of(5, 6), got);
    }

    @Test
    void imapConsumesItsInputLazily() {
        int[] pulled = {0};
        Iterator<Integer> endless = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Integer next() {
                return pulled[0]++;
            }
        };
        Iterator<Integer> results = pool.imap(x -> x, () -> endless);
        for (int i = 0; i < 10; i++) {
            assertEquals(i, results.next());
        }
        // Read-ahead is bounded: 16 chunks per worker in flight (2 workers here), beyond what was
        // consumed. An eager reader would never return from the endless input.
        assertTrue(pulled[0] <= 10 + 2 * 16, "pulled " + pulled[0] + " items for 10 results");
    }

    @Test
    void aTaskThatCannotBeSerializedIsRefusedAtSubmit() {
        Thread notSerializable = new Thread(() -> { });
        NotSerializableValueException e = assertThrows(NotSerializableValueException.class,
                () -> pool.applyAsync(() -> notSerializable.getName()));
        assertEquals("java.lang.Thread", e.offendingClass());
        Callable<Integer> plain = new Callable<>() {
            @Override
            public Integer call() {
                return 1;
            }
        };
        assertThrows(NotSerializableValueException.class, () -> pool.submit(plain));
        assertThrows(NotSerializableValueException.class, () -> pool.map(x -> x, List.of(new Object())));
        // Serializable, but a class a worker refuses to read: refused at submit, not failed there.
        java.io.File file = new java.io.File("data.txt");
        assertEquals("java.io.File",
                assertThrows(NotSerializableValueException.class, () -> pool.apply(() -> file.getName())).offendingClass());
    }

    @Test
    void theExecutorServiceFaceWorks() throws Exception {
        Future<Integer> f = pool.submit(() -> 21 * 2);
        assertEquals(42, f.get(30, TimeUnit.SECONDS));
        List<Callable<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int n = i;
            calls.add((dev.mp4j.serial.SerializableCallable<Integer>) () -> n * n);
        }
        List<Integer> results = new ArrayList<>();
        for (Future<Integer> r : pool.invokeAll(calls)) {
            results.add(r.get());
        }
        assertEquals(List.of(0, 1, 4, 9, 16), results);
        int any = pool.invokeAny(calls);
        assertTrue(List.of(0, 1, 4, 9, 16).contains(any));
    }

    @Test
    void aWorkerThatDiesFailsOnlyItsTaskAndIsReplaced() throws Exception {
        AsyncResult<Object> dying = pool.applyAsync(() -> {
            Runtime.getRuntime().halt(7);
            return null;
        });
        WorkerDiedException e = assertThrows(WorkerDiedException.class, () -> dying.get(Duration.ofSeconds(60)));
        assertEquals(7, e.exitCode());
        assertTrue(e.getMessage().contains("exited with code 7"), e.getMessage());
        assertEquals(List.of(1, 4, 9), pool.map(x -> x * x, List.of(1, 2, 3)));
        assertTrue(pool.workerStats().stream().mapToInt(WorkerStats::restarts).sum() >= 1);
    }

    @Test
    void aWorkerKilledBySignalIsNamed() throws Exception {
        AsyncResult<Object> killed = pool.applyAsync(() -> {
            new ProcessBuilder("kill", "-9", String.valueOf(ProcessHandle.current().pid())).start().waitFor();
            Thread.sleep(10_000);
            return null;
        });
        WorkerDiedException e = assertThrows(WorkerDiedException.class, () -> killed.get(Duration.ofSeconds(60)));
        assertEquals(-9, e.exitCode());
        assertNotEquals(0, e.pid());
        assertTrue(e.getMessage().contains("signal 9"), e.getMessage());
    }

    @Test
    void closingAPoolRightAfterItsFirstResultLeavesNoWorkerBehind() throws Exception {
        // The second worker starts once the first is ready, so at close it may still be starting:
        // it is stopped then, and join returns with every worker of the pool gone.
        // The shared pool starts its second worker once its first is ready: let it finish
        // starting, so that only this test's pool starts JVMs below.
        Await.until(() -> pool.workerStats().stream().noneMatch(w -> w.pid() == 0), Duration.ofSeconds(30));
        Set<Long> before = new HashSet<>();
        ProcessHandle.current().children().forEach(h -> before.add(h.pid()));
        Set<String> segmentsBefore = segments();
        ProcessPool p = ProcessPool.create(2);
        assertEquals(List.of(1, 4), p.map(x -> x * x, List.of(1, 2)));
        // Only JVMs: the tree's resource tracker (a shell) may have started meanwhile too.
        List<ProcessHandle> started = ProcessHandle.current().children().filter(h -> !before.contains(h.pid()))
                .filter(h -> h.info().command().orElse("").endsWith("/java")).toList();
        assertFalse(started.isEmpty());
        p.shutdown();
        p.join();
        for (ProcessHandle h : started) {
            try {
                h.onExit().get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                // reported below
            }
            assertFalse(h.isAlive(), "worker " + h.pid() + " outlived its pool: " + h.info().commandLine().orElse("?"));
        }
        // Nor any of its pipes: a worker stopped before it took over its pipe ends must not
        // leave them held (and their shared memory in place) for as long as this process lives.
        Set<String> left = segments();
        left.removeAll(segmentsBefore);
        assertEquals(Set.of(), left, "shared memory the closed pool left behind");
    }

    private static Set<String> segments() throws java.io.IOException {
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of("/dev/shm"))) {
            return new HashSet<>(files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("mp4j-")).toList());
        }
    }

    @Test
    void aWorkerDoesNotKeepWhatEarlierMapsFunctionsCaptured() throws Exception {
        // A map's function that captures an object (a model, an array) travels afresh with each
        // map, as in CPython. A worker kept the last 64 of them, each with its capture: a loop of
        // maps over an 8 MB array ran a 96 MB worker out of memory within twenty maps.
        try (ProcessPool pool = ProcessPool.create(ProcessPool.Options.defaults().withProcesses(1)
                .withContext(dev.mp4j.Multiprocessing.getContext("spawn")
                        .withJvmOptions(dev.mp4j.process.JvmOptions.defaults().maxHeap("96m"))))) {
            byte[] blob = new byte[8 << 20];
            for (int round = 0; round < 20; round++) {
                int r = round;
                assertEquals(List.of(blob.length + r + 1), pool.map(x -> blob.length + r + x, List.of(1)), "round " + round);
            }
            // and a submitted task object of its own class, the same way
            for (int round = 0; round < 10; round++) {
                assertEquals(blob.length, pool.submit(new BlobLength(blob)).get(60, java.util.concurrent.TimeUnit.SECONDS));
            }
        }
    }

    /** A task of a class of its own (not a lambda): it travels whole with each submit. */
    private record BlobLength(byte[] blob) implements dev.mp4j.serial.SerializableCallable<Integer> {
        @Override
        public Integer call() {
            return blob.length;
        }
    }

    @Test
    void outOfMemoryIsReported() {
        try (ProcessPool small = ProcessPool.create(ProcessPool.Options.defaults().withProcesses(1)
                .withContext(dev.mp4j.Multiprocessing.getContext("spawn")
                        .withJvmOptions(dev.mp4j.process.JvmOptions.defaults().maxHeap("32m"))))) {
            AsyncResult<Object> hog = small.applyAsync(() -> {
                List<byte[]> keep = new ArrayList<>();
                while (true) {
                    keep.add(new byte[1 << 20]);
                }
            });
            WorkerDiedException e = assertThrows(WorkerDiedException.class, () -> hog.get(Duration.ofSeconds(60)));
            assertTrue(e.outOfMemory(), e.getMessage());
        }
    }

    @Test
    void jobsAWorkerFinishedBeforeItDiedRunOnceWhateverTheSlotWasDoing() throws Exception {
        // A worker dies with answers of finished jobs still unread in its pipe, while the pool
        // may be sending it more: those jobs must not run again (the README: each job runs once).
        int n = 300;
        dev.mp4j.shared.SharedArray runs = dev.mp4j.shared.SharedArray.of(dev.mp4j.shared.SharedArray.Type.INT, n, false);
        int[] expected = new int[n];
        try (ProcessPool one = ProcessPool.create(1)) {
            for (int round = 0; round < 4; round++) {
                int dies = 50 + 60 * round;
                List<AsyncResult<Integer>> results = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    int k = i;
                    if (k != dies) {
                        expected[k]++;
                    }
                    results.add(one.applyAsync(() -> {
                        if (k == dies) {
                            Runtime.getRuntime().halt(3);
                        }
                        runs.setInt(k, runs.getInt(k) + 1);
                        return k;
                    }));
                }
                for (AsyncResult<Integer> res : results) {
                    try {
                        res.get(Duration.ofSeconds(60));
                    } catch (WorkerDiedException halted) {
                        // the job that halted its worker
                    }
                }
                for (int i = 0; i < n; i++) {
                    assertEquals(expected[i], runs.getInt(i), "round " + round + ": job " + i + " ran more or less than once");
                }
            }
        }
    }

    @Test
    void aTaskThatCatchesItsTimeoutsInterruptAndReturnsHasStillTimedOut() throws Exception {
        try (ProcessPool timed = ProcessPool.create(ProcessPool.Options.defaults().withProcesses(1)
                .withTaskTimeout(Duration.ofMillis(300)).withKillGrace(Duration.ofSeconds(30)))) {
            AsyncResult<String> swallowing = timed.applyAsync(() -> {
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    return "caught it";
                }
                return "slept";
            });
            TaskTimeoutException e = assertThrows(TaskTimeoutException.class, () -> swallowing.get(Duration.ofSeconds(30)));
            assertTrue(e.getMessage().contains("interrupted"), e.getMessage());
            assertEquals("in time", timed.apply(() -> "in time"));
        }
    }

    @Test
    void aTaskThatOverrunsItsTimeoutIsStoppedEvenIfItIgnoresInterrupts() throws Exception {
        try (ProcessPool timed = ProcessPool.create(ProcessPool.Options.defaults().withProcesses(1)
                .withTaskTimeout(Duration.ofMillis(300)).withKillGrace(Duration.ofSeconds(3)))) {
            AsyncResult<Object> polite = timed.applyAsync(() -> {
                Thread.sleep(60_000);
                return null;
            });
            TaskTimeoutException soft = assertThrows(TaskTimeoutException.class, () -> polite.get(Duration.ofSeconds(30)));
            assertTrue(soft.getMessage().contains("interrupted"), soft.getMessage());
            AsyncResult<Object> stubborn = timed.applyAsync(() -> {
                while (true) {
                    Thread.onSpinWait();
                }
            });
            TaskTimeoutException hard = assertThrows(TaskTimeoutException.class, () -> stubborn.get(Duration.ofSeconds(30)));
            assertTrue(hard.getMessage().contains("killed"), hard.getMessage());
            assertEquals(5, timed.apply(() -> 5));
        }
    }

    @Test
    void retriesRunATaskAgainWhenItsWorkerDies() throws Exception {
        dev.mp4j.shared.IntValue attempts = dev.mp4j.shared.Value.ofInt(0);
        try (ProcessPool retrying = ProcessPool.create(ProcessPool.Options.defaults().withProcesses(1).withRetries(2))) {
            int result = retrying.apply(() -> {
                if (attempts.incrementAndGet() < 3) {
                    Runtime.getRuntime().halt(1);
                }
                return attempts.get();
            });
            assertEquals(3, result);
        }
    }

    @Test
    void maxTasksPerChildRecyclesWorkersAndTheInitializerRunsInEach() throws Exception {
        try (ProcessPool recycling = ProcessPool.create(ProcessPool.Options.defaults().withProcesses(1)
                .withMaxTasksPerChild(2).withInitializer(() -> System.setProperty("mp4j.test.init", "yes")))) {
            List<Long> pids = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                pids.add(recycling.apply(() -> {
                    if (!"yes".equals(System.getProperty("mp4j.test.init"))) {
                        throw new IllegalStateException("initializer did not run");
                    }
                    return ProcessHandle.current().pid();
                }));
            }
            assertEquals(3, new HashSet<>(pids).size(), pids.toString());
        }
    }

    @Test
    void anArrayOnlyAMapsFunctionRefersToStaysUntilTheMapIsDone() throws Exception {
        // Each recycled worker reads the map's one serialized function again. The caller has let
        // go of the array: the pool keeps it held here until the map is done, else the array
        // could go when the first worker exits, before the next one reads the function.
        try (ProcessPool recycling = ProcessPool.create(ProcessPool.Options.defaults().withProcesses(1)
                .withMaxTasksPerChild(1))) {
            AsyncResult<List<Double>> halves = halvesOfAnArrayNobodyKeeps(recycling);
            List<Double> got = null;
            while (got == null) {
                System.gc();
                try {
                    got = halves.get(Duration.ofMillis(20));
                } catch (java.util.concurrent.TimeoutException notYet) {
                    // collect again: the array must survive collections while the map runs
                }
            }
            assertEquals(List.of(0.5, 1.0, 1.5, 2.0), got);
        }
    }

    private static AsyncResult<List<Double>> halvesOfAnArrayNobodyKeeps(ProcessPool pool) {
        dev.mp4j.shared.SharedArray array = dev.mp4j.shared.SharedArray.ofDoubles(1, 2, 3, 4);
        return pool.mapAsync(i -> array.getDouble(i) / 2, List.of(0, 1, 2, 3), 1, null, null);
    }

    @Test
    void aPipeEndOnlyAMapsFunctionRefersToStaysOpenUntilTheMapIsDone() throws Exception {
        // As with the array above: the caller keeps only the reading end; the writing end it
        // dropped is kept open by the map's tasks, so the reader sees no EOF between the
        // recycled workers.
        try (ProcessPool recycling = ProcessPool.create(ProcessPool.Options.defaults().withProcesses(1)
                .withMaxTasksPerChild(1))) {
            dev.mp4j.connection.Connection[] reader = new dev.mp4j.connection.Connection[1];
            AsyncResult<List<Integer>> sent = sentThroughAnEndNobodyKeeps(recycling, reader);
            for (int i = 0; i < 4; i++) {
                System.gc();
                assertEquals(i, reader[0].recv());
            }
            assertEquals(List.of(0, 1, 2, 3), sent.get(Duration.ofSeconds(60)));
            reader[0].close();
        }
    }

    private static AsyncResult<List<Integer>> sentThroughAnEndNobodyKeeps(ProcessPool pool,
            dev.mp4j.connection.Connection[] reader) {
        dev.mp4j.connection.Pipe pipe = dev.mp4j.connection.Pipe.open(false);
        dev.mp4j.connection.Connection writer = pipe.right();
        reader[0] = pipe.left();
        return pool.mapAsync(i -> {
            writer.send(i);
            return i;
        }, List.of(0, 1, 2, 3), 1, null, null);
    }

    @Test
    void anInitializerThatThrowsBreaksThePoolInsteadOfRetryingForEver() throws Exception {
        // CPython's Pool starts a new worker for ever here, and the caller waits for ever.
        try (ProcessPool failing = ProcessPool.create(ProcessPool.Options.defaults().withProcesses(2)
                .withInitializer(() -> {
                    throw new IllegalStateException("no database here");
                }))) {
            Throwable error = outcome(() -> failing.apply(() -> 1));
            BrokenPoolException broken = assertInstanceOf(BrokenPoolException.class,
                    error instanceof java.util.concurrent.RejectedExecutionException r ? r.getCause() : error);
            // The initializer's own exception, as itself.
            assertInstanceOf(IllegalStateException.class, broken.getCause());
            assertEquals("no database here", broken.getCause().getMessage());
            var refused = assertThrows(java.util.concurrent.RejectedExecutionException.class, () -> failing.submit(() -> 2));
            assertInstanceOf(BrokenPoolException.class, refused.getCause());
        }
    }

    @Test
    void anInitializerThatFailsOnceAfterWorkersHaveStartedIsRetried() throws Exception {
        // The second worker's initializer fails (a database that blinked, say): the pool has had
        // a working worker, so it starts another instead of breaking.
        dev.mp4j.shared.IntValue starts = dev.mp4j.shared.Value.ofInt(0, false);
        try (ProcessPool recycling = ProcessPool.create(ProcessPool.Options.defaults().withProcesses(1)
                .withMaxTasksPerChild(1).withInitializer(() -> {
                    if (starts.incrementAndGet() == 2) {
                        throw new IllegalStateException("blinked");
                    }
                }))) {
            assertEquals(1, recycling.apply(() -> 1));
            assertEquals(2, recycling.apply(() -> 2));
            assertEquals(3, recycling.apply(() -> 3));
            assertTrue(starts.get() >= 4, "starts: " + starts.get());
        }
    }

    @Test
    void aWorkerJvmThatCannotStartBreaksThePoolAfterAFewAttempts() throws Exception {
        dev.mp4j.Context unstartable = dev.mp4j.Multiprocessing.getContext("spawn")
                .withJvmOptions(dev.mp4j.process.JvmOptions.defaults().with("-XX:+NoSuchOptionForMp4jTests"));
        try (ProcessPool failing = ProcessPool.create(ProcessPool.Options.defaults().withProcesses(1).withContext(unstartable))) {
            Throwable error = outcome(() -> failing.apply(() -> 1));
            BrokenPoolException broken = assertInstanceOf(BrokenPoolException.class,
                    error instanceof java.util.concurrent.RejectedExecutionException r ? r.getCause() : error);
            assertTrue(broken.getMessage().contains("failed to start " + BrokenPoolException.START_ATTEMPTS + " times"),
                    broken.getMessage());
        }
    }

    @Test
    void aWorkerThatCannotGetItsPipesBreaksThePoolInsteadOfTakingTasksNobodyRuns() throws Exception {
        // In a child whose pipes cannot be made (a capacity that is not a power of two), a pool's
        // worker slot used to end with the exception, and the pool took tasks that never ran.
        List<Object> reports = reportsOfAChildWith("mp4j.pipe.capacity", "1000", 1, out -> () -> {
            String verdict;
            try (ProcessPool inner = ProcessPool.create(1)) {
                verdict = "ran: " + inner.applyAsync(() -> 1).get(Duration.ofSeconds(30));
            } catch (java.util.concurrent.TimeoutException e) {
                verdict = "hung";
            } catch (Exception e) {
                Throwable c = e instanceof java.util.concurrent.RejectedExecutionException r && r.getCause() != null ? r.getCause() : e;
                verdict = c.getClass().getSimpleName() + ": " + c.getMessage();
            }
            out.send(verdict);
        });
        String verdict = (String) reports.get(0);
        assertTrue(verdict.startsWith("BrokenPoolException: cannot start a pool worker"), verdict);
    }

    /**
     * Runs the target {@code body} makes in a child started with the system property
     * {@code name=value}, which reports through the connection it is given; returns its first
     * {@code count} reports, once it has ended.
     */
    private static List<Object> reportsOfAChildWith(String name, String value, int count,
            java.util.function.Function<dev.mp4j.connection.Connection, dev.mp4j.serial.ProcessTarget> body) throws Exception {
        dev.mp4j.Context ctx = dev.mp4j.Multiprocessing.getContext("spawn")
                .withJvmOptions(dev.mp4j.process.JvmOptions.defaults().systemProperty(name, value));
        dev.mp4j.connection.Pipe report = dev.mp4j.connection.Pipe.open(false);
        dev.mp4j.process.JvmProcess child = ctx.process(body.apply(report.right()));
        child.start();
        List<Object> reports = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            assertTrue(report.left().poll(Duration.ofSeconds(90)), "no report from the child");
            reports.add(report.left().recv());
        }
        assertTrue(child.join(Duration.ofSeconds(30)));
        return reports;
    }

    @Test
    void aResultOverTheMessageLimitFailsItsTaskAndTheWorkerGoesOn() throws Exception {
        // In a child whose messages are limited to 1 MiB: a 2 MiB result used to kill the worker
        // (exit 70), and a retry policy ran the task again, to die the same way.
        List<Object> reports = reportsOfAChildWith("mp4j.connection.maxMessageBytes", "1048576", 2, out -> () -> {
            try (ProcessPool inner = ProcessPool.create(ProcessPool.Options.defaults().withProcesses(1).withRetries(2))) {
                long before = inner.apply(() -> ProcessHandle.current().pid());
                String verdict;
                try {
                    inner.apply(() -> new byte[2 << 20]);
                    verdict = "sent";
                } catch (Exception e) {
                    verdict = e.getClass().getSimpleName() + ": " + e.getMessage();
                }
                out.send(verdict);
                out.send(inner.apply(() -> ProcessHandle.current().pid()) == before);
            }
        });
        String verdict = (String) reports.get(0);
        assertTrue(verdict.startsWith("MessageTooLargeException: cannot send the task's result as a message of"), verdict);
        assertEquals(true, reports.get(1), "the worker died of it");
    }

    @Test
    void aTaskOverTheMessageLimitIsRefusedAtSubmitNamingBothSizes() throws Exception {
        // In a child whose messages are limited to 1 MiB: a task carrying 2 MiB fails in its
        // caller, at once, and the pool goes on.
        List<Object> reports = reportsOfAChildWith("mp4j.connection.maxMessageBytes", "1048576", 2, out -> () -> {
            try (ProcessPool inner = ProcessPool.create(1)) {
                byte[] big = new byte[2 << 20];
                String verdict;
                try {
                    inner.applyAsync(() -> big.length);
                    verdict = "accepted";
                } catch (IllegalArgumentException e) {
                    verdict = e.getMessage();
                }
                out.send(verdict);
                out.send(inner.apply(() -> 7));
            }
        });
        String verdict = (String) reports.get(0);
        assertTrue(verdict.contains("1048576") && verdict.contains("task of 2097"), verdict);
        assertEquals(7, reports.get(1), "the pool did not go on");
    }

    @Test
    void aPoolCannotBeStartedInAPoolWorker() throws Exception {
        // Workers are daemons, which may not have children: refused at once, not a task that
        // never ends.
        Throwable error = outcome(() -> pool.apply(() -> {
            try (ProcessPool inner = ProcessPool.create(1)) {
                return inner.apply(() -> 1);
            }
        }));
        assertInstanceOf(IllegalStateException.class, error);
        assertTrue(error.getMessage().contains("daemonic processes are not allowed to have children"), error.getMessage());
        assertEquals(4, pool.apply(() -> 2 + 2), "the pool goes on");
    }

    @Test
    void anInitializerThatCannotTravelIsRefusedWhenThePoolIsMadeNamingTheClass() {
        // As CPython's Pool(), which fails in its constructor: not at the first worker's start.
        Object notSerializable = new Object();
        NotSerializableValueException e = assertThrows(NotSerializableValueException.class,
                () -> ProcessPool.create(ProcessPool.Options.defaults().withProcesses(1)
                        .withInitializer(() -> notSerializable.hashCode())));
        assertEquals("java.lang.Object", e.offendingClass());
        assertTrue(e.getMessage().contains("initializer"), e.getMessage());
    }

    /** What a pool call threw (null if it returned), failing rather than waiting past 60 s. */
    private static Throwable outcome(Callable<?> call) throws Exception {
        return dev.mp4j.testing.Outcome.of(call::call, Duration.ofSeconds(60));
    }

    @Test
    void terminateStopsAnEndlessTaskAndJoinReturns() throws Exception {
        ProcessPool p = ProcessPool.create(1);
        dev.mp4j.connection.Pipe started = dev.mp4j.connection.Pipe.open(false);
        dev.mp4j.connection.Connection tell = started.right();
        AsyncResult<Object> endless = p.applyAsync(() -> {
            tell.send("running");
            while (true) {
                Thread.onSpinWait();
            }
        });
        AsyncResult<Integer> queued = p.applyAsync(() -> 1);
        assertTrue(started.left().poll(Duration.ofSeconds(30)), "the endless task never started");
        assertEquals("running", started.left().recv());
        long t0 = System.nanoTime();
        p.terminate();
        p.join();
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10));
        assertTrue(endless.ready());
        // Cancelled, as terminate()'s Javadoc says: the running task and the queued one.
        assertThrows(java.util.concurrent.CancellationException.class, () -> endless.get(Duration.ofSeconds(5)));
        assertThrows(java.util.concurrent.CancellationException.class, () -> queued.get(Duration.ofSeconds(5)));
        assertThrows(java.util.concurrent.RejectedExecutionException.class, () -> p.applyAsync(() -> 1));
    }

    @Test
    void invalidSizesAndJoinWhileRunningAreClearErrors() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ProcessPool.create(0));
        assertTrue(e.getMessage().contains("at least 1"));
        assertThrows(IllegalStateException.class, pool::join);
        assertThrows(IllegalArgumentException.class, () -> pool.imap(x -> x, List.of(1), 0));
    }

    @Test
    void aProgressBarShowsTheItemsOfAMap() throws Exception {
        java.io.PrintStream original = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true));
        try (ProcessPool shown = ProcessPool.create(ProcessPool.Options.defaults().withProcesses(1).withProgressBar(true))) {
            assertEquals(100, shown.map(x -> x, IntStream.range(0, 100).boxed().toList(), 10).size());
        } finally {
            System.setErr(original);
        }
        String bar = captured.toString();
        assertTrue(bar.contains("map") && bar.contains("100/100"), bar);
    }

    @Test
    void anImapBarLeftOpenByALoopThatStoppedIsClosedWithItsPool() throws Exception {
        java.io.PrintStream original = System.err;
        System.setErr(new java.io.PrintStream(java.io.OutputStream.nullOutputStream(), true));
        try {
            ProcessPool shown = ProcessPool.create(ProcessPool.Options.defaults().withProcesses(1).withProgressBar(true));
            ResultIterator<Integer> results = shown.imap(x -> {
                if (x == 1) {
                    throw new IllegalStateException("item 1 fails");
                }
                return x;
            }, List.of(0, 1, 2, 3));
            assertEquals(0, (int) results.next());
            assertThrows(IllegalStateException.class, results::next);
            // The loop stops here (a caller's catch that breaks out): the bar is still open...
            assertEquals(1, shown.openBarCount());
            shown.close();
            // ...until the pool ends; before, it redrew on stderr for as long as the JVM lived.
            assertEquals(0, shown.openBarCount());
        } finally {
            System.setErr(original);
        }
    }

    @Test
    void aWorkersWaitingTimeIsTheTimeItSpentIdle() throws Exception {
        try (ProcessPool one = ProcessPool.create(1)) {
            assertEquals(1, (int) one.apply(() -> 1));
            Thread.sleep(300);   // the worker idles, waiting for its next job
            assertEquals(2, (int) one.apply(() -> 2));
            WorkerStats stats = one.workerStats().getFirst();
            assertTrue(stats.waiting().toMillis() >= 250, stats.toString());
        }
    }

    @Test
    void joinWaitsForEveryCallback() throws Exception {
        List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
        ProcessPool p = ProcessPool.create(2);
        for (int i = 0; i < 4; i++) {
            int n = i;
            p.applyAsync(() -> n, v -> {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                seen.add(v);
            }, null);
        }
        p.shutdown();
        p.join();
        assertEquals(4, seen.size());
    }

    @Test
    void asManyLongTasksAsWorkersRunAtOnce() throws Exception {
        try (ProcessPool p = ProcessPool.create(3)) {
            // Each task waits at a barrier of three: none returns until all three run at once.
            // A new pool's worker takes one job at a time, so two of them never queue on one
            // worker; if they did, the barrier's timeout would fail the test instead of hanging.
            dev.mp4j.sync.ProcessBarrier together = dev.mp4j.sync.ProcessBarrier.create(3);
            List<AsyncResult<Long>> rs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                rs.add(p.applyAsync(() -> {
                    together.await(Duration.ofSeconds(60));
                    return ProcessHandle.current().pid();
                }));
            }
            Set<Long> pids = new HashSet<>();
            for (AsyncResult<Long> r : rs) {
                pids.add(r.get(Duration.ofSeconds(60)));
            }
            assertEquals(3, pids.size(), "three tasks should have run on three workers");
        }
    }

    @Test
    void defaultChunksizeFollowsPython() {
        assertEquals(0, pool.defaultChunksize(0));
        assertEquals(1, pool.defaultChunksize(3));
        assertEquals(125_000, pool.defaultChunksize(1_000_000));
        assertEquals(2, pool.defaultChunksize(9));
    }

    @Test
    void workerStatsCountTasks() throws Exception {
        pool.map(x -> x, IntStream.range(0, 10).boxed().toList(), 1);
        List<WorkerStats> stats = pool.workerStats();
        assertEquals(2, stats.size());
        assertTrue(stats.stream().mapToLong(WorkerStats::tasksDone).sum() >= 10);
        assertTrue(stats.stream().allMatch(s -> !s.starting().isZero()));
    }

    @Test
    void completableFuturesCompose() throws Exception {
        CompletableFuture<Integer> f = pool.submit(() -> 20).thenApply(x -> x + 1);
        assertEquals(21, f.get(30, TimeUnit.SECONDS));
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> pool.submit(() -> { throw new IllegalStateException("x"); }).get(30, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, e.getCause());
    }
}
