package dev.mp4j.sync;

import static dev.mp4j.sync.SyncLayout.LOCK_HOLDS;

import dev.mp4j.shm.SharedSegment;
import java.io.Serial;

/**
 * A re-entrant lock shared by processes: Python's {@code multiprocessing.RLock}, as a
 * {@link java.util.concurrent.locks.Lock}.
 *
 * <pre>{@code
 * ReentrantProcessLock lock = ReentrantProcessLock.create();
 * lock.lock();
 * lock.lock();          // the owner may take it again
 * lock.unlock();
 * lock.unlock();        // free once every lock() is matched
 * }</pre>
 *
 * <p>Owned by one thread of one process; the owner may acquire it again and must release it as
 * many times. Releasing by anyone else is an {@link IllegalMonitorStateException}. If the owning
 * process dies holding it, a waiter takes it over within about 50 ms and {@link #ownerDied()}
 * tells it so.
 */
public final class ReentrantProcessLock extends AbstractProcessLock {
    @Serial
    private static final long serialVersionUID = 1L;

    private ReentrantProcessLock(SharedRecord record) {
        super(record);
    }

    /** A new lock, free. */
    public static ReentrantProcessLock create() {
        return new ReentrantProcessLock(SharedRecord.create(SyncLayout.RECORD));
    }

    /** A lock whose record lives at {@code offset} of {@code segment} (a copy of such a lock does not keep the segment: see the held form below). */
    public static ReentrantProcessLock within(SharedSegment segment, long offset) {
        return new ReentrantProcessLock(SharedRecord.within(segment, offset, SyncLayout.RECORD));
    }

    /**
     * A lock whose record lives at {@code offset} of a held segment (a shared array's, or a
     * value's slab) whose
     * holder table is at {@code tableOffset}: a copy of the lock sent alone keeps that segment
     * as a copy of its owner would.
     */
    public static ReentrantProcessLock within(dev.mp4j.shm.HeldSegment held, long tableOffset, long offset) {
        // This process's object for it if it has one: a value's copies and the lock received
        // alone (or in a condition) are one lock here (see AbstractProcessLock.readResolve).
        return canonicalOf(new ReentrantProcessLock(SharedRecord.within(held, tableOffset, offset, SyncLayout.RECORD)));
    }

    @Override
    public void lock() {
        if (heldByCurrentThread()) {
            record.setIntPlain(LOCK_HOLDS, record.getIntPlain(LOCK_HOLDS) + 1);
            return;
        }
        super.lock();
    }

    @Override
    public void lockInterruptibly() throws InterruptedException {
        // Interrupted on entry: thrown even when this thread holds the lock, as ReentrantLock does.
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (heldByCurrentThread()) {
            record.setIntPlain(LOCK_HOLDS, record.getIntPlain(LOCK_HOLDS) + 1);
            return;
        }
        super.lockInterruptibly();
    }

    @Override
    public boolean tryLock() {
        if (heldByCurrentThread()) {
            record.setIntPlain(LOCK_HOLDS, record.getIntPlain(LOCK_HOLDS) + 1);
            return true;
        }
        return super.tryLock();
    }

    @Override
    public boolean tryLock(long time, java.util.concurrent.TimeUnit unit) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (heldByCurrentThread()) {
            record.setIntPlain(LOCK_HOLDS, record.getIntPlain(LOCK_HOLDS) + 1);
            return true;
        }
        return super.tryLock(time, unit);
    }

    @Override
    boolean reenter() {
        if (heldByCurrentThread()) {
            record.setIntPlain(LOCK_HOLDS, record.getIntPlain(LOCK_HOLDS) + 1);
            return true;
        }
        return false;
    }

    @Override
    void onAcquired(boolean fromDeadOwner) {
        recordOwnerThread(Thread.currentThread().threadId());
        record.setIntPlain(LOCK_HOLDS, 1);
    }

    /**
     * Releases one hold; the lock is free when every acquisition is matched.
     *
     * @throws IllegalMonitorStateException if the calling thread does not hold it
     */
    @Override
    public void unlock() {
        if (!heldByCurrentThread()) {
            throw new IllegalMonitorStateException("cannot release un-acquired lock");
        }
        try {
            dev.mp4j.shm.Handoffs.handoff();
        } finally {
            // Released whatever finishing the thread's earlier work threw (see ProcessLock.unlock).
            int holds = record.getIntPlain(LOCK_HOLDS);
            record.setIntPlain(LOCK_HOLDS, holds - 1);
            if (holds == 1) {
                recordOwnerThread(0);
                releaseWord();
            }
        }
    }

    /** Whether the calling thread holds this lock. */
    public boolean isHeldByCurrentThread() {
        return heldByCurrentThread();
    }

    /** How many times the calling thread holds it (0 if it does not). */
    public int getHoldCount() {
        return heldByCurrentThread() ? record.getIntPlain(LOCK_HOLDS) : 0;
    }

    @Override
    int releaseForWait() {
        if (!heldByCurrentThread()) {
            throw new IllegalMonitorStateException("cannot wait on un-acquired lock");
        }
        int holds = record.getIntPlain(LOCK_HOLDS);
        recordOwnerThread(0);
        releaseWord();
        return holds;
    }

    @Override
    boolean heldForSignal() {
        return heldByCurrentThread();
    }

    @Override
    void restore(int saved) {
        super.lock();
        record.setIntPlain(LOCK_HOLDS, saved);
    }
}
