package dev.mp4j.manager;

import java.time.Duration;

/**
 * A semaphore living in a manager's server process: Python's {@code manager.Semaphore(n)} and
 * {@code manager.BoundedSemaphore(n)}.
 *
 * <pre>{@code
 * ManagedSemaphore slots = manager.semaphore(3);
 * if (slots.acquire(true, Duration.ofSeconds(5))) {
 *     try { work(); } finally { slots.release(); }
 * }
 * }</pre>
 */
public interface ManagedSemaphore {
    /** Waits for a permit; returns true. */
    boolean acquire() throws InterruptedException;

    /**
     * Python's {@code acquire(blocking, timeout)}.
     *
     * @param timeout how long to wait when {@code block}; null means forever
     */
    boolean acquire(boolean block, Duration timeout) throws InterruptedException;

    /**
     * Returns a permit.
     *
     * @throws IllegalStateException for a bounded semaphore released more than acquired
     */
    void release();

    /** The permits available now. */
    int value();
}
