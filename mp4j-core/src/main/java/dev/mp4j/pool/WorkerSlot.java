package dev.mp4j.pool;

import dev.mp4j.connection.Connection;
import dev.mp4j.connection.Pipe;
import dev.mp4j.process.JvmProcess;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One worker of a pool, seen from the parent: a platform thread that starts the worker process,
 * keeps jobs in flight to it, and replaces it when it dies, overruns, or has done its share.
 *
 * <p>How many jobs are in flight adapts to how long they take: up to {@link #MAX_WINDOW} for jobs
 * of well under a millisecond (so the worker never waits for the parent, which on two cores is
 * often not running), down to one for long jobs (so no job waits behind another while a worker
 * elsewhere is idle).
 *
 * <p>A job queued behind one that runs long would wait for it while a worker elsewhere sits idle:
 * an idle slot takes such jobs back ({@link #takeBackQueued}) once the running one has taken
 * several times this slot's usual time, and runs them itself. {@link JobClaims} makes sure a job
 * taken back is skipped by the worker it was first sent to.
 *
 * <p>A worker runs its jobs strictly in order, and claims each as it reads it: when it dies, the
 * job it claimed last is the one it was running, which is blamed (or retried); the ones behind it
 * never started and go back to the front of the queue.
 */
final class WorkerSlot implements Runnable {
    static final int MAX_WINDOW = 32;
    /**
     * Bytes of jobs that may wait in the pipe behind the one running. Kept below the pipe's ring
     * size so that a send never blocks while the worker is blocked sending a result back (both
     * rings full: a deadlock). A larger job is only sent when nothing else is in flight. Half
     * the ring at most, whatever its size ({@code -Dmp4j.pipe.capacity} may make it smaller than
     * the usual 1 MiB).
     */
    private static final long MAX_BYTES_IN_FLIGHT = Math.min(512 * 1024, Pipe.defaultCapacity() / 2);
    private static final int REMEMBERED_FUNCTIONS = 32;

    private final ProcessPool pool;
    final int index;
    private volatile JvmProcess process;
    private Connection conn;
    private Connection control;
    /**
     * Jobs sent and not yet answered, oldest first. Added and removed by this slot's thread only,
     * under {@link #window}, which another slot also takes to mark entries taken back.
     */
    private final ArrayDeque<Sent> inFlight = new ArrayDeque<>();
    private final Object window = new Object();
    private long inFlightBytes;
    /** Jobs sent to the current worker: the number of the last one (see {@link JobClaims}). */
    private long sentCount;
    /** When the oldest job in flight became the one the worker runs (see {@link #takeBackQueued}). */
    private long headSince;
    private Task held;
    private final Map<Integer, Boolean> functionsSent = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Boolean> eldest) {
            return size() > REMEMBERED_FUNCTIONS;
        }
    };
    /** The one-off function the current worker was sent last (see WorkerLoop.Functions), 0 for none. */
    private int oneOffSent;
    private volatile Task running;
    /** Guards {@link #running} against the timers: a timer acts only on the job still running. */
    private final Object clock = new Object();
    /** This slot killed its worker for a job's timeout (see {@link #workerDied}). */
    private volatile boolean killedForTimeout;
    /** The worker's memory was over the ceiling when last looked at: it takes no more jobs. */
    private boolean overCeiling;
    private long lastRssCheck;
    /** Whether this slot counts as not idle in {@link ProcessPool#idleSlots}. */
    private boolean busy;
    private ScheduledFuture<?> softTimer;
    private ScheduledFuture<?> hardTimer;
    /** Kills the worker if the job whose future was cancelled is still running after the grace. */
    private ScheduledFuture<?> cancelTimer;
    private int tasksThisWorker;
    volatile long tasksDone;
    volatile int restarts;
    /** Starts in a row that ended before the worker was ready (see {@link BrokenPoolException#START_ATTEMPTS}). */
    private int failedStarts;
    volatile long startNanos;
    volatile long waitNanos;
    volatile long workNanos;
    volatile long decodeNanos;
    /** Jobs another slot took back from this one (written under {@link #window}). */
    volatile long takenOver;

    /** A job in flight: its number for this worker, its size in the pipe, and whether another slot took it back. */
    private static final class Sent {
        final Task task;
        final long number;
        final int bytes;
        boolean takenBack;

        Sent(Task task, long number, int bytes) {
            this.task = task;
            this.number = number;
            this.bytes = bytes;
        }
    }

    /**
     * A job runs at least this long before the jobs queued behind it are taken back. Not less: at
     * 1 ms, workers merely waiting for a core on a 2-core machine had their queues moved dozens
     * of times per benchmark run, for nothing.
     */
    static final long TAKE_BACK_AFTER_MILLIS = 10;
    private static final long TAKE_BACK_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(TAKE_BACK_AFTER_MILLIS);
    /** ...and this many times the slot's average job. */
    private static final int TAKE_BACK_AFTER_AVERAGES = 4;

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
            if (index > 0) {
                pool.awaitFirstWorker();
            }
            if (pool.closedWithNothingLeft() && pool.options.initializer() == null) {
                // Closed while this worker waited for its turn to start, with nothing for it to do.
                return;
            }
            if (!startWorker()) {
                return;
            }
            while (true) {
                // Nothing in the pool interrupts a slot's thread: an interrupt here is one a
                // caller's callback or stage (run on this thread as the task completed) left set,
                // and it would end this slot's next wait (taken for the worker's death, or for
                // the pool's end), leaving a pool that never runs anything again. Not the slot's.
                Thread.interrupted();
                if (inFlight.isEmpty() && needsRecycling()) {
                    stopWorker();
                    restarts++;
                    if (!startWorker()) {
                        return;
                    }
                }
                if (!fill()) {
                    break;
                }
                receiveOne();
                if (pool.terminating()) {
                    break;
                }
            }
        } catch (RuntimeException | Error unforeseen) {
            // A slot that ends quietly leaves a pool that looks alive but never runs what its
            // worker would have (for ever, with one worker): the pool ends, saying why.
            pool.broke(new BrokenPoolException("a pool worker's slot failed: " + unforeseen, unforeseen));
            throw unforeseen;
        } finally {
            try {
                stopWorker();
            } finally {
                if (!busy) {
                    // A slot that has ended takes no more work: it is not idle either.
                    pool.idleSlots.decrementAndGet();
                }
                busy = true;
                // join() counts on every slot saying so, whatever stopping its worker threw.
                pool.slotFinished();
            }
        }
    }

    /** Sends jobs up to the window; false when there is nothing in flight and nothing more will come. */
    private boolean fill() {
        while (inFlight.size() < window() && !recyclingDue()) {
            // A job queued behind a running one waits for it even when a worker elsewhere is idle:
            // so only while no other slot waits for work (tasks that wait for each other, a
            // barrier of two say, then land on different workers, as in CPython's pool).
            Task t = held != null ? held : inFlight.isEmpty() ? pool.nextTask(this) : pool.pollTaskUnlessOthersIdle();
            held = null;
            if (t == null) {
                break;
            }
            if (inFlight.isEmpty() && workerGone()) {
                // The worker died while idle (the OOM killer, kill -9): t never reached it, so
                // nothing is blamed; t goes back to the queue (workerDied puts what is held back
                // first) and waits for the replacement.
                held = t;
                workerDied();
                if (process == null) {
                    return false;
                }
                continue;
            }
            if (!inFlight.isEmpty() && inFlightBytes + jobBytes(t) > MAX_BYTES_IN_FLIGHT) {
                // Too large to wait in the pipe behind what runs here: back to the front of the
                // queue, where an idle slot takes it, or this one once nothing is in flight. (Held
                // here, it would wait for a long job out of every other slot's reach.)
                pool.retryUnstarted(t);
                break;
            }
            // A one-off function (a negative id, see ProcessPool.functionId) is known only as the
            // last one-off sent: the worker keeps no other.
            boolean known = t.functionId < 0 ? t.functionId == oneOffSent : functionsSent.containsKey(t.functionId);
            byte[] job = t.job(!known);
            // Once written, the job may be read: what its copies took stays theirs.
            java.util.List<Runnable> undos = t.undosForSend();
            if (undos == Task.GIVEN_BACK) {
                // Settled (cancelled, abandoned) since it was taken, and its copies given back:
                // a worker must not read them.
                continue;
            }
            try {
                conn.sendBytes(job);
            } catch (dev.mp4j.connection.MessageTooLargeException e) {
                // The job itself is at fault, not the worker: it fails, naming both sizes.
                t.sendFailed(undos);
                pool.fail(t, e);
                continue;
            } catch (IOException | RuntimeException e) {
                t.sendFailed(undos);
                // The worker is gone: t never reached it and goes back to the queue; the job it
                // was running, if any, is blamed; the next round sends to its replacement.
                if (++t.sendFailures >= 3) {
                    // Three workers in a row died as it was sent: blame it rather than loop.
                    pool.fail(t, new WorkerDiedException(t.description, pid(), null));
                } else {
                    held = t;
                }
                // What it answered before it died is still in the pipe: read first, so that jobs
                // it finished are neither run again nor the last of them blamed. The read that
                // finds the pipe's end settles the rest (workerDied), as when receiving.
                JvmProcess gone = process;
                while (process == gone && !inFlight.isEmpty()) {
                    receiveOne();
                }
                if (process == gone) {
                    workerDied();
                }
                if (process == null) {
                    return false;
                }
                continue;
            }
            if (t.functionId < 0) {
                oneOffSent = t.functionId;
            } else {
                functionsSent.put(t.functionId, Boolean.TRUE);
            }
            synchronized (window) {
                inFlight.add(new Sent(t, ++sentCount, job.length));
                inFlightBytes += job.length;
            }
            if (inFlight.size() == 1) {
                noteBusy();
                arm(t);
            }
        }
        return !inFlight.isEmpty();
    }

    /**
     * Whether the worker has died, asked of the OS too: the process object learns of an exit a
     * moment after the kernel reaps it, and a job sent in that moment would be blamed for it.
     */
    private boolean workerGone() {
        JvmProcess p = process;
        if (p == null || !p.isAlive()) {
            return true;
        }
        if (System.nanoTime() - lastAnswerNanos < IDLE_BEFORE_OS_CHECK_NANOS) {
            // Answered a moment ago: reading /proc (some microseconds) on every round trip of
            // back-to-back calls buys nothing.
            return false;
        }
        Long pid = p.pid();
        return pid != null && ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
    }

    private static final long IDLE_BEFORE_OS_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** When the worker last answered (see {@link #workerGone}). */
    private long lastAnswerNanos;

    /** Keeps {@link ProcessPool#idleSlots} in step with whether this slot could take a job now. */
    private void noteBusy() {
        boolean now = !inFlight.isEmpty();
        if (now != busy) {
            busy = now;
            if (now) {
                pool.idleSlots.decrementAndGet();
            } else {
                pool.idleSlots.incrementAndGet();
            }
        }
    }

    /** Jobs to keep in flight, from the average time a job took in this slot. */
    private int window() {
        if (tasksDone < 8) {
            // Until this slot knows how long jobs take, one at a time: a long job must never
            // keep another waiting while a worker elsewhere is idle.
            return 1;
        }
        long average = (workNanos + decodeNanos) / tasksDone;
        if (average < 200_000) {
            return MAX_WINDOW;
        }
        if (average < 2_000_000) {
            return 8;
        }
        return average < 20_000_000 ? 2 : 1;
    }

    /** No more jobs for this worker once its share (maxTasksPerChild) is sent, or its memory is over the ceiling. */
    private boolean recyclingDue() {
        int max = pool.options.maxTasksPerChild();
        return overCeiling || max > 0 && tasksThisWorker + inFlight.size() >= max;
    }

    private boolean needsRecycling() {
        if (recyclingDue()) {
            return true;
        }
        long ceiling = pool.options.maxWorkerRssBytes();
        return ceiling > 0 && rss(pid()) > ceiling;
    }

    /**
     * Looks at the worker's memory after a job, at most every {@link #RSS_CHECK_NANOS} (reading
     * /proc costs tens of microseconds): over the ceiling, it is sent nothing more, and is
     * replaced once the jobs already sent to it are done. Looking only when nothing is in flight
     * would never look while a backlog of short jobs keeps the window full.
     */
    private void checkCeiling() {
        long ceiling = pool.options.maxWorkerRssBytes();
        if (ceiling <= 0 || overCeiling) {
            return;
        }
        long now = System.nanoTime();
        if (lastRssCheck != 0 && now - lastRssCheck < RSS_CHECK_NANOS) {
            return;
        }
        lastRssCheck = now;
        overCeiling = rss(pid()) > ceiling;
    }

    private static final long RSS_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private static long rss(long pid) {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // the worker is gone; the next job will notice
        }
        return 0;
    }

    /** Waits for the oldest job's outcome (or handles the worker's death instead). */
    private void receiveOne() {
        byte[] answer;
        try {
            answer = conn.recvBytes();
        } catch (IOException | RuntimeException e) {
            workerDied();
            return;
        } catch (OutOfMemoryError e) {
            tooLargeToRead(e);
            return;
        }
        // The job answered: from here on its timers leave the worker alone.
        disarm();
        lastAnswerNanos = System.nanoTime();
        if (Codec.isSkipped(answer)) {
            skipped(Codec.skippedId(answer));
            return;
        }
        Codec.Done done;
        try {
            done = Codec.readDone(answer);
        } catch (IOException | RuntimeException | LinkageError | StackOverflowError | OutOfMemoryError e) {
            // LinkageError: a result class whose static initializer fails in this process;
            // OutOfMemoryError: a result too large for this heap once decoded.
            unreadable(answer, e);
            return;
        }
        Sent oldest = pollOldest();
        if (oldest == null || oldest.takenBack || done.id() != oldest.task.id) {
            outOfOrder(oldest, done.id());
            return;
        }
        Task t = oldest.task;
        tasksThisWorker++;
        tasksDone++;
        waitNanos += done.waitNanos();
        workNanos += done.workNanos();
        decodeNanos += done.decodeNanos();
        if (t.interruptedForTimeout && done.interruptedByPool()) {
            // The timeout's interrupt reached it: whatever it did after that (a return, having
            // caught the interrupt, included) came after the pool gave up on it. One that ended
            // before the interrupt landed keeps its own outcome.
            pool.fail(t, new TaskTimeoutException(t.description, t.timeout, false));
        } else if (done.error() == null) {
            pool.complete(t, done.values());
        } else {
            pool.fail(t, done.error());
        }
        checkCeiling();
        armOldest();
    }

    /** Removes the oldest job in flight, which has just been answered. */
    private Sent pollOldest() {
        Sent oldest;
        synchronized (window) {
            oldest = inFlight.poll();
            if (oldest != null) {
                inFlightBytes -= oldest.bytes;
            }
            // The next job starts now: until it is armed, the finished one's start must not count.
            headSince = System.nanoTime();
        }
        noteBusy();
        return oldest;
    }

    /** The worker now runs the oldest job in flight: its clock starts (one taken back it skips at once). */
    private void armOldest() {
        Sent next;
        synchronized (window) {
            next = inFlight.peek();
            if (next == null || next.takenBack) {
                return;
            }
        }
        arm(next.task);
    }

    /**
     * The worker skipped the oldest job, taken back by another slot; or, having seen that slot
     * take back the jobs queued while it was claiming this one, skipped a job that was left to
     * it (see {@link JobClaims}): that one goes back to the queue.
     */
    private void skipped(long id) {
        Sent oldest = pollOldest();
        if (oldest == null || oldest.task.id != id) {
            outOfOrder(oldest, id);
            return;
        }
        if (!oldest.takenBack) {
            pool.retryUnstarted(oldest.task);
        }
        armOldest();
    }

    /**
     * An answer whose frame arrived whole but whose content this process cannot read (a result
     * of a class the serializer refuses here, say): the job fails with why; the worker is fine.
     * Treating it as the worker's death would run the job again, and fail the same way, for ever.
     */
    private void unreadable(byte[] answer, Throwable why) {
        long id = answer.length >= Long.BYTES ? java.nio.ByteBuffer.wrap(answer).getLong() : -1;
        Sent oldest = pollOldest();
        if (oldest == null || oldest.takenBack || oldest.task.id != id) {
            outOfOrder(oldest, id);
            return;
        }
        tasksThisWorker++;
        tasksDone++;
        pool.fail(oldest.task, new IOException("the outcome of " + oldest.task.description
                + " could not be read in the calling process: " + why, why));
        checkCeiling();
        armOldest();
    }

    /**
     * The oldest job's answer is too large for this process's heap to receive: that job fails
     * with why. The connection read past the answer, so the worker goes on with the jobs behind
     * it; killing it instead would run again those it had already finished. Where the
     * connection could not read past it, the next receive fails and the worker is replaced.
     */
    private void tooLargeToRead(OutOfMemoryError why) {
        disarm();
        lastAnswerNanos = System.nanoTime();
        Sent oldest = pollOldest();
        if (oldest == null || oldest.takenBack) {
            // The pool took that job back; its answer (a skip) is never this large.
            outOfOrder(oldest, -1);
            return;
        }
        tasksThisWorker++;
        tasksDone++;
        pool.fail(oldest.task, new IOException("the outcome of " + oldest.task.description
                + " is too large to receive in the calling process (" + why.getMessage() + ")", why));
        checkCeiling();
        armOldest();
    }

    /** An answer that is not for the oldest job: the worker cannot be trusted with the others. */
    private void outOfOrder(Sent oldest, long id) {
        System.err.println("mp4j pool: worker " + pid() + " answered job " + id + " out of order; replacing it");
        if (oldest != null) {
            synchronized (window) {
                inFlight.addFirst(oldest);
                inFlightBytes += oldest.bytes;
            }
        }
        JvmProcess p = process;
        if (p != null) {
            p.kill();
        }
        workerDied();
    }

    /**
     * Called by an idle slot's thread: takes back the jobs queued behind this worker's running
     * job once that has run {@link #TAKE_BACK_AFTER_NANOS}, and {@link #TAKE_BACK_AFTER_AVERAGES}
     * times this slot's average, so a long job keeps nothing waiting while a worker elsewhere is
     * idle. A worker of short jobs works through its queue before then: its jobs are not moved
     * for nothing.
     *
     * @param lookAgain lowered to when jobs queued here may be taken back, if not now
     * @return the jobs taken back, oldest first; the worker will skip them
     */
    List<Task> takeBackQueued(long now, long[] lookAgain) {
        synchronized (window) {
            if (inFlight.isEmpty()) {
                return List.of();
            }
            Sent running = inFlight.peek();
            boolean queued = false;
            for (Sent s : inFlight) {
                queued |= s != running && !s.takenBack;
            }
            if (!queued) {
                return List.of();
            }
            long due = headSince + takeBackAfter();
            if (now - due < 0) {
                lookAgain[0] = Math.min(lookAgain[0], due);
                return List.of();
            }
            if (running.takenBack || pool.claims.started(index) < running.number) {
                // The worker is skipping jobs taken back, or has not started its oldest job yet
                // (slow to read it): not held up by a long job.
                lookAgain[0] = Math.min(lookAgain[0], now + TAKE_BACK_AFTER_NANOS);
                return List.of();
            }
            long started = pool.claims.revoke(index, sentCount);
            List<Task> back = new ArrayList<>();
            for (Sent s : inFlight) {
                if (s.number > started && !s.takenBack) {
                    s.takenBack = true;
                    back.add(s.task);
                }
            }
            takenOver += back.size();
            return back;
        }
    }

    private long takeBackAfter() {
        long done = tasksDone;
        long average = done == 0 ? 0 : (workNanos + decodeNanos) / done;
        return Math.max(TAKE_BACK_AFTER_NANOS, TAKE_BACK_AFTER_AVERAGES * average);
    }

    /** Starts the timeout clock of the job the worker is now running. */
    private void arm(Task t) {
        synchronized (window) {
            headSince = System.nanoTime();
        }
        synchronized (clock) {
            running = t;
            if (t.timeout != null) {
                // Saturated: a timeout of centuries (ChronoUnit.FOREVER) means none, not an overflow.
                long soft = TimeUnit.NANOSECONDS.convert(t.timeout);
                long grace = TimeUnit.NANOSECONDS.convert(pool.options.killGrace());
                long hard = soft > Long.MAX_VALUE - grace ? Long.MAX_VALUE : soft + grace;
                softTimer = pool.timer.schedule(() -> interruptForTimeout(t), soft, TimeUnit.NANOSECONDS);
                hardTimer = pool.timer.schedule(() -> killForTimeout(t), hard, TimeUnit.NANOSECONDS);
            }
            if (t.future.stopRequested()) {
                // Cancelled while it was on its way here (after the look that skips cancelled
                // tasks, before this): nobody stopped it, as it was not running yet.
                stopIfRunning(t);
            }
        }
    }

    private void disarm() {
        synchronized (clock) {
            running = null;
            if (softTimer != null) {
                softTimer.cancel(false);
                hardTimer.cancel(false);
                softTimer = null;
                hardTimer = null;
            }
            if (cancelTimer != null) {
                cancelTimer.cancel(false);
                cancelTimer = null;
            }
        }
    }

    /**
     * The caller cancelled {@code t}: if this worker is running it, interrupt it now, and kill
     * the worker (to be replaced) if it is still at it after the grace. Its answer, if one
     * comes, finds the future done and changes nothing.
     */
    void stopIfRunning(Task t) {
        synchronized (clock) {
            Connection c = control;
            if (running != t || c == null || cancelTimer != null) {
                return;
            }
            try {
                c.sendBytes(ByteBuffer.allocate(8).putLong(t.id).array());
            } catch (IOException | RuntimeException ignored) {
                // the worker is gone already; the slot thread handles that
            }
            try {
                cancelTimer = pool.timer.schedule(() -> {
                    synchronized (clock) {
                        JvmProcess p = process;
                        if (running == t && p != null) {
                            // As for a timeout: the job it was running is not to blame (nor run
                            // again: its future is done, so a retry is skipped).
                            killedForTimeout = true;
                            p.kill();
                        }
                    }
                }, TimeUnit.NANOSECONDS.convert(pool.options.killGrace()), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.RejectedExecutionException poolEnded) {
                // joined: its workers are gone already
            }
        }
    }

    private void interruptForTimeout(Task t) {
        synchronized (clock) {
            Connection c = control;
            if (running == t && c != null) {
                t.interruptedForTimeout = true;
                try {
                    c.sendBytes(ByteBuffer.allocate(8).putLong(t.id).array());
                } catch (IOException | RuntimeException ignored) {
                    // the worker is gone already; the slot thread handles that
                }
            }
        }
    }

    private void killForTimeout(Task t) {
        synchronized (clock) {
            JvmProcess p = process;
            if (running == t && p != null) {
                t.killedForTimeout = true;
                killedForTimeout = true;
                p.kill();
            }
        }
    }

    /** The worker is gone: blame the job it was running, requeue the others, start another. */
    private void workerDied() {
        disarm();
        // Killed for a job's timeout: if that job's answer was already on its way, the job now
        // oldest may have started since, and is not to blame for the kill.
        boolean killedByUs = killedForTimeout;
        killedForTimeout = false;
        // First of all: a worker still running starts nothing more.
        long started = pool.claims.revoke(index, Long.MAX_VALUE);
        JvmProcess dead = process;
        Integer code = null;
        if (dead != null) {
            if (!dead.join(Duration.ofSeconds(5))) {
                // Still running (it lost its pipes, or broke the protocol): it must not go on
                // reading jobs meant for nobody, or claiming them.
                dead.kill();
                dead.join(Duration.ofSeconds(5));
            }
            code = dead.exitCode();
        }
        long pid = dead != null && dead.pid() != null ? dead.pid() : 0;
        closeConnections();
        process = null;
        InFlightFate fate = settleInFlight(started);
        Task t = fate.running();
        if (t == null && !killedByUs && !pool.terminating() && !fate.unstarted().isEmpty()
                && jobBytes(fate.unstarted().getFirst()) > MAX_BYTES_IN_FLIGHT
                && ++fate.unstarted().getFirst().sendFailures >= 3) {
            // It claimed nothing: it died waiting for its next job or reading it. A large one,
            // three times: too large for a worker's heap, so it is blamed rather than sent again.
            t = fate.unstarted().removeFirst();
        }
        // The others never started: back to the front of the queue, in their order.
        if (held != null) {
            pool.retryUnstarted(held);
            held = null;
        }
        for (Task unstarted : fate.unstarted().reversed()) {
            pool.retryUnstarted(unstarted);
        }
        // Done, but their answers were not read before it died: they run again.
        for (Task ran : fate.ran().reversed()) {
            pool.retry(ran);
        }
        noteBusy();
        if (t != null) {
            if (pool.terminating()) {
                // terminate() killed it: cancelled, as its Javadoc says (or failed with why the pool broke).
                pool.abandon(t);
            } else if (t.killedForTimeout) {
                pool.fail(t, new TaskTimeoutException(t.description, t.timeout, true));
            } else if (killedByUs) {
                pool.retry(t);
            } else if (t.attempts < pool.options.retries()) {
                t.attempts++;
                pool.retry(t);
            } else if (pool.brokenCause() != null) {
                pool.fail(t, pool.brokenCause());
            } else {
                pool.fail(t, new WorkerDiedException(t.description, pid, code));
            }
        }
        if (!pool.terminating()) {
            restarts++;
            startWorker();
        }
    }

    /** How large a task's job is at most (its function travels with it to a worker that lacks it). */
    private static long jobBytes(Task t) {
        return (long) t.items.length + (t.function == null ? 0 : t.function.length);
    }

    /**
     * A replacement that could not be started at all (no process or pipe to be had: EAGAIN,
     * /dev/shm full): whether to give up. A pool that never had a worker cannot start here and
     * breaks at once; one that had working workers waits and tries again, as for a worker that
     * died starting, and breaks only after {@link BrokenPoolException#START_ATTEMPTS} in a row.
     */
    private boolean cannotStartAgain(Throwable why) {
        if (pool.terminating() || !pool.everReady() || ++failedStarts >= BrokenPoolException.START_ATTEMPTS) {
            return true;
        }
        System.err.println("mp4j pool: cannot start a replacement worker (" + why + "); retrying");
        restarts++;
        sleepQuietly();
        return false;
    }

    /** Starts a worker and waits for its hello; false if the pool was terminated meanwhile. */
    private boolean startWorker() {
        // A kill meant for the worker before (a timeout's, landing as it was being recycled) is
        // not this one's: its first death must be blamed on its own job.
        killedForTimeout = false;
        while (!pool.terminating()) {
            long t0 = System.nanoTime();
            Pipe jobs = null;
            Pipe cancels = null;
            List<byte[]> handedOver = new ArrayList<>(2);
            JvmProcess p;
            try {
                jobs = Pipe.open();
                cancels = Pipe.open(false);
                p = pool.newWorker(jobs.right(), cancels.left(), index, handedOver);
            } catch (RuntimeException | Error e) {
                // No pipe for it (out of descriptors, /dev/shm not writable): as for a worker
                // that cannot start, the pool breaks and says why, rather than this slot's
                // thread ending and the pool taking tasks nobody runs.
                for (Pipe opened : new Pipe[] {jobs, cancels}) {
                    if (opened != null) {
                        opened.left().close();
                        opened.right().close();
                    }
                }
                takeBack(handedOver);
                if (cannotStartAgain(e)) {
                    pool.broke(new BrokenPoolException("cannot start a pool worker: " + e, e));
                    return false;
                }
                continue;
            }
            // A new worker counts its jobs from 1 (the one before it is gone).
            synchronized (window) {
                pool.claims.reset(index);
                sentCount = 0;
            }
            try {
                p.start();
            } catch (RuntimeException e) {
                // Not a worker that failed, but one that cannot be started from here at all.
                jobs.left().close();
                cancels.right().close();
                takeBack(handedOver);
                if (cannotStartAgain(e)) {
                    pool.broke(new BrokenPoolException("cannot start a pool worker: " + e.getMessage(), e));
                    return false;
                }
                continue;
            } finally {
                jobs.right().close();
                cancels.left().close();
            }
            process = p;
            conn = jobs.left();
            control = cancels.right();
            functionsSent.clear();
            oneOffSent = 0;
            try {
                // Poll rather than block: a worker killed before it took over its pipe end never
                // produces EOF here, so its exit is watched directly.
                while (!conn.poll(Duration.ofMillis(10))) {
                    if (pool.terminating()) {
                        throw new IOException("worker ended before it was ready");
                    }
                    if (!p.isAlive()) {
                        // A worker that exited may have sent why (a failing initializer) just
                        // before; one that sent nothing may never close its end: do not wait.
                        if (conn.poll(Duration.ZERO)) {
                            break;
                        }
                        throw new IOException("worker ended before it was ready");
                    }
                    if (pool.closedWithNothingLeft() && pool.options.initializer() == null) {
                        // Closed before this worker was ready, with no task left for it: nothing
                        // of the caller's has run in it, and waiting for it to start only to stop
                        // it would make close+join wait for a JVM's start.
                        p.kill();
                        p.join(Duration.ofSeconds(5));
                        takeBack(handedOver);
                        closeConnections();
                        process = null;
                        return false;
                    }
                }
                byte[] hello = conn.recvBytes();
                if (hello.length != Long.BYTES) {
                    // Not its pid but why its initializer failed.
                    Throwable cause = initializerError(hello);
                    if (!p.join(Duration.ofSeconds(5))) {
                        p.kill();
                        p.join(Duration.ofSeconds(5));
                    }
                    takeBack(handedOver);
                    closeConnections();
                    process = null;
                    // A pool none of whose workers ever got through the initializer is broken
                    // for good; one that had working workers treats this as a failed start (a
                    // database that blinked), given up only after several in a row.
                    if (!pool.everReady() || ++failedStarts >= BrokenPoolException.START_ATTEMPTS) {
                        pool.broke(new BrokenPoolException("a pool worker's initializer failed: " + cause, cause));
                        return false;
                    }
                    System.err.println("mp4j pool: worker " + p.name() + "'s initializer failed (" + cause + "); retrying");
                    restarts++;
                    sleepQuietly();
                    continue;
                }
                startNanos += System.nanoTime() - t0;
                if (dev.mp4j.process.MpLog.on(System.Logger.Level.DEBUG)) {
                    dev.mp4j.process.MpLog.note(System.Logger.Level.DEBUG, "added worker " + p.name() + " (pid " + p.pid() + ")");
                }
                tasksThisWorker = 0;
                overCeiling = false;
                lastRssCheck = 0;
                failedStarts = 0;
                pool.workerReady();
                return true;
            } catch (IOException e) {
                // the worker died starting: try again unless terminated, or too often in a row
            }
            if (pool.terminating() || !p.join(Duration.ofSeconds(5))) {
                p.kill();
                p.join(Duration.ofSeconds(5));
            }
            takeBack(handedOver);
            closeConnections();
            if (pool.terminating()) {
                break;
            }
            if (++failedStarts >= BrokenPoolException.START_ATTEMPTS) {
                pool.broke(new BrokenPoolException("pool worker " + p.name() + " failed to start " + failedStarts
                        + " times in a row (last exit code " + p.exitCode() + "; its error is on stderr)", null));
                return false;
            }
            System.err.println("mp4j pool: worker " + p.name() + " failed to start (exit code " + p.exitCode() + "); retrying");
            restarts++;
            sleepQuietly();
        }
        return false;
    }

    /** The error a worker sent in place of its hello; never throws (a report it cannot read is described). */
    private static Throwable initializerError(byte[] report) {
        try {
            return Codec.readDone(report).error();
        } catch (Throwable unreadable) {
            return new RemoteTaskException(unreadable.getClass().getName(),
                    "the worker's report of its initializer's failure could not be read: " + unreadable.getMessage(), "");
        }
    }

    /**
     * A worker that ended before it was ready may never have taken over the pipe ends handed to
     * it (see {@link dev.mp4j.connection.Pipe#reduce}): their holder slots are still this
     * process's, so the pipes would look open and their segments never be unlinked. Reopening
     * each form here and closing it frees such a slot; one the worker did take over is left to
     * the dead-holder check.
     */
    private static void takeBack(List<byte[]> handedOver) {
        for (byte[] form : handedOver) {
            try {
                Pipe.rebuild(form).close();
            } catch (IOException | RuntimeException alreadyGone) {
                // the segment is gone already: nothing held
            }
        }
        handedOver.clear();
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Closes the pipes (the worker exits at EOF) and waits briefly; kills it if it lingers. */
    private void stopWorker() {
        JvmProcess p = process;
        closeConnections();
        if (p != null) {
            if (pool.terminating() || !p.join(Duration.ofSeconds(5))) {
                p.kill();
                p.join(Duration.ofSeconds(5));
            }
        }
        process = null;
        InFlightFate fate = settleInFlight(pool.claims.revoke(index, Long.MAX_VALUE));
        if (fate.running() != null) {
            pool.abandon(fate.running());
        }
        fate.ran().forEach(pool::abandon);
        fate.unstarted().forEach(pool::abandonUnstarted);
        if (held != null) {
            pool.retryUnstarted(held);
            held = null;
        }
        noteBusy();
    }

    /**
     * What became of the jobs in flight to a worker that is gone: the one it was running, those it
     * finished without the answer being read, and those it never started, each oldest first.
     * Those taken back by another slot are that slot's.
     */
    private record InFlightFate(Task running, List<Task> ran, List<Task> unstarted) {
    }

    /**
     * Empties the jobs in flight, sorted by {@code started}, the last job the worker claimed
     * (from {@link JobClaims#revoke}: it can claim none after). The oldest job in flight is not
     * always the one running: jobs taken back ahead of it are skipped, not run.
     */
    private InFlightFate settleInFlight(long started) {
        Task running = null;
        List<Task> ran = new ArrayList<>();
        List<Task> unstarted = new ArrayList<>();
        synchronized (window) {
            for (Sent s : inFlight) {
                if (s.takenBack) {
                    continue;
                }
                if (s.number == started) {
                    running = s.task;
                } else if (s.number < started) {
                    ran.add(s.task);
                } else {
                    unstarted.add(s.task);
                }
            }
            inFlight.clear();
            inFlightBytes = 0;
        }
        return new InFlightFate(running, ran, unstarted);
    }

    /** Ends the worker at once (Python's terminate). */
    void kill() {
        JvmProcess p = process;
        if (p != null && p.isAlive()) {
            p.kill();
        }
    }

    private void closeConnections() {
        if (conn != null) {
            conn.close();
            conn = null;
        }
        if (control != null) {
            control.close();
            control = null;
        }
    }

    WorkerStats stats() {
        return new WorkerStats(index, pid(), tasksDone, restarts, Duration.ofNanos(startNanos),
                Duration.ofNanos(waitNanos), Duration.ofNanos(workNanos), Duration.ofNanos(decodeNanos), takenOver);
    }
}
