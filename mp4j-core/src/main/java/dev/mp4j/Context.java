package dev.mp4j;

import dev.mp4j.connection.Pipe;
import dev.mp4j.process.JvmOptions;
import dev.mp4j.process.JvmProcess;
import dev.mp4j.process.Launcher;
import dev.mp4j.process.Launchers;
import dev.mp4j.serial.ProcessTarget;
import dev.mp4j.sync.ProcessBarrier;
import dev.mp4j.sync.ProcessCondition;
import dev.mp4j.sync.ProcessEvent;
import dev.mp4j.sync.ProcessLock;
import dev.mp4j.sync.ProcessSemaphore;
import dev.mp4j.sync.ReentrantProcessLock;

/**
 * A start method and the JVM options of the children it starts, with the factories bound to
 * them: Python's context object ({@code multiprocessing.get_context("spawn")}).
 *
 * <pre>{@code
 * Context ctx = Multiprocessing.getContext("forkserver")
 *         .withJvmOptions(JvmOptions.defaults().maxHeap("128m"));
 * JvmProcess p = ctx.process(() -> System.out.println("from a warm JVM"));
 * p.start();
 * p.join();
 * }</pre>
 *
 * <p>{@code spawn} boots a fresh JVM for each child. {@code forkserver} keeps JVMs booted ahead of
 * time ("spares") and hands each new child to one of them, so {@code start()} costs a message;
 * every child is still its own process, used once.
 */
public final class Context {
    private final String startMethod;
    private final JvmOptions jvmOptions;
    private final int spares;
    private volatile Launcher launcher;

    Context(String startMethod, JvmOptions jvmOptions, int spares) {
        if (!Launchers.START_METHODS.contains(startMethod)) {
            throw new IllegalArgumentException("cannot find context for '" + startMethod
                    + "' (start methods: " + String.join(", ", Launchers.START_METHODS) + ")");
        }
        this.startMethod = startMethod;
        this.jvmOptions = jvmOptions;
        this.spares = spares;
    }

    /** {@code "spawn"} or {@code "forkserver"}. */
    public String startMethod() {
        return startMethod;
    }

    public JvmOptions jvmOptions() {
        return jvmOptions;
    }

    /** This context with other JVM options for its children. */
    public Context withJvmOptions(JvmOptions options) {
        java.util.Objects.requireNonNull(options, "options (JvmOptions.defaults() for none of your own)");
        return new Context(startMethod, options, spares);
    }

    /** This context with {@code count} spare JVMs for forkserver (a spawn context keeps its start
     * method and does not use the count). */
    public Context withSpares(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("spares must be at least 1, got " + count);
        }
        return new Context(startMethod, jvmOptions, count);
    }

    /** A new, not yet started, process that runs {@code target} with this context. */
    public JvmProcess process(ProcessTarget target) {
        return new JvmProcess(target).launchWith(launcher());
    }

    /** Like {@link #process(ProcessTarget)}, with a name. */
    public JvmProcess process(ProcessTarget target, String name) {
        return new JvmProcess(target, name).launchWith(launcher());
    }

    /** Binds a subclass-style process to this context; returns it. */
    public <P extends JvmProcess> P bind(P process) {
        process.launchWith(launcher());
        return process;
    }

    /** Starts a manager server process with this context: Python's {@code ctx.Manager()}. */
    public dev.mp4j.manager.SyncManager manager() {
        dev.mp4j.manager.SyncManager manager = new dev.mp4j.manager.SyncManager();
        manager.withContext(this);
        return manager.start();
    }

    /**
     * Python's {@code ctx.Pool(processes)}: a pool whose workers this context starts. (Python's
     * {@code get_context("spawn").Pool(4)}; the same as
     * {@code ProcessPool.create(ProcessPool.Options.defaults().withProcesses(4).withContext(ctx))}.)
     * <pre>{@code
     * try (ProcessPool pool = Multiprocessing.getContext("spawn").pool(4)) {
     *     List<Integer> squares = pool.map(x -> x * x, List.of(1, 2, 3));
     * }
     * }</pre>
     */
    public dev.mp4j.pool.ProcessPool pool(int processes) {
        return dev.mp4j.pool.ProcessPool.create(dev.mp4j.pool.ProcessPool.Options.defaults()
                .withProcesses(processes).withContext(this));
    }

    /** Python's {@code ctx.Pool()}: {@link Multiprocessing#cpuCount()} workers started by this context. */
    public dev.mp4j.pool.ProcessPool pool() {
        return dev.mp4j.pool.ProcessPool.create(dev.mp4j.pool.ProcessPool.Options.defaults().withContext(this));
    }

    // Queues, like locks, live in shared memory that any child maps, whatever started it: the
    // context's factories below are the classes' own, for code ported from ctx.Queue() and kin.

    /** Python's {@code ctx.Queue()}: an unbounded {@link dev.mp4j.queue.ProcessQueue}. */
    public <E> dev.mp4j.queue.ProcessQueue<E> queue() {
        return dev.mp4j.queue.ProcessQueue.create();
    }

    /** Python's {@code ctx.Queue(maxsize)} (0: unbounded). */
    public <E> dev.mp4j.queue.ProcessQueue<E> queue(int maxsize) {
        return dev.mp4j.queue.ProcessQueue.create(maxsize);
    }

    /** Python's {@code ctx.JoinableQueue()}. */
    public <E> dev.mp4j.queue.JoinableProcessQueue<E> joinableQueue() {
        return dev.mp4j.queue.JoinableProcessQueue.create();
    }

    /** Python's {@code ctx.JoinableQueue(maxsize)} (0: unbounded). */
    public <E> dev.mp4j.queue.JoinableProcessQueue<E> joinableQueue(int maxsize) {
        return dev.mp4j.queue.JoinableProcessQueue.create(maxsize);
    }

    /** Python's {@code ctx.SimpleQueue()}. */
    public <E> dev.mp4j.queue.SimpleProcessQueue<E> simpleQueue() {
        return dev.mp4j.queue.SimpleProcessQueue.create();
    }

    /** A duplex {@link Pipe}. */
    public Pipe pipe() {
        return Pipe.open(true);
    }

    /** A {@link Pipe}, duplex or one-way. */
    public Pipe pipe(boolean duplex) {
        return Pipe.open(duplex);
    }

    /** Python's {@code Lock()}: see {@link ProcessLock}. */
    public ProcessLock lock() {
        return ProcessLock.create();
    }

    /** Python's {@code RLock()}: see {@link ReentrantProcessLock}. */
    public ReentrantProcessLock rLock() {
        return ReentrantProcessLock.create();
    }

    /** Python's {@code Semaphore()}: one permit. */
    public ProcessSemaphore semaphore() {
        return ProcessSemaphore.create();
    }

    /** Python's {@code BoundedSemaphore()}: one permit, never released above it. */
    public ProcessSemaphore boundedSemaphore() {
        return ProcessSemaphore.bounded();
    }

    /** Python's {@code Semaphore(value)}. */
    public ProcessSemaphore semaphore(int value) {
        return ProcessSemaphore.create(value);
    }

    /** Python's {@code BoundedSemaphore(value)}. */
    public ProcessSemaphore boundedSemaphore(int value) {
        return ProcessSemaphore.bounded(value);
    }

    /** Python's {@code Event()}. */
    public ProcessEvent event() {
        return ProcessEvent.create();
    }

    /** Python's {@code Condition()}, over a new re-entrant lock. */
    public ProcessCondition condition() {
        return ProcessCondition.create();
    }

    /** Python's {@code Condition(lock)}. */
    public ProcessCondition condition(java.util.concurrent.locks.Lock lock) {
        return ProcessCondition.create(lock);
    }

    /** Python's {@code Barrier(parties)}: no action, no default timeout. */
    public ProcessBarrier barrier(int parties) {
        return ProcessBarrier.create(parties);
    }

    /** Python's {@code Barrier(parties, action)}: no default timeout. */
    public ProcessBarrier barrier(int parties, ProcessTarget action) {
        return ProcessBarrier.create(parties, action);
    }

    /** Python's {@code Barrier(parties, action, timeout)}. */
    public ProcessBarrier barrier(int parties, ProcessTarget action, java.time.Duration timeout) {
        return ProcessBarrier.create(parties, action, timeout);
    }

    /**
     * Prepares this context's children to start fast and waits at most {@code timeout} for it.
     * A child JVM loads its classes from an ahead-of-time cache that mp4j trains once per build of
     * the class path; until it exists, children start without it (about a third slower) while a
     * training JVM builds it in the background. Call this where the first children's start-up
     * matters (a benchmark, a latency-sensitive service starting), e.g.
     * <pre>{@code
     * Multiprocessing.getContext("spawn").prepareStartupCache(Duration.ofMinutes(2));
     * }</pre>
     *
     * @return whether the caches are ready; false at once when the class path holds directories
     *         (the JDK caches classes from jar files only), when children run another program than
     *         this JVM's {@code java} ({@link Multiprocessing#setExecutable}) or with {@code -Dmp4j.aot=false}
     */
    public boolean prepareStartupCache(java.time.Duration timeout) throws InterruptedException {
        java.util.Objects.requireNonNull(timeout, "timeout");
        return launcher().prepareStartupCache(timeout);
    }

    /**
     * {@link #prepareStartupCache(java.time.Duration)}, naming classes of yours whose code
     * children will run (where your process lambdas and pool functions are written, your
     * {@code JvmProcess} subclasses): a cache trained from now on holds them, so a child does
     * not open your jars to load them (8-10 ms of a fresh child's start). mp4j notes the class of
     * the first children it starts by itself; name the others here, before the first start.
     * <pre>{@code
     * Multiprocessing.getContext("spawn").prepareStartupCache(Duration.ofMinutes(2), Main.class, Crunch.class);
     * }</pre>
     */
    public boolean prepareStartupCache(java.time.Duration timeout, Class<?>... childClasses) throws InterruptedException {
        java.util.Objects.requireNonNull(timeout, "timeout");
        return launcher().prepareStartupCache(timeout, childClasses);
    }

    /** The launcher behind this context (created on first use; forkserver spares boot then). */
    public Launcher launcher() {
        Launcher l = launcher;
        if (l == null || l.isShutdown()) {
            synchronized (this) {
                if (launcher == null || launcher.isShutdown()) {
                    launcher = Launchers.of(startMethod, jvmOptions, spares);
                }
                l = launcher;
            }
        }
        return l;
    }

    @Override
    public String toString() {
        return "Context[" + startMethod + ", " + jvmOptions.arguments() + "]";
    }
}
