package dev.mp4j;

import dev.mp4j.connection.Connections;
import dev.mp4j.connection.Pipe;
import dev.mp4j.process.JvmOptions;
import dev.mp4j.process.JvmProcess;
import dev.mp4j.process.Launchers;
import dev.mp4j.process.ProcessState;
import dev.mp4j.process.SpawnLauncher;
import java.time.Duration;
import java.util.List;

/**
 * Python's {@code multiprocessing} module functions, in one place.
 *
 * <pre>{@code
 * import static dev.mp4j.Multiprocessing.*;
 *
 * System.out.println(currentProcess().name());      // MainProcess
 * System.out.println(cpuCount());
 * Pipe pipe = pipe();
 * Context ctx = getContext("forkserver");
 * }</pre>
 */
public final class Multiprocessing {
    private static volatile Context defaultContext;

    private Multiprocessing() {
    }

    /** This process: {@code MainProcess} in the main JVM, the started object in a child. */
    public static JvmProcess currentProcess() {
        return JvmProcess.current();
    }

    /** The parent process, or null in the main process. */
    public static JvmProcess parentProcess() {
        return JvmProcess.parent();
    }

    /** The children of this process that are still running. */
    public static List<JvmProcess> activeChildren() {
        return JvmProcess.activeChildren();
    }

    /** Processors available to this JVM. */
    public static int cpuCount() {
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * Python's {@code get_logger()}: mp4j's own log, silent until {@link #logToStderr} turns it
     * on. Records of process lifetimes ({@code child process calling self.run()},
     * {@code process exiting with exitcode 0}, {@code calling join() for process Process-1}), pool
     * workers and managers.
     */
    public static System.Logger getLogger() {
        return dev.mp4j.process.MpLog.LOG;
    }

    /**
     * Python's {@code log_to_stderr(level)}: prints mp4j's log records of {@code level} and
     * above on stderr, as {@code [INFO/Process-1] child process calling self.run()}, in this
     * process and in the children it starts from now on.
     *
     * <pre>{@code
     * Multiprocessing.logToStderr(System.Logger.Level.INFO);
     * JvmProcess p = new JvmProcess(() -> System.out.println("hi"));
     * p.start();
     * p.join();
     * // [INFO/Process-1] child process calling self.run()
     * // hi
     * // [INFO/Process-1] process shutting down
     * // [INFO/Process-1] process exiting with exitcode 0
     * // ... and as this program exits:
     * // [INFO/MainProcess] process shutting down
     * }</pre>
     * (The child's name is {@code Process-1} when it is the program's first.)
     *
     * @return the logger, as Python's returns it
     */
    public static System.Logger logToStderr(System.Logger.Level level) {
        dev.mp4j.process.MpLog.toStderr(java.util.Objects.requireNonNull(level, "level"));
        return dev.mp4j.process.MpLog.LOG;
    }

    /** A duplex pipe. */
    public static Pipe pipe() {
        return Pipe.open(true);
    }

    /** A pipe, duplex or one-way (left reads, right writes). */
    public static Pipe pipe(boolean duplex) {
        return Pipe.open(duplex);
    }

    /** Python's {@code connection.wait}: the ready connections and exit futures, or empty on timeout. */
    public static List<Object> waitAny(List<?> objects, Duration timeout) {
        return Connections.wait(objects, timeout);
    }

    /**
     * Starts a manager server process and returns the manager: Python's {@code Manager()}.
     *
     * <pre>{@code
     * try (SyncManager manager = Multiprocessing.manager()) {
     *     ManagedList<Integer> list = manager.list();
     *     // pass list to child processes; they append, this process sees it
     * }
     * }</pre>
     */
    public static dev.mp4j.manager.SyncManager manager() {
        return getContext().manager();
    }

    /** The context of the default start method. */
    public static Context getContext() {
        Context c = defaultContext;
        if (c == null) {
            synchronized (Multiprocessing.class) {
                if (defaultContext == null) {
                    String inherited = ProcessState.inheritedStartMethod();
                    defaultContext = new Context(inherited != null ? inherited : Launchers.START_METHODS.get(0),
                            ProcessState.inheritedJvmOptions(), Launchers.DEFAULT_SPARES);
                }
                c = defaultContext;
            }
        }
        return c;
    }

    /**
     * A context for {@code "spawn"} or {@code "forkserver"}; null gives the default context (and
     * fixes the default start method), as Python's {@code get_context(None)}; anything else is
     * an error.
     */
    public static Context getContext(String method) {
        if (method == null) {
            return getContext();
        }
        return new Context(method, ProcessState.inheritedJvmOptions(), Launchers.DEFAULT_SPARES);
    }

    /**
     * Python's {@code set_executable(path)}: the program that starts children from now on,
     * instead of this JVM's own {@code java}: another JDK 25 or later, or a script that runs one
     * under a wrapper. It gets the JVM's arguments, and best {@code exec}s the JVM in its own
     * place; one that stays between (a script without {@code exec}, {@code sudo}) works too:
     * {@code pid()}, {@code terminate()} and {@code kill()} then act on it, and the JVM below
     * goes within about a second of it, or of this process. E.g.
     * <pre>{@code
     * // run-niced.sh:  #!/bin/sh
     * //                exec nice -n 10 /usr/lib/jvm/temurin-25-jdk-amd64/bin/java "$@"
     * Multiprocessing.setExecutable(Path.of("run-niced.sh"));
     * }</pre>
     * Children inherit the setting, so theirs use it too. A forkserver's spares booted with the
     * previous program are not used. Children of another program than this JVM's {@code java}
     * start without the start-up cache (it is made by, and for, this JVM). As in CPython, the
     * setting is global; {@code null} goes back to this JVM's own {@code java}.
     *
     * @throws IllegalArgumentException if {@code program} is not an executable file
     */
    public static void setExecutable(java.nio.file.Path program) {
        SpawnLauncher.setExecutable(program);
    }

    /** Python's {@code spawn.get_executable()}: the program children are started with. */
    public static java.nio.file.Path getExecutable() {
        return SpawnLauncher.executable();
    }

    /** The start methods this platform has, the default first. */
    public static List<String> getAllStartMethods() {
        return Launchers.START_METHODS;
    }

    /** The default start method's name (which fixes the default, as in CPython). */
    public static String getStartMethod() {
        return getContext().startMethod();
    }

    /**
     * Python's {@code get_start_method(allow_none)}: with {@code allowNone}, null while no
     * default is fixed, and it stays unfixed (a library asks this before it calls
     * {@link #setStartMethod(String)} only if nobody has); without, {@link #getStartMethod()}.
     */
    public static synchronized String getStartMethod(boolean allowNone) {
        // A child has its parent's start method, fixed, as CPython's spawn sets it in a child.
        if (allowNone && defaultContext == null && !Launchers.hasDefault() && ProcessState.inheritedStartMethod() == null) {
            return null;
        }
        return getStartMethod();
    }

    /**
     * Sets the default start method for {@code new JvmProcess(...)}.
     *
     * @throws IllegalStateException if the default is fixed already: set before, or used by
     *         {@code getContext()}, {@code getStartMethod()}, {@code manager()}, a pool with default
     *         options, or a process started without a context (as in CPython); replace it with
     *         {@code setStartMethod(method, true)} (use {@link #setStartMethod(String, boolean)} with force)
     */
    public static void setStartMethod(String method) {
        setStartMethod(method, false);
    }

    /**
     * Sets (or with {@code force}, replaces) the default start method. {@code null} with
     * {@code force} resets it; without, it fixes the default one, as in CPython.
     */
    public static synchronized void setStartMethod(String method, boolean force) {
        setStartMethod(method, ProcessState.inheritedJvmOptions(), force);
    }

    /** Sets the default start method together with JVM options for children. */
    public static synchronized void setStartMethod(String method, JvmOptions options, boolean force) {
        java.util.Objects.requireNonNull(options, "options (JvmOptions.defaults() for none of your own)");
        // A process started without a context fixed the default too, as in CPython.
        if ((defaultContext != null || Launchers.hasDefault()) && !force) {
            throw new IllegalStateException("context has already been set");
        }
        if (method == null && force) {
            defaultContext = null;
            Launchers.setDefault(null);
            return;
        }
        if (method == null) {
            // As CPython's set_start_method(None): fixes the default context, so that a later
            // call without force is refused.
            String inherited = ProcessState.inheritedStartMethod();
            method = inherited != null ? inherited : Launchers.START_METHODS.get(0);
        }
        // One launcher, with these options: a forkserver one made first with other options
        // would start spare JVMs that nothing uses.
        Context c = new Context(method, options, Launchers.DEFAULT_SPARES);
        defaultContext = c;
        Launchers.setDefault(c.launcher());
    }
}
