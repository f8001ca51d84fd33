package dev.mp4j.sync;

import static dev.mp4j.sync.SyncLayout.COND_BROADCASTS;
import static dev.mp4j.sync.SyncLayout.COND_CANCELLED;
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
 * a waiter takes one only if it was granted after its wait began, so a signal is not lost nor
 * kept for a waiter that comes later, and {@code signal()} wakes one waiter, not all (Python's
 * {@code notify}).
 * A waiter that gives up (timeout, interrupt) counts itself out apart from the grants, so no later
 * signal is spent on it. One killed while it waits may have a later signal granted to it: then one
 * waiter more than signalled wakes once (a spurious wake-up, which the contract allows). A waiter
 * takes the lock back only when signalled, timed out or interrupted; if it then finds that the
 * lock's previous owner died ({@link AbstractProcessLock#ownerDied()}), it returns at once, as a
 * spurious wake-up, so that its caller learns it. The futex word is a sequence
 * number bumped by every signal: a signal between the waiter's release of the lock and its sleep
 * is not lost. Unlike CPython's, a signal does not wait for the woken to acknowledge.
 * Spurious wake-ups can still happen, as the {@link Condition} contract allows: wait in a loop,
 * or use {@link #awaitFor}.
 *
 * <p>Known limit: wake-ups are not handed out first come, first served. A waiter woken by a
 * signal that loses the race for the lock to waiters that began after that signal, while a
 * second signal comes, can see both wake-ups taken by them; it is woken by the next signal (or
 * its timeout). A wait in a loop on a predicate, or {@link #awaitFor}, is not affected.
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
        waitFor(-1, true);
    }

    @Override
    public void awaitUninterruptibly() {
        try {
            waitFor(-1, false);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public long awaitNanos(long nanosTimeout) throws InterruptedException {
        long start = System.nanoTime();
        long timeout = Math.max(0, nanosTimeout);
        waitFor(timeout, true);
        return timeout - (System.nanoTime() - start);
    }

    @Override
    public boolean await(long time, TimeUnit unit) throws InterruptedException {
        return waitFor(Math.max(0, unit.toNanos(time)), true);
    }

    @Override
    public boolean awaitUntil(Date deadline) throws InterruptedException {
        return await(deadline.getTime() - System.currentTimeMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Python's {@code wait(timeout)}: waits for a signal, at most {@code timeout} (null: forever).
     *
     * @return false if it timed out, or returned early because the lock was taken over from a
     *         process that died holding it (the lock's {@code ownerDied()} then says so)
     */
    public boolean await(Duration timeout) throws InterruptedException {
        return waitFor(timeout == null ? -1 : Math.max(0, timeout.toNanos()), true);
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
            waitFor(left, true);
            result = predicate.getAsBoolean();
            if (lock.ownerDied()) {
                // Handed back to let the caller repair what the dead owner left: not waited on.
                break;
            }
        }
        return result;
    }

    /**
     * Waits; negative means forever. Returns whether it was signalled (false: timed out, or woken
     * to hand back a lock whose previous owner died, see {@link AbstractProcessLock#ownerDied()}).
     */
    private boolean waitFor(long timeoutNanos, boolean interruptible) throws InterruptedException {
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
        long start = System.nanoTime();
        boolean interrupted = false;
        boolean signalled = false;
        boolean settled = false;
        int seq = record.getInt(COND_SEQ);
        int saved = lock.releaseForWait();
        try {
            while (true) {
                // Asleep without the lock until a signal moves the futex word, the time is up
                // or an interrupt comes: the lock is taken back only then, not at every slice's
                // end, so that a waiter does not take over (and hide) a lock whose owner died.
                while (record.getInt(COND_SEQ) == seq) {
                    if (interruptible && Thread.interrupted()) {
                        interrupted = true;
                        break;
                    }
                    long sleep = SharedRecord.SLICE_NANOS;
                    if (timeoutNanos >= 0) {
                        long left = timeoutNanos - (System.nanoTime() - start);
                        if (left <= 0) {
                            break;
                        }
                        sleep = Math.min(sleep, left);
                    }
                    record.addInt(COND_SLEEPERS, 1);
                    try {
                        record.sleep(COND_SEQ, seq, sleep);
                    } finally {
                        record.addInt(COND_SLEEPERS, -1);
                    }
                }
                lock.restore(saved);
                saved = -1;
                // The counters are read and changed with the lock held.
                if (record.getInt(COND_BROADCASTS) != broadcasts) {
                    // signalAll counted every waiter as woken already.
                    signalled = true;
                    settled = true;
                    break;
                }
                int granted = record.getInt(COND_GRANTED);
                int taken = record.getInt(COND_TAKEN);
                if (granted != grantedAtStart && taken != granted) {
                    // A wake-up granted since this wait began, not yet taken: take it.
                    record.setInt(COND_TAKEN, taken + 1);
                    signalled = true;
                    settled = true;
                    break;
                }
                boolean timedOut = timeoutNanos >= 0 && System.nanoTime() - start >= timeoutNanos;
                if (interrupted || timedOut || lock.ownerDied()) {
                    // Leaving unsignalled (or handing back a lock taken over from a dead owner,
                    // whose data the caller must look at): counted out apart from the grants,
                    // so that no later signal is spent on this wait, and no grant made before a
                    // later wait began is mistaken for one made after it.
                    record.setInt(COND_CANCELLED, record.getInt(COND_CANCELLED) + 1);
                    settled = true;
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
            if (!settled) {
                // Left by an exception: settle as a timeout would, taking a grant made for this
                // wait if there is one, so that the counters stay true.
                int granted = record.getInt(COND_GRANTED);
                int taken = record.getInt(COND_TAKEN);
                if (record.getInt(COND_BROADCASTS) == broadcasts && granted != grantedAtStart && taken != granted) {
                    record.setInt(COND_TAKEN, taken + 1);
                } else if (record.getInt(COND_BROADCASTS) == broadcasts) {
                    record.setInt(COND_CANCELLED, record.getInt(COND_CANCELLED) + 1);
                }
            }
        }
        if (interrupted && !signalled) {
            throw new InterruptedException();
        }
        if (interrupted) {
            // Signalled as well: keep the signal (it was taken), report the interrupt the Java way.
            Thread.currentThread().interrupt();
        }
        return signalled;
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
        int granted = record.getInt(COND_GRANTED);
        int grant = Math.min(n, record.getInt(COND_WAITS) - record.getInt(COND_CANCELLED) - granted);
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
        int all = record.getInt(COND_WAITS) - record.getInt(COND_CANCELLED);
        if (all == record.getInt(COND_GRANTED)) {
            return;
        }
        record.setInt(COND_GRANTED, all);
        record.setInt(COND_TAKEN, all);
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
        int waiting = record.getInt(COND_WAITS) - record.getInt(COND_CANCELLED) - record.getInt(COND_TAKEN);
        return "<Condition(" + lock + ", " + Math.max(0, waiting) + " waiting)>";
    }
}
