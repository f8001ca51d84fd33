package dev.mp4j.process;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The children this process started, and what happens to them when it exits (CPython's
 * {@code util._exit_function}): daemon children are terminated, non-daemon children are waited
 * for. A non-daemon "keeper" thread stays alive while any non-daemon child runs, so that a
 * {@code main} that returns early still waits for its children, as a Python script does.
 */
final class Children {
    private static final Set<JvmProcess> LIVE = ConcurrentHashMap.newKeySet();
    private static final Set<Launcher> LAUNCHERS = ConcurrentHashMap.newKeySet();
    private static Thread keeper;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Children::exitFunction, "mp4j-exit"));
    }

    private Children() {
    }

    static void register(JvmProcess p) {
        LIVE.add(p);
        if (!p.isDaemon()) {
            ensureKeeper();
        }
    }

    static void unregister(JvmProcess p) {
        LIVE.remove(p);
    }

    static void registerLauncher(Launcher launcher) {
        LAUNCHERS.add(launcher);
    }

    static List<JvmProcess> active() {
        List<JvmProcess> out = new ArrayList<>();
        for (JvmProcess p : LIVE) {
            if (p.isAlive()) {
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
            for (JvmProcess p : LIVE) {
                if (!p.isDaemon() && p.isAlive()) {
                    waitFor = p;
                    break;
                }
            }
            if (waitFor == null) {
                synchronized (Children.class) {
                    // Re-check under the lock so a child registered just now is not missed.
                    for (JvmProcess p : LIVE) {
                        if (!p.isDaemon() && p.isAlive()) {
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
            try {
                waitFor.onExit().get(1, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // timed out or interrupted: look again
            }
        }
    }

    /** Terminates daemon children and waits for the others; stops spare JVMs. */
    static void exitFunction() {
        for (Launcher l : LAUNCHERS) {
            l.shutdown();
        }
        List<JvmProcess> daemons = new ArrayList<>();
        for (JvmProcess p : LIVE) {
            if (p.isDaemon() && p.isAlive()) {
                p.terminate();
                daemons.add(p);
            }
        }
        for (JvmProcess p : daemons) {
            if (!p.join(java.time.Duration.ofSeconds(1))) {
                p.kill();
            }
        }
        for (JvmProcess p : LIVE) {
            if (!p.isDaemon()) {
                p.join();
            }
        }
    }
}
