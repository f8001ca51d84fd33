package dev.mp4j.sync;

import static dev.mp4j.sync.SyncLayout.COND_BASE;
import static dev.mp4j.sync.SyncLayout.COND_NEXT;
import static dev.mp4j.sync.SyncLayout.COND_SEQ;
import static dev.mp4j.sync.SyncLayout.COND_SLEEPERS;
import static dev.mp4j.sync.SyncLayout.COND_SLOTS;
import static dev.mp4j.sync.SyncLayout.COND_TICKETS;

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
 * Each wait takes a ticket, in order, and its slot in shared memory holds its process's pid;
 * {@code signal(n)} grants the {@code n} oldest waits still there (the slot's pid turns negative),
 * {@code signalAll} all of them, and each granted wait, once it has the lock back, returns. So
 * wake-ups go first come, first served (as Java's own conditions do): a signal is never spent on
 * a wait that began after it, nor lost, and {@code signal()} wakes one waiter, not all (Python's
 * {@code notify}). A wait that gives up (timeout, interrupt) leaves its slot; one whose process
 * died is passed over by the next signal (the pid is checked with the system, at most every
 * 100 ms per process). Tickets and slots change only with the lock held. A waiter takes the lock
 * back only when the futex word moves (every signal bumps it and wakes all sleepers, which then
 * look at their own slot), when its time is up or when it is interrupted; if it then finds that
 * the lock's previous owner died ({@link AbstractProcessLock#ownerDied()}), it returns at once,
 * as a spurious wake-up, so that its caller learns it. Unlike CPython's, a signal does not wait
 * for the woken to acknowledge. At most 1024 waits can be outstanding on one condition.
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
        return new ProcessCondition(SharedRecord.create(SyncLayout.COND_SIZE), processLock);
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
        // Checked before anything is taken: releaseForWait refuses an un-acquired lock too.
        if (!lock.heldForSignal()) {
            throw new IllegalMonitorStateException("cannot wait on un-acquired lock");
        }
        int ticket = takeTicket();
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
                // The tickets are read and changed with the lock held.
                if (slot(ticket) == -SharedRecord.MY_PID) {
                    // Granted, to this very wait: signals go to the oldest waits first.
                    signalled = true;
                    settled = true;
                    leave(ticket);
                    break;
                }
                boolean timedOut = timeoutNanos >= 0 && System.nanoTime() - start >= timeoutNanos;
                if (interrupted || timedOut || lock.ownerDied()) {
                    // Leaving unsignalled (or handing back a lock taken over from a dead owner,
                    // whose data the caller must look at): the ticket goes, so no later signal
                    // is spent on it.
                    settled = true;
                    leave(ticket);
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
                // Left by an exception: a grant made to this wait is taken (the caller will not
                // know, as a spurious wake-up), and the ticket goes either way.
                leave(ticket);
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

    /**
     * Takes the next ticket (the lock held): its slot holds this process's pid while it waits,
     * and minus that pid once a signal grants it.
     */
    private int takeTicket() {
        int next = record.getInt(COND_NEXT);
        if (next - record.getInt(COND_BASE) >= COND_TICKETS) {
            dropDeadFront();
            if (next - record.getInt(COND_BASE) >= COND_TICKETS) {
                throw new IllegalStateException("more than " + COND_TICKETS + " waits at once on " + this);
            }
        }
        setSlot(next, SharedRecord.MY_PID);
        record.setInt(COND_NEXT, next + 1);
        return next;
    }

    /** Ends the wait of {@code ticket} (the lock held), and moves the oldest live ticket up. */
    private void leave(int ticket) {
        setSlot(ticket, 0);
        dropDeadFront();
    }

    /**
     * Moves the oldest ticket past those that are done: left, or held by a process that died
     * waiting (or granted, before it took the grant).
     */
    private void dropDeadFront() {
        int base = record.getInt(COND_BASE);
        int next = record.getInt(COND_NEXT);
        while (base != next) {
            int holder = slot(base);
            if (holder != 0 && alive(Math.abs(holder))) {
                break;
            }
            setSlot(base, 0);
            base++;
        }
        record.setInt(COND_BASE, base);
    }

    private int slot(int ticket) {
        return record.getInt(COND_SLOTS + 4L * Math.floorMod(ticket, COND_TICKETS));
    }

    private void setSlot(int ticket, int value) {
        record.setInt(COND_SLOTS + 4L * Math.floorMod(ticket, COND_TICKETS), value);
    }

    /** Whether {@code pid} lives, asked of the system at most every 100 ms per pid. */
    private boolean alive(int pid) {
        if (pid == SharedRecord.MY_PID) {
            return true;
        }
        long now = System.nanoTime();
        if (livingChecked == null) {
            livingChecked = new java.util.HashMap<>();
        }
        Long checked = livingChecked.get(pid);
        if (checked != null && now - checked < ALIVE_RECHECK_NANOS) {
            return true;
        }
        boolean alive = SharedRecord.alive(pid);
        if (alive) {
            if (livingChecked.size() > 256) {
                livingChecked.clear();
            }
            livingChecked.put(pid, now);
        } else {
            livingChecked.remove(pid);
        }
        return alive;
    }

    /** Pids found alive lately (used with the lock held). */
    private transient java.util.Map<Integer, Long> livingChecked;
    private static final long ALIVE_RECHECK_NANOS = 100_000_000;

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
        grant(n);
    }

    /** Wakes every waiter (Python's {@code notify_all}). The lock must be held. */
    @Override
    public void signalAll() {
        checkHeld();
        grant(Integer.MAX_VALUE);
    }

    /**
     * Grants up to {@code n} waits, oldest first, skipping those granted already and those of
     * processes that died waiting, then wakes the sleepers (the lock held).
     */
    private void grant(int n) {
        dropDeadFront();
        int next = record.getInt(COND_NEXT);
        int granted = 0;
        for (int t = record.getInt(COND_BASE); t != next && granted < n; t++) {
            int holder = slot(t);
            if (holder > 0) {
                if (alive(holder)) {
                    setSlot(t, -holder);
                    granted++;
                } else {
                    setSlot(t, 0);
                }
            }
        }
        if (granted > 0) {
            wakeSleepers();
        }
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
        return "<Condition(" + lock + ", " + (record.getInt(COND_NEXT) - record.getInt(COND_BASE)) + " waiting)>";
    }
}
