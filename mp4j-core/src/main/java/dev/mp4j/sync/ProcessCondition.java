package dev.mp4j.sync;

import static dev.mp4j.sync.SyncLayout.COND_BROADCASTS;
import static dev.mp4j.sync.SyncLayout.COND_GRANTED;
import static dev.mp4j.sync.SyncLayout.COND_SEQ;
import static dev.mp4j.sync.SyncLayout.COND_SLEEPERS;
import static dev.mp4j.sync.SyncLayout.COND_TAKEN;
import static dev.mp4j.sync.SyncLayout.COND_WAITS;

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
 * Counters in shared memory, changed only with the lock held, say how many waits began, how many
 * wake-ups were granted and how many taken (the scheme of the classic POSIX condition variables).
 * {@code signal(n)} grants up to {@code n} wake-ups, never more than there are waiters without one;
 * a waiter takes one only if it was granted after its wait began, so a signal is never spent on
 * a later waiter, nor lost, and {@code signal()} wakes one waiter, not all (Python's {@code notify}).
 * A waiter that gives up (timeout, interrupt) counts itself as granted, so no later signal is spent
 * on it; one killed while it waits takes no wake-up from the living. The futex word is a sequence
 * number bumped by every signal: a signal between the waiter's release of the lock and its sleep
 * is not lost. Unlike CPython's, a signal does not wait for the woken to acknowledge.
 * Spurious wake-ups can still happen, as the {@link Condition} contract allows: wait in a loop,
 * or use {@link #awaitFor}.
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

    /**
     * Waits; negative means forever. Returns an estimate of the time left: positive when
     * signalled, 0 or less on timeout.
     */
    private long awaitNanos(long timeoutNanos, boolean interruptible) throws InterruptedException {
        if (interruptible && Thread.interrupted()) {
            throw new InterruptedException();
        }
        // Checked before anything is counted: releaseForWait refuses an un-acquired lock too.
        if (!lock.heldForSignal()) {
            throw new IllegalMonitorStateException("cannot wait on un-acquired lock");
        }
        record.setInt(COND_WAITS, record.getInt(COND_WAITS) + 1);
        int grantedAtStart = record.getInt(COND_GRANTED);
        int broadcasts = record.getInt(COND_BROADCASTS);
        int seq = record.getInt(COND_SEQ);
        long start = System.nanoTime();
        boolean interrupted = false;
        boolean signalled;
        int saved = lock.releaseForWait();
        try {
            while (true) {
                long sleep = SharedRecord.SLICE_NANOS;
                if (timeoutNanos >= 0) {
                    sleep = Math.min(sleep, Math.max(0, timeoutNanos - (System.nanoTime() - start)));
                }
                if (sleep > 0 && record.getInt(COND_SEQ) == seq) {
                    record.addInt(COND_SLEEPERS, 1);
                    try {
                        record.sleep(COND_SEQ, seq, sleep);
                    } finally {
                        record.addInt(COND_SLEEPERS, -1);
                    }
                }
                if (interruptible && Thread.interrupted()) {
                    interrupted = true;
                }
                // The counters are read and changed with the lock held.
                lock.restore(saved);
                saved = -1;
                if (record.getInt(COND_BROADCASTS) != broadcasts) {
                    // signalAll counted every waiter as woken already.
                    signalled = true;
                    break;
                }
                int granted = record.getInt(COND_GRANTED);
                int taken = record.getInt(COND_TAKEN);
                if (granted != grantedAtStart && taken != granted) {
                    // A wake-up granted since this wait began, not yet taken: take it.
                    record.setInt(COND_TAKEN, taken + 1);
                    signalled = true;
                    break;
                }
                boolean timedOut = timeoutNanos >= 0 && System.nanoTime() - start >= timeoutNanos;
                if (interrupted || timedOut) {
                    // Leaving unsignalled: count this wait as granted and taken, so that no later
                    // signal is spent on it.
                    record.setInt(COND_GRANTED, granted + 1);
                    record.setInt(COND_TAKEN, taken + 1);
                    signalled = false;
                    break;
                }
                seq = record.getInt(COND_SEQ);
                saved = lock.releaseForWait();
            }
        } finally {
            if (saved != -1) {
                // Left by an exception while the lock was given up: take it back, as a wait must.
                lock.restore(saved);
            }
        }
        if (interrupted && !signalled) {
            throw new InterruptedException();
        }
        if (interrupted) {
            // Signalled as well: keep the signal (it was taken), report the interrupt the Java way.
            Thread.currentThread().interrupt();
        }
        if (!signalled) {
            return 0;
        }
        return timeoutNanos < 0 ? Long.MAX_VALUE : Math.max(1, timeoutNanos - (System.nanoTime() - start));
    }

    /** Wakes one waiter (Python's {@code notify()}). The lock must be held, as in Python. */
    @Override
    public void signal() {
        signal(1);
    }

    /**
     * Python's {@code notify(n)}: wakes at most {@code n} of the waiters (fewer if fewer wait).
     * The lock must be held.
     *
     * @throws IllegalMonitorStateException if the caller does not hold the lock
     */
    public void signal(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("cannot notify a negative number of waiters: " + n);
        }
        checkHeld();
        int waits = record.getInt(COND_WAITS);
        int granted = record.getInt(COND_GRANTED);
        int grant = Math.min(n, waits - granted);
        if (grant <= 0) {
            return;
        }
        record.setInt(COND_GRANTED, granted + grant);
        wakeSleepers();
    }

    /** Wakes every waiter (Python's {@code notify_all}). The lock must be held. */
    @Override
    public void signalAll() {
        checkHeld();
        int waits = record.getInt(COND_WAITS);
        if (waits == record.getInt(COND_GRANTED)) {
            return;
        }
        record.setInt(COND_GRANTED, waits);
        record.setInt(COND_TAKEN, waits);
        record.setInt(COND_BROADCASTS, record.getInt(COND_BROADCASTS) + 1);
        wakeSleepers();
    }

    /**
     * Bumps the futex word and wakes every sleeper on it: a futex wakes sleepers in no useful
     * order, and waking one that began after the signal (not entitled to it) would leave the
     * entitled one asleep until its slice ends. Those not entitled go back to sleep.
     */
    private void wakeSleepers() {
        record.addInt(COND_SEQ, 1);
        if (record.getInt(COND_SLEEPERS) > 0) {
            record.wake(COND_SEQ, Integer.MAX_VALUE);
        }
    }

    private void checkHeld() {
        if (!lock.heldForSignal()) {
            throw new IllegalMonitorStateException("cannot notify on un-acquired lock");
        }
    }

    @Override
    public String toString() {
        return "<Condition(" + lock + ", " + Math.max(0, record.getInt(COND_WAITS) - record.getInt(COND_GRANTED)) + " waiting)>";
    }
}
