package dev.mp4j.sync;

import static dev.mp4j.sync.SyncLayout.COND_NEXT;
import static dev.mp4j.sync.SyncLayout.COND_SEQ;
import static dev.mp4j.sync.SyncLayout.COND_SLEEPERS;
import static dev.mp4j.sync.SyncLayout.COND_SLOTS;
import static dev.mp4j.sync.SyncLayout.COND_SLOT_COUNT;
import static dev.mp4j.sync.SyncLayout.COND_USED;

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
 * Each wait takes a ticket, in order, and a free slot in shared memory that holds the ticket
 * and its process's pid; {@code signal(n)} grants the {@code n} waits with the oldest tickets
 * (the slot's pid turns negative), {@code signalAll} all of them, and each granted wait, once
 * it has the lock back, returns. So wake-ups go first come, first served, as Java's own
 * conditions do: a signal is never spent on a wait that began after it, and {@code signal()}
 * wakes one waiter, not all (Python's {@code notify}). A wait that gives up (timeout, interrupt)
 * frees its slot; a granted wait that ends by an exception passes its grant on. A signal passes
 * over the waits of processes that died, and passes on the grants of processes that died before
 * taking them. Slots change only with the lock held. A waiter takes the lock back only when the
 * futex word moves (each signal bumps it and wakes all sleepers, which look at their own slot),
 * when its time is up or when it is interrupted; if it then finds that the lock's previous owner
 * died ({@link AbstractProcessLock#ownerDied()}), it returns at once, as a spurious wake-up, so
 * that its caller learns it. Unlike CPython's, a signal does not wait for the woken to
 * acknowledge. A waiter also looks, at the end of each 50 ms sleep, for a grant made to it by a
 * signaller that died before waking it, and for a grant left with a process that died before it
 * took it, which it passes on; a grant passed on that way (or from a wait that ended by an
 * exception) may wake a wait that began after the signal, when no earlier one is left: a
 * spurious wake-up, which the contract allows. At most 1024 waits can be outstanding on one
 * condition at once; one more is refused with an {@link IllegalStateException}.
 */
public final class ProcessCondition implements Condition, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    final SharedRecord record;
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
        long left;
        try {
            left = Math.subtractExact(deadline.getTime(), System.currentTimeMillis());
        } catch (ArithmeticException overflow) {
            // A date at either end of time: already past, or never.
            left = deadline.getTime() < 0 ? 0 : Long.MAX_VALUE;
        }
        return await(Math.max(0, left), TimeUnit.MILLISECONDS);
    }

    /**
     * Python's {@code wait(timeout)}: waits for a signal, at most {@code timeout} (null: forever),
     * then takes the lock back, which may take longer: as with Python's and
     * {@link java.util.concurrent.locks.Condition}'s, the timeout bounds the wait for a signal,
     * not for the lock (a process holding it is taken over within about 50 ms if it dies).
     *
     * @return false if the timeout elapsed, true otherwise (as Python's and
     *         {@link java.util.concurrent.locks.Condition#await(long, TimeUnit)}'s): signalled, or
     *         returned early because the lock was taken over from a process that died holding it.
     *         Check the lock's {@code ownerDied()} on return: a signal can also come from a
     *         process that then died before it released the lock.
     */
    public boolean await(Duration timeout) throws InterruptedException {
        return waitFor(timeout == null ? -1 : Math.max(0, java.util.concurrent.TimeUnit.NANOSECONDS.convert(timeout)), true);
    }

    /**
     * Python's {@code wait_for(predicate, timeout)}: waits until {@code predicate} holds (checked
     * with the lock held), at most {@code timeout} (null: forever).
     *
     * @return the predicate's last value
     */
    public boolean awaitFor(BooleanSupplier predicate, Duration timeout) throws InterruptedException {
        long start = System.nanoTime();
        long limit = timeout == null ? -1 : Math.max(0, java.util.concurrent.TimeUnit.NANOSECONDS.convert(timeout));
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
     * Waits; negative means forever. Returns false if the timeout elapsed unsignalled; true if
     * signalled, or woken early to hand back a lock whose previous owner died (see
     * {@link AbstractProcessLock#ownerDied()}), which the Condition contract allows as a spurious
     * wake-up (its {@code false} means the time is up, and a caller may act on that alone).
     */
    private boolean waitFor(long timeoutNanos, boolean interruptible) throws InterruptedException {
        // Waiting releases the lock to another process: a hand-off (see Handoffs).
        dev.mp4j.shm.Handoffs.handoff();
        if (interruptible && Thread.interrupted()) {
            throw new InterruptedException();
        }
        // Checked before anything is taken: releaseForWait refuses an un-acquired lock too.
        if (!lock.heldForSignal()) {
            throw new IllegalMonitorStateException("cannot wait on un-acquired lock");
        }
        long start = System.nanoTime();
        boolean interrupted = false;
        boolean signalled = false;
        int slot = -1;
        int ticket = 0;
        int saved = -1;
        try {
            ticket = record.getInt(COND_NEXT);
            slot = takeSlot(ticket);
            int seq = record.getInt(COND_SEQ);
            saved = lock.releaseForWait();
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
                    // A look at each slice's end, without the lock: granted by a signaller that
                    // died before it could wake anyone, or a grant left with a dead process that
                    // no later signal may come to pass on.
                    if (record.getInt(COND_SEQ) == seq && (granted(slot) || deadGrantee())) {
                        break;
                    }
                }
                lock.restore(saved);
                saved = -1;
                // The slots are read and changed with the lock held.
                reap(false);
                if (granted(slot)) {
                    // Granted to this very wait: signals go to the oldest waits first.
                    signalled = true;
                    break;
                }
                boolean timedOut = timeoutNanos >= 0 && System.nanoTime() - start >= timeoutNanos;
                if (interrupted || timedOut || lock.ownerDied()) {
                    // Leaving unsignalled (or handing back a lock taken over from a dead owner,
                    // whose data the caller must look at).
                    break;
                }
                seq = record.getInt(COND_SEQ);
                saved = lock.releaseForWait();
            }
        } finally {
            try {
                if (saved != -1) {
                    // Left by an exception while the lock was given up: take it back, as a wait must.
                    lock.restore(saved);
                }
            } finally {
                // The slot goes whatever happened, if it is still this wait's and the lock is
                // held (slots change only under it). A grant made to it that this wait will not
                // report (it ends by an exception) goes to the next oldest wait instead.
                if (slot >= 0 && lock.heldForSignal() && ticketOf(slot) == ticket
                        && Math.abs(holder(slot)) == SharedRecord.MY_OWNER) {
                    boolean unreported = granted(slot) && !signalled;
                    freeSlot(slot);
                    if (unreported) {
                        grantOldest(1);
                    }
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
        return signalled || timeoutNanos < 0 || System.nanoTime() - start < timeoutNanos;
    }

    // ---- slots: changed only with the lock held ----

    private long slotAt(int slot) {
        return COND_SLOTS + 8L * slot;
    }

    /**
     * The waiting process in a slot, named as lock words name owners (pid and its JVM's tag, see
     * {@link SharedRecord#MY_OWNER}, so that a dead wait is not taken for one of a later process
     * with its pid): 0 free, positive waiting, negative granted.
     */
    private int holder(int slot) {
        return record.getInt(slotAt(slot) + 4);
    }

    private int ticketOf(int slot) {
        return record.getInt(slotAt(slot));
    }

    private boolean granted(int slot) {
        return holder(slot) == -SharedRecord.MY_OWNER;
    }

    /** Takes a free slot for the wait with {@code ticket}, reaping those of dead processes if none is free. */
    private int takeSlot(int ticket) {
        int slot = freeSlotIndex();
        if (slot < 0) {
            reap(true);
            slot = freeSlotIndex();
            if (slot < 0) {
                throw new IllegalStateException("more than " + COND_SLOT_COUNT + " waits at once on a condition");
            }
        }
        record.setInt(slotAt(slot), ticket);
        record.setInt(slotAt(slot) + 4, SharedRecord.MY_OWNER);
        record.setInt(COND_NEXT, ticket + 1);
        int used = record.getInt(COND_USED);
        if (slot >= used) {
            record.setInt(COND_USED, slot + 1);
        }
        return slot;
    }

    private int freeSlotIndex() {
        int used = record.getInt(COND_USED);
        for (int i = 0; i < used; i++) {
            if (holder(i) == 0) {
                return i;
            }
        }
        return used < COND_SLOT_COUNT ? used : -1;
    }

    private void freeSlot(int slot) {
        record.setInt(slotAt(slot) + 4, 0);
        // Keeps the slots in use at the low end, so that scans stop early.
        int used = record.getInt(COND_USED);
        while (used > 0 && holder(used - 1) == 0) {
            used--;
        }
        record.setInt(COND_USED, used);
    }

    /**
     * Passes the grants made to processes that died before they took them on to the oldest
     * living waits and, with {@code waitsToo}, frees the slots of processes that died waiting
     * (a signal passes those over anyway; only a full table needs them gone at once).
     */
    private void reap(boolean waitsToo) {
        int regrant = 0;
        int used = record.getInt(COND_USED);
        for (int i = 0; i < used; i++) {
            int holder = holder(i);
            if (holder == 0 || (holder > 0 && !waitsToo) || Math.abs(holder) == SharedRecord.MY_OWNER
                    || SharedRecord.ownerAlive(Math.abs(holder))) {
                continue;
            }
            if (holder < 0) {
                regrant++;
            }
            freeSlot(i);
        }
        if (regrant > 0) {
            grantOldest(regrant);
        }
    }

    /** Grants up to {@code n} waits, oldest ticket first, passing over those of dead processes; returns how many. */
    private int grantOldest(int n) {
        int granted = 0;
        int next = record.getInt(COND_NEXT);
        while (granted < n) {
            int oldest = -1;
            int oldestAge = 0;
            int used = record.getInt(COND_USED);
            for (int i = 0; i < used; i++) {
                if (holder(i) > 0) {
                    int age = next - ticketOf(i);
                    if (oldest < 0 || age > oldestAge) {
                        oldest = i;
                        oldestAge = age;
                    }
                }
            }
            if (oldest < 0) {
                break;
            }
            int holder = holder(oldest);
            if (!SharedRecord.ownerAlive(holder)) {
                freeSlot(oldest);
                continue;
            }
            record.setInt(slotAt(oldest) + 4, -holder);
            granted++;
        }
        if (granted > 0) {
            wakeSleepers();
        }
        return granted;
    }

    /** Wakes one waiter (Python's {@code notify()}): the one that has waited longest. The lock must be held, as in Python. */
    @Override
    public void signal() {
        signal(1);
    }

    /**
     * Python's {@code notify(n)}: wakes the {@code n} waiters that have waited longest (fewer if
     * fewer wait). The lock must be held.
     *
     * @throws IllegalMonitorStateException if the caller does not hold the lock
     */
    public void signal(int n) {
        dev.mp4j.shm.Handoffs.handoff();
        if (n < 0) {
            throw new IllegalArgumentException("cannot notify a negative number of waiters: " + n);
        }
        checkHeld();
        if (n > 0) {
            reap(false);
            grantOldest(n);
        }
    }

    /** Wakes every waiter (Python's {@code notify_all}). The lock must be held. */
    @Override
    public void signalAll() {
        dev.mp4j.shm.Handoffs.handoff();
        checkHeld();
        // One pass: every wait is granted, so their order does not matter.
        int granted = 0;
        int used = record.getInt(COND_USED);
        for (int i = 0; i < used; i++) {
            int holder = holder(i);
            if (holder > 0) {
                if (holder != SharedRecord.MY_OWNER && !SharedRecord.ownerAlive(holder)) {
                    // Passed over, as grantOldest does: a grant to a dead wait would go to the
                    // next wait to come, which no signal was meant for.
                    freeSlot(i);
                    continue;
                }
                record.setInt(slotAt(i) + 4, -holder);
                granted++;
            }
        }
        if (granted > 0) {
            wakeSleepers();
        }
    }

    /** Whether a grant is held by another process that died (read without the lock: a hint). */
    private boolean deadGrantee() {
        int used = record.getInt(COND_USED);
        for (int i = 0; i < used; i++) {
            int holder = holder(i);
            if (holder < 0 && holder != -SharedRecord.MY_OWNER && !SharedRecord.ownerAlive(-holder)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Bumps the futex word and wakes every sleeper on it: a futex wakes sleepers in no useful
     * order, and the granted waits must wake; the others look at their slot and sleep again.
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
        int waiting = 0;
        int used = record.getInt(COND_USED);
        for (int i = 0; i < used; i++) {
            if (holder(i) > 0) {
                waiting++;
            }
        }
        return "<Condition(" + lock + ", " + waiting + " waiting)>";
    }
}
