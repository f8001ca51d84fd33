package dev.mp4j.pool;

import dev.mp4j.Context;
import dev.mp4j.Multiprocessing;
import dev.mp4j.process.JvmProcess;
import dev.mp4j.serial.NotSerializableValueException;
import dev.mp4j.serial.ProcessTarget;
import dev.mp4j.serial.SafeSerializer;
import dev.mp4j.serial.SerializableCallable;
import dev.mp4j.serial.TaskFunction;
import dev.mp4j.shm.Cleanup;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A pool of worker processes: Python's {@code multiprocessing.Pool}, and an
 * {@link ExecutorService} ({@code concurrent.futures.ProcessPoolExecutor}'s role).
 *
 * <pre>{@code
 * try (ProcessPool pool = ProcessPool.create(4)) {
 *     List<Integer> squares = pool.map(x -> x * x, List.of(1, 2, 3, 4));     // [1, 4, 9, 16]
 *     AsyncResult<String> r = pool.applyAsync(() -> "pid " + ProcessHandle.current().pid(),
 *             System.out::println, Throwable::printStackTrace);
 *     Future<Integer> f = pool.submit(() -> 6 * 7);                          // the ExecutorService face
 * }
 * }</pre>
 *
 * <h2>What CPython gets wrong and this gets right</h2>
 * <ul>
 *   <li>A worker that dies in the middle of a task (SIGKILL, {@code System.exit}, out of memory,
 *   a native crash) fails only that task, with a {@link WorkerDiedException} naming the worker's
 *   pid, exit code or signal and whether it ran out of memory; the worker is replaced and the pool
 *   keeps serving. With {@link Options#retries} the task runs again elsewhere. (CPython's pool
 *   hangs forever.)</li>
 *   <li>A per-task timeout ({@link Options#taskTimeout}) interrupts the task, then kills and
 *   replaces its worker after {@link Options#killGrace}: the work really stops
 *   ({@link TaskTimeoutException}). An endless loop never blocks {@link #terminate()}. The same
 *   holds for {@code cancel(true)} on a task's future, and for the tasks {@code invokeAll} and
 *   {@code invokeAny} give up on: a running one is interrupted in its worker, and its worker is
 *   replaced if it is still at it after the grace. (A task already sent to its worker behind the
 *   running one may still run; one still queued in the pool never starts.)</li>
 *   <li>Tasks and arguments are serialized when submitted: one that cannot be serialized fails in
 *   the caller at once, naming the offending class (an initializer that cannot be:
 *   {@link #create} itself, with a {@link dev.mp4j.serial.NotSerializableValueException} naming
 *   it, and no pool is made). Shared objects a task's function
 *   or items carry (queues, arrays, values, pipe ends, manager proxies) are kept until the task
 *   is settled, so they stay for every worker that may read the task.</li>
 *   <li>An initializer that throws before any worker got through it, or worker JVMs that cannot
 *   start, stop the pool: unfinished tasks fail with a {@link BrokenPoolException} carrying the
 *   initializer's exception, and new ones are refused. (CPython's pool starts new workers for
 *   ever, and the caller waits.) Once workers have started, a failure when one is replaced is
 *   retried, and breaks the pool only after {@value BrokenPoolException#START_ATTEMPTS} in a
 *   row. A pool cannot be made inside a pool worker, as in CPython (workers are daemons).</li>
 *   <li>Work queued for a worker behind a task that runs long does not wait for it while another
 *   worker is idle: once that task has run 10 ms and four times its worker's usual job, the idle
 *   worker takes the work over, also after {@link #shutdown()} (each job still runs exactly once;
 *   {@link WorkerStats#takenOver} counts them). A worker is sent its next jobs before the current
 *   one ends, which is what makes short tasks fast; CPython's chunks, and the task its worker
 *   has already read, wait behind the long one.</li>
 *   <li>{@link #workerStats()} tells what each worker did and where the time went.</li>
 * </ul>
 * Workers are daemon processes: they end with the pool, and with the parent even if it is killed.
 *
 * <h2>Python names</h2>
 * {@code apply}, {@code apply_async} → {@link #apply}, {@link #applyAsync}; {@code map},
 * {@code map_async}, {@code imap}, {@code imap_unordered}, {@code starmap} → {@link #map},
 * {@link #mapAsync}, {@link #imap}, {@link #imapUnordered}, {@link #starmap}; Python's
 * {@code close()} is {@link #shutdown()} (no new tasks), {@code terminate()} is
 * {@link #terminate()}, {@code join()} is {@link #join()}. {@link #close()} is Java's
 * {@code ExecutorService.close}: shut down, then wait for the queued tasks.
 */
public final class ProcessPool implements ExecutorService {
    /** Pool settings; {@link #defaults()} then the {@code with...} methods. */
    public record Options(int processes, ProcessTarget initializer, int maxTasksPerChild, Context context,
                          Duration taskTimeout, Duration killGrace, int retries, long maxWorkerRssBytes,
                          boolean progressBar) {
        public Options {
            if (processes < 1) {
                throw new IllegalArgumentException("Number of processes must be at least 1, got " + processes);
            }
            if (maxTasksPerChild < 0) {
                throw new IllegalArgumentException("maxTasksPerChild must be 0 (no limit) or positive, got " + maxTasksPerChild);
            }
            if (retries < 0) {
                throw new IllegalArgumentException("retries must not be negative, got " + retries);
            }
            Objects.requireNonNull(context, "context");
            Objects.requireNonNull(killGrace, "killGrace");
            if (killGrace.isNegative()) {
                throw new IllegalArgumentException("killGrace must not be negative, got " + killGrace);
            }
            if (maxWorkerRssBytes < 0) {
                throw new IllegalArgumentException("maxWorkerRssBytes must be 0 (no ceiling) or positive, got " + maxWorkerRssBytes);
            }
            if (taskTimeout != null && (taskTimeout.isNegative() || taskTimeout.isZero())) {
                // Zero would interrupt every task as it starts: no timeout is null.
                throw new IllegalArgumentException("taskTimeout must be positive (null for none), got " + taskTimeout);
            }
        }

        /** As many workers as CPUs, no initializer, no limits, the default context. */
        public static Options defaults() {
            return new Options(Multiprocessing.cpuCount(), null, 0, Multiprocessing.getContext(), null,
                    Duration.ofSeconds(1), 0, 0, false);
        }

        public Options withProcesses(int n) {
            return new Options(n, initializer, maxTasksPerChild, context, taskTimeout, killGrace, retries, maxWorkerRssBytes, progressBar);
        }

        /** Runs once in each worker before its first task (Python's {@code initializer}). */
        public Options withInitializer(ProcessTarget init) {
            return new Options(processes, init, maxTasksPerChild, context, taskTimeout, killGrace, retries, maxWorkerRssBytes, progressBar);
        }

        /** Replaces a worker after this many tasks (0: never), Python's {@code maxtasksperchild}. */
        public Options withMaxTasksPerChild(int n) {
            return new Options(processes, initializer, n, context, taskTimeout, killGrace, retries, maxWorkerRssBytes, progressBar);
        }

        public Options withContext(Context ctx) {
            return new Options(processes, initializer, maxTasksPerChild, ctx, taskTimeout, killGrace, retries, maxWorkerRssBytes, progressBar);
        }

        /**
         * Interrupts a task that runs longer, then kills its worker after the grace period (null:
         * no limit). A task is what one worker runs in one go: for {@code map}, {@code starmap}
         * and the {@code imap}s that is a chunk of items, so with a chunk size above 1 the limit
         * holds for the chunk's items together (give {@code chunksize} 1 for a limit per item).
         */
        public Options withTaskTimeout(Duration timeout) {
            return new Options(processes, initializer, maxTasksPerChild, context, timeout, killGrace, retries, maxWorkerRssBytes, progressBar);
        }

        /** How long an interrupted task may take to stop before its worker is killed. */
        public Options withKillGrace(Duration grace) {
            return new Options(processes, initializer, maxTasksPerChild, context, taskTimeout, grace, retries, maxWorkerRssBytes, progressBar);
        }

        /** Runs a task again (in a new worker) this many times if its worker dies under it. */
        public Options withRetries(int n) {
            return new Options(processes, initializer, maxTasksPerChild, context, taskTimeout, killGrace, n, maxWorkerRssBytes, progressBar);
        }

        /** Shows a progress bar on stderr while {@code map}, {@code starmap} and {@code imap} calls run. */
        public Options withProgressBar(boolean show) {
            return new Options(processes, initializer, maxTasksPerChild, context, taskTimeout, killGrace, retries,
                    maxWorkerRssBytes, show);
        }

        /** Replaces a worker whose resident memory exceeds this after a task (0: no ceiling). */
        public Options withMaxWorkerRss(long bytes) {
            return new Options(processes, initializer, maxTasksPerChild, context, taskTimeout, killGrace, retries, bytes,
                    progressBar);
        }
    }

    private enum State { RUNNING, CLOSED, TERMINATED }

    final Options options;
    private final Context workerContext;
    private final LinkedBlockingDeque<Task> pending = new LinkedBlockingDeque<>();
    private final List<WorkerSlot> slots = new ArrayList<>();
    /** Which jobs each worker has started: what lets an idle slot take back another's queued jobs. */
    final JobClaims claims;
    private final CountDownLatch finished;
    /**
     * Counted down once {@link #terminate()} (or {@link #broke}) has settled the queued tasks.
     * The slots leave as soon as they see the pool terminated, so join() and awaitTermination
     * also wait for this, except on the thread doing the settling (a stage run by a task's
     * cancellation may close the pool): without it they returned while tasks were still being
     * cancelled, and those tasks' callbacks ran after join() had returned.
     */
    private final CountDownLatch drained = new CountDownLatch(1);
    /** The thread settling the queued tasks after terminate() or broke(), while it does. */
    private volatile Thread settling;

    /** Whether a terminated pool's queued tasks are all settled, as this thread may wait for. */
    private boolean settled() {
        return state != State.TERMINATED || drained.getCount() == 0 || settling == Thread.currentThread();
    }

    private void awaitSettled() throws InterruptedException {
        if (!settled()) {
            drained.await();
        }
    }

    private boolean awaitSettled(long nanos) throws InterruptedException {
        return settled() || drained.await(nanos, TimeUnit.NANOSECONDS);
    }
    final ScheduledExecutorService timer;
    private final ExecutorService callbacks;
    private final AtomicLong ids = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicInteger functionIds = new java.util.concurrent.atomic.AtomicInteger();
    /** Hand-form map functions by content, the most recently used 32 (as many as a worker slot remembers sending). */
    private final java.util.Map<java.nio.ByteBuffer, Integer> recentFunctions = new java.util.LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<java.nio.ByteBuffer, Integer> eldest) {
            return size() > 32;
        }
    };
    private final java.util.Map<LambdaShape, Integer> shapeIds = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Map<Integer, byte[]> shapeBytes = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile State state = State.RUNNING;
    /** Why the pool stopped on its own (see {@link BrokenPoolException}); null while it has not. */
    private volatile BrokenPoolException broken;
    /** Opens when the first worker of the pool is ready: see {@link #awaitFirstWorker}. */
    private final CountDownLatch firstWorker = new CountDownLatch(1);

    private ProcessPool(Options options) {
        // Refused here, as CPython's Pool does, rather than by every worker start: a pool in a
        // pool worker (a daemon) could never run a task.
        if (Multiprocessing.currentProcess().isDaemon()) {
            throw new IllegalStateException("daemonic processes are not allowed to have children"
                    + " (a pool worker cannot start a pool of its own)");
        }
        Objects.requireNonNull(options, "options");
        if (options.initializer() != null) {
            try {
                // It travels to every worker as it starts: refused here, where the pool is made,
                // rather than breaking the pool at its first worker's start.
                dev.mp4j.serial.SafeSerializer.checkTravels(options.initializer());
            } catch (dev.mp4j.serial.NotSerializableValueException e) {
                throw new dev.mp4j.serial.NotSerializableValueException(
                        "the pool's initializer cannot travel to its workers: " + e.getMessage(), e.offendingClass(), e);
            }
        }
        this.options = options;
        // Workers exit rather than limp on after an OutOfMemoryError, so the task is reported.
        this.workerContext = options.context().withJvmOptions(options.context().jvmOptions().with("-XX:+ExitOnOutOfMemoryError"));
        this.finished = new CountDownLatch(options.processes());
        this.idleSlots.set(options.processes());
        this.claims = JobClaims.create(options.processes());
        // Their threads end when idle for a second: a pool that is only shut down (never joined)
        // leaves none behind. Cancelled timers leave the queue at once (one per task with a timeout).
        java.util.concurrent.ScheduledThreadPoolExecutor clock =
                new java.util.concurrent.ScheduledThreadPoolExecutor(1, daemon("mp4j-pool-timer"));
        clock.setRemoveOnCancelPolicy(true);
        clock.setKeepAliveTime(1, TimeUnit.SECONDS);
        clock.allowCoreThreadTimeOut(true);
        this.timer = clock;
        java.util.concurrent.ThreadFactory callbackThreads = daemon("mp4j-pool-callbacks");
        java.util.concurrent.ThreadPoolExecutor calls = new java.util.concurrent.ThreadPoolExecutor(1, 1, 1, TimeUnit.SECONDS,
                new java.util.concurrent.LinkedBlockingQueue<>(), r -> callbackThreads.newThread(() -> {
                    OWN_THREAD_OF.set(this);
                    r.run();
                }));
        calls.allowCoreThreadTimeOut(true);
        this.callbacks = calls;
        for (int i = 0; i < options.processes(); i++) {
            slots.add(new WorkerSlot(this, i));
        }
        slotsRunning.set(options.processes());
        // Started once the list is complete: each slot's thread reads the others (take-back).
        for (WorkerSlot slot : slots) {
            Thread t = new Thread(() -> {
                OWN_THREAD_OF.set(this);
                slot.run();
            }, "mp4j-pool-worker-" + slot.index);
            t.setDaemon(true);
            t.start();
        }
    }

    /**
     * The first worker starts alone; the others start once it is ready (or after
     * {@code FIRST_WORKER_HEAD_START}). A JVM's start keeps more than one core busy (its main
     * thread, the compiler threads), so on a machine with few cores every worker started at once
     * slows all of them: two workers at once reached their main in 45-70 ms each against 30-35 ms
     * alone. The pool's first result comes from the first worker that is ready.
     */
    void awaitFirstWorker() {
        try {
            firstWorker.await(FIRST_WORKER_HEAD_START.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final Duration FIRST_WORKER_HEAD_START = Duration.ofMillis(150);

    /** A worker is ready: the others may start (see {@link #awaitFirstWorker}). */
    void workerReady() {
        everReady = true;
        firstWorker.countDown();
    }

    /** Whether any worker of this pool ever got through its start (and initializer). */
    boolean everReady() {
        return everReady;
    }

    private volatile boolean everReady;

    /** Why the pool broke, or null. */
    BrokenPoolException brokenCause() {
        return broken;
    }

    /** A task the pool gives up on as it stops: failed with why it broke, or cancelled. */
    void abandon(Task t) {
        BrokenPoolException why = broken;
        if (why != null) {
            t.future.completeExceptionally(why);
        } else {
            t.future.cancel(false);
        }
    }

    /**
     * On one of a pool's own threads: that pool, which must not wait there for its own end. Its
     * callbacks run on one; so do the stages a caller hangs on a task's future
     * ({@code submit(t).thenRun(...)}), on the thread of the worker slot that completes it.
     */
    private static final ThreadLocal<ProcessPool> OWN_THREAD_OF = new ThreadLocal<>();

    /** Refuses a wait for the end of this pool from one of its own threads, which that wait would wait for. */
    private void checkNotInOwnCallback(String what) {
        if (OWN_THREAD_OF.get() == this) {
            throw new IllegalStateException("cannot " + what + " from one of this pool's own callbacks or from a stage"
                    + " of one of its tasks: it would wait for the thread it is called from (as CPython, which cannot"
                    + " join the current thread)");
        }
    }

    /**
     * Runs a callback on the pool's callback thread; on the thread that completed the task once
     * that one has ended (the pool was terminated and joined meanwhile), so that the result
     * still completes and its callbacks still run.
     */
    private void runCallback(Runnable callback) {
        try {
            callbacks.execute(callback);
        } catch (java.util.concurrent.RejectedExecutionException ended) {
            ProcessPool outer = OWN_THREAD_OF.get();
            OWN_THREAD_OF.set(this);
            try {
                callback.run();
            } finally {
                if (outer == null) {
                    OWN_THREAD_OF.remove();
                } else {
                    OWN_THREAD_OF.set(outer);
                }
            }
        }
    }

    /**
     * A result that cancels the work behind it with the same {@code mayInterruptIfRunning}
     * (a derived stage does not cancel its source): {@code cancel(false)} lets a running task
     * finish, {@code cancel(true)} stops it.
     */
    private static final class CancelsWith<R> extends CompletableFuture<R> {
        private final Consumer<Boolean> source;

        CancelsWith(Consumer<Boolean> source) {
            this.source = source;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            if (cancelled) {
                source.accept(mayInterruptIfRunning);
            }
            return cancelled;
        }

        @Override
        public <U> CompletableFuture<U> newIncompleteFuture() {
            return new CompletableFuture<>();
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** A pool of {@link Multiprocessing#cpuCount()} workers. */
    public static ProcessPool create() {
        return new ProcessPool(Options.defaults());
    }

    /** A pool of {@code processes} workers. */
    public static ProcessPool create(int processes) {
        return new ProcessPool(Options.defaults().withProcesses(processes));
    }

    public static ProcessPool create(Options options) {
        return new ProcessPool(options);
    }

    /**
     * A queued task for a worker's second and later jobs in flight, without waiting. A task of
     * its own ({@code apply}, {@code submit}) is given only while no other slot is idle: one
     * queued behind a running task waits for it, and tasks that wait for each other (a
     * producer and its consumer) would not meet until an idle slot took the second back (see
     * {@link #nextTask}), where in CPython an idle worker takes it at once. Chunks of a
     * {@code map} are taken anyway: its items are independent calls
     * of one function (CPython runs a chunk's items one after another too), and a worker
     * kept busy with them is what makes a map fast while the other workers still start.
     */
    Task pollTaskUnlessOthersIdle() {
        if (state == State.TERMINATED) {
            return null;
        }
        Task t;
        while ((t = pending.poll()) != null && (t == END || t.future.isDone() || dropUnstarted(t))) {
            if (t == END) {
                pending.addFirst(END);
                return null;
            }
        }
        if (t != null && (t.kind == Messages.CALL || t.kind == Messages.LAMBDA_CALL) && idleSlots.get() > 0) {
            pending.addFirst(t);
            // terminate() may have drained the queue meanwhile.
            if (state == State.TERMINATED && pending.remove(t)) {
                abandonUnstarted(t);
            }
            return null;
        }
        return t;
    }

    /**
     * A worker process on these pipe ends. Without an initializer its target is a lambda that
     * captures the ends as bytes and calls {@link WorkerLoop#launch}: that travels in a child's
     * quick form, so a new worker reads no object stream on its way to the first result. The
     * ends' forms go to {@code handedOver}: see {@link WorkerSlot}'s handling of a worker that
     * never took them over.
     */
    JvmProcess newWorker(dev.mp4j.connection.Connection jobs, dev.mp4j.connection.Connection control, int index,
                         List<byte[]> handedOver) {
        ProcessTarget initializer = options.initializer();
        ProcessTarget target;
        if (initializer == null) {
            byte[] jobsEnd = dev.mp4j.connection.Pipe.reduce(jobs);
            byte[] controlEnd = dev.mp4j.connection.Pipe.reduce(control);
            handedOver.add(jobsEnd);
            handedOver.add(controlEnd);
            target = WorkerLoop.launcher(jobsEnd, controlEnd, claims.name(), index);
        } else {
            target = new WorkerLoop(jobs, control, initializer, claims.name(), index);
        }
        JvmProcess p = workerContext.process(target, "PoolWorker-" + (index + 1));
        p.setDaemon(true);
        return p;
    }

    // ---- scheduling (called by the slots) ----

    /** Marks the end of the queue for one worker slot after shutdown or terminate. */
    private static final Task END = new Task(-1, -1, -1, null, new byte[0], "end of queue", null);

    /**
     * Slots with no job in flight, their worker ready or starting: while there is one, no slot
     * queues a task of its own behind a running one (see {@link #pollTaskUnlessOthersIdle}).
     */
    final java.util.concurrent.atomic.AtomicInteger idleSlots = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * The next task for an idle slot, {@code me}: from the queue, or else taken back from another
     * slot whose worker has jobs queued behind one that is running long (see
     * {@link WorkerSlot#takeBackQueued}); waits for either. Null once the pool ends.
     */
    Task nextTask(WorkerSlot me) {
        while (true) {
            if (state == State.TERMINATED) {
                return null;
            }
            try {
                Task t = pending.poll();
                if (t == null || t == END) {
                    if (t == END) {
                        // Shut down: nothing new will come, but jobs queued behind a long one in
                        // another worker may still be this slot's to run. Its end waits meanwhile.
                        pending.addFirst(END);
                    }
                    long wait = takeBackFor(me);
                    if (wait == 0) {
                        // Taken back: now at the front of the queue.
                        continue;
                    }
                    if (t == END) {
                        if (wait != Long.MAX_VALUE) {
                            Thread.sleep(Math.max(1, TimeUnit.NANOSECONDS.toMillis(Math.min(wait, IDLE_LOOK_AGAIN_NANOS))));
                            continue;
                        }
                        t = pending.pollFirst();
                        if (t == null || t == END) {
                            return null;
                        }
                        // a task put back meanwhile: this slot runs it
                    } else {
                        // Timed even when nothing is queued elsewhere yet: a worker may queue jobs
                        // behind a long one while this slot waits here (both took from the queue).
                        t = pending.poll(Math.min(wait, IDLE_LOOK_AGAIN_NANOS), TimeUnit.NANOSECONDS);
                        if (t == null) {
                            continue;
                        }
                        if (t == END) {
                            pending.addFirst(END);
                            continue;
                        }
                    }
                }
                if (t.future.isDone() || dropUnstarted(t)) {
                    continue;
                }
                return t;
            } catch (InterruptedException e) {
                // Nothing in the pool interrupts a slot's thread (it ends by the END marker): an
                // interrupt is one a caller's callback left set on it (see WorkerSlot.run), and
                // ending the slot for it left a pool that looked alive and ran nothing.
                continue;
            }
        }
    }

    /**
     * Takes back, to the front of the queue, the jobs another slot's worker has queued behind one
     * that has run long, so that {@code me}, idle, runs them instead of leaving them to wait.
     *
     * @return 0 if it took some back; otherwise how long until some may be,
     *         {@code Long.MAX_VALUE} when no other slot has jobs queued
     */
    private long takeBackFor(WorkerSlot me) {
        if (state == State.TERMINATED) {
            return Long.MAX_VALUE;
        }
        long now = System.nanoTime();
        long[] lookAgain = {Long.MAX_VALUE};
        for (WorkerSlot s : slots) {
            if (s == me) {
                continue;
            }
            List<Task> back = s.takeBackQueued(now, lookAgain);
            if (!back.isEmpty()) {
                for (int i = back.size() - 1; i >= 0; i--) {
                    retryUnstarted(back.get(i));
                }
                return 0;
            }
        }
        return lookAgain[0] == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(1, lookAgain[0] - now);
    }

    boolean terminating() {
        return state == State.TERMINATED;
    }

    /** Closed, and every task queued has been taken (only end markers are left). */
    boolean closedWithNothingLeft() {
        if (state != State.CLOSED || !endsQueued) {
            return false;
        }
        for (Task t : pending) {
            if (t != END) {
                return false;
            }
        }
        return true;
    }

    void complete(Task t, List<Object> values) {
        t.future.complete(t.kind == Messages.CALL || t.kind == Messages.LAMBDA_CALL ? values.getFirst() : values);
    }

    void fail(Task t, Throwable error) {
        t.future.completeExceptionally(error);
    }

    void retry(Task t) {
        t.started = true;
        // A new run: a soft timeout of the one that died (before its hard kill) is not this one's.
        t.interruptedForTimeout = false;
        requeue(t, false);
    }

    /** {@link #retry} for a task that never started (so {@link #shutdownNow()} lists it if the pool stops). */
    void retryUnstarted(Task t) {
        // It never ran: a timeout that came while it waited at the head of a worker's queue is
        // not this run's.
        t.interruptedForTimeout = false;
        t.killedForTimeout = false;
        requeue(t, true);
    }

    private void requeue(Task t, boolean unstarted) {
        // terminate() or broke() may drain the queue between the look and the add: then nobody
        // would take it.
        if (state != State.TERMINATED) {
            pending.addFirst(t);
            if (state != State.TERMINATED || !pending.remove(t)) {
                return;
            }
        }
        if (unstarted) {
            abandonUnstarted(t);
        } else {
            abandon(t);
        }
    }

    /** {@link #abandon} for a task that never started. */
    void abandonUnstarted(Task t) {
        // One cancelled already (a future cancelled by its caller, invokeAny's losers) is not
        // a task left to run; one that ran on a worker that died is not "never started".
        java.util.Queue<Task> never = neverStarted;
        // Handed to the caller of shutdownNow() as a Runnable that reads the job here: what its
        // copies took is that reader's, not given back as the task settles. One cancelled just
        // before has given them back (GIVEN_BACK): its job must not be read.
        boolean handOut = never != null && !t.future.isDone() && !t.started && t.undosForSend() != Task.GIVEN_BACK;
        abandon(t);
        if (handOut) {
            never.add(t);
        }
    }

    /** Where {@link #shutdownNow()} collects the tasks that never started; null otherwise. */
    private volatile java.util.Queue<Task> neverStarted;

    /**
     * Workers cannot be started ({@link BrokenPoolException}): stops the pool as
     * {@link #terminate()} does, but every task not finished fails with {@code why} instead of
     * being cancelled. The first call decides.
     */
    void broke(BrokenPoolException why) {
        synchronized (this) {
            if (state == State.TERMINATED) {
                return;
            }
            broken = why;
            state = State.TERMINATED;
            settling = Thread.currentThread();
        }
        try {
            // The other slots' workers too: a pool that cannot replace one must not limp on with some.
            killAndSettleQueued(t -> t.future.completeExceptionally(why));
        } finally {
            settling = null;
            drained.countDown();
            firstWorker.countDown();
        }
    }

    void slotFinished() {
        try {
            if (slotsRunning.decrementAndGet() == 0) {
                // Every worker is gone: nobody reads the claims any more. Before join() returns.
                claims.unlink();
            }
        } finally {
            finished.countDown();
        }
    }

    private final java.util.concurrent.atomic.AtomicInteger slotsRunning = new java.util.concurrent.atomic.AtomicInteger();

    /** How often an idle slot looks at the other slots' queues when none had jobs to take back. */
    private static final long IDLE_LOOK_AGAIN_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    // ---- submission ----

    private void checkRunning() {
        if (state != State.RUNNING) {
            BrokenPoolException why = broken;
            if (why != null) {
                throw new java.util.concurrent.RejectedExecutionException("Pool is broken: " + why.getMessage(), why);
            }
            throw new java.util.concurrent.RejectedExecutionException("Pool not running");
        }
    }

    /**
     * A function as a worker receives it: a lambda capturing only simple values in its
     * hand-written form (a fresh worker then reads no object stream, whose first use costs it
     * 25–35 ms), anything else as an object stream.
     */
    private static byte[] serialize(Object function) {
        return encode(function).bytes();
    }

    /**
     * A function's bytes, and whether workers may keep one copy of it across calls: a lambda in
     * its hand-written form that captures no array captures only immutable values. {@code undos}:
     * what the copies in {@code bytes} took for their readers ({@link #encodeCollecting}), or null.
     */
    private record Encoded(byte[] bytes, boolean reusable, List<Runnable> undos) {
        Encoded(byte[] bytes, boolean reusable) {
            this(bytes, reusable, null);
        }
    }

    /**
     * {@link #encode}, noting what the copies it writes take for their readers (a captured
     * queue's segment token, a pipe end's slot, a proxy's ticket), for the caller to give back
     * if no task carrying these bytes is ever sent; given back here if the encoding fails.
     */
    private static Encoded encodeCollecting(Object function) {
        return collecting(() -> encode(function));
    }

    private static Encoded collecting(java.util.function.Supplier<Encoded> encoding) {
        Object outer = Cleanup.collectUndos();
        Encoded e = null;
        List<Runnable> taken;
        try {
            e = encoding.get();
        } finally {
            taken = Cleanup.stopCollectingUndos(outer, e == null);
        }
        return new Encoded(e.bytes(), e.reusable(), taken);
    }

    private static Encoded encode(Object function) {
        java.lang.invoke.SerializedLambda lambda = dev.mp4j.serial.SerializedLambdas.of(function);
        byte[] hand = lambda == null ? null : dev.mp4j.serial.SerializedLambdas.handForm(lambda, true);
        if (hand == null) {
            return new Encoded(SafeSerializer.javaSerialize(function), false);
        }
        for (int i = 0; i < lambda.getCapturedArgCount(); i++) {
            if (lambda.getCapturedArg(i) instanceof byte[]) {
                return new Encoded(hand, false);
            }
        }
        return new Encoded(hand, true);
    }

    /**
     * The id under which workers keep {@code function}. A reusable function (see
     * {@link #encode}) that the pool sent lately keeps its id: a worker that has it reuses the
     * function it built instead of decoding it again and making a new lambda object, which costs
     * a worker milliseconds of CPU beside the map's own work. Anything else gets a new id each
     * time, so each map gets a fresh copy of what the function captured, as in Python.
     */
    private int functionId(Encoded function) {
        if (!function.reusable()) {
            // Negative: a one-off, which a worker keeps only until the next one-off comes.
            return -functionIds.incrementAndGet();
        }
        synchronized (recentFunctions) {
            return recentFunctions.computeIfAbsent(java.nio.ByteBuffer.wrap(function.bytes()), k -> functionIds.incrementAndGet());
        }
    }

    /** What a task keeps (see {@link Task}): null for the usual task whose bytes carry no shared object. */
    private static Object holds(List<Object> function, List<Object> items) {
        if (function.isEmpty()) {
            return items.isEmpty() ? null : items;
        }
        return items.isEmpty() ? function : new Object[] {function, items};
    }

    /**
     * A task's future was cancelled with {@code mayInterruptIfRunning}: one still queued is
     * skipped when its turn comes; one a worker is running is interrupted, and its worker killed
     * and replaced after {@link Options#killGrace} if it goes on.
     */
    private void cancelled(Task t) {
        for (WorkerSlot slot : slots) {
            slot.stopIfRunning(t);
        }
    }

    /** Queues a task; {@code functionHolds}: what the function's bytes carry copies of, to keep (see {@link Task}). */
    private Task enqueue(int kind, int functionId, byte[] function, List<?> items, String description,
            List<Object> functionHolds) {
        return enqueue(prepare(kind, functionId, function, items, description, functionHolds, null));
    }

    /**
     * A task with its items serialized, not queued yet: an item that cannot travel fails here.
     * {@code description} null: "task #" and its id.
     */
    private Task prepare(int kind, int functionId, byte[] function, List<?> items, String description,
            List<Object> functionHolds, SharedCopies functionCopies) {
        checkRunning();
        return newTask(kind, functionId, function, items, description, functionHolds, functionCopies, true);
    }

    /**
     * A task with its items serialized; {@code checkSize}: one too large for a worker's pipe is
     * refused here (else it fails when sent, in its future).
     */
    private Task newTask(int kind, int functionId, byte[] function, List<?> items, String description,
            List<Object> functionHolds, SharedCopies functionCopies, boolean checkSize) {
        // What the items' copies take for their readers (segment tokens, pipe end slots, manager
        // tickets) is given back if the task is refused here: no worker will read them.
        Object outer = Cleanup.collectUndos();
        boolean accepted = false;
        Cleanup.Noted<byte[]> encoded;
        List<Runnable> taken;
        try {
            encoded = Cleanup.noting(() -> Codec.items(items));
            // A job travels to its worker as one message (header, function, items): one over the
            // worker pipe's limit is refused here, naming both sizes, not failed later in its future.
            long size = 17L + (function == null ? 0 : function.length) + encoded.value().length;
            if (checkSize && size > dev.mp4j.connection.Pipe.defaultMaxMessageBytes()) {
                throw new IllegalArgumentException("cannot send a task of " + size + " bytes to a worker: the limit is "
                        + dev.mp4j.connection.Pipe.defaultMaxMessageBytes() + " bytes (raise it with -Dmp4j.connection.maxMessageBytes)");
            }
            accepted = true;
        } finally {
            taken = Cleanup.stopCollectingUndos(outer, !accepted);
        }
        long id = ids.incrementAndGet();
        Task t = new Task(id, kind, functionId, function, encoded.value(), description != null ? description : "task #" + id,
                options.taskTimeout(), holds(functionHolds, encoded.keep()));
        t.future.onCancel(() -> cancelled(t));
        // Kept until a worker is sent the job; a task settled unsent (cancelled, the pool
        // terminated, its call failed) gives them back, and its share of the function's.
        t.keepUndos(SharedCopies.withShare(taken, functionCopies));
        return t;
    }

    /** Queues a {@link #prepare prepared} task for the workers. */
    private Task enqueue(Task t) {
        // The task leaves this thread for a worker: what it put into a manager goes first.
        dev.mp4j.shm.Handoffs.handoff();
        // The look and the add under the lock shutdown() takes to close and queue its end
        // markers: a task must not land behind them, where no worker would take it.
        synchronized (this) {
            try {
                checkRunning();
            } catch (RuntimeException notRunning) {
                t.giveBackUnsent();
                throw notRunning;
            }
            pending.add(t);
        }
        // The pool may have stopped (terminate, or broke on a worker thread) between the check
        // and the add, behind the end markers: nobody would take it.
        if (state == State.TERMINATED && pending.remove(t)) {
            abandon(t);
        }
        return t;
    }

    /**
     * Python's {@code apply}: runs {@code task} in a worker and waits; its exception is thrown as
     * itself. To bound the wait, {@code applyAsync(task).get(timeout)} (then
     * {@code future().cancel(true)} stops the task), or a timeout for every task with
     * {@link Options#withTaskTimeout}.
     */
    public <R> R apply(SerializableCallable<R> task) throws Exception {
        return applyAsync(task).get();
    }

    /** Python's {@code apply_async}. */
    public <R> AsyncResult<R> applyAsync(SerializableCallable<R> task) {
        return applyAsync(task, null, null);
    }

    /**
     * Python's {@code apply_async(func, callback, error_callback)}: the callbacks run in the
     * parent, one at a time, on the pool's callback thread.
     */
    @SuppressWarnings("unchecked")
    public <R> AsyncResult<R> applyAsync(SerializableCallable<R> task, Consumer<? super R> callback,
                                         Consumer<? super Throwable> errorCallback) {
        Objects.requireNonNull(task, "task");
        Task t;
        LambdaShape.Split split = LambdaShape.split(task);
        if (split != null) {
            // The code travels once per worker; only the captured values travel with each task.
            Integer id = shapeIds.computeIfAbsent(split.shape(), k -> functionIds.incrementAndGet());
            byte[] shape = shapeBytes.computeIfAbsent(id, k -> split.shapeBytes());
            t = enqueue(Messages.LAMBDA_CALL, id, shape, split.captured(), null, List.of());
        } else {
            // What the task object's copy takes for its reader goes back if it is never sent.
            Cleanup.Noted<Encoded> function = Cleanup.noting(() -> collecting(() -> new Encoded(serialize(task), false)));
            SharedCopies copies = SharedCopies.of(function.value().undos());
            try {
                t = enqueue(prepare(Messages.CALL, -functionIds.incrementAndGet(), function.value().bytes(), List.of(), null,
                        function.keep(), copies));
            } finally {
                if (copies != null) {
                    copies.tasksMade();
                }
            }
        }
        CompletableFuture<R> f = (CompletableFuture<R>) (CompletableFuture<?>) t.future;
        return new AsyncResult<>(withCallbacks(f, callback, errorCallback));
    }

    private <R> CompletableFuture<R> withCallbacks(CompletableFuture<R> f, Consumer<? super R> callback,
                                                   Consumer<? super Throwable> errorCallback) {
        if (callback == null && errorCallback == null) {
            return f;
        }
        // Cancelling the result cancels the task, as it does without callbacks.
        CompletableFuture<R> out = new CancelsWith<>(f::cancel);
        f.whenCompleteAsync((v, failure) -> {
            // A dependent stage (map's) wraps its failure: the callback gets the task's own error.
            Throwable e = failure instanceof java.util.concurrent.CompletionException ce && ce.getCause() != null
                    ? ce.getCause() : failure;
            try {
                if (e == null && callback != null) {
                    callback.accept(v);
                } else if (e != null && errorCallback != null) {
                    errorCallback.accept(e);
                }
            } catch (RuntimeException | Error problem) {
                System.err.println("mp4j pool: a callback threw " + problem);
            } finally {
                if (e == null) {
                    out.complete(v);
                } else {
                    out.completeExceptionally(e);
                }
            }
        }, this::runCallback);
        return out;
    }

    /** Python's default chunk size for {@code map}: about four chunks per worker. */
    int defaultChunksize(int n) {
        if (n == 0) {
            return 0;
        }
        int workers = options.processes() * 4;
        int chunk = n / workers;
        return n % workers != 0 ? chunk + 1 : chunk;
    }

    /**
     * Python's {@code map}: applies {@code fn} to every item in the workers; results in order. To
     * bound the wait, {@code mapAsync(fn, items).get(timeout)}; for a range of ints, pass an
     * {@link IntRange}, which travels as its bounds.
     */
    public <T, R> List<R> map(TaskFunction<T, R> fn, Iterable<T> items) throws Exception {
        return mapAsync(fn, items, 0, null, null).get();
    }

    /** {@link #map} with an explicit chunk size. */
    public <T, R> List<R> map(TaskFunction<T, R> fn, Iterable<T> items, int chunksize) throws Exception {
        return mapAsync(fn, items, chunksize, null, null).get();
    }

    /** Python's {@code map_async}. */
    public <T, R> AsyncResult<List<R>> mapAsync(TaskFunction<T, R> fn, Iterable<T> items) {
        return mapAsync(fn, items, 0, null, null);
    }

    /** Python's {@code map_async(func, iterable, chunksize)}; chunksize 0: the default rule. */
    public <T, R> AsyncResult<List<R>> mapAsync(TaskFunction<T, R> fn, Iterable<T> items, int chunksize) {
        return mapAsync(fn, items, chunksize, null, null);
    }

    /** Python's {@code map_async(func, iterable, chunksize, callback, error_callback)}; chunksize 0: the default rule. */
    public <T, R> AsyncResult<List<R>> mapAsync(TaskFunction<T, R> fn, Iterable<T> items, int chunksize,
                                                Consumer<? super List<R>> callback, Consumer<? super Throwable> errorCallback) {
        return chunked(Messages.MAP, fn, items, chunksize, callback, errorCallback, "map");
    }

    /** Python's {@code starmap}: each item is the argument array of one call (bounded wait: {@code starmapAsync(...).get(timeout)}). */
    public <R> List<R> starmap(TaskFunction<Object[], R> fn, Iterable<Object[]> argLists) throws Exception {
        return starmapAsync(fn, argLists, 0).get();
    }

    /** Python's {@code starmap(func, iterable, chunksize)}; chunksize 0: the default rule. */
    public <R> List<R> starmap(TaskFunction<Object[], R> fn, Iterable<Object[]> argLists, int chunksize) throws Exception {
        return starmapAsync(fn, argLists, chunksize).get();
    }

    /** Python's {@code starmap_async(func, iterable)}. */
    public <R> AsyncResult<List<R>> starmapAsync(TaskFunction<Object[], R> fn, Iterable<Object[]> argLists) {
        return starmapAsync(fn, argLists, 0);
    }

    /** Python's {@code starmap_async}. */
    public <R> AsyncResult<List<R>> starmapAsync(TaskFunction<Object[], R> fn, Iterable<Object[]> argLists, int chunksize) {
        return starmapAsync(fn, argLists, chunksize, null, null);
    }

    /**
     * Python's {@code starmap_async(func, iterable, chunksize, callback, error_callback)}: the
     * callback gets the whole list of results, the error callback the first failure.
     */
    public <R> AsyncResult<List<R>> starmapAsync(TaskFunction<Object[], R> fn, Iterable<Object[]> argLists, int chunksize,
                                                 Consumer<? super List<R>> callback, Consumer<? super Throwable> errorCallback) {
        return chunked(Messages.STAR, fn, argLists, chunksize, callback, errorCallback, "starmap");
    }

    /** The items as a list of their own (Python's map turns its iterable into a list first). */
    @SuppressWarnings("unchecked")
    private static <T> List<T> snapshot(Iterable<T> items) {
        if (items instanceof IntRange r) {
            // Immutable, and its chunks travel as their bounds: nothing to copy.
            return (List<T>) (List<?>) r;
        }
        if (items instanceof java.util.Collection<T> c) {
            return new ArrayList<>(c);
        }
        List<T> all = new ArrayList<>();
        items.forEach(all::add);
        return all;
    }

    @SuppressWarnings("unchecked")
    private <T, R> AsyncResult<List<R>> chunked(int kind, Object fn, Iterable<T> items, int chunksize,
                                                Consumer<? super List<R>> callback, Consumer<? super Throwable> errorCallback,
                                                String what) {
        Objects.requireNonNull(fn, "fn");
        Objects.requireNonNull(items, "items");
        if (chunksize < 0) {
            throw new IllegalArgumentException("Chunksize must be 1+ (or 0 for the default), not " + chunksize);
        }
        checkRunning();
        List<T> all = snapshot(items);
        int n = all.size();
        int size = chunksize > 0 ? chunksize : defaultChunksize(n);
        // Every chunk serialized before any is queued: an item that cannot travel fails the call
        // with nothing started, and what the copies made so far took is given back. What the
        // function's copy took is every chunk's: kept once any chunk is sent, given back if none is.
        Cleanup.Noted<Encoded> noted = Cleanup.noting(() -> encodeCollecting(fn));
        Encoded encoded = noted.value();
        byte[] function = encoded.bytes();
        int functionId = functionId(encoded);
        SharedCopies functionCopies = SharedCopies.of(encoded.undos());
        boolean accepted = false;
        List<Task> tasks = new ArrayList<>();
        try {
            // In longs: with a range, n may be near Integer.MAX_VALUE, and from + size past it.
            for (long from = 0, k = 0; from < n; from += size, k++) {
                List<T> chunk = all.subList((int) from, (int) Math.min(n, from + size));
                tasks.add(prepare(kind, functionId, function, chunk, what + " chunk #" + k + " (items " + from + "..)",
                        noted.keep(), functionCopies));
            }
            accepted = true;
        } finally {
            if (!accepted) {
                tasks.forEach(Task::giveBackUnsent);
            }
            if (functionCopies != null) {
                functionCopies.tasksMade();
            }
        }
        List<CompletableFuture<Object>> parts = new ArrayList<>();
        try {
            for (Task t : tasks) {
                parts.add(enqueue(t).future);
            }
        } catch (RuntimeException | Error refused) {
            // The pool stopped taking work half-way: the chunks queued are withdrawn (one a
            // worker took already is interrupted), so that no more of a call that failed runs.
            for (CompletableFuture<Object> p : parts) {
                p.cancel(true);
            }
            tasks.forEach(Task::giveBackUnsent);
            throw refused;
        }
        Progress progress = bar(what, n);
        List<CompletableFuture<Object>> counted = new ArrayList<>(parts.size());
        for (int k = 0; k < parts.size(); k++) {
            int count = (int) Math.min(size, n - (long) k * size);
            counted.add(parts.get(k).whenComplete((v, e) -> progress.step(count)));
        }
        CompletableFuture<List<R>> all2 = CompletableFuture.allOf(counted.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<Object> results = new ArrayList<>(parts.size());
            for (CompletableFuture<Object> p : parts) {
                results.add(p.join());
            }
            // Ints (or longs) from every chunk: one packed list, nothing boxed (see PackedList).
            PackedList packed = results.size() == 1 && results.getFirst() instanceof PackedList only ? only
                    : PackedList.concat(results);
            if (packed != null) {
                return (List<R>) (List<?>) packed;
            }
            List<R> out = new ArrayList<>(n);
            for (Object part : results) {
                out.addAll((List<R>) part);
            }
            return out;
        });
        // Done once every chunk is, as CPython's map since bpo-23992: a caller told of a failure
        // has no chunk of that map still running. The error is the first failed chunk's in the
        // order of the items (CPython's is the first to arrive).
        CompletableFuture<List<R>> result = new CompletableFuture<>();
        all2.whenComplete((v, e) -> {
            if (e == null) {
                result.complete(v);
                return;
            }
            for (CompletableFuture<Object> p : parts) {
                if (p.isCompletedExceptionally()) {
                    result.completeExceptionally(p.isCancelled() ? new java.util.concurrent.CancellationException(
                            "a chunk of the " + what + " was cancelled") : p.exceptionNow());
                    return;
                }
            }
            result.completeExceptionally(e);
        });
        // Cancelling the map's result cancels its chunks, and closes its bar.
        CompletableFuture<List<R>> shown = new CancelsWith<>(mayInterrupt -> {
            progress.close();
            for (CompletableFuture<Object> p : parts) {
                p.cancel(mayInterrupt);
            }
        });
        // The bar is finished before the caller sees the result.
        result.whenComplete((v, e) -> {
            progress.close();
            if (e == null) {
                shown.complete(v);
            } else {
                shown.completeExceptionally(e);
            }
        });
        return new AsyncResult<>(withCallbacks(shown, callback, errorCallback));
    }

    /**
     * Python's {@code imap}: results in order, consuming {@code items} lazily (chunk size 1).
     * The input is read on the caller's thread, here and in {@code next()}, a window of chunks
     * ahead (CPython reads it on a thread of its own): an input whose {@code next()} waits for
     * something only the loop over the results would provide waits for ever.
     */
    public <T, R> ResultIterator<R> imap(TaskFunction<T, R> fn, Iterable<T> items) {
        return imap(fn, items, 1, true);
    }

    /** Python's {@code imap(func, iterable, chunksize)}. */
    public <T, R> ResultIterator<R> imap(TaskFunction<T, R> fn, Iterable<T> items, int chunksize) {
        return imap(fn, items, chunksize, true);
    }

    /** Python's {@code imap_unordered}: results as they finish. */
    public <T, R> ResultIterator<R> imapUnordered(TaskFunction<T, R> fn, Iterable<T> items) {
        return imap(fn, items, 1, false);
    }

    /** Python's {@code imap_unordered(func, iterable, chunksize)}. */
    public <T, R> ResultIterator<R> imapUnordered(TaskFunction<T, R> fn, Iterable<T> items, int chunksize) {
        return imap(fn, items, chunksize, false);
    }

    private <T, R> ResultIterator<R> imap(TaskFunction<T, R> fn, Iterable<T> items, int chunksize, boolean ordered) {
        Objects.requireNonNull(fn, "fn");
        Objects.requireNonNull(items, "items");
        if (chunksize < 1) {
            throw new IllegalArgumentException("Chunksize must be 1+, not " + chunksize);
        }
        checkRunning();
        // Chunks in flight: enough to keep every worker's own window of jobs full (CPython's
        // imap submits the whole input at once). 4 per worker left workers waiting for the caller
        // between results: imap_unordered with chunksize 1 went from 107-175 k to 200-370 k
        // items/s with 16 (2 workers, 2 alternating runs of 6).
        Cleanup.Noted<Encoded> noted = Cleanup.noting(() -> encodeCollecting(fn));
        Encoded encoded = noted.value();
        SharedCopies functionCopies = SharedCopies.of(encoded.undos());
        try {
            return new LazyResults<>(this, noted.keep(), functionCopies, encoded.bytes(), functionId(encoded), items.iterator(),
                    items instanceof IntRange r ? r : null, chunksize, ordered, Math.max(16, options.processes() * 16), bar(ordered ? "imap" : "imap_unordered", -1));
        } catch (RuntimeException | Error refused) {
            if (functionCopies != null) {
                functionCopies.tasksMade();
            }
            throw refused;
        }
    }

    /**
     * A chunk of an {@code imap}: accepted also after {@link #shutdown()} until the iterators
     * open then are fed (see {@link #shutdown()}), as in CPython, where close() leaves an imap's
     * input to be consumed.
     */
    Task submitChunk(List<Object> functionHolds, SharedCopies functionCopies, byte[] function, int functionId, List<?> chunk,
            String description) {
        dev.mp4j.shm.Handoffs.handoff();
        Task t = newTask(Messages.MAP, functionId, function, chunk, description, functionHolds, functionCopies, false);
        synchronized (this) {
            if (state == State.TERMINATED || endsQueued) {
                t.giveBackUnsent();
                checkRunning();
                throw new java.util.concurrent.RejectedExecutionException("Pool not running");
            }
            pending.add(t);
        }
        if (state == State.TERMINATED && pending.remove(t)) {
            abandon(t);
        }
        return t;
    }

    /**
     * imap iterators whose input is not yet all submitted (see {@link #shutdown()}), held
     * weakly: one its caller dropped has results nobody can read, and is not fed at shutdown.
     */
    private final java.util.Set<LazyResults<?, ?>> feeding =
            java.util.Collections.synchronizedSet(java.util.Collections.newSetFromMap(new java.util.WeakHashMap<>()));
    /** Whether the end markers are queued: after that, no task is accepted. */
    private boolean endsQueued;

    /** Registers an imap iterator whose input is still being read; false if the pool takes no more. */
    synchronized boolean startFeeding(LazyResults<?, ?> it) {
        if (state == State.TERMINATED || endsQueued) {
            return false;
        }
        feeding.add(it);
        return true;
    }

    void doneFeeding(LazyResults<?, ?> it) {
        feeding.remove(it);
    }

    private void queueEnds() {
        // Behind the queued tasks, one end marker per worker: each ends when it reaches one.
        for (int i = 0; i < options.processes(); i++) {
            pending.addLast(END);
        }
        endsQueued = true;
    }

    /** Submits what the open imap iterators have left, then queues the end markers. */
    private void feedOpenIterators() {
        while (state == State.CLOSED) {
            LazyResults<?, ?> next;
            synchronized (feeding) {
                java.util.Iterator<LazyResults<?, ?>> open = feeding.iterator();
                next = open.hasNext() ? open.next() : null;
            }
            if (next == null) {
                break;
            }
            // One chunk a pass, the iterator looked up again each time: one its caller dropped
            // meanwhile is collected and no longer fed.
            try {
                next.feedOne();
            } catch (RuntimeException | Error unforeseen) {
                // Whatever happens to one input, the end markers must still be queued: else
                // no worker ever ends and join() waits for ever.
                next.abandonFeeding(unforeseen);
            }
            next = null;
        }
        synchronized (this) {
            if (state == State.CLOSED && !endsQueued) {
                queueEnds();
            }
        }
    }

    // ---- life cycle ----

    /**
     * Python's {@code close()}: no new tasks; the queued ones still run. As in CPython, the input
     * of an {@code imap} begun before is still consumed (on a thread of the pool's, not lazily
     * any more) and its results can be read after; an endless input then runs for ever, unless
     * its iterator was dropped (it is held weakly, and stops being fed once collected).
     */
    @Override
    public void shutdown() {
        if (state == State.RUNNING) {
            // Outside the lock: a stderr nobody reads must not hold the pool up.
            dev.mp4j.process.MpLog.note(System.Logger.Level.DEBUG, "closing pool");
        }
        synchronized (this) {
            if (state != State.RUNNING) {
                return;
            }
            state = State.CLOSED;
            if (feeding.isEmpty()) {
                queueEnds();
                return;
            }
        }
        Thread feeder = new Thread(this::feedOpenIterators, "mp4j-pool-imap-feeder");
        feeder.setDaemon(true);
        feeder.start();
    }

    /** Set by {@link #shutdown(boolean, boolean)} with cancelFutures: a task taken from the queue from then on is cancelled, not sent. */
    private volatile boolean dropUnstarted;

    /** Whether {@code t} was just cancelled because the pool drops what has not started (see {@link #dropUnstarted}). */
    private boolean dropUnstarted(Task t) {
        return dropUnstarted && t.future.cancel(false);
    }

    /**
     * Python's {@code ProcessPoolExecutor.shutdown(wait, cancel_futures)}: no new tasks, as
     * {@link #shutdown()}. With {@code cancelFutures}, the tasks no worker has started are
     * cancelled (one queued in a worker's pipe behind a running one too, if it is taken back
     * before it starts), and no more of an open {@code imap}'s input is read; the tasks running
     * finish. As with any {@code cancel(false)}, a task a worker was being sent at that moment may
     * still run: its future says cancelled, and its result is dropped. With {@code wait}, returns once every worker has exited, as
     * {@link #join()} (a task that never ends keeps it waiting: see {@link #terminate()}).
     * <pre>{@code
     * pool.shutdown(true, true);   // finish what runs, drop what waits, then return
     * }</pre>
     */
    public void shutdown(boolean wait, boolean cancelFutures) throws InterruptedException {
        if (cancelFutures) {
            // From here on, whatever a slot takes from the queue (a task queued, one put back by
            // a slot that looked at it, one taken back from a busy worker) is cancelled instead.
            dropUnstarted = true;
            // Open imaps read no more input: before the close, whose feeder would read it all.
            refuseOpenInputs();
        }
        // No imap can begin after this (they check that the pool runs).
        shutdown();
        if (cancelFutures) {
            // One begun meanwhile (what its feeder submitted is cancelled when taken).
            refuseOpenInputs();
            // Cancelled at once rather than when taken, so their callers hear now; what their
            // copies took goes back.
            for (Task t : pending.toArray(new Task[0])) {
                if (t != END) {
                    t.future.cancel(false);
                }
            }
        }
        if (wait) {
            join();
        }
    }

    /** Python's {@code terminate()}: kills every worker now; unfinished tasks fail with {@code CancellationException}. */
    public void terminate() {
        dev.mp4j.process.MpLog.note(System.Logger.Level.DEBUG, "terminating pool");
        boolean first;
        synchronized (this) {
            // Under the lock shutdown() takes, so that its CLOSED cannot overwrite this.
            first = state != State.TERMINATED;
            state = State.TERMINATED;
            if (first) {
                settling = Thread.currentThread();
            }
        }
        if (!first) {
            // Terminated already (or broken): that call settles the queued tasks (two draining
            // at once, the first to finish would say they were all settled too soon); this one
            // returns once they are, as the first does.
            killWorkers();
            closeBars();
            refuseOpenInputs();
            boolean interrupted = false;
            while (true) {
                try {
                    awaitSettled();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        try {
            killAndSettleQueued(this::abandonUnstarted);
            closeBars();
        } finally {
            settling = null;
            drained.countDown();   // whatever happened above: join() waits for it
        }
        // No more of an open imap's input is read: what its function's copies took goes back
        // unless a chunk of it was sent.
        refuseOpenInputs();
    }

    /**
     * Kills every worker and settles each task still queued with {@code settle}; then an END per
     * slot, so that a slot still looking for work stops.
     */
    private void killAndSettleQueued(Consumer<Task> settle) {
        killWorkers();
        Task t;
        while ((t = pending.poll()) != null) {
            if (t != END) {
                settle.accept(t);
            }
        }
        for (int i = 0; i < options.processes(); i++) {
            pending.addFirst(END);
        }
    }

    private void killWorkers() {
        for (WorkerSlot s : slots) {
            s.kill();
        }
    }

    /** Tells every open imap that no more of its input will be taken (see {@link LazyResults#inputRefused}). */
    private void refuseOpenInputs() {
        List<LazyResults<?, ?>> open;
        synchronized (feeding) {
            open = new ArrayList<>(feeding);
        }
        for (LazyResults<?, ?> it : open) {
            it.inputRefused();
        }
    }

    /**
     * Python's {@code join()}: waits for the workers to exit.
     *
     * @throws IllegalStateException if the pool is still running (call {@link #shutdown()} or
     *         {@link #terminate()} first), or if called from one of the pool's own callbacks
     */
    public void join() throws InterruptedException {
        if (state == State.RUNNING) {
            throw new IllegalStateException("Pool is still running: call shutdown() or terminate() first");
        }
        checkNotInOwnCallback("join the pool");
        dev.mp4j.process.MpLog.note(System.Logger.Level.DEBUG, "joining pool");
        finished.await();
        awaitSettled();
        cleanup();
        // As in CPython, join returns once every callback has run.
        callbacks.awaitTermination(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
    }

    /**
     * {@link #join()}, waiting at most {@code timeout}; returns whether the workers have exited
     * and every callback has run. (Python's {@code join()} has no timeout; this is
     * {@link #awaitTermination} with {@code join()}'s check that the pool was closed.)
     *
     * @throws IllegalStateException as {@link #join()}
     */
    public boolean join(java.time.Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        if (state == State.RUNNING) {
            throw new IllegalStateException("Pool is still running: call shutdown() or terminate() first");
        }
        checkNotInOwnCallback("join the pool");
        // Saturated: a timeout too long for a long of nanoseconds waits as long as one can.
        long nanos = timeout.isNegative() ? 0 : timeout.compareTo(java.time.Duration.ofNanos(Long.MAX_VALUE)) >= 0
                ? Long.MAX_VALUE : timeout.toNanos();
        return awaitTermination(nanos, TimeUnit.NANOSECONDS);
    }

    private void cleanup() {
        timer.shutdownNow();
        callbacks.shutdown();
        closeBars();
    }

    /**
     * Progress bars not finished yet: an imap's closes when its results run out, but one whose
     * loop the caller left (after a task's error, say) would redraw for as long as the JVM
     * lives; they are closed when the pool is terminated or joined.
     */
    private final java.util.Set<Progress> openBars = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private Progress bar(String task, long total) {
        Progress progress = Progress.start(options.progressBar(), task, total);
        if (options.progressBar()) {
            openBars.add(progress);
            progress.onClose(() -> openBars.remove(progress));
        }
        return progress;
    }

    /** How many progress bars are open (for tests). */
    int openBarCount() {
        return openBars.size();
    }

    private void closeBars() {
        for (Progress p : openBars) {
            p.close();
        }
    }

    /** Per-worker counters and timings. */
    public List<WorkerStats> workerStats() {
        return slots.stream().map(WorkerSlot::stats).toList();
    }

    /** Pids of the current workers (0 where one is being replaced). */
    public List<Long> workerPids() {
        return slots.stream().map(WorkerSlot::pid).toList();
    }

    /** The number of workers. */
    public int processes() {
        return options.processes();
    }

    // ---- ExecutorService ----

    /**
     * Runs {@code task} in a worker; a task that is not serializable is refused here.
     *
     * <p>The future completes on the pool's thread that reads its worker's answers: attach work
     * that may block with an {@code ...Async} stage ({@code thenApplyAsync}), as the
     * {@link CompletableFuture} rules advise. A stage that runs there and waits for another of
     * this pool's tasks can wait for ever, since that thread reads no more answers meanwhile.
     * {@code cancel(true)} stops a running task (see the class comment).
     */
    @Override
    public <T> CompletableFuture<T> submit(Callable<T> task) {
        return applyAsync(asSerializable(task)).future();
    }

    /** The overload a lambda picks, so that it is serializable. */
    public <T> CompletableFuture<T> submit(SerializableCallable<T> task) {
        return applyAsync(task).future();
    }

    /**
     * The overload a lambda with no result picks, so that it is serializable:
     * {@code pool.submit(() -> System.out.println("hi"))}.
     */
    public CompletableFuture<?> submit(dev.mp4j.serial.SerializableRunnable task) {
        return submit((Runnable) task);
    }

    /** Runs {@code task} in a worker; a {@link Runnable} that is not serializable is refused here. */
    @Override
    public CompletableFuture<?> submit(Runnable task) {
        Runnable r = task;
        if (!(r instanceof Serializable)) {
            throw notSerializable(task);
        }
        SerializableCallable<Object> call = () -> {
            r.run();
            return null;
        };
        return submit(call);
    }

    @Override
    public <T> CompletableFuture<T> submit(Runnable task, T result) {
        // The result stays here: the future completes with this very object, which need not
        // be serializable (it was sent to the worker and back, and came back a copy).
        CompletableFuture<?> run = submit(task);
        CancelsWith<T> out = new CancelsWith<>(run::cancel);
        run.whenComplete((ignored, failure) -> {
            if (failure != null) {
                out.completeExceptionally(failure);
            } else {
                out.complete(result);
            }
        });
        return out;
    }

    /** The overload a lambda picks, so that it is serializable: {@code pool.submit(() -> work(), "done")}. */
    public <T> CompletableFuture<T> submit(dev.mp4j.serial.SerializableRunnable task, T result) {
        return submit((Runnable) task, result);
    }

    /** The overload a lambda picks, so that it is serializable: {@code pool.execute(() -> work())}. */
    public void execute(dev.mp4j.serial.SerializableRunnable command) {
        execute((Runnable) command);
    }

    /**
     * Runs {@code command} in a worker; one that is not serializable is refused here. Nothing
     * waits for its outcome, so a failure is printed on stderr, as an executor's thread prints
     * an uncaught exception.
     */
    @Override
    public void execute(Runnable command) {
        submit(command).whenComplete((v, failure) -> {
            if (failure != null) {
                Throwable e = failure instanceof java.util.concurrent.CompletionException ce && ce.getCause() != null
                        ? ce.getCause() : failure;
                if (!(e instanceof java.util.concurrent.CancellationException)) {
                    System.err.print("mp4j pool: a task given to execute() failed: ");
                    e.printStackTrace();
                }
            }
        });
    }

    @SuppressWarnings("unchecked")
    private static <T> SerializableCallable<T> asSerializable(Callable<T> task) {
        Objects.requireNonNull(task, "task");
        if (task instanceof SerializableCallable<?> s) {
            return (SerializableCallable<T>) s;
        }
        if (!(task instanceof Serializable)) {
            throw notSerializable(task);
        }
        Callable<T> c = task;
        return c::call;
    }

    private static NotSerializableValueException notSerializable(Object task) {
        Objects.requireNonNull(task, "task");
        return new NotSerializableValueException("cannot send a " + task.getClass().getName()
                + " to a worker process: it is not Serializable (write the lambda in the call itself,"
                + " pool.submit(() -> ...) or pool.execute(() -> ...), on a ProcessPool-typed reference:"
                + " through ExecutorService, or kept in a Callable or Runnable variable first, a lambda is"
                + " not serializable; or declare or cast it as a SerializableCallable or SerializableRunnable)",
                task.getClass().getName(), null);
    }

    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks) throws InterruptedException {
        return invokeAll(tasks, Long.MAX_VALUE, TimeUnit.NANOSECONDS);
    }

    /**
     * As the {@link ExecutorService} contract has it: at the timeout, on an interrupt, or when one
     * task cannot be submitted (refused at submit: it is not serializable), the tasks not
     * finished are cancelled.
     */
    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        long deadline = System.nanoTime() + nanos;
        List<Future<T>> out = new ArrayList<>(tasks.size());
        boolean done = false;
        try {
            for (Callable<T> t : tasks) {
                out.add(submit(t));
            }
            for (Future<T> f : out) {
                try {
                    if (nanos == Long.MAX_VALUE) {
                        f.get();
                    } else {
                        f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    }
                } catch (ExecutionException | java.util.concurrent.CancellationException ignored) {
                    // reported through the future
                } catch (TimeoutException e) {
                    return out;
                }
            }
            done = true;
            return out;
        } finally {
            if (!done) {
                out.forEach(f -> f.cancel(true));
            }
        }
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException {
        try {
            return invokeAny(tasks, Long.MAX_VALUE, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new ExecutionException(e);
        }
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("no tasks");
        }
        List<CompletableFuture<T>> fs = new ArrayList<>(tasks.size());
        try {
            for (Callable<T> t : tasks) {
                fs.add(submit(t));
            }
            CompletableFuture<T> first = new CompletableFuture<>();
            AtomicLong failures = new AtomicLong();
            for (CompletableFuture<T> f : fs) {
                f.whenComplete((v, e) -> {
                    if (e == null) {
                        first.complete(v);
                    } else if (failures.incrementAndGet() == fs.size()) {
                        // ExecutionException, as the contract says, also when the last one
                        // was cancelled (shutdownNow, terminate): get() would throw a bare
                        // CancellationException.
                        first.completeExceptionally(e instanceof java.util.concurrent.CancellationException
                                ? new java.util.concurrent.CompletionException(e) : e);
                    }
                });
            }
            return first.get(timeout, unit);
        } finally {
            fs.forEach(f -> f.cancel(true));
        }
    }

    /**
     * Kills the workers (Python's terminate) and returns the tasks that never started: those
     * queued and those sent to a worker behind the job it was running. Their futures are
     * cancelled. Each entry runs its task when run, in the calling process (a map chunk applies
     * its function to its items), so the list can be handed to another executor as
     * {@code ExecutorService} intends; its result is not kept (the task's future stays
     * cancelled), and an exception the task throws is thrown from {@code run}, wrapped in a
     * {@link java.util.concurrent.CompletionException} when checked. It runs without the pool's
     * task timeout; in a pool with an initializer, which the calling process never ran, an entry
     * throws {@link java.util.concurrent.CancellationException} instead. Tasks cancelled before
     * and tasks that ran on a worker that died are not listed. {@code toString} names
     * the task, as "task #12" or "map chunk #3 (items 300..)". Waits (at most 10 s) for the
     * pool's threads to account for the tasks their workers held; called from one of them (a
     * task's stage or callback), it does not wait, and the tasks queued behind the calling
     * stage's own task are cancelled without being listed.
     */
    @Override
    public List<Runnable> shutdownNow() {
        java.util.Queue<Task> never = new java.util.concurrent.ConcurrentLinkedQueue<>();
        neverStarted = never;
        terminate();
        // The slots hand over the tasks their workers had not started as they end; not waited
        // for from one of this pool's own threads (a stage of a task, a callback), whose slot
        // cannot end before the call returns: that slot's queued tasks are cancelled then, and
        // are not in the list.
        if (OWN_THREAD_OF.get() != this) {
            try {
                finished.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        neverStarted = null;
        List<Runnable> out = new ArrayList<>(never.size());
        for (Task t : never) {
            boolean hasInitializer = options.initializer() != null;
            out.add(new Runnable() {
                @Override
                public void run() {
                    if (hasInitializer) {
                        // It may need what the initializer sets up in a worker, which this
                        // process does not have.
                        throw new java.util.concurrent.CancellationException(t.description
                                + " was never run; it needs a worker's initializer, so it is not run here");
                    }
                    try {
                        Codec.Job job = Codec.readJob(t.job(true));
                        WorkerLoop.run(job, WorkerLoop.decodeFunction(job.kind(), job.function()));
                    } catch (RuntimeException | Error e) {
                        throw e;
                    } catch (Exception e) {
                        throw new java.util.concurrent.CompletionException(e);
                    }
                }

                @Override
                public String toString() {
                    return t.description;
                }
            });
        }
        return out;
    }

    @Override
    public boolean isShutdown() {
        return state != State.RUNNING;
    }

    /** Whether every slot has finished (its worker gone), callbacks aside; for tests. */
    boolean slotsFinished() {
        return finished.getCount() == 0;
    }

    @Override
    public boolean isTerminated() {
        if (state == State.RUNNING || finished.getCount() != 0 || !settled()) {
            return false;
        }
        // And every callback has run, as awaitTermination and join wait for.
        callbacks.shutdown();
        return callbacks.isTerminated();
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException if called from one of the pool's own callbacks (which it would wait for)
     */
    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        checkNotInOwnCallback("await the pool's termination");
        long start = System.nanoTime();
        long total = unit.toNanos(timeout);
        boolean done = finished.await(timeout, unit)
                && awaitSettled(Math.max(0, total - (System.nanoTime() - start)));
        if (done) {
            cleanup();
            // What is left of the timeout, without a deadline that overflows for a very long one.
            long left = total - (System.nanoTime() - start);
            done = callbacks.awaitTermination(Math.max(0, left), TimeUnit.NANOSECONDS);
        }
        return done;
    }

    /**
     * Java's {@code ExecutorService.close}: {@link #shutdown()}, then wait for the queued tasks and the
     * workers; called from one of the pool's own callbacks, only the {@code shutdown()}. A bounded
     * close: {@code shutdown(); if (!join(timeout)) terminate();}.
     */
    @Override
    public void close() {
        shutdown();
        if (OWN_THREAD_OF.get() == this) {
            // From one of its own callbacks or slot threads: the pool takes no more work and
            // finishes what it has, but waiting here would wait for this very thread.
            return;
        }
        boolean interrupted = false;
        while (true) {
            try {
                join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
                terminate();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "<ProcessPool processes=" + options.processes() + " state=" + state + " pending=" + pending.size() + ">";
    }

    /**
     * The lazily fed result iterator of imap / imap_unordered. The caller's thread feeds it as it
     * reads; after {@link #shutdown()} the pool's feeder thread may feed it too, one chunk at a
     * time under the iterator's lock, which is the only place the input is read.
     */
    private static final class LazyResults<T, R> implements ResultIterator<R> {
        private final ProcessPool pool;
        /** What the function's bytes carry copies of, to keep (see {@link Task}). */
        private final List<Object> functionHolds;
        /** What those copies took for their readers; this iterator's share goes once the input is done. */
        private final SharedCopies functionCopies;
        private final byte[] function;
        private final int functionId;
        private final Iterator<T> input;
        /** The input when it is a range: its chunks are sub-ranges, sent as their bounds; else null. */
        private final IntRange range;
        /** How much of {@link #range} has been submitted. */
        private int rangeAt;
        private final int chunksize;
        private final boolean ordered;
        private final int window;
        private final java.util.concurrent.ConcurrentLinkedDeque<Task> inFlight = new java.util.concurrent.ConcurrentLinkedDeque<>();
        /** The size of {@link #inFlight} (whose own size() walks it). */
        private final java.util.concurrent.atomic.AtomicInteger inFlightCount = new java.util.concurrent.atomic.AtomicInteger();
        /**
         * The results of the last chunk taken, returned from {@link #readyAt} on: the chunk's own
         * list (a list, for null results), not a copy (boxing a chunk of packed ints into a copy
         * was a tenth of a warm imap's time in this thread).
         */
        private List<R> ready = List.of();
        private int readyAt;
        private int chunkNo;
        /** No more input will be read: it ended, failed, or the pool stopped taking it. */
        private volatile boolean inputDone;
        /**
         * Asked to take no more input ({@link #inputRefused}), and whether the input is being
         * read (inside the caller's {@code hasNext}/{@code next}, which may block for ever): a
         * refusal then is left to the reader, who applies it when the read returns, instead of
         * waiting for this iterator's lock behind it. Each is written before the other is read,
         * so at least one side sees the other.
         */
        private volatile boolean refuseAsked;
        private volatile boolean readingInput;
        /** Why the pool stopped taking input, until the caller is told (once). */
        private RuntimeException refused;
        /**
         * Done when any chunk in flight is: kept across {@code next(timeout)} calls that time out,
         * so that polling does not hang a new listener on every chunk each time.
         */
        private CompletableFuture<Object> anyDone;
        /** Changes with the chunks in flight; {@link #anyDone} is rebuilt when it does. */
        private final java.util.concurrent.atomic.AtomicInteger inFlightVersion = new java.util.concurrent.atomic.AtomicInteger();
        private int anyDoneVersion = -1;

        private final Progress progress;

        LazyResults(ProcessPool pool, List<Object> functionHolds, SharedCopies functionCopies, byte[] function, int functionId,
                    Iterator<T> input, IntRange range, int chunksize, boolean ordered, int window, Progress progress) {
            this.range = range;
            this.pool = pool;
            this.functionHolds = functionHolds;
            this.functionCopies = functionCopies;
            this.progress = progress;
            this.function = function;
            this.functionId = functionId;
            this.input = input;
            this.chunksize = chunksize;
            this.ordered = ordered;
            this.window = window;
            if (functionCopies != null) {
                // An iterator dropped before its input ended (held weakly by the pool, so no
                // longer fed): its share goes when it is collected.
                Cleanup.register(this, functionCopies::tasksMade);
            }
            if (!pool.startFeeding(this)) {
                throw new java.util.concurrent.RejectedExecutionException("Pool not running");
            }
            fill();
        }

        /** Submits chunks until {@link #window} are in flight. */
        private void fill() {
            while (inFlightCount.get() < window && feedOne()) {
                // fed one more
            }
        }

        /** Reads and submits one chunk; false when the input is done. */
        private synchronized boolean feedOne() {
            if (inputDone) {
                return false;
            }
            List<Object> chunk;
            Throwable failed = null;
            if (range != null) {
                int to = (int) Math.min((long) rangeAt + chunksize, range.size());
                chunk = Codec.list(range.subList(rangeAt, to));
                rangeAt = to;
            } else {
                chunk = new ArrayList<>(chunksize);
                if (!beginRead()) {
                    return false;
                }
                try {
                    while (chunk.size() < chunksize && input.hasNext()) {
                        chunk.add(input.next());
                    }
                } catch (RuntimeException | Error e) {
                    // The input itself failed: its error takes its place among the results, and
                    // nothing after it is read (as in CPython).
                    failed = e;
                } finally {
                    readingInput = false;
                }
                if (refuseAsked) {
                    // Refused while the input was being read: what was read is not sent.
                    applyRefusal();
                    return false;
                }
            }
            if (!chunk.isEmpty()) {
                try {
                    inFlight.add(pool.submitChunk(functionHolds, functionCopies, function, functionId, chunk,
                            "imap chunk #" + chunkNo++));
                    inFlightCount.incrementAndGet();
                    inFlightVersion.incrementAndGet();
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    refused = e;
                    stopFeeding();
                    return false;
                } catch (RuntimeException | Error unsendable) {
                    // An item that cannot travel (CPython: a pickling error in its task
                    // handler): that chunk's place holds the error, and the input goes on.
                    failInPlace(unsendable);
                }
            }
            if (failed != null) {
                failInPlace(failed);
                stopFeeding();
                return false;
            }
            if (chunk.size() < chunksize) {
                stopFeeding();
                return !chunk.isEmpty();
            }
            return true;
        }

        private void stopFeeding() {
            inputDone = true;
            pool.doneFeeding(this);
            if (functionCopies != null) {
                // No more chunks: the function's copies are given back if none of them was sent.
                functionCopies.tasksMade();
            }
        }

        /** A result in place that is {@code error}, so the caller meets it at its position. */
        private void failInPlace(Throwable error) {
            Task t = new Task(-1, Messages.MAP, functionId, null, new byte[0], "imap input", null);
            t.future.completeExceptionally(error);
            inFlight.add(t);
            inFlightCount.incrementAndGet();
            inFlightVersion.incrementAndGet();
        }

        /**
         * The pool takes no more of this input (terminated, or its tasks not taken yet cancelled):
         * none is read any more, and the caller hears so after the results in flight.
         */
        void inputRefused() {
            refuseAsked = true;
            if (readingInput) {
                return;   // the reader applies it when its read returns
            }
            synchronized (this) {
                applyRefusal();
            }
        }

        /** Holding this: no more input is read, and the caller hears so after the results in flight. */
        private void applyRefusal() {
            if (!inputDone) {
                if (refused == null) {
                    refused = new java.util.concurrent.RejectedExecutionException("Pool not running");
                }
                stopFeeding();
            }
        }

        /** Holding this, before the input is read: false (and the refusal applied) if it was refused. */
        private boolean beginRead() {
            readingInput = true;
            if (refuseAsked) {
                readingInput = false;
                applyRefusal();
                return false;
            }
            return true;
        }

        /** For the pool's feeder: stops reading this input after an unforeseen failure, said in its place. */
        synchronized void abandonFeeding(Throwable why) {
            if (!inputDone) {
                failInPlace(why);
                stopFeeding();
            }
        }

        private synchronized boolean moreInput() {
            if (inputDone) {
                return false;
            }
            if (range != null) {
                if (rangeAt < range.size()) {
                    return true;
                }
                stopFeeding();
                return false;
            }
            if (!beginRead()) {
                return false;
            }
            boolean more;
            try {
                more = input.hasNext();
            } catch (RuntimeException e) {
                more = true;   // feedOne reports it in its place
            } finally {
                readingInput = false;
            }
            if (refuseAsked) {
                applyRefusal();
                return false;
            }
            if (more) {
                return true;
            }
            stopFeeding();
            return false;
        }

        @Override
        public boolean hasNext() {
            boolean more = readyAt < ready.size() || !inFlight.isEmpty() || moreInput() || refusedUntold();
            if (!more) {
                progress.close();
            }
            return more;
        }

        private synchronized boolean refusedUntold() {
            return refused != null;
        }

        @Override
        public R next() {
            try {
                return take(false, 0);
            } catch (TimeoutException cannotHappen) {
                throw new IllegalStateException(cannotHappen);
            }
        }

        @Override
        public R next(Duration timeout) throws TimeoutException {
            if (timeout == null) {
                return take(false, 0);
            }
            return take(true, System.nanoTime() + Math.max(0, TimeUnit.NANOSECONDS.convert(timeout)));
        }

        /** The next result, waiting until {@code deadline} (a nanoTime) if {@code timed}. */
        @SuppressWarnings("unchecked")
        private R take(boolean timed, long deadline) throws TimeoutException {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            while (readyAt >= ready.size()) {
                fill();
                if (inFlight.isEmpty()) {
                    synchronized (this) {
                        RuntimeException why = refused;
                        refused = null;
                        if (why != null) {
                            // The pool was terminated with input left: said once, then the iterator ends.
                            throw why;
                        }
                    }
                    throw new NoSuchElementException();
                }
                Task done = ordered ? inFlight.peekFirst() : firstDone(timed, deadline);
                try {
                    List<R> values = (List<R>) (!timed ? done.future.get()
                            : done.future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
                    if (inFlight.remove(done)) {
                        inFlightCount.decrementAndGet();
                    }
                    inFlightVersion.incrementAndGet();
                    ready = values;
                    readyAt = 0;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for a result", e);
                } catch (java.util.concurrent.CancellationException e) {
                    // terminate() cancelled it: said in its place, and the iterator goes on.
                    if (inFlight.remove(done)) {
                        inFlightCount.decrementAndGet();
                    }
                    inFlightVersion.incrementAndGet();
                    throw e;
                } catch (ExecutionException e) {
                    if (inFlight.remove(done)) {
                        inFlightCount.decrementAndGet();
                    }
                    inFlightVersion.incrementAndGet();
                    Throwable cause = e.getCause();
                    if (cause instanceof RuntimeException re) {
                        throw re;
                    }
                    if (cause instanceof Error err) {
                        throw err;   // as itself, as map and apply report it
                    }
                    throw new java.util.concurrent.CompletionException(cause);
                }
                fill();
            }
            progress.step(1);
            return ready.get(readyAt++);
        }

        private Task firstDone(boolean timed, long deadline) throws TimeoutException {
            while (true) {
                for (Task t : inFlight) {
                    if (t.future.isDone()) {
                        return t;
                    }
                }
                int version = inFlightVersion.get();
                if (anyDone == null || anyDone.isDone() || anyDoneVersion != version) {
                    anyDone = CompletableFuture.anyOf(inFlight.stream().map(t -> t.future).toArray(CompletableFuture[]::new));
                    anyDoneVersion = version;
                }
                try {
                    if (!timed) {
                        anyDone.get();
                    } else {
                        anyDone.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for a result", e);
                } catch (ExecutionException | java.util.concurrent.CancellationException ignored) {
                    // one finished, exceptionally: the loop above finds it
                }
            }
        }
    }

}
