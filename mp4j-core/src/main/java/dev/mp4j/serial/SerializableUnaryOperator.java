package dev.mp4j.serial;

import java.io.Serializable;
import java.util.function.UnaryOperator;

/**
 * A {@link UnaryOperator} that can travel to another process: a lambda written where one is
 * expected is serializable, and the values it captures travel with it.
 *
 * <pre>{@code
 * ManagedValue<Integer> counter = manager.value(0);
 * counter.updateAndGet(x -> x + 1);   // atomic, in the manager's process
 * }</pre>
 */
@FunctionalInterface
public interface SerializableUnaryOperator<T> extends UnaryOperator<T>, Serializable {
}
