package dev.mp4j.manager;

import dev.mp4j.serial.SerializableUnaryOperator;

/**
 * One value living in a manager's server process: Python's {@code manager.Value(typecode, v)}.
 *
 * <pre>{@code
 * ManagedValue<Integer> counter = manager.value(0);
 * counter.updateAndGet(x -> x + 1);   // atomic, in the manager
 * }</pre>
 */
public interface ManagedValue<T> {
    /** A copy of the value. */
    T get();

    /** Replaces the value. */
    void set(T value);

    /** Applies {@code update} in the manager, atomically, and returns the new value. */
    T updateAndGet(SerializableUnaryOperator<T> update);
}
