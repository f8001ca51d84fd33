package dev.mp4j.manager;

import java.time.Duration;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.TimeoutException;

/**
 * A barrier living in a manager's server process: Python's {@code manager.Barrier(parties)}.
 *
 * <pre>{@code
 * ManagedBarrier start = manager.barrier(3);
 * // in each of three processes:
 * start.await(Duration.ofSeconds(30));
 * }</pre>
 */
public interface ManagedBarrier {
    /**
     * Waits until {@link #parties()} callers are waiting; returns this caller's arrival index
     * (0 for the first, parties - 1 for the last), as Python's {@code wait()} and
     * {@link dev.mp4j.sync.ProcessBarrier#await()}.
     */
    int await() throws InterruptedException, BrokenBarrierException;

    /**
     * {@link #await()} with a timeout (null: the barrier's own, as Python's {@code wait(None)});
     * when it runs out the barrier breaks.
     *
     * @throws TimeoutException if the time ran out (the barrier is then broken for everyone)
     */
    int await(Duration timeout) throws InterruptedException, BrokenBarrierException, TimeoutException;

    /** Breaks the barrier: current and future waiters get {@link BrokenBarrierException}. */
    void abort();

    /** Returns the barrier to its initial state; current waiters get {@link BrokenBarrierException}. */
    void reset();

    /** The number of callers needed to pass. */
    int parties();

    /** The number of callers waiting now. */
    int numberWaiting();

    /** Whether the barrier is broken. */
    boolean isBroken();
}
