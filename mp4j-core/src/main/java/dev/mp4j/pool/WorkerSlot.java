package dev.mp4j.pool;

import dev.mp4j.connection.Connection;
import dev.mp4j.connection.Pipe;
import dev.mp4j.process.JvmProcess;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One worker of a pool, seen from the parent: a platform thread that starts the worker process,
 * feeds it one job at a time, and replaces it when it dies, overruns, or has done its share.
 * Because only one job is ever in flight per worker, a death is always blamed on the right job.
 */
final class WorkerSlot implements Runnable {
    private final ProcessPool pool;
    final int index;
    private volatile JvmProcess process;
    private Connection conn;
    private volatile Task current;
    private int tasksThisWorker;
    volatile long tasksDone;
    volatile int restarts;
    volatile long startNanos;
    volatile long waitNanos;
    volatile long workNanos;
    volatile long decodeNanos;

    WorkerSlot(ProcessPool pool, int index) {
        this.pool = pool;
        this.index = index;
    }

    long pid() {
        JvmProcess p = process;
        return p == null || p.pid() == null ? 0 : p.pid();
    }

    @Override
    public void run() {
        try {
            if (!startWorker()) {
                return;
            }
            while (true) {
                Task t = pool.nextTask();
                if (t == null) {
                    break;
                }
                runTask(t);
                if (pool.terminating()) {
                    break;
                }
                if (needsRecycling()) {
                    stopWorker();
                    restarts++;
                    if (!startWorker()) {
                        return;
                    }
                }
            }
        } finally {
            stopWorker();
            pool.slotFinished();
        }
    }

    private boolean needsRecycling() {
        if (pool.options.maxTasksPerChild() > 0 && tasksThisWorker >= pool.options.maxTasksPerChild()) {
            return true;
        }
        long ceiling = pool.options.maxWorkerRssBytes();
        return ceiling > 0 && rss(pid()) > ceiling;
    }

    private static long rss(long pid) {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // the worker is gone; the next task will notice
        }
        return 0;
    }

    private void runTask(Task t) {
        current = t;
        ScheduledFuture<?> soft = null;
        ScheduledFuture<?> hard = null;
        try {
            conn.send(t.job());
            if (t.timeout != null) {
                soft = pool.timer.schedule(() -> interruptForTimeout(t), t.timeout.toNanos(), TimeUnit.NANOSECONDS);
                hard = pool.timer.schedule(() -> killForTimeout(t),
                        t.timeout.plus(pool.options.killGrace()).toNanos(), TimeUnit.NANOSECONDS);
            }
            Object reply = conn.recv();
            if (!(reply instanceof Messages.Done done) || done.id() != t.id) {
                throw new IOException("unexpected reply from worker: " + reply);
            }
            tasksThisWorker++;
            tasksDone++;
            waitNanos += done.waitNanos();
            workNanos += done.workNanos();
            decodeNanos += done.decodeNanos();
            if (done.error() == null) {
                pool.complete(t, done.value());
            } else if (t.interruptedForTimeout) {
                pool.fail(t, new TaskTimeoutException(t.description, t.timeout, false));
            } else {
                pool.fail(t, done.error());
            }
        } catch (IOException | RuntimeException e) {
            workerDied(t);
        } finally {
            if (soft != null) {
                soft.cancel(false);
                hard.cancel(false);
            }
            current = null;
        }
    }

    private void interruptForTimeout(Task t) {
        if (current == t) {
            t.interruptedForTimeout = true;
            try {
                conn.send(new Messages.Cancel(t.id));
            } catch (IOException | RuntimeException ignored) {
                // the worker is gone already; the slot thread handles that
            }
        }
    }

    private void killForTimeout(Task t) {
        JvmProcess p = process;
        if (current == t && p != null) {
            t.killedForTimeout = true;
            p.kill();
        }
    }

    private void workerDied(Task t) {
        JvmProcess dead = process;
        Integer code = null;
        if (dead != null) {
            dead.join(Duration.ofSeconds(5));
            code = dead.exitCode();
        }
        long pid = dead != null && dead.pid() != null ? dead.pid() : 0;
        closeConnection();
        process = null;
        if (t.killedForTimeout) {
            pool.fail(t, new TaskTimeoutException(t.description, t.timeout, true));
        } else if (!pool.terminating() && t.attempts < pool.options.retries()) {
            t.attempts++;
            pool.retry(t);
        } else {
            pool.fail(t, new WorkerDiedException(t.description, pid, code));
        }
        if (!pool.terminating()) {
            restarts++;
            startWorker();
        }
    }

    /** Starts a worker and waits for its Ready; false if the pool was terminated meanwhile. */
    private boolean startWorker() {
        while (!pool.terminating()) {
            long t0 = System.nanoTime();
            Pipe pipe = Pipe.open();
            Connection workerEnd = pipe.right();
            JvmProcess p = pool.newWorker(new WorkerLoop(workerEnd, pool.options.initializer()), index);
            try {
                p.start();
            } finally {
                workerEnd.close();
            }
            process = p;
            conn = pipe.left();
            try {
                // Poll rather than block: a worker killed before it took over its pipe end never
                // produces EOF here, so its exit is watched directly.
                while (!conn.poll(Duration.ofMillis(100))) {
                    if (!p.isAlive() || pool.terminating()) {
                        throw new IOException("worker ended before it was ready");
                    }
                }
                Object hello = conn.recv();
                if (hello instanceof Messages.Ready) {
                    startNanos += System.nanoTime() - t0;
                    tasksThisWorker = 0;
                    return true;
                }
            } catch (IOException e) {
                // the worker died starting (a failing initializer, say): try again unless terminated
            }
            if (pool.terminating()) {
                p.kill();
            }
            p.join(Duration.ofSeconds(5));
            closeConnection();
            if (pool.terminating()) {
                break;
            }
            System.err.println("mp4j pool: worker " + p.name() + " failed to start (exit code " + p.exitCode() + "); retrying");
            restarts++;
            sleepQuietly();
        }
        return false;
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Closes the pipe (the worker exits at EOF) and waits briefly; kills it if it lingers. */
    private void stopWorker() {
        JvmProcess p = process;
        closeConnection();
        if (p != null) {
            if (pool.terminating() || !p.join(Duration.ofSeconds(5))) {
                p.kill();
                p.join(Duration.ofSeconds(5));
            }
        }
        process = null;
    }

    /** Ends the worker at once (Python's terminate). */
    void kill() {
        JvmProcess p = process;
        if (p != null && p.isAlive()) {
            p.kill();
        }
    }

    private void closeConnection() {
        if (conn != null) {
            conn.close();
            conn = null;
        }
    }

    WorkerStats stats() {
        return new WorkerStats(index, pid(), tasksDone, restarts, Duration.ofNanos(startNanos),
                Duration.ofNanos(waitNanos), Duration.ofNanos(workNanos), Duration.ofNanos(decodeNanos));
    }

}
