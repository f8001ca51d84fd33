package dev.mp4j.process;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The children this process started, and what happens to them when it exits (CPython's
 * {@code util._exit_function}): daemon children are terminated, non-daemon children are waited
 * for. A non-daemon "keeper" thread stays alive while any non-daemon child runs, so that a
 * {@code main} that returns early still waits for its children, as a Python script does.
 */
final class Children {
    /**
     * By identity, not equals: a subclass may define its own equality (two equal children
     * would be one here, and one of them never waited for at exit).
     */
    private static final Set<JvmProcess> LIVE = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

    /** The live children now (a copy: the set is changed by the threads that watch the exits). */
    private static List<JvmProcess> live() {
        synchronized (LIVE) {
            return new ArrayList<>(LIVE);
        }
    }
    private static final Set<Launcher> LAUNCHERS = ConcurrentHashMap.newKeySet();
    private static Thread keeper;

    /**
     * Set when this process is ending by a signal or as an orphan rather than by a normal exit:
     * its non-daemon children are then stopped too, not waited for (a SIGTERM must not leave the
     * process hanging on a child that runs for an hour, and an orphan's own children are torn
     * down with it instead of one generation a second).
     */
    private static volatile boolean stopAll;
    /**
     * Termination signals whose handling has begun and not returned: the JVM's own handler
     * starts the exit and never returns, a program's handler (a reload on SIGHUP) returns.
     */
    private static final java.util.concurrent.atomic.AtomicInteger SIGNALLED = new java.util.concurrent.atomic.AtomicInteger();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Children::exitHook, "mp4j-exit"));
        for (String name : new String[] {"TERM", "INT", "HUP"}) {
            watchSignal(name);
        }
    }

    /**
     * Notes a termination signal before the JVM's own handler starts the exit. Children run with
     * -Xrs (a signal ends them at once, as in Python) and where the JVM has no handler there is
     * nothing to chain: then this does nothing.
     */
    @SuppressWarnings("removal")
    private static void watchSignal(String name) {
        try {
            sun.misc.Signal signal = new sun.misc.Signal(name);
            sun.misc.SignalHandler[] previous = new sun.misc.SignalHandler[1];
            previous[0] = sun.misc.Signal.handle(signal, s -> {
                sun.misc.SignalHandler before = previous[0];
                if (before != null && before != sun.misc.SignalHandler.SIG_IGN && before != sun.misc.SignalHandler.SIG_DFL) {
                    // Counted while it runs: an exit meanwhile is a signalled one. A handler of
                    // the program's that returns did not end the process, and a later normal
                    // exit waits for the children as usual.
                    SIGNALLED.incrementAndGet();
                    try {
                        before.handle(s);
                    } finally {
                        SIGNALLED.decrementAndGet();
                    }
                } else {
                    stopAll = true;
                    System.exit(128 + s.getNumber());
                }
            });
            if (previous[0] == sun.misc.SignalHandler.SIG_IGN || previous[0] == sun.misc.SignalHandler.SIG_DFL) {
                // Not the JVM's exit handler (ignored on purpose, or -Xrs): leave it as it was.
                sun.misc.Signal.handle(signal, previous[0]);
            }
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError unavailable) {
            // the signal is reserved or unknown here: nothing to note
        }
    }

    /** This process is ending as an orphan: stop the non-daemon children too (see {@link #stopAll}). */
    static void stopAllOnExit() {
        stopAll = true;
    }

    private Children() {
    }

    static void register(JvmProcess p) {
        synchronized (LIVE) {
            LIVE.add(p);
        }
        if (!p.isDaemon()) {
            ensureKeeper();
        }
    }

    static void unregister(JvmProcess p) {
        synchronized (LIVE) {
            LIVE.remove(p);
        }
    }

    static void registerLauncher(Launcher launcher) {
        LAUNCHERS.add(launcher);
    }

    /** How many launchers that keep spare JVMs this process made (for tests). */
    static int launcherCount() {
        return LAUNCHERS.size();
    }

    static List<JvmProcess> active() {
        List<JvmProcess> out = new ArrayList<>();
        for (JvmProcess p : live()) {
            if (p.running()) {
                out.add(p);
            }
        }
        return out;
    }

    private static synchronized void ensureKeeper() {
        if (keeper != null && keeper.isAlive()) {
            return;
        }
        keeper = new Thread(Children::keep, "mp4j-nondaemon-children");
        keeper.setDaemon(false);
        keeper.start();
    }

    private static void keep() {
        while (true) {
            JvmProcess waitFor = null;
            for (JvmProcess p : live()) {
                if (!p.isDaemon() && p.running()) {
                    waitFor = p;
                    break;
                }
            }
            if (waitFor == null) {
                synchronized (Children.class) {
                    // Re-check under the lock so a child registered just now is not missed.
                    for (JvmProcess p : live()) {
                        if (!p.isDaemon() && p.running()) {
                            waitFor = p;
                            break;
                        }
                    }
                    if (waitFor == null) {
                        keeper = null;
                        return;
                    }
                }
            }
            if (!daemonsStopped && applicationThreadsDone()) {
                // Main has returned and no other thread of the program runs: CPython's exit
                // function terminates the daemon children now, and only then waits for the
                // others (which may run for hours).
                daemonsStopped = true;
                MpLog.shuttingDown();
                stopDaemons(false);
            }
            try {
                waitFor.exitFuture().get(KEEPER_LOOK_MILLIS, TimeUnit.MILLISECONDS);
            } catch (Exception ignored) {
                // timed out or interrupted: look again
            }
        }
    }

    /** How often the keeper looks whether main has returned (and at its children). */
    private static final long KEEPER_LOOK_MILLIS = 200;
    private static volatile boolean daemonsStopped;

    /**
     * Whether every non-daemon platform thread but this one (and the launcher's thread that
     * waits in DestroyJavaVM once main has returned) has ended: what CPython's
     * threading._shutdown waits for before its exit function runs.
     */
    private static boolean applicationThreadsDone() {
        return otherNonDaemonThreads().isEmpty();
    }

    /**
     * This JVM's live non-daemon platform threads but the caller and the launcher's
     * DestroyJavaVM thread (virtual threads are always daemons).
     */
    static List<Thread> otherNonDaemonThreads() {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] threads = new Thread[root.activeCount() + 8];
        int n;
        while ((n = root.enumerate(threads, true)) == threads.length) {
            threads = new Thread[threads.length * 2];   // more came meanwhile: none may be missed
        }
        Thread me = Thread.currentThread();
        List<Thread> others = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Thread t = threads[i];
            if (t != me && !t.isDaemon() && t.isAlive() && !"DestroyJavaVM".equals(t.getName())) {
                others.add(t);
            }
        }
        return others;
    }

    /** Terminates (then kills, after a second) the daemon children, or all children if {@code all}. */
    private static void stopDaemons(boolean all) {
        List<JvmProcess> daemons = new ArrayList<>();
        for (JvmProcess p : live()) {
            if ((all || p.isDaemon()) && p.running()) {
                if (MpLog.on(System.Logger.Level.INFO)) {
                    MpLog.note(System.Logger.Level.INFO, "calling terminate() for " + (p.isDaemon() ? "daemon " : "process ") + p.name());
                }
                p.stopQuietly(false);
                daemons.add(p);
            }
        }
        for (JvmProcess p : daemons) {
            if (!awaitExit(p, EXIT_GRACE_MILLIS)) {
                p.stopQuietly(true);
            }
        }
    }

    /**
     * Set once the JVM's exit has begun (the shutdown hook): no spares are booted from then on
     * (see Launchers). Not by a child's own call of the exit function as its target returns: its
     * non-daemon threads may go on for hours, starting children as they were.
     */
    private static volatile boolean exiting;

    static boolean exiting() {
        return exiting;
    }

    private static void exitHook() {
        exiting = true;
        exitFunction();
    }

    /** Terminates daemon children and waits for the others; stops spare JVMs. */
    static void exitFunction() {
        MpLog.shuttingDown();
        for (Launcher l : LAUNCHERS) {
            l.shutdown();
        }
        stopDaemons(stopAll || SIGNALLED.get() > 0);
        for (JvmProcess p : live()) {
            if (!p.isDaemon() && p.exitFuture() != null) {
                if (MpLog.on(System.Logger.Level.INFO)) {
                    MpLog.note(System.Logger.Level.INFO, "calling join() for process " + p.name());
                }
                // In slices: a SIGTERM that comes while a normal exit waits here cannot start an
                // exit of its own (the JVM's handler blocks on the one under way), so this one
                // must notice it and stop the children instead of waiting an hour for them.
                while (!awaitExit(p, KEEPER_LOOK_MILLIS)) {
                    if (stopAll || SIGNALLED.get() > 0) {
                        stopDaemons(true);
                    }
                }
            }
        }
    }

    /** How long a terminated child has before it is killed. */
    private static final long EXIT_GRACE_MILLIS = 1_000;

    /** Whether {@code p} has ended within {@code millis}; an interrupt does not cut the wait short. */
    private static boolean awaitExit(JvmProcess p, long millis) {
        CompletableFuture<JvmProcess> exit = p.exitFuture();
        if (exit == null) {
            return true;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    exit.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    return true;
                } catch (java.util.concurrent.TimeoutException e) {
                    return false;
                } catch (java.util.concurrent.ExecutionException e) {
                    return true;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
