package dev.mp4j.manager;

import java.time.Duration;

/**
 * A lock living in a manager's server process: Python's {@code manager.Lock()} and
 * {@code manager.RLock()}.
 *
 * <pre>{@code
 * ManagedLock lock = manager.lock();
 * lock.acquire();
 * try {
 *     // one process at a time
 * } finally {
 *     lock.release();
 * }
 * }</pre>
 *
 * <p>A {@code lock()} is owned by nobody: any process may release it, and releasing it when it
 * is not held throws {@link IllegalStateException} (CPython's RuntimeError). An {@code rLock()}
 * belongs to the thread that acquired it and counts nested acquisitions; another thread releasing
 * it gets {@link IllegalMonitorStateException}.
 *
 * <p>Unlike CPython's, neither stays locked for ever when the process that took it ends (or is
 * killed) without releasing it: once the taker's last connection to the manager ends, the lock
 * is released and the next waiter gets it, as with a {@code ProcessLock} whose owner died. So a
 * {@code lock()} meant to be released by another process (a hand-over) must be released before
 * its taker ends: one its taker exits holding is free at that moment, and the other process's
 * later {@code release()} throws (or, if a third took it meanwhile, releases that one's hold).
 * One released meanwhile by another process is not touched.
 */
public interface ManagedLock {
    /** Waits until the lock is held; returns true. */
    boolean acquire() throws InterruptedException;

    /**
     * Python's {@code acquire(blocking, timeout)}.
     *
     * @param timeout how long to wait when {@code block}; null means forever
     * @return whether the lock was acquired
     */
    boolean acquire(boolean block, Duration timeout) throws InterruptedException;

    /** Releases the lock. */
    void release();

    /** Whether some thread holds the lock now. */
    boolean isLocked();
}
