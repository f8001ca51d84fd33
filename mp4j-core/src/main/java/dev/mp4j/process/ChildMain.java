package dev.mp4j.process;

import dev.mp4j.serial.SafeSerializer;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * The {@code main} of every child JVM. Reads the bootstrap from stdin, becomes the process it
 * describes, runs it, and exits with Python's exit code. Watches its parent meanwhile: when the
 * parent is gone, the child exits rather than live on as an orphan.
 */
public final class ChildMain {
    /** How often a child checks that its parent is still there. */
    private static final long PARENT_POLL_MILLIS = 100;
    /** How long an orphaned child lets its shutdown hooks run before it halts. */
    private static final long ORPHAN_GRACE_MILLIS = 1_000;

    private ChildMain() {
    }

    /** {@code -Dmp4j.trace.startup=true}: each child prints where its start-up time went, to stderr. */
    private static final boolean TRACE = Boolean.getBoolean("mp4j.trace.startup");

    public static void main(String[] args) {
        long entered = System.nanoTime();
        DataInputStream stdin = new DataInputStream(new FileInputStream(FileDescriptor.in));
        System.setIn(InputStream.nullInputStream());
        if (Boolean.getBoolean("mp4j.spare")) {
            Thread warm = new Thread(ChildMain::warmUp, "mp4j-warm-up");
            warm.setDaemon(true);
            warm.start();
        }
        Bootstrap bootstrap;
        try {
            int magic = stdin.readInt();
            if (magic != Bootstrap.MAGIC) {
                System.err.println("mp4j: this JVM is started by mp4j; its stdin did not carry a bootstrap");
                System.exit(2);
            }
            byte[] bytes = new byte[stdin.readInt()];
            stdin.readFully(bytes);
            bootstrap = Bootstrap.decode(bytes);
        } catch (EOFException e) {
            // The parent went away before giving us work (a spare at shutdown): nothing to report.
            Runtime.getRuntime().halt(0);
            return;
        } catch (IOException e) {
            System.err.println("mp4j: cannot read the bootstrap from the parent: " + e);
            System.exit(2);
            return;
        }
        long bootstrapped = System.nanoTime();
        ProcessState.initChild(bootstrap);
        watchParent(bootstrap.parentPid());

        int code = 0;
        JvmProcess self = null;
        Throwable failure = null;
        try {
            byte[] process = bootstrap.process();
            self = process.length > 0 && process[0] == QuickForm.TAG
                    ? QuickForm.decode(process)
                    : (JvmProcess) SafeSerializer.javaDeserializeTrusted(process, 1, process.length - 1);
            if (TRACE) {
                traceStartup(entered, bootstrapped, System.nanoTime());
            }
            self.becomeCurrent();
            MpLog.note(System.Logger.Level.INFO, "child process calling self.run()");
            self.run();
        } catch (Throwable t) {
            failure = t;
            code = 1;
        }
        // An interrupt the target left set must not cut the waits below short (a daemon
        // grandchild's second of grace before it is killed, the joins of the others).
        Thread.interrupted();
        // CPython's order: the exit function (daemon children terminated, the others joined),
        // then the traceback, then the wait for non-daemon threads, then "exiting".
        Children.exitFunction();
        if (failure != null) {
            System.err.println("Process " + (self != null ? self.name() : bootstrap.name()) + ":");
            failure.printStackTrace();
        }
        System.out.flush();
        System.err.flush();
        if (MpLog.on(System.Logger.Level.INFO)) {
            // Said after the non-daemon threads are done, as CPython says it after threading._shutdown.
            awaitNonDaemonThreads();
            MpLog.note(System.Logger.Level.INFO, "process exiting with exitcode " + code);
        }
        if (code == 0) {
            // Returning ends the JVM as CPython ends a child: once its non-daemon threads are
            // done (threading._shutdown), with the shutdown hooks run. System.exit would also
            // log the exit through System.Logger, whose first use costs a fresh JVM 10-25 ms
            // (a service lookup and java.util.logging) on every child's way out.
            return;
        }
        // After an uncaught exception too, CPython's child waits for its non-daemon threads
        // (threading._shutdown is in _bootstrap's finally) before it exits with 1.
        awaitNonDaemonThreads();
        System.out.flush();
        System.err.flush();
        System.exit(code);
    }

    /** Waits until this JVM's other non-daemon (platform) threads have ended. */
    private static void awaitNonDaemonThreads() {
        List<Thread> running;
        while (!(running = Children.otherNonDaemonThreads()).isEmpty()) {
            try {
                running.getFirst().join();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static void traceStartup(long entered, long bootstrapped, long deserialized) {
        // Read after the timestamps: loading the management classes costs milliseconds itself.
        long uptime = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
        long sinceMain = (System.nanoTime() - entered) / 1_000_000;
        System.err.printf("mp4j child %d start-up: JVM to main %d ms, bootstrap read %.1f ms, target deserialized %.1f ms%n",
                ProcessHandle.current().pid(), uptime - sinceMain, (bootstrapped - entered) / 1e6, (deserialized - bootstrapped) / 1e6);
    }

    /**
     * Exits when the parent is gone: the parent pid we were given is no longer our parent (we were
     * re-parented). Polled rather than detected by blocking on stdin, because a thread blocked in
     * a read of stdin delays every JVM exit by about 300 ms. Hooks run first; halt if they hang.
     *
     * <p>A JVM started through a program that stays between (a wrapper script that runs java
     * without {@code exec}, {@code sudo}; see {@code Multiprocessing.setExecutable}) has that
     * program for its parent, and the given parent above it: it then exits when either is gone.
     */
    private static void watchParent(long parentPid) {
        long parent = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L);
        long between = parent != parentPid && parentOf(parent) == parentPid ? parent : -1;
        if (between > 0) {
            // Pipe ends are handed over to the pid the parent knows: the program's.
            dev.mp4j.shm.Pids.programBetween(between);
        }
        Thread watcher = new Thread(() -> {
            try {
                while (between < 0
                        ? ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L) == parentPid
                        : ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L) == between
                                && parentOf(between) == parentPid) {
                    Thread.sleep(PARENT_POLL_MILLIS);
                }
            } catch (InterruptedException e) {
                return;
            }
            Thread halter = new Thread(() -> {
                try {
                    Thread.sleep(ORPHAN_GRACE_MILLIS);
                } catch (InterruptedException ignored) {
                    // halt anyway
                }
                Runtime.getRuntime().halt(1);
            }, "mp4j-orphan-halt");
            halter.setDaemon(true);
            halter.start();
            Children.stopAllOnExit();
            System.exit(1);
        }, "mp4j-parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** The parent of process {@code pid}, or -1 if it is gone. */
    private static long parentOf(long pid) {
        return ProcessHandle.of(pid).flatMap(ProcessHandle::parent).map(ProcessHandle::pid).orElse(-1L);
    }

    /**
     * Loads and links what a child will need while a spare waits for work, so that start() finds
     * it warm: object streams, a lambda target's deserialization, shared-memory access.
     */
    private static void warmUp() {
        try {
            // A bare lambda, not a JvmProcess: constructing one would use up a child number.
            byte[] bytes = SafeSerializer.javaSerialize((dev.mp4j.serial.ProcessTarget) () -> { });
            Class.forName("dev.mp4j.process.JvmProcess", true, ChildMain.class.getClassLoader());
            SafeSerializer.javaDeserializeTrusted(bytes, 1, bytes.length - 1);
            byte[] list = SafeSerializer.javaSerialize(new java.util.ArrayList<>(java.util.List.of(1, "x")));
            SafeSerializer.javaDeserialize(list, 1, list.length - 1);
            dev.mp4j.shm.Futex.prepare();
            Class.forName("dev.mp4j.connection.PipeConnection", true, ChildMain.class.getClassLoader());
        } catch (Throwable ignored) {
            // warming up is only an optimisation
        }
    }
}
