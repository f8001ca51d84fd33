package dev.mp4j.sync;

import static dev.mp4j.sync.SharedRecord.MY_OWNER;
import static dev.mp4j.sync.SyncLayout.LOCK_OWNER_THREAD;
import static dev.mp4j.sync.SyncLayout.LOCK_WORD;
import static dev.mp4j.sync.SyncLayout.PID_MASK;
import static dev.mp4j.sync.SyncLayout.WAITERS;

import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * The mutex under {@link ProcessLock} and {@link ReentrantProcessLock}, and their common type:
 * what a shared value or array guarded by either returns from {@code getLock()} (Python's
 * {@code Value(t, v, lock=some_lock)} takes a {@code Lock} or an {@code RLock}).
 *
 * <h2>Algorithm</h2>
 * One 32-bit word in shared memory holds the owner's pid, or 0 when free, plus a WAITERS bit
 * (Drepper's "futexes are tricky" mutex, with the pid in place of the 1). Taking a free lock is a
 * single compare-and-set. A contender spins a few microseconds, then sets WAITERS and sleeps on
 * the word with {@code futex}; the releaser swaps in 0 and wakes one sleeper only if WAITERS was
 * set. A woken sleeper takes the lock with WAITERS kept set, since it cannot know whether others
 * still sleep.
 *
 * <p>Because the word names the owner process, a sleeper can tell when the owner has died (it
 * looks at most every 50 ms): it then takes the lock over and {@link #ownerDied()} reports true
 * until the next acquisition, so the caller can repair what the lock guards. CPython deadlocks
 * here. Within a process, the owning thread is recorded beside the word.
 */
public abstract sealed class AbstractProcessLock implements Lock, Serializable permits ProcessLock, ReentrantProcessLock {
    @Serial
    private static final long serialVersionUID = 1L;

    final SharedRecord record;
    private transient volatile boolean ownerDied;

    AbstractProcessLock(SharedRecord record) {
        this.record = record;
        if (record.held()) {
            canonical(this);
        }
    }

    /**
     * This process's object for each lock record, weakly: a copy read from a message or a task
     * resolves to it ({@link #readResolve}), as a copy of the same object within one stream
     * already does. A lock's per-process state lives in its object (the thread a condition
     * checks, {@link #ownerDied()}): two objects for one lock in one process, a lock and a
     * condition's lock received separately, say, disagreed about who held it.
     */
    private static final java.util.concurrent.ConcurrentHashMap<RecordKey, Canonical> CANONICAL =
            new java.util.concurrent.ConcurrentHashMap<>();
    private static final java.lang.ref.ReferenceQueue<AbstractProcessLock> GONE = new java.lang.ref.ReferenceQueue<>();

    private record RecordKey(String segment, long offset) {
    }

    private static final class Canonical extends java.lang.ref.WeakReference<AbstractProcessLock> {
        final RecordKey key;

        Canonical(AbstractProcessLock lock, RecordKey key) {
            super(lock, GONE);
            this.key = key;
        }
    }

    /**
     * This process's object for the record of a lock just built over it (a shared value's, a
     * copy of which was just read): that lock, unless one is known already.
     */
    @SuppressWarnings("unchecked")
    static <L extends AbstractProcessLock> L canonicalOf(L built) {
        return (L) canonical(built);
    }

    /** This process's object for {@code lock}'s record: {@code lock} unless one is known already. */
    private static AbstractProcessLock canonical(AbstractProcessLock lock) {
        for (java.lang.ref.Reference<?> r; (r = GONE.poll()) != null; ) {
            CANONICAL.remove(((Canonical) r).key, r);
        }
        RecordKey key = new RecordKey(lock.record.segmentName(), lock.record.offset());
        while (true) {
            Canonical known = CANONICAL.get(key);
            AbstractProcessLock it = known == null ? null : known.get();
            if (it != null) {
                return it.getClass() == lock.getClass() ? it : lock;
            }
            Canonical mine = new Canonical(lock, key);
            if (known == null ? CANONICAL.putIfAbsent(key, mine) == null : CANONICAL.replace(key, known, mine)) {
                return lock;
            }
        }
    }

    /**
     * A copy read in a process that has this lock's object already is that object (see
     * {@link #CANONICAL}). Not a lock placed by hand in a segment that is not held (a queue's or
     * a pipe's own): its mapping goes when its owner closes it, and another copy must not
     * resolve to a closed one.
     */
    @Serial
    Object readResolve() {
        return record.held() ? canonical(this) : this;
    }

    /** Python's {@code acquire()}: blocks until the lock is held. */
    public boolean acquire() {
        lock();
        return true;
    }

    /**
     * Python's {@code acquire(block, timeout)}. Like Python's, not cut short by an interrupt (the
     * thread's interrupt status stays set): a free lock is taken, a held one waited for up to
     * {@code timeout}. {@link #tryLock(long, TimeUnit)} is the interruptible form.
     *
     * @param timeout null waits forever (when blocking)
     * @return whether the lock was acquired
     */
    public boolean acquire(boolean block, Duration timeout) {
        // A re-entrant lock this thread holds is taken again at once, as Python's RLock.acquire
        // does, whatever the thread's interrupt status.
        if (reenter()) {
            return true;
        }
        if (!block) {
            return tryLock();
        }
        if (timeout == null) {
            lock();
            return true;
        }
        try {
            return acquireWord(Math.max(0, java.util.concurrent.TimeUnit.NANOSECONDS.convert(timeout)), false);
        } catch (InterruptedException e) {
            throw new AssertionError("not interruptible", e);
        }
    }

    /** Python's {@code release()}. */
    public void release() {
        unlock();
    }

    /**
     * True right after an acquisition that took the lock over from a process that died holding
     * it: the data it guards may be half-updated.
     */
    public boolean ownerDied() {
        return ownerDied;
    }

    /** Whether some thread of some process holds the lock now. */
    public boolean isLocked() {
        return record.getInt(LOCK_WORD) != 0;
    }

    /** The pid of the owning process, or 0 when free. */
    public int ownerPid() {
        return record.getInt(LOCK_WORD) & SyncLayout.PID_BITS;
    }

    /**
     * Whether the lock is held by a process that is gone (one that died holding it, an earlier
     * process with this pid included), so that it waits to be taken over. A look at /proc.
     */
    public boolean ownerGone() {
        int owner = record.getInt(LOCK_WORD) & PID_MASK;
        return owner != 0 && !SharedRecord.ownerAlive(owner);
    }

    @Override
    public Condition newCondition() {
        return ProcessCondition.create(this);
    }

    /** Takes the word: 0 try once, negative forever. */
    final boolean acquireWord(long timeoutNanos, boolean interruptible) throws InterruptedException {
        // Work this thread began and another process must see first (a manager put sent without
        // waiting) is finished before an untimed wait for the lock, not only before it is
        // released: where that waits (a manager that stopped answering), it waits without holding
        // the lock, as CPython's put itself would have, instead of keeping every other taker
        // waiting too. Not for a try or a timed wait, which must not wait longer than they say
        // (the release finishes it then, as before).
        if (timeoutNanos < 0) {
            dev.mp4j.shm.Handoffs.handoff();
        }
        if (record.casInt(LOCK_WORD, 0, MY_OWNER)) {
            acquired(false);
            return true;
        }
        if (timeoutNanos == 0) {
            // One look, but one that takes over from an owner that died holding the word: else
            // a process killed holding it (a consumer blocked in take) would make every poll
            // and offer after it fail for good.
            return takeOverFromDead(record.getInt(LOCK_WORD));
        }
        long start = System.nanoTime();
        long spinEnd = start + (timeoutNanos < 0 ? SharedRecord.SPIN_NANOS : Math.min(SharedRecord.SPIN_NANOS, timeoutNanos));
        do {
            Thread.onSpinWait();
            if (record.getInt(LOCK_WORD) == 0 && record.casInt(LOCK_WORD, 0, MY_OWNER)) {
                acquired(false);
                return true;
            }
        } while (System.nanoTime() - spinEnd < 0);
        return acquireSlow(start, timeoutNanos, interruptible);
    }

    private boolean takeOverFromDead(int v) {
        int owner = v & PID_MASK;
        if (owner != 0 && owner != MY_OWNER && !SharedRecord.ownerAlive(owner)
                && record.casInt(LOCK_WORD, v, MY_OWNER | (v & WAITERS))) {
            acquired(true);
            return true;
        }
        return false;
    }

    private boolean acquireSlow(long start, long timeoutNanos, boolean interruptible) throws InterruptedException {
        // The owner is looked at after a slice of waiting (not at once: a contended lock is held
        // by a live process nearly always, and a look is a system call), and by a wait that is
        // about to time out, so a short timeout takes over from a dead owner too.
        long lastOwnerCheck = System.nanoTime();
        while (true) {
            int v = record.getInt(LOCK_WORD);
            if (v == 0) {
                if (record.casInt(LOCK_WORD, 0, MY_OWNER | WAITERS)) {
                    acquired(false);
                    return true;
                }
                continue;
            }
            if ((v & WAITERS) == 0 && !record.casInt(LOCK_WORD, v, v | WAITERS)) {
                continue;
            }
            long now = System.nanoTime();
            if (now - lastOwnerCheck >= SharedRecord.SLICE_NANOS) {
                lastOwnerCheck = now;
                int owner = v & PID_MASK;
                if (owner != MY_OWNER && !SharedRecord.ownerAlive(owner)) {
                    if (record.casInt(LOCK_WORD, v | WAITERS, MY_OWNER | WAITERS)) {
                        acquired(true);
                        return true;
                    }
                    continue;
                }
            }
            long sleep = SharedRecord.SLICE_NANOS;
            if (timeoutNanos >= 0) {
                long left = timeoutNanos - (now - start);
                if (left <= 0) {
                    int w = record.getInt(LOCK_WORD);
                    if (w == 0 && record.casInt(LOCK_WORD, 0, MY_OWNER | WAITERS)) {
                        acquired(false);
                        return true;
                    }
                    return takeOverFromDead(w);
                }
                sleep = Math.min(sleep, left);
            }
            if (interruptible && Thread.interrupted()) {
                throw new InterruptedException();
            }
            record.sleep(LOCK_WORD, v | WAITERS, sleep);
        }
    }

    private void acquired(boolean fromDeadOwner) {
        // Written only when it changes: a volatile store is a full fence on x86, as dear as the
        // compare-and-set that took the lock.
        if (ownerDied != fromDeadOwner) {
            ownerDied = fromDeadOwner;
        }
        onAcquired(fromDeadOwner);
    }

    /** For the re-entrant lock: takes it again if this thread holds it (counting the hold). */
    boolean reenter() {
        return false;
    }

    /** Hook for the re-entrant lock, which records its owning thread and hold count. */
    void onAcquired(boolean fromDeadOwner) {
    }

    /**
     * Frees the word and wakes one sleeper if there is one; returns what the word held (0: the
     * lock was not held). One atomic swap and nothing else, for the plain lock: a lock that any
     * thread may release has no owning thread to record.
     */
    final int releaseWord() {
        int old = (int) SharedRecord.INT.getAndSet(record.words, (int) LOCK_WORD, 0);
        if ((old & WAITERS) != 0) {
            record.wake(LOCK_WORD, 1);
        }
        return old;
    }

    /**
     * The owning thread, as the re-entrant lock records it: set after the compare-and-set that
     * took the word and cleared before the swap that frees it, so a thread of this process that
     * finds the word naming this process reads the owner it set or one that is not itself.
     */
    final void recordOwnerThread(long threadId) {
        record.setLongPlain(LOCK_OWNER_THREAD, threadId == 0 ? 0 : ownerKey(threadId));
    }

    /**
     * A thread as the owner field holds it: with this JVM's owner id (pid and tag, see
     * {@link SharedRecord#MY_OWNER}). Thread ids repeat across
     * JVMs (main is 1 in each), so a bare id left by an owner that died could name a thread
     * here in the moment between taking the lock over and recording the new owner.
     */
    private static long ownerKey(long threadId) {
        return ((long) MY_OWNER << 34) | (threadId & 0x3_FFFF_FFFFL);
    }

    /** Whether the calling thread of this process holds the word. */
    final boolean heldByCurrentThread() {
        return (record.getInt(LOCK_WORD) & PID_MASK) == MY_OWNER
                && record.getLongPlain(LOCK_OWNER_THREAD) == ownerKey(Thread.currentThread().threadId());
    }

    /**
     * For conditions: whether the caller may signal, that is, holds this lock (a plain lock
     * records no owning thread, so its owning process is what can be told).
     */
    boolean heldForSignal() {
        return (record.getInt(LOCK_WORD) & PID_MASK) == MY_OWNER;
    }

    /** For conditions: gives up the lock entirely, returning what {@link #restore} needs. */
    abstract int releaseForWait();

    /** For conditions: takes the lock back after a wait. */
    abstract void restore(int saved);

    @Override
    public void lock() {
        try {
            acquireWord(-1, false);
        } catch (InterruptedException e) {
            throw new AssertionError("not interruptible", e);
        }
    }

    @Override
    public void lockInterruptibly() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        acquireWord(-1, true);
    }

    @Override
    public boolean tryLock() {
        try {
            return acquireWord(0, false);
        } catch (InterruptedException e) {
            throw new AssertionError("not interruptible", e);
        }
    }

    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        return acquireWord(Math.max(0, unit.toNanos(time)), true);
    }

    @Override
    public String toString() {
        int owner = record.getInt(LOCK_WORD) & PID_MASK;
        return "<" + getClass().getSimpleName() + "(owner=" + (owner == 0 ? "None" : owner == MY_OWNER ? "this process"
                : "pid " + (owner & SyncLayout.PID_BITS)) + ")>";
    }
}
