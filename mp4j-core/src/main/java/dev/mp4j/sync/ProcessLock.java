package dev.mp4j.sync;

import static dev.mp4j.sync.SyncLayout.LOCK_WORD;

import dev.mp4j.shm.SharedSegment;
import java.io.Serial;

/**
 * A lock shared by processes: Python's {@code multiprocessing.Lock}, as a
 * {@link java.util.concurrent.locks.Lock}.
 *
 * <pre>{@code
 * ProcessLock lock = ProcessLock.create();
 * for (int i = 0; i < 10; i++) {
 *     int n = i;
 *     new JvmProcess(() -> {
 *         lock.lock();
 *         try {
 *             System.out.println("hello world " + n);
 *         } finally {
 *             lock.unlock();
 *         }
 *     }).start();
 * }
 * }</pre>
 *
 * <p>Not re-entrant: a thread that locks it twice waits for itself, as in Python. As in Python,
 * any thread of any process may release it; releasing it while it is free is an error. If the
 * owning process dies while holding it, a waiter takes it over within about 50 ms and
 * {@link #ownerDied()} tells it so. Passed to a child (captured, or in a message), it is the same
 * lock there.
 *
 * <p>Memory consistency: actions of a process before {@code unlock} happen-before actions of the
 * process that next acquires the lock, for data in shared memory.
 */
public final class ProcessLock extends AbstractProcessLock {
    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * The thread that last took the lock through this object, for conditions only: the lock
     * itself has no owning thread (any thread may release it), but a condition's wait and signal
     * belong to the thread that holds it, as CPython's {@code _is_mine()} checks. A plain field:
     * written after the compare-and-set that takes the word and cleared before the swap that
     * frees it, so the next taker's write comes after the clear.
     */
    private transient Thread acquiredBy;

    private ProcessLock(SharedRecord record) {
        super(record);
    }

    @Override
    void onAcquired(boolean fromDeadOwner) {
        acquiredBy = Thread.currentThread();
    }

    /**
     * Held by this process and, when it was taken through this object, by the calling thread.
     * Copies read in one process resolve to one object (see {@code AbstractProcessLock.readResolve}),
     * so this knows every taking in this process but those through a lock built by hand over
     * the same record ({@link #within}), which know the holding process only.
     */
    @Override
    boolean heldForSignal() {
        Thread by = acquiredBy;
        return super.heldForSignal() && (by == null || by == Thread.currentThread());
    }

    /** A new lock, free. */
    public static ProcessLock create() {
        return new ProcessLock(SharedRecord.create(SyncLayout.RECORD));
    }

    /** A lock on {@code record}, part of another primitive's (a barrier's guard). */
    static ProcessLock inside(SharedRecord record) {
        return new ProcessLock(record);
    }

    /** A lock whose record lives at {@code offset} of {@code segment} (a queue's or a pipe's own locks; a copy of such a lock does not keep the segment). */
    public static ProcessLock within(SharedSegment segment, long offset) {
        return new ProcessLock(SharedRecord.within(segment, offset, SyncLayout.RECORD));
    }

    /**
     * Releases the lock.
     *
     * @throws IllegalMonitorStateException if it is not locked
     */
    @Override
    public void unlock() {
        try {
            dev.mp4j.shm.Handoffs.handoff();
        } finally {
            // Released whatever finishing the thread's earlier work threw (an Error): a lock left
            // held by a live process would never be taken over.
            acquiredBy = null;
            // Swap first and complain after: releasing a free lock leaves it free either way.
            if (releaseWord() == 0) {
                throw new IllegalMonitorStateException("semaphore or lock released too many times: the lock is not held");
            }
        }
    }

    @Override
    int releaseForWait() {
        if (record.getInt(LOCK_WORD) == 0) {
            throw new IllegalMonitorStateException("cannot wait on un-acquired lock");
        }
        acquiredBy = null;
        releaseWord();
        return 1;
    }

    @Override
    void restore(int saved) {
        lock();
    }
}
