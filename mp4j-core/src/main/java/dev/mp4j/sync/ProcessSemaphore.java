package dev.mp4j.sync;

import static dev.mp4j.sync.SyncLayout.SEM_COUNT;
import static dev.mp4j.sync.SyncLayout.SEM_MAX;
import static dev.mp4j.sync.SyncLayout.SEM_SLEEPERS;

import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;

/**
 * A counting semaphore shared by processes: Python's {@code multiprocessing.Semaphore} and
 * {@code BoundedSemaphore}.
 *
 * <pre>{@code
 * ProcessSemaphore sem = ProcessSemaphore.create(5);    // at most 5 inside at once
 * JvmProcess p = new JvmProcess(() -> {
 *     sem.acquire();
 *     try {
 *         work();
 *     } finally {
 *         sem.release();
 *     }
 * });
 * }</pre>
 *
 * <p>The count lives in shared memory and is the futex word: {@code acquire} takes one with a
 * compare-and-set when it is positive, and otherwise sleeps until a {@code release} wakes it.
 * A bounded semaphore refuses to be released above its initial value. Permits are not owned,
 * so, as in Python, a process that dies after acquiring does not give its permit back.
 */
public final class ProcessSemaphore implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private final SharedRecord record;

    private ProcessSemaphore(SharedRecord record) {
        this.record = record;
    }

    /** {@link SyncLayout#SEM_MAX} of a semaphore without a bound (a bounded one's bound may be 0). */
    private static final int UNBOUNDED = -1;

    /** A semaphore of one permit (Python's {@code Semaphore()}). */
    public static ProcessSemaphore create() {
        return create(1, false);
    }

    /** A bounded semaphore of one permit (Python's {@code BoundedSemaphore()}). */
    public static ProcessSemaphore bounded() {
        return create(1, true);
    }

    /** A semaphore starting at {@code value} permits. */
    public static ProcessSemaphore create(int value) {
        return create(value, false);
    }

    /** A semaphore that refuses to be released above {@code value}. */
    public static ProcessSemaphore bounded(int value) {
        return create(value, true);
    }

    private static ProcessSemaphore create(int value, boolean bounded) {
        if (value < 0) {
            throw new IllegalArgumentException("semaphore initial value must be >= 0, got " + value);
        }
        SharedRecord r = SharedRecord.create(SyncLayout.RECORD);
        r.setInt(SEM_MAX, bounded ? value : UNBOUNDED);
        r.setInt(SEM_COUNT, value);
        return new ProcessSemaphore(r);
    }

    /** Takes a permit, waiting as long as it takes (not interruptible, like {@code Lock.lock()}). */
    public void acquire() {
        acquire(true, null);
    }

    /** Takes a permit, waiting until one is free or the thread is interrupted. */
    public void acquireInterruptibly() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        dev.mp4j.shm.Handoffs.handoff();
        if (!tryTake()) {
            take(-1, true);
        }
    }

    /**
     * Python's {@code acquire(block, timeout)}: false only if no permit came within
     * {@code timeout} (null: no limit), or none was free for a non-blocking call. Like the locks'
     * {@code acquire(block, timeout)} it is not ended by an interrupt (Python's is not either): a
     * port's {@code acquire(true, null); try {...} finally {release();}} must not enter without a
     * permit. The interrupt status is kept; {@link #acquireInterruptibly()} is the Java form that
     * an interrupt ends.
     *
     * @return whether a permit was taken
     */
    public boolean acquire(boolean block, Duration timeout) {
        // Earlier work of this thread is finished before an untimed wait for a permit (see
        // AbstractProcessLock.acquireWord).
        if (block && timeout == null) {
            dev.mp4j.shm.Handoffs.handoff();
        }
        if (tryTake()) {
            return true;
        }
        if (!block || (timeout != null && timeout.isNegative())) {
            return false;
        }
        try {
            return take(timeout == null ? -1 : Math.max(0, java.util.concurrent.TimeUnit.NANOSECONDS.convert(timeout)), false);
        } catch (InterruptedException e) {
            throw new AssertionError("not interruptible", e);
        }
    }

    /**
     * Waits for a permit, at most {@code limit} nanoseconds (negative: no limit); false when the
     * time is up. Futex sleeps ignore interrupts, so an uninterruptible wait does not spin.
     */
    private boolean take(long limit, boolean interruptible) throws InterruptedException {
        long start = System.nanoTime();
        long spinEnd = start + SharedRecord.SPIN_NANOS;
        while (System.nanoTime() - spinEnd < 0) {
            Thread.onSpinWait();
            if (tryTake()) {
                return true;
            }
        }
        record.addInt(SEM_SLEEPERS, 1);
        try {
            while (true) {
                if (tryTake()) {
                    return true;
                }
                if (interruptible && Thread.interrupted()) {
                    throw new InterruptedException();
                }
                long sleep = SharedRecord.SLICE_NANOS;
                if (limit >= 0) {
                    long left = limit - (System.nanoTime() - start);
                    if (left <= 0) {
                        return false;
                    }
                    sleep = Math.min(sleep, left);
                }
                record.sleep(SEM_COUNT, 0, sleep);
            }
        } finally {
            record.addInt(SEM_SLEEPERS, -1);
        }
    }

    /** Takes a permit if one is free now. */
    public boolean tryAcquire() {
        return tryTake();
    }

    private boolean tryTake() {
        while (true) {
            int v = record.getInt(SEM_COUNT);
            if (v <= 0) {
                return false;
            }
            if (record.casInt(SEM_COUNT, v, v - 1)) {
                return true;
            }
        }
    }

    /** Gives a permit back. */
    public void release() {
        release(1);
    }

    /**
     * Gives {@code n} permits back.
     *
     * @throws IllegalStateException for a bounded semaphore released above its initial value
     */
    public void release(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be at least 1, got " + n);
        }
        try {
            dev.mp4j.shm.Handoffs.handoff();
        } finally {
            // Given back whatever finishing the thread's earlier work threw (an Error).
            give(n);
        }
    }

    private void give(int n) {
        int max = record.getInt(SEM_MAX);
        while (true) {
            int v = record.getInt(SEM_COUNT);
            long next = (long) v + n;
            if (max != UNBOUNDED && next > max) {
                throw new IllegalStateException("semaphore or lock released too many times (bounded at " + max + ")");
            }
            if (next > Integer.MAX_VALUE) {
                // CPython's sem_post fails with EOVERFLOW here.
                throw new IllegalStateException("semaphore value would overflow: " + v + " + " + n);
            }
            if (record.casInt(SEM_COUNT, v, (int) next)) {
                break;
            }
        }
        if (record.getInt(SEM_SLEEPERS) > 0) {
            record.wake(SEM_COUNT, n);
        }
    }

    /** The current number of free permits (Python's {@code get_value()}). */
    public int value() {
        return record.getInt(SEM_COUNT);
    }

    @Override
    public String toString() {
        int max = record.getInt(SEM_MAX);
        return "<" + (max != UNBOUNDED ? "BoundedSemaphore(value=" + value() + ", maxvalue=" + max : "Semaphore(value=" + value()) + ")>";
    }
}
