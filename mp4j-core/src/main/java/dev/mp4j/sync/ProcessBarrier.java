package dev.mp4j.sync;

import static dev.mp4j.sync.SyncLayout.BARRIER_ARRIVED;
import static dev.mp4j.sync.SyncLayout.BARRIER_BROKEN;
import static dev.mp4j.sync.SyncLayout.BARRIER_GENERATION;
import static dev.mp4j.sync.SyncLayout.BARRIER_LOCK;
import static dev.mp4j.sync.SyncLayout.BARRIER_PARTIES;
import static dev.mp4j.sync.SyncLayout.BARRIER_SEQ;
import static dev.mp4j.sync.SyncLayout.BARRIER_TRIPPED;

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
    /**
     * The barriers whose action the current thread is running, by their record (so that every
     * copy of a barrier in this process knows it): that thread holds the guard, and its
     * {@code abort()} or {@code reset()} from inside the action must not take the guard again
     * (it is not re-entrant, and the thread would wait for itself for ever).
     */
    private static final ThreadLocal<java.util.Set<String>> IN_ACTION = ThreadLocal.withInitial(java.util.HashSet::new);
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
        if (action != null) {
            try {
                // It travels with the barrier to every process that gets it: refused here.
                dev.mp4j.serial.SafeSerializer.checkTravels(action);
            } catch (dev.mp4j.serial.NotSerializableValueException e) {
                throw new dev.mp4j.serial.NotSerializableValueException(
                        "the barrier's action cannot travel to other processes: " + e.getMessage(), e.offendingClass(), e);
            }
        }
        SharedRecord r = SharedRecord.create(SyncLayout.BARRIER_SIZE);
        r.setInt(BARRIER_PARTIES, parties);
        r.setInt(BARRIER_BROKEN, -1);
        ProcessLock guard = ProcessLock.inside(r.part(BARRIER_LOCK, SyncLayout.RECORD));
        return new ProcessBarrier(r, guard, action, timeout);
    }

    /** A barrier for {@code parties} processes whose last arrival runs {@code action}; no default timeout. */
    public static ProcessBarrier create(int parties, ProcessTarget action) {
        return create(parties, action, null);
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
     * Waits for the others, at most {@code timeout} (null: the barrier's default timeout, as
     * Python's {@code wait(None)}; for ever if it has none). The barrier's action runs in
     * the last arrival while it holds the barrier's guard, as CPython runs it under the barrier's
     * condition: an arrival, a timed one too, meanwhile waits for the action to end, however long
     * it takes. An action that throws breaks the barrier: the others get
     * {@link BrokenBarrierException}, and the arrival that ran it gets the action's own exception
     * (as CPython and {@link java.util.concurrent.CyclicBarrier} do), a checked one as the cause
     * of a {@link BrokenBarrierException}.
     *
     * @return this arrival's index, 0 to parties-1, distinct within a generation
     */
    public int await(Duration timeout) throws InterruptedException, BrokenBarrierException, TimeoutException {
        if (timeout == null) {
            timeout = defaultTimeout;
        }
        dev.mp4j.shm.Handoffs.handoff();
        lockGuard();
        try {
            int generation = record.getInt(BARRIER_GENERATION);
            if (record.getInt(BARRIER_BROKEN) == generation) {
                throw new BrokenBarrierException();
            }
            int index = record.getInt(BARRIER_ARRIVED);
            record.setInt(BARRIER_ARRIVED, index + 1);
            if (index + 1 == parties()) {
                if (action != null) {
                    IN_ACTION.get().add(key());
                    try {
                        action.run();
                    } catch (Exception | Error e) {
                        leave();
                        breakLocked(generation);
                        if (e instanceof RuntimeException unchecked) {
                            throw unchecked;
                        }
                        if (e instanceof Error error) {
                            throw error;
                        }
                        BrokenBarrierException broken = new BrokenBarrierException("the barrier action failed: " + e);
                        broken.initCause(e);
                        throw broken;
                    } finally {
                        IN_ACTION.get().remove(key());
                    }
                    if (record.getInt(BARRIER_GENERATION) != generation) {
                        // The action reset the barrier: the waiters of this generation were broken
                        // and a new one has begun (as CyclicBarrier's reset() from its command).
                        return index;
                    }
                    if (record.getInt(BARRIER_BROKEN) == generation) {
                        // The action aborted it: this arrival is broken with the others.
                        leave();
                        throw new BrokenBarrierException("the barrier action aborted the barrier");
                    }
                }
                endGeneration(generation, true);
                return index;
            }
            awaitRelease(generation, record.getInt(BARRIER_SEQ), timeout);
            return index;
        } finally {
            guard.unlock();
        }
    }

    /**
     * Takes the guard. If its holder died holding it (in the action, say), the barrier's state
     * may be half changed and a party is gone: the barrier is broken, as a waiter that timed out
     * would break it.
     */
    private void lockGuard() {
        guard.lock();
        if (guard.ownerDied()) {
            breakLocked(record.getInt(BARRIER_GENERATION));
        }
    }

    /** Ends {@code generation}, tripped or broken and reset, and starts the next; guard held. */
    private void endGeneration(int generation, boolean tripped) {
        long bit = 1L << (generation & 63);
        long outcomes = record.getLong(BARRIER_TRIPPED);
        record.setLong(BARRIER_TRIPPED, tripped ? outcomes | bit : outcomes & ~bit);
        record.setInt(BARRIER_ARRIVED, 0);
        // -1 is the "broken" mark of a barrier never broken: a generation never takes it, or the
        // 2^32nd trip would read as broken.
        int next = generation + 1 == -1 ? 0 : generation + 1;
        if (record.getInt(BARRIER_BROKEN) == next) {
            // The mark of a break 2^32 generations ago would read as this one's.
            record.setInt(BARRIER_BROKEN, -1);
        }
        record.setInt(BARRIER_GENERATION, next);
        bump();
    }

    /**
     * Sleeps (guard released) until {@code generation} ends or breaks; called and returns with the
     * guard held. Once the generation has ended, its outcome is read from the last 64
     * generations' record: another break or reset since cannot make a broken generation look
     * tripped. A waiter kept from running while 64 later generations passed is told it broke.
     */
    private void awaitRelease(int generation, int seq, Duration timeout)
            throws InterruptedException, BrokenBarrierException, TimeoutException {
        long start = System.nanoTime();
        long limit = timeout == null ? -1 : Math.max(0, java.util.concurrent.TimeUnit.NANOSECONDS.convert(timeout));
        boolean interrupted = false;
        while (true) {
            int now = record.getInt(BARRIER_GENERATION);
            if (now != generation) {
                if (interrupted) {
                    // It ended as this waiter was interrupted: the outcome stands, the interrupt
                    // is kept (as CyclicBarrier does).
                    Thread.currentThread().interrupt();
                }
                if (now - generation <= 63 && (record.getLong(BARRIER_TRIPPED) & (1L << (generation & 63))) != 0) {
                    return;
                }
                throw new BrokenBarrierException();
            }
            if (record.getInt(BARRIER_BROKEN) == generation) {
                leave();
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
                throw new BrokenBarrierException();
            }
            if (interrupted) {
                leave();
                breakLocked(generation);
                throw new InterruptedException();
            }
            long sleep = SharedRecord.SLICE_NANOS;
            if (limit >= 0) {
                long left = limit - (System.nanoTime() - start);
                if (left <= 0) {
                    leave();
                    breakLocked(generation);
                    throw new TimeoutException("barrier timed out after " + timeout + "; it is now broken");
                }
                sleep = Math.min(sleep, left);
            }
            guard.unlock();
            try {
                if (Thread.interrupted()) {
                    interrupted = true;
                } else {
                    record.sleep(BARRIER_SEQ, seq, sleep);
                }
            } finally {
                lockGuard();
            }
            seq = record.getInt(BARRIER_SEQ);
        }
    }

    /** A waiter of the current (broken) generation leaves: it no longer counts as waiting. */
    private void leave() {
        record.setInt(BARRIER_ARRIVED, Math.max(0, record.getInt(BARRIER_ARRIVED) - 1));
    }

    private void breakLocked(int generation) {
        record.setInt(BARRIER_BROKEN, generation);
        bump();
    }

    private void bump() {
        record.addInt(BARRIER_SEQ, 1);
        record.wake(BARRIER_SEQ, Integer.MAX_VALUE);
    }

    /** This barrier's record, as every copy of it in this process names it. */
    private String key() {
        return record.segmentName() + "@" + record.offset();
    }

    /** Breaks the barrier: current and future waiters get {@link BrokenBarrierException} until {@link #reset()}. */
    public void abort() {
        boolean held = IN_ACTION.get().contains(key());
        if (!held) {
            lockGuard();
        }
        try {
            breakLocked(record.getInt(BARRIER_GENERATION));
        } finally {
            if (!held) {
                guard.unlock();
            }
        }
    }

    /** Breaks the current waiters (if any) and starts a fresh generation. */
    public void reset() {
        boolean held = IN_ACTION.get().contains(key());
        if (!held) {
            guard.lock();
        }
        try {
            endGeneration(record.getInt(BARRIER_GENERATION), false);
        } finally {
            if (!held) {
                guard.unlock();
            }
        }
    }

    public int parties() {
        return record.getInt(BARRIER_PARTIES);
    }

    /** How many are waiting now: 0 while the barrier is broken, as CPython's {@code n_waiting}. */
    public int numberWaiting() {
        return isBroken() ? 0 : record.getInt(BARRIER_ARRIVED);
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
