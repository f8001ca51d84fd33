package dev.mp4j.manager;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * A condition variable living in a manager's server process, with its own reentrant lock
 * (Python's {@code manager.Condition()}) or over a lock of the same manager
 * ({@code manager.Condition(lock)}, see {@link SyncManager#condition(ManagedLock)}).
 *
 * <pre>{@code
 * ManagedCondition cond = manager.condition();
 * cond.acquire();
 * try {
 *     while (!ready.isSet()) {
 *         cond.await(Duration.ofSeconds(1));
 *     }
 * } finally {
 *     cond.release();
 * }
 * }</pre>
 */
public interface ManagedCondition {
    /** Acquires the underlying lock; returns true. */
    boolean acquire() throws InterruptedException;

    /** Python's {@code acquire(blocking, timeout)}. */
    boolean acquire(boolean block, Duration timeout) throws InterruptedException;

    /** Releases the underlying lock. */
    void release();

    /** Python's {@code wait()}: releases the lock, waits for a signal, re-acquires. */
    void await() throws InterruptedException;

    /** Python's {@code wait(timeout)}: returns false if the time ran out. */
    boolean await(Duration timeout) throws InterruptedException;

    /**
     * Python's {@code wait_for(predicate, timeout)}: waits until {@code predicate} holds, checking
     * it here, in the caller, after each wake-up. Returns the predicate's last value.
     */
    default boolean awaitFor(BooleanSupplier predicate, Duration timeout) throws InterruptedException {
        long deadline = timeout == null ? Long.MAX_VALUE
                : System.nanoTime() + Math.max(0, java.util.concurrent.TimeUnit.NANOSECONDS.convert(timeout));
        boolean result = predicate.getAsBoolean();
        while (!result) {
            long left = deadline - System.nanoTime();
            if (timeout != null && left <= 0) {
                break;
            }
            await(timeout == null ? null : Duration.ofNanos(left));
            result = predicate.getAsBoolean();
        }
        return result;
    }

    /** Python's {@code notify()}: wakes one waiter. */
    void signal();

    /** Python's {@code notify(n)}: wakes up to {@code n} waiters. */
    void signal(int n);

    /** Python's {@code notify_all()}. */
    void signalAll();
}
