package dev.mp4j.manager;

import java.time.Duration;

/**
 * A flag living in a manager's server process: Python's {@code manager.Event()}.
 *
 * <pre>{@code
 * ManagedEvent ready = manager.event();
 * new JvmProcess(() -> { prepare(); ready.set(); }).start();
 * ready.await(Duration.ofSeconds(10));
 * }</pre>
 */
public interface ManagedEvent {
    /** Sets the flag and wakes every waiter. */
    void set();

    /** Clears the flag. */
    void clear();

    /** Whether the flag is set. */
    boolean isSet();

    /** Python's {@code wait()}: waits until the flag is set. */
    void await() throws InterruptedException;

    /** Python's {@code wait(timeout)}: returns whether the flag is set. */
    boolean await(Duration timeout) throws InterruptedException;
}
