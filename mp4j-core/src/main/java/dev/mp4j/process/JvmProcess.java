package dev.mp4j.process;

import dev.mp4j.serial.NotSerializableValueException;
import dev.mp4j.serial.ProcessTarget;
import dev.mp4j.serial.SafeSerializer;
import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * A child JVM running Java code: Python's {@code multiprocessing.Process}.
 *
 * <p>Function style: pass a {@link ProcessTarget} lambda; the values it captures are its
 * arguments and travel to the child serialized.
 * <pre>{@code
 * for (int i = 0; i < 3; i++) {
 *     String name = String.valueOf(i);
 *     JvmProcess p = new JvmProcess(() -> System.out.println("hello " + name));
 *     p.start();
 *     p.join();
 * }
 * }</pre>
 * Subclass style: override {@link #run()}; the object itself (its fields) travels to the child.
 * Declare a {@code serialVersionUID}: without one, every child computes it (a SHA-1 over the
 * class, about 15 ms of a fresh JVM's time).
 * <pre>{@code
 * class MyProcess extends JvmProcess {
 *     private static final long serialVersionUID = 1L;
 *     @Override public void run() { System.out.println("Welcome! " + this); }
 * }
 * new MyProcess().start();
 * }</pre>
 *
 * <h2>Life cycle</h2>
 * {@link #start()} launches the child with the context's start method ({@code spawn}: a fresh JVM;
 * {@code forkserver}: one booted ahead of time). A target that cannot be serialized is refused
 * there, in the parent, naming the offending class. {@link #exitCode()} is {@code null} until the
 * child ends, then 0 on success, 1 after an uncaught exception (its stack trace is printed on the
 * child's stderr under {@code Process <name>:}), {@code n & 0xFF} after {@code System.exit(n)},
 * or {@code -N} when a signal N ended it ({@link #terminate()} sends SIGTERM, {@link #kill()}
 * SIGKILL). A JVM reports a death by signal N as exit status 128+N, so an explicit
 * {@code System.exit} with a value from 129 to 192 reads as a signal, as in a shell's {@code $?}.
 *
 * <p>When the parent exits normally, daemon children are terminated and non-daemon children are
 * waited for. When the parent dies abruptly (even by SIGKILL), every child notices within about
 * 100 ms (it looks whether it has been re-parented) and exits, giving its shutdown hooks at most a
 * second before it halts: mp4j leaves no orphans.
 *
 * <p>Static state starts fresh in the child, as with Python's {@code spawn}.
 */
public class JvmProcess implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private enum Role { CHILD, CURRENT, PARENT }

    /** Dropped in this process once the child has it (as CPython's start() does): see {@link #start}. */
    private ProcessTarget target;
    private final int[] identity;
    private String name;
    private Boolean daemon;
    private final long creatorPid;

    private transient Role role;
    private transient Launcher launcher;
    private transient volatile java.lang.Process os;
    private transient volatile CompletableFuture<JvmProcess> exit;
    private transient volatile Integer exitCode;
    private transient volatile boolean closed;
    private transient long parentViewPid;
    /**
     * Guards start, the signals and close: a lock of its own, not this object's monitor, which
     * a subclass's synchronized method (one that waits for the child, say) may hold while another
     * thread must kill the child.
     */
    private transient Object lock = new Object();
    /** The key the child gets, when set (never serialized: it travels in the bootstrap alone). */
    private transient volatile byte[] authkeyOfChild;

    /** A process that runs {@code target}, named like {@code Process-1}. */
    public JvmProcess(ProcessTarget target) {
        this(target, null);
    }

    /** A process that runs {@code target} under the given name (null: the default name). */
    public JvmProcess(ProcessTarget target, String name) {
        this(target, name, ProcessState.nextChildIdentity());
    }

    /** For mp4j's own helper processes (the start-up cache's training), which use up no child number. */
    JvmProcess(ProcessTarget target, String name, int[] identity) {
        this.target = target;
        this.identity = identity;
        String prefix = getClass() == JvmProcess.class || getClass().getSimpleName().isEmpty()
                ? "Process" : getClass().getSimpleName();
        this.name = name != null ? name : prefix + "-" + Arrays.stream(identity)
                .mapToObj(Integer::toString).collect(Collectors.joining(":"));
        this.creatorPid = ProcessHandle.current().pid();
        this.role = Role.CHILD;
    }

    /** For subclasses that override {@link #run()}. */
    protected JvmProcess() {
        this(null, null);
    }

    private JvmProcess(String name, Role role, long pid) {
        this.target = null;
        this.identity = ProcessState.identity();
        this.name = name;
        this.creatorPid = -1;
        this.role = role;
        this.parentViewPid = pid;
    }

    private static volatile JvmProcess current;

    /** This process: the object a child was started with, or a view of the main process. */
    static JvmProcess currentView() {
        JvmProcess c = current;
        if (c == null) {
            synchronized (JvmProcess.class) {
                if (current == null) {
                    current = new JvmProcess(ProcessState.name(), Role.CURRENT, ProcessHandle.current().pid());
                }
                c = current;
            }
        }
        return c;
    }

    static JvmProcess parentView() {
        return new JvmProcess(ProcessState.parentName(), Role.PARENT, ProcessState.parentPid());
    }

    /** The object a child was started with, rebuilt from {@link QuickForm} (it is deserialized otherwise). */
    static JvmProcess rebuilt(ProcessTarget target, int[] identity, String name, Boolean daemon, long creatorPid) {
        return new JvmProcess(target, identity, name, daemon, creatorPid);
    }

    private JvmProcess(ProcessTarget target, int[] identity, String name, Boolean daemon, long creatorPid) {
        this.target = target;
        this.identity = identity;
        this.name = name;
        this.daemon = daemon;
        this.creatorPid = creatorPid;
        this.role = Role.CHILD;
    }

    /** Called in the child on the object it received: it now stands for this process. */
    void becomeCurrent() {
        role = Role.CURRENT;
        parentViewPid = ProcessHandle.current().pid();
        current = this;
    }

    @Serial
    private void readObject(java.io.ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        role = Role.CHILD;
        lock = new Object();
    }

    /**
     * What the child runs: the target by default; override it in a subclass. In this process,
     * after {@link #start()}, the target is dropped and the default run does nothing.
     */
    public void run() throws Exception {
        if (target != null) {
            target.run();
        }
    }

    /**
     * Launches the child with the start method of this process's context. As in CPython, this
     * object lets go of its target once the child has a copy: what the target captured is not
     * kept alive here for the child's sake, and the default {@link #run()} (a target's) does
     * nothing here after. A subclass's fields are the child's payload, and stay.
     *
     * <p>It returns once the child JVM has its bootstrap (the target with what it captured): at
     * once for the usual sizes, which fit the pipe to the child; for a larger payload, once the
     * child has read it, normally within its start-up (tens of milliseconds). Signals sent from
     * another thread meanwhile ({@link #terminate()}, {@link #kill()}) wait for that, so that
     * they reach the started child.
     */
    public final void start() {
        start(launcher != null ? launcher : Launchers.defaultLauncher());
    }

    /** Launches the child with the given launcher (used by contexts). */
    final void start(Launcher with) {
        synchronized (lock) {
            startLocked(with);
        }
    }

    private void startLocked(Launcher with) {
        dev.mp4j.shm.Handoffs.handoff();
        if (closed) {
            throw new IllegalStateException("process object is closed");
        }
        if (role != Role.CHILD) {
            throw new IllegalStateException("cannot start " + (role == Role.CURRENT ? "the current" : "the parent") + " process");
        }
        if (os != null) {
            throw new IllegalStateException("cannot start a process twice");
        }
        if (creatorPid != ProcessHandle.current().pid()) {
            throw new IllegalStateException("can only start a process object created by current process");
        }
        if (ProcessState.daemon()) {
            throw new IllegalStateException("daemonic processes are not allowed to have children");
        }
        if (daemon == null) {
            daemon = ProcessState.daemon();
        }
        // Children may create shared memory: the tree's tracker must exist before they do.
        dev.mp4j.shm.ResourceTracker.ensureRunning();
        // Pipe ends the target carries reserve holder slots for the child: given back if it is
        // not started, and held in its name once it is (so they go with it if it dies unread).
        dev.mp4j.connection.EndHandover ends = dev.mp4j.connection.EndHandover.begin();
        try {
            byte[] self;
            // A proxy among what it carries leaves its manager's key out only if the child has it.
            ProcessState.startingChildWithKey(authkeyOfChild);
            try {
                self = serializeSelf();
            } finally {
                ProcessState.startingChildWithKey(null);
            }
            boolean light = self.length > 0 && self[0] == QuickForm.TAG && !QuickForm.runsMp4jCode(target);
            byte[] own = authkeyOfChild;
            Bootstrap bootstrap = new Bootstrap(own != null ? own : ProcessState.authkey(), identity, name, daemon,
                    ProcessHandle.current().pid(), ProcessState.name(), with.startMethod(), with.jvmOptions(),
                    ProcessState.treeId(), self, MpLog.levelName());
            // The child cannot wake our sleepers until it has linked its futex call: sleep short meanwhile.
            dev.mp4j.shm.Futex.expectNewPeer();
            try {
                os = with.launch(bootstrap.encode(), light);
            } catch (IOException e) {
                throw new IllegalStateException("cannot start " + name + ": " + e.getMessage(), e);
            }
        } catch (RuntimeException | Error e) {
            ends.cancel();
            throw e;
        }
        ends.handTo(os.pid());
        launcher = with;
        // The child has its own copy now. Kept here, the target would keep what it captured
        // (large arrays, queues whose segments could otherwise go) for as long as this object
        // lives, and this object lives at least until the child ends.
        target = null;
        ExitFuture done = new ExitFuture();
        exit = done;
        // A thread of our own waits, not Process.onExit(), whose completion runs on the common
        // ForkJoinPool: a program keeping that pool busy would hold up every exit seen here.
        // Started before the child is registered: a registered child whose exit nobody watches
        // would be waited for at exit for ever.
        java.lang.Process child = os;
        Runnable watch = () -> {
            int status;
            while (true) {
                try {
                    status = child.waitFor();
                    break;
                } catch (InterruptedException ignored) {
                    // nothing interrupts this thread; keep waiting
                }
            }
            ended(status, done);
        };
        try {
            Thread.ofPlatform().daemon().name("mp4j-exit-" + child.pid()).stackSize(128 * 1024).start(watch);
        } catch (OutOfMemoryError | RuntimeException noThread) {
            // No thread to be had (the system's limit): the JDK's own reaper reports the exit.
            child.onExit().thenAccept(p -> ended(p.exitValue(), done));
        }
        Children.register(this);
        if (done.isDone()) {
            Children.unregister(this);   // it ended before it was registered (see ended)
        }
    }

    /** The child ended with {@code status}: its exit code is set and its exit reported. */
    private void ended(int status, ExitFuture done) {
        exitCode = decode(status);
        // Reported before it is unregistered: a start that registers it meanwhile sees it ended.
        done.finish(this);
        Children.unregister(this);
        // The last holder of a pipe this process let go of may have died with the child.
        dev.mp4j.connection.PipesLeftToOthers.childEnded();
    }

    private byte[] serializeSelf() {
        if (getClass() == JvmProcess.class) {
            byte[] quick = QuickForm.encode(target, identity, name, daemon, creatorPid);
            if (quick != null) {
                return quick;
            }
        }
        // Whose code the child runs, for the start-up cache (QuickForm notes a quick form's).
        if (getClass() != JvmProcess.class) {
            AotCache.noteChildClass(getClass().getName());
        } else if (target != null && AotCache.notingChildClasses()) {
            java.lang.invoke.SerializedLambda lambda = dev.mp4j.serial.SerializedLambdas.of(target);
            AotCache.noteChildClass(lambda != null ? lambda.getCapturingClass() : target.getClass().getName());
        }
        try {
            return SafeSerializer.javaSerializeTrusted(this);
        } catch (NotSerializableValueException e) {
            // The JDK names the class that is not serializable; a class that refuses to travel
            // (a socket Connection) says why instead.
            String reason = e.getCause() instanceof java.io.NotSerializableException n && n.getMessage() != null
                    && !n.getMessage().equals(e.offendingClass()) ? n.getMessage() : null;
            throw new NotSerializableValueException("cannot start " + name + ": its "
                    + (target != null ? "target" : getClass().getSimpleName() + " object")
                    + " holds a value of class " + e.offendingClass()
                    + (reason != null ? ", which cannot travel: " + reason
                            : ", which is not Serializable; capture only serializable values (or mark fields transient)"),
                    e.offendingClass(), e);
        }
    }

    /** Python's exit codes: a JVM killed by signal N reports 128+N; we report -N. */
    static int decode(int status) {
        if (status > 128 && status <= 128 + 64) {
            return -(status - 128);
        }
        return status;
    }

    /**
     * Waits for the child to end. Like Python's, it is not cut short by an interrupt: the
     * thread's interrupt status is kept and set again when it returns. A thread that must stay
     * responsive waits with {@link #join(Duration)} (which returns at once when interrupted) or
     * on {@link #onExit()}.
     */
    public final void join() {
        CompletableFuture<JvmProcess> f = checkJoinable();
        boolean interrupted = false;
        while (true) {
            try {
                f.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException e) {
                break;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits at most {@code timeout} (null: no limit) for the child to end; an interrupt ends the
     * wait early (the interrupt status stays set).
     *
     * @return whether it has ended (Python's {@code join} returns nothing; check {@link #exitCode()})
     */
    public final boolean join(Duration timeout) {
        if (timeout == null) {
            // Python's join(None), and what null means in every other wait here: no limit (still
            // ended by an interrupt, as this form's waits are).
            timeout = java.time.temporal.ChronoUnit.FOREVER.getDuration();
        }
        CompletableFuture<JvmProcess> f = checkJoinable();
        try {
            f.get(Math.max(0, java.util.concurrent.TimeUnit.NANOSECONDS.convert(timeout)), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return f.isDone();
        } catch (ExecutionException e) {
            return true;
        }
    }

    private CompletableFuture<JvmProcess> checkJoinable() {
        if (closed) {
            throw new IllegalStateException("process object is closed");
        }
        if (role == Role.PARENT) {
            return ProcessHandle.of(parentViewPid).map(h -> h.onExit().thenApply(x -> this))
                    .orElse(CompletableFuture.completedFuture(this));
        }
        if (role == Role.CURRENT) {
            throw new IllegalStateException("cannot join current process");
        }
        if (exit == null) {
            throw new IllegalStateException("can only join a started process");
        }
        if (creatorPid != ProcessHandle.current().pid()) {
            throw new IllegalStateException("can only join a child process");
        }
        return exit;
    }

    /** Whether the process is running: true for the current process, false before start. */
    public final boolean isAlive() {
        if (closed) {
            throw new IllegalStateException("process object is closed");
        }
        return switch (role) {
            case CURRENT -> true;
            case PARENT -> ProcessHandle.of(parentViewPid).map(ProcessHandle::isAlive).orElse(false);
            case CHILD -> exit != null && !exit.isDone();
        };
    }

    /** {@code null} before start and while running; see the class comment for the values. */
    public final Integer exitCode() {
        if (closed) {
            throw new IllegalStateException("process object is closed");
        }
        // Read with the exit future, so that exitCode() and isAlive() never disagree.
        CompletableFuture<JvmProcess> e = exit;
        return role == Role.CHILD && (e == null || !e.isDone()) ? null : exitCode;
    }

    /** The OS process id, or null before start. */
    public final Long pid() {
        if (closed) {
            throw new IllegalStateException("process object is closed");
        }
        return switch (role) {
            case CURRENT, PARENT -> parentViewPid;
            case CHILD -> os == null ? null : os.pid();
        };
    }

    /**
     * Sends SIGTERM: the child ends at once with code -15. As in Python, its exit handlers
     * (shutdown hooks) and {@code finally} blocks do not run.
     */
    public final void terminate() {
        checkSignalable().destroy();
    }

    /**
     * Python 3.14's {@code interrupt()}: sends SIGINT, what Ctrl-C sends. Children run with
     * {@code -Xrs}, so the child ends at once with code -2 and, as with {@link #terminate()}, its
     * shutdown hooks do not run (a {@code sun.misc.Signal} handler for INT cannot be installed in
     * a child).
     */
    public final void interrupt() {
        java.lang.Process p = checkSignalable();
        if (p.isAlive()) {
            try {
                Signals.send(p.pid(), Signals.SIGINT);
            } catch (IllegalStateException refused) {
                // It ended between the look and the signal: nothing to interrupt.
                if (p.isAlive()) {
                    throw refused;
                }
            }
        }
    }

    /** Sends SIGKILL: the child ends at once with code -9. */
    public final void kill() {
        checkSignalable().destroyForcibly();
    }

    /**
     * The OS process to signal. Under the lock {@code start} holds while launching: a signal sent
     * from another thread while the child starts reaches it once started, instead of being lost.
     *
     * @throws IllegalStateException before {@code start} (as Python, which has nothing to signal)
     */
    private java.lang.Process checkSignalable() {
        synchronized (lock) {
            return checkSignalableLocked();
        }
    }

    private java.lang.Process checkSignalableLocked() {
        if (closed) {
            throw new IllegalStateException("process object is closed");
        }
        if (role != Role.CHILD) {
            throw new IllegalStateException("can only terminate or kill a child process");
        }
        if (os == null) {
            throw new IllegalStateException("process not started: nothing to signal");
        }
        return os;
    }

    /**
     * For the exit function and the keeper, which look at children another thread may close:
     * the exit future of a started child, or null; never throws.
     */
    final CompletableFuture<JvmProcess> exitFuture() {
        return role == Role.CHILD ? exit : null;
    }

    /** Whether this started child runs, without the closed check (see {@link #exitFuture()}). */
    final boolean running() {
        CompletableFuture<JvmProcess> e = exitFuture();
        return e != null && !e.isDone();
    }

    /** Signals a started child (SIGTERM, or SIGKILL if {@code force}) without the closed check. */
    final void stopQuietly(boolean force) {
        java.lang.Process p = os;   // volatile: no lock (one a start holds would hold up the exit)
        if (p != null) {
            if (force) {
                p.destroyForcibly();
            } else {
                p.destroy();
            }
        }
    }

    /** Releases the parent's resources for a finished child; most methods then throw. Idempotent. */
    public final void close() {
        synchronized (lock) {
            closeLocked();
        }
    }

    private void closeLocked() {
        if (closed) {
            return;
        }
        if (role == Role.CHILD && exit != null && !exit.isDone()) {
            throw new IllegalStateException(
                    "Cannot close a process while it is still running. You should first call join() or terminate().");
        }
        closed = true;
        if (os != null) {
            try {
                os.getOutputStream().close();
            } catch (IOException ignored) {
                // the child is gone already
            }
        }
    }

    /**
     * Completes with this object when the child ends: Python's {@code sentinel}, usable with
     * {@code Connections.wait} and with {@code CompletableFuture} composition. The same future
     * each time; only the exit completes it: {@code complete}, {@code completeExceptionally}
     * and {@code obtrude...} throw {@link UnsupportedOperationException}, {@code cancel}
     * returns false, and {@code orTimeout}/{@code completeOnTimeout} return a new future
     * ({@code p.onExit().orTimeout(1, SECONDS).get()} waits at most a second).
     */
    public final CompletableFuture<JvmProcess> onExit() {
        if (role == Role.PARENT) {
            return checkJoinable();
        }
        if (exit == null) {
            throw new IllegalStateException("process not started");
        }
        return exit;
    }

    public final String name() {
        return role == Role.CURRENT ? ProcessState.name() : name;
    }

    public final void setName(String name) {
        if (name == null) {
            throw new NullPointerException("name");
        }
        if (role == Role.CURRENT) {
            ProcessState.setName(name);
        }
        this.name = name;
    }

    public final boolean isDaemon() {
        if (role == Role.CURRENT) {
            return ProcessState.daemon();
        }
        return daemon != null ? daemon : ProcessState.daemon();
    }

    /** Must be set before {@link #start()}; a daemon child is terminated when its parent exits. */
    public final void setDaemon(boolean daemon) {
        if (os != null) {
            throw new IllegalStateException("process has already started");
        }
        this.daemon = daemon;
    }

    /**
     * The key that authenticates connections between processes of this tree (a copy): for a
     * child not given one of its own, its parent's.
     */
    public final byte[] authkey() {
        byte[] own = authkeyOfChild;
        return role == Role.CHILD && own != null ? own.clone() : ProcessState.authkey();
    }

    /**
     * Python's {@code p.authkey = key}: before {@link #start()}, the key the child gets (its
     * {@code currentProcess().authkey()}, the default of its listeners, clients and managers);
     * on {@code currentProcess()}, this process's own key from now on.
     *
     * @throws IllegalStateException if the child has started, or on {@code parentProcess()}
     */
    public final void setAuthkey(byte[] key) {
        java.util.Objects.requireNonNull(key, "key");
        if (role == Role.CURRENT) {
            ProcessState.setAuthkey(key.clone());
            return;
        }
        if (role != Role.CHILD) {
            throw new IllegalStateException("cannot set the parent process's authkey");
        }
        synchronized (lock) {
            if (os != null) {
                throw new IllegalStateException("process has already started");
            }
            authkeyOfChild = key.clone();
        }
    }

    /**
     * Makes {@link #start()} use {@code launcher} (a context's start method and JVM options);
     * {@code Context.process} does this for you. Returns this process.
     */
    public final JvmProcess launchWith(Launcher launcher) {
        if (os != null) {
            throw new IllegalStateException("process has already started");
        }
        this.launcher = launcher;
        return this;
    }

    /** This process (Python's {@code current_process()}). */
    public static JvmProcess current() {
        return currentView();
    }

    /** The process that started this one, or null in the main process (Python's {@code parent_process()}). */
    public static JvmProcess parent() {
        return ProcessState.isChild() ? parentView() : null;
    }

    /** Live children of this process (Python's {@code active_children()}). */
    public static java.util.List<JvmProcess> activeChildren() {
        return Children.active();
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("<").append(getClass() == JvmProcess.class ? "Process" : getClass().getSimpleName())
                .append(" name='").append(name()).append('\'');
        String status;
        if (role == Role.CURRENT) {
            status = "started";
            s.append(" parent=").append(ProcessState.isChild() ? String.valueOf(ProcessState.parentPid()) : "None");
        } else if (role == Role.PARENT) {
            status = "started";
            s.append(" pid=").append(parentViewPid);
        } else {
            if (os != null) {
                s.append(" pid=").append(os.pid());
            }
            s.append(" parent=").append(creatorPid);
            Integer code = exitCode;
            status = closed ? "closed" : os == null ? "initial" : code == null ? "started" : "stopped";
            s.append(' ').append(status);
            if (code != null) {
                s.append(" exitcode=").append(code < 0 ? "-" + signalName(-code) : code.toString());
            }
            if (isDaemon()) {
                s.append(" daemon");
            }
            return s.append('>').toString();
        }
        s.append(' ').append(status);
        return s.append('>').toString();
    }

    private static String signalName(int n) {
        return switch (n) {
            case 1 -> "SIGHUP";
            case 2 -> "SIGINT";
            case 6 -> "SIGABRT";
            case 9 -> "SIGKILL";
            case 11 -> "SIGSEGV";
            case 15 -> "SIGTERM";
            default -> "SIG" + n;
        };
    }

    /**
     * The future {@link #onExit()} returns: the same object each time (it identifies the process
     * in {@code Connections.wait}, as Python's sentinel does), completed only by the exit.
     * Completing or cancelling it from outside is refused, so that no caller can change what
     * {@code isAlive}, {@code join} or the exit handling see; {@code orTimeout} and
     * {@code completeOnTimeout} act on a copy.
     */
    private static final class ExitFuture extends CompletableFuture<JvmProcess> {
        void finish(JvmProcess p) {
            super.complete(p);
        }

        @Override
        public boolean complete(JvmProcess value) {
            throw refused();
        }

        @Override
        public boolean completeExceptionally(Throwable ex) {
            throw refused();
        }

        @Override
        public void obtrudeValue(JvmProcess value) {
            throw refused();
        }

        @Override
        public void obtrudeException(Throwable ex) {
            throw refused();
        }

        @Override
        public CompletableFuture<JvmProcess> completeAsync(java.util.function.Supplier<? extends JvmProcess> supplier,
                                                           java.util.concurrent.Executor executor) {
            throw refused();
        }

        /** A process's exit cannot be cancelled: false, as {@link java.util.concurrent.Future#cancel} allows. */
        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return false;
        }

        @Override
        public CompletableFuture<JvmProcess> orTimeout(long timeout, java.util.concurrent.TimeUnit unit) {
            return copy().orTimeout(timeout, unit);
        }

        @Override
        public CompletableFuture<JvmProcess> completeOnTimeout(JvmProcess value, long timeout, java.util.concurrent.TimeUnit unit) {
            return copy().completeOnTimeout(value, timeout, unit);
        }

        @Override
        public <U> CompletableFuture<U> newIncompleteFuture() {
            return new CompletableFuture<>();
        }

        private static UnsupportedOperationException refused() {
            return new UnsupportedOperationException("a process's exit future completes when the process exits");
        }
    }
}
