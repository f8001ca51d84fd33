package dev.mp4j.sync;

import static dev.mp4j.sync.SyncLayout.COND_SEQ;
import static dev.mp4j.sync.SyncLayout.COND_SLEEPERS;

import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.function.BooleanSupplier;

/**
 * A condition variable shared by processes: Python's {@code multiprocessing.Condition}, as a
 * {@link Condition} of a {@link ProcessLock} or {@link ReentrantProcessLock}.
 *
 * <pre>{@code
 * ProcessCondition ready = ProcessCondition.create();        // over a new re-entrant lock, like Python
 * // consumer
 * ready.lock().lock();
 * try {
 *     ready.awaitFor(() -> box.isFull(), Duration.ofSeconds(5));
 * } finally {
 *     ready.lock().unlock();
 * }
 * // producer, with the lock held: fill the box, then ready.signalAll();
 * }</pre>
 *
 * <h2>Algorithm</h2>
 * A sequence number in shared memory is the futex word. A waiter reads it, releases the lock,
 * sleeps while the number is unchanged, and takes the lock back; {@code signal} bumps the number
 * and wakes one sleeper, {@code signalAll} wakes all. A signal between the release and the sleep
 * is not lost: the number has moved, so the sleep returns at once. Spurious wake-ups are possible,
 * as the {@link Condition} contract allows: wait in a loop, or use {@link #awaitFor}.
 */
public final class ProcessCondition implements Condition, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private final SharedRecord record;
    private final AbstractProcessLock lock;

    private ProcessCondition(SharedRecord record, AbstractProcessLock lock) {
        this.record = record;
        this.lock = lock;
    }

    /** A condition over a new {@link ReentrantProcessLock} (Python's default). */
    public static ProcessCondition create() {
        return create(ReentrantProcessLock.create());
    }

    /** A condition over {@code lock}: a {@link ProcessLock} or {@link ReentrantProcessLock}. */
    public static ProcessCondition create(java.util.concurrent.locks.Lock lock) {
        if (!(lock instanceof AbstractProcessLock processLock)) {
            throw new IllegalArgumentException("a ProcessCondition needs a ProcessLock or ReentrantProcessLock, got "
                    + (lock == null ? "null" : lock.getClass().getName()));
        }
        return new ProcessCondition(SharedRecord.create(SyncLayout.RECORD), processLock);
    }

    /** The lock this condition releases while waiting. */
    public java.util.concurrent.locks.Lock lock() {
        return lock;
    }

    @Override
    public void await() throws InterruptedException {
        awaitNanos(-1, true);
    }

    @Override
    public void awaitUninterruptibly() {
        try {
            awaitNanos(-1, false);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public long awaitNanos(long nanosTimeout) throws InterruptedException {
        return awaitNanos(Math.max(0, nanosTimeout), true);
    }

    @Override
    public boolean await(long time, TimeUnit unit) throws InterruptedException {
        return awaitNanos(Math.max(0, unit.toNanos(time)), true) > 0;
    }

    @Override
    public boolean awaitUntil(Date deadline) throws InterruptedException {
        return await(deadline.getTime() - System.currentTimeMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Python's {@code wait(timeout)}: waits for a signal, at most {@code timeout} (null: forever).
     *
     * @return false if it timed out
     */
    public boolean await(Duration timeout) throws InterruptedException {
        return awaitNanos(timeout == null ? -1 : Math.max(0, timeout.toNanos()), true) > 0;
    }

    /**
     * Python's {@code wait_for(predicate, timeout)}: waits until {@code predicate} holds (checked
     * with the lock held), at most {@code timeout} (null: forever).
     *
     * @return the predicate's last value
     */
    public boolean awaitFor(BooleanSupplier predicate, Duration timeout) throws InterruptedException {
        long start = System.nanoTime();
        long limit = timeout == null ? -1 : Math.max(0, timeout.toNanos());
        boolean result = predicate.getAsBoolean();
        while (!result) {
            long left = limit < 0 ? -1 : limit - (System.nanoTime() - start);
            if (limit >= 0 && left <= 0) {
                break;
            }
            awaitNanos(left, true);
            result = predicate.getAsBoolean();
        }
        return result;
    }

    /** Waits; negative means forever. Returns an estimate of the time left (<= 0 on timeout). */
    private long awaitNanos(long timeoutNanos, boolean interruptible) throws InterruptedException {
        if (interruptible && Thread.interrupted()) {
            throw new InterruptedException();
        }
        int seq = record.getInt(COND_SEQ);
        record.addInt(COND_SLEEPERS, 1);
        int saved = lock.releaseForWait();
        long start = System.nanoTime();
        boolean interrupted = false;
        long left = timeoutNanos < 0 ? Long.MAX_VALUE : timeoutNanos;
        try {
            while (record.getInt(COND_SEQ) == seq) {
                if (Thread.interrupted()) {
                    if (interruptible) {
                        interrupted = true;
                        break;
                    }
                }
                long sleep = SharedRecord.SLICE_NANOS;
                if (timeoutNanos >= 0) {
                    left = timeoutNanos - (System.nanoTime() - start);
                    if (left <= 0) {
                        break;
                    }
                    sleep = Math.min(sleep, left);
                }
                record.sleep(COND_SEQ, seq, sleep);
            }
        } finally {
            record.addInt(COND_SLEEPERS, -1);
            lock.restore(saved);
        }
        if (interrupted) {
            throw new InterruptedException();
        }
        return timeoutNanos < 0 ? Long.MAX_VALUE : Math.max(timeoutNanos - (System.nanoTime() - start), record.getInt(COND_SEQ) != seq ? 1 : 0);
    }

    /** Wakes one waiter. The lock should be held, as in Python. */
    @Override
    public void signal() {
        record.addInt(COND_SEQ, 1);
        if (record.getInt(COND_SLEEPERS) > 0) {
            record.wake(COND_SEQ, 1);
        }
    }

    /** Wakes every waiter (Python's {@code notify_all}). */
    @Override
    public void signalAll() {
        record.addInt(COND_SEQ, 1);
        if (record.getInt(COND_SLEEPERS) > 0) {
            record.wake(COND_SEQ, Integer.MAX_VALUE);
        }
    }

    @Override
    public String toString() {
        return "<Condition(" + lock + ", " + record.getInt(COND_SLEEPERS) + " waiting)>";
    }
}
