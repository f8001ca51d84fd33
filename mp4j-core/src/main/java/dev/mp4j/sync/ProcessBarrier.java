package dev.mp4j.sync;

import static dev.mp4j.sync.SyncLayout.BARRIER_ARRIVED;
import static dev.mp4j.sync.SyncLayout.BARRIER_BROKEN;
import static dev.mp4j.sync.SyncLayout.BARRIER_GENERATION;
import static dev.mp4j.sync.SyncLayout.BARRIER_LOCK;
import static dev.mp4j.sync.SyncLayout.BARRIER_PARTIES;
import static dev.mp4j.sync.SyncLayout.BARRIER_SEQ;

import dev.mp4j.serial.ProcessTarget;
import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.TimeoutException;

/**
 * A meeting point for a fixed number of processes: Python's {@code multiprocessing.Barrier}.
 *
 * <pre>{@code
 * ProcessBarrier start = ProcessBarrier.create(3, null, Duration.ofSeconds(10));
 * // in each of 3 processes:
 * int index = start.await();    // 0, 1, 2: distinct, in order of arrival
 * }</pre>
 *
 * <p>The last to arrive runs the action (if any) and releases everyone; the barrier then starts a
 * new generation. A waiter that times out breaks the barrier: it gets {@link TimeoutException},
 * the others {@link BrokenBarrierException}. {@link #abort()} breaks it on purpose;
 * {@link #reset()} breaks the current waiters and makes it usable again.
 */
public final class ProcessBarrier implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private final SharedRecord record;
    private final ProcessLock guard;
    private final ProcessTarget action;
    private final Duration defaultTimeout;

    private ProcessBarrier(SharedRecord record, ProcessLock guard, ProcessTarget action, Duration defaultTimeout) {
        this.record = record;
        this.guard = guard;
        this.action = action;
        this.defaultTimeout = defaultTimeout;
    }

    /**
     * A barrier for {@code parties} processes.
     *
     * @param action run by the last arrival before the others are released (may be null)
     * @param timeout default for {@link #await()} (null: wait forever)
     */
    public static ProcessBarrier create(int parties, ProcessTarget action, Duration timeout) {
        if (parties < 1) {
            throw new IllegalArgumentException("parties must be at least 1, got " + parties);
        }
        SharedRecord r = SharedRecord.create(SyncLayout.BARRIER_SIZE);
        r.setInt(BARRIER_PARTIES, parties);
        r.setInt(BARRIER_BROKEN, -1);
        ProcessLock guard = ProcessLock.within(r.segment(), r.offset() + BARRIER_LOCK);
        return new ProcessBarrier(r, guard, action, timeout);
    }

    /** A barrier for {@code parties} processes, no action, no default timeout. */
    public static ProcessBarrier create(int parties) {
        return create(parties, null, null);
    }

    /** Waits for the others (with the default timeout); returns this arrival's index. */
    public int await() throws InterruptedException, BrokenBarrierException, TimeoutException {
        return await(defaultTimeout);
    }

    /**
     * Waits for the others, at most {@code timeout} (null: forever).
     *
     * @return this arrival's index, 0 to parties-1, distinct within a generation
     */
    public int await(Duration timeout) throws InterruptedException, BrokenBarrierException, TimeoutException {
        guard.lock();
        int generation;
        int seq;
        try {
            generation = record.getInt(BARRIER_GENERATION);
            if (record.getInt(BARRIER_BROKEN) == generation) {
                throw new BrokenBarrierException();
            }
            int index = record.getInt(BARRIER_ARRIVED);
            record.setInt(BARRIER_ARRIVED, index + 1);
            if (index + 1 == parties()) {
                if (action != null) {
                    try {
                        action.run();
                    } catch (Exception | Error e) {
                        breakLocked(generation);
                        throw new BrokenBarrierException("the barrier action failed: " + e);
                    }
                }
                record.setInt(BARRIER_ARRIVED, 0);
                record.setInt(BARRIER_GENERATION, generation + 1);
                bump();
                return index;
            }
            seq = record.getInt(BARRIER_SEQ);
            awaitRelease(generation, seq, timeout);
            return index;
        } finally {
            guard.unlock();
        }
    }

    /** Sleeps (lock released) until the generation ends or breaks; called and returns with the guard held. */
    private void awaitRelease(int generation, int seq, Duration timeout)
            throws InterruptedException, BrokenBarrierException, TimeoutException {
        long start = System.nanoTime();
        long limit = timeout == null ? -1 : Math.max(0, timeout.toNanos());
        while (true) {
            // Broken first: reset() both breaks this generation and starts the next.
            if (record.getInt(BARRIER_BROKEN) == generation) {
                throw new BrokenBarrierException();
            }
            if (record.getInt(BARRIER_GENERATION) != generation) {
                return;
            }
            long sleep = SharedRecord.SLICE_NANOS;
            if (limit >= 0) {
                long left = limit - (System.nanoTime() - start);
                if (left <= 0) {
                    breakLocked(generation);
                    throw new TimeoutException("barrier timed out after " + timeout + "; it is now broken");
                }
                sleep = Math.min(sleep, left);
            }
            guard.unlock();
            try {
                if (Thread.interrupted()) {
                    guard.lock();
                    breakLocked(generation);
                    guard.unlock();
                    throw new InterruptedException();
                }
                record.sleep(BARRIER_SEQ, seq, sleep);
            } finally {
                guard.lock();
            }
            seq = record.getInt(BARRIER_SEQ);
        }
    }

    private void breakLocked(int generation) {
        record.setInt(BARRIER_BROKEN, generation);
        bump();
    }

    private void bump() {
        record.addInt(BARRIER_SEQ, 1);
        record.wake(BARRIER_SEQ, Integer.MAX_VALUE);
    }

    /** Breaks the barrier: current and future waiters get {@link BrokenBarrierException} until {@link #reset()}. */
    public void abort() {
        guard.lock();
        try {
            breakLocked(record.getInt(BARRIER_GENERATION));
        } finally {
            guard.unlock();
        }
    }

    /** Breaks the current waiters (if any) and starts a fresh generation. */
    public void reset() {
        guard.lock();
        try {
            int generation = record.getInt(BARRIER_GENERATION);
            if (record.getInt(BARRIER_ARRIVED) > 0) {
                record.setInt(BARRIER_BROKEN, generation);
            }
            record.setInt(BARRIER_ARRIVED, 0);
            record.setInt(BARRIER_GENERATION, generation + 1);
            bump();
        } finally {
            guard.unlock();
        }
    }

    public int parties() {
        return record.getInt(BARRIER_PARTIES);
    }

    /** How many are waiting now. */
    public int numberWaiting() {
        return record.getInt(BARRIER_ARRIVED);
    }

    /** Whether the barrier is broken. */
    public boolean isBroken() {
        return record.getInt(BARRIER_BROKEN) == record.getInt(BARRIER_GENERATION);
    }

    @Override
    public String toString() {
        return "<Barrier(parties=" + parties() + ", waiting=" + numberWaiting() + (isBroken() ? ", broken" : "") + ")>";
    }
}
