package dev.mp4j.process;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Our {@code forkserver}: JVMs booted ahead of time that wait for a bootstrap, so
 * {@code start()} costs a message instead of a JVM boot. Each spare is used once (every child
 * is still a fresh process with its own pid and heap); a used spare is replaced in the
 * background. When no spare is ready, a child is spawned as with {@code spawn}.
 */
public final class WarmSpareLauncher implements Launcher {
    private final JvmOptions options;
    private final int spares;
    private final Deque<Spare> ready = new ArrayDeque<>();

    /**
     * A JVM booted ahead of time, with the mp4j settings it was booted with: one whose settings
     * changed since (a program that sets {@code mp4j.serial.filter} once running, say) is not
     * used, as a spawned child would have the new ones.
     */
    private record Spare(java.lang.Process process, List<String> settings) {
    }
    private final ExecutorService refiller = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "mp4j-forkserver-refill");
        t.setDaemon(true);
        return t;
    });
    private int booting;
    private volatile boolean shutdown;

    public WarmSpareLauncher(JvmOptions options, int spares) {
        if (spares < 1) {
            throw new IllegalArgumentException("a forkserver context needs at least one spare, got " + spares);
        }
        this.options = options;
        this.spares = spares;
        Children.registerLauncher(this);
        refill();
    }

    @Override
    public String startMethod() {
        return "forkserver";
    }

    @Override
    public JvmOptions jvmOptions() {
        return options;
    }

    /** How many spares are booted and waiting now (for tests). */
    synchronized int readyCount() {
        return ready.size();
    }

    /** How many spares this launcher keeps. */
    public int spares() {
        return spares;
    }

    @Override
    public java.lang.Process launch(byte[] bootstrap) throws IOException {
        try {
            List<String> settings = SpawnLauncher.settings();
            while (true) {
                java.lang.Process spare;
                synchronized (this) {
                    Spare next = ready.pollFirst();
                    if (next == null) {
                        break;
                    }
                    spare = next.process();
                    if (!next.settings().equals(settings)) {
                        spare.destroyForcibly();   // booted with other settings: the refill boots with these
                        continue;
                    }
                }
                if (!spare.isAlive()) {
                    continue;
                }
                try {
                    SpawnLauncher.sendBootstrap(spare, bootstrap);
                    return spare;
                } catch (IOException e) {
                    spare.destroyForcibly(); // died while waiting: try the next one
                }
            }
            java.lang.Process fresh = SpawnLauncher.boot(options, false);
            try {
                SpawnLauncher.sendBootstrap(fresh, bootstrap);
            } catch (IOException | RuntimeException e) {
                fresh.destroyForcibly();   // half fed: it would wait for the rest until this process ends
                throw e;
            }
            return fresh;
        } finally {
            refill();
        }
    }

    private void refill() {
        synchronized (this) {
            int missing = spares - ready.size() - booting;
            if (shutdown || missing <= 0) {
                return;
            }
            booting += missing;
            for (int i = 0; i < missing; i++) {
                try {
                    refiller.execute(this::bootOne);
                } catch (java.util.concurrent.RejectedExecutionException stopping) {
                    // shut down between the look and here (the process is exiting): a launch
                    // that got this far has its child, and must return it
                    booting -= missing - i;
                    return;
                }
            }
        }
    }

    private void bootOne() {
        java.lang.Process p = null;
        List<String> settings = SpawnLauncher.settings();
        try {
            if (!shutdown) {
                p = SpawnLauncher.boot(options, true);
            }
        } catch (IOException e) {
            System.err.println("mp4j: cannot start a spare JVM: " + e);
        } finally {
            synchronized (this) {
                booting--;
                if (p != null) {
                    if (shutdown) {
                        p.destroyForcibly();
                    } else {
                        ready.addLast(new Spare(p, settings));
                    }
                }
            }
        }
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public void shutdown() {
        synchronized (this) {
            // Under the lock refill() looks at the flag with, so none schedules a boot after this.
            shutdown = true;
        }
        refiller.shutdownNow();
        synchronized (this) {
            for (Spare p : ready) {
                p.process().destroyForcibly();
            }
            ready.clear();
        }
    }
}
