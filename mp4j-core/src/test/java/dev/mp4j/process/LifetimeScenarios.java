package dev.mp4j.process;

import dev.mp4j.connection.Connection;
import dev.mp4j.connection.Pipe;

/** Whole programs whose exit behaviour {@link LifetimeTest} checks from outside. */
final class LifetimeScenarios {
    private LifetimeScenarios() {
    }

    /** Main returns while a daemon child sleeps: the child must be terminated. */
    static final class DaemonChild {
        public static void main(String[] args) throws Exception {
            Pipe pipe = Pipe.open();
            Connection out = pipe.right();
            JvmProcess child = new JvmProcess(() -> {
                out.send(ProcessHandle.current().pid());
                Thread.sleep(30_000);
                System.out.println("daemon child finished");
            });
            child.setDaemon(true);
            child.start();
            System.out.println("child " + pipe.left().recv());
            System.out.println("end");
        }
    }

    /**
     * Main returns with a daemon child and a non-daemon child running: as CPython's exit
     * function does, the daemon child is terminated at once, and only then is the other waited
     * for. The non-daemon child says whether the daemon one ended within 20 s (it stays alive,
     * before the fix, for as long as the non-daemon child runs: this one's 20 s).
     */
    static final class DaemonAndNonDaemonChildren {
        public static void main(String[] args) throws Exception {
            Pipe pipe = Pipe.open();
            Connection out = pipe.right();
            JvmProcess daemon = new JvmProcess(() -> {
                out.send(ProcessHandle.current().pid());
                Thread.sleep(30_000);
            });
            daemon.setDaemon(true);
            daemon.start();
            long daemonPid = (Long) pipe.left().recv();
            JvmProcess worker = new JvmProcess(() -> {
                long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
                boolean alive;
                while ((alive = ProcessHandle.of(daemonPid).map(ProcessHandle::isAlive).orElse(false))
                        && System.nanoTime() - deadline < 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
                }
                System.out.println("daemon alive: " + alive);
            });
            worker.start();
            System.out.println("main done");
        }
    }

    /** Main returns while a non-daemon child works: the program waits for it. */
    static final class NonDaemonChild {
        public static void main(String[] args) throws Exception {
            JvmProcess child = new JvmProcess(() -> {
                Thread.sleep(1_000);
                System.out.println("child done");
            });
            child.start();
            System.out.println("main done");
        }
    }

    /** Starts a non-daemon child that sleeps two minutes, and prints "child PID" once it runs. */
    private static void startASleepingChildAndSayItsPid() throws Exception {
        Pipe pipe = Pipe.open();
        Connection out = pipe.right();
        JvmProcess child = new JvmProcess(() -> {
            out.send(ProcessHandle.current().pid());
            Thread.sleep(120_000);
        });
        child.start();
        System.out.println("child " + pipe.left().recv());
        System.out.flush();
    }

    /** The parent will be SIGKILLed (or sent SIGTERM) by the test while its non-daemon child sleeps. */
    static final class Orphan {
        public static void main(String[] args) throws Exception {
            startASleepingChildAndSayItsPid();
            Thread.sleep(120_000);
        }
    }

    /** Exits normally (System.exit) while a non-daemon child sleeps: the test sends SIGTERM as the exit waits for it. */
    static final class ExitWaitingForAChild {
        public static void main(String[] args) throws Exception {
            dev.mp4j.Multiprocessing.logToStderr(System.Logger.Level.INFO);
            startASleepingChildAndSayItsPid();
            System.exit(0);
        }
    }

    /** A child dies of an exception: its stack trace goes to stderr under "Process <name>:". */
    static final class Crash {
        public static void main(String[] args) {
            JvmProcess child = new JvmProcess(() -> {
                throw new IllegalArgumentException("kaboom");
            });
            child.start();
            child.join();
            System.out.println("exit " + child.exitCode() + " " + child.name());
        }
    }

    /** Four generations, none a daemon; the test SIGKILLs the first. Prints the descendants' pids. */
    static final class Chain {
        public static void main(String[] args) throws Exception {
            Pipe pipe = Pipe.open();
            Connection out = pipe.right();
            JvmProcess child = new JvmProcess(() -> {
                out.send(ProcessHandle.current().pid());
                JvmProcess grandchild = new JvmProcess(() -> {
                    out.send(ProcessHandle.current().pid());
                    JvmProcess great = new JvmProcess(() -> {
                        out.send(ProcessHandle.current().pid());
                        Thread.sleep(120_000);
                    });
                    great.start();
                    Thread.sleep(120_000);
                });
                grandchild.start();
                Thread.sleep(120_000);
            });
            child.start();
            StringBuilder pids = new StringBuilder("pids");
            for (int i = 0; i < 3; i++) {
                pids.append(' ').append((Object) pipe.left().recv());
            }
            System.out.println(pids);
            System.out.flush();
            Thread.sleep(120_000);
        }
    }

    /** Every thread of the common ForkJoinPool is busy: a child's exit must still be seen. */
    static final class CommonPoolBusy {
        public static void main(String[] args) throws Exception {
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            for (int i = 0; i < java.util.concurrent.ForkJoinPool.getCommonPoolParallelism(); i++) {
                java.util.concurrent.CompletableFuture.runAsync(() -> {
                    // Occupies its pool thread without taking a core from the child's start.
                    while (!stop.get()) {
                        java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
                    }
                });
            }
            JvmProcess child = new JvmProcess(() -> { });
            child.start();
            boolean joined = child.join(java.time.Duration.ofSeconds(20));
            System.out.println("joined " + joined + " exit " + child.exitCode());
            System.out.flush();
            stop.set(true);
            Runtime.getRuntime().halt(0);
        }
    }

    /** Chooses forkserver with JVM options: prints how many JVMs this process then keeps. */
    static final class ForkserverWithOptions {
        public static void main(String[] args) throws Exception {
            dev.mp4j.Multiprocessing.setStartMethod("forkserver", JvmOptions.defaults().maxHeap("64m"), true);
            // Every launcher made on the way boots its spares: wait for all of them, then count.
            long expected = (long) Launchers.DEFAULT_SPARES * Children.launcherCount();
            dev.mp4j.testing.Await.until(() -> ProcessHandle.current().children().count() >= expected, java.time.Duration.ofSeconds(10));
            System.out.println("children " + ProcessHandle.current().children().count());
            System.out.flush();
            Runtime.getRuntime().halt(0);
        }
    }

    /**
     * A program's own SIGHUP handler that returns (a reload) must not leave the exit handling
     * thinking the process is being signalled away: System.exit then still waits for the
     * non-daemon child.
     */
    @SuppressWarnings("removal")
    static final class HandledHangup {
        public static void main(String[] args) throws Exception {
            java.util.concurrent.CountDownLatch handled = new java.util.concurrent.CountDownLatch(1);
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), s -> handled.countDown());
            dev.mp4j.sync.ProcessEvent go = dev.mp4j.sync.ProcessEvent.create();
            JvmProcess child = new JvmProcess(() -> {
                go.await();
                // long enough for an exit that stops children (the bug) to stop this one
                Thread.sleep(1_000);
                System.out.println("child done");
            });
            child.start();
            new ProcessBuilder("kill", "-HUP", String.valueOf(ProcessHandle.current().pid())).start().waitFor();
            handled.await();
            // The handler has returned once the JVM's thread that ran it is gone.
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().equals("SIGHUP handler")) {
                    t.join();
                }
            }
            System.out.println("hangup handled");
            System.out.flush();
            go.set();
            System.exit(0);
        }
    }

    /** CPython's set_start_method(None) without force fixes the default context. */
    static final class StartMethodNone {
        public static void main(String[] args) {
            dev.mp4j.Multiprocessing.setStartMethod(null, false);
            try {
                dev.mp4j.Multiprocessing.setStartMethod("spawn", false);
                System.out.println("set again");
            } catch (IllegalStateException e) {
                System.out.println("refused: " + e.getMessage());
            }
            dev.mp4j.Multiprocessing.setStartMethod(null, true);
            dev.mp4j.Multiprocessing.setStartMethod("spawn", false);
            System.out.println("reset, then set");
        }
    }

    /** A process started without a context fixes the default start method, as in CPython. */
    static final class StartMethodAfterStart {
        public static void main(String[] args) {
            JvmProcess p = new JvmProcess(() -> { });
            p.start();
            p.join();
            try {
                dev.mp4j.Multiprocessing.setStartMethod("forkserver", false);
                System.out.println("set after a start");
            } catch (IllegalStateException e) {
                System.out.println("refused: " + e.getMessage());
            }
        }
    }
}
