package dev.mp4j.serial;

import java.io.Serializable;
import java.util.function.Predicate;

/**
 * A {@link Predicate} that can travel to another process: a lambda written where one is expected
 * is serializable, and the values it captures travel with it.
 *
 * <pre>{@code
 * ManagedList<Integer> list = manager.list(List.of(1, 2, 3, 4));
 * list.removeIf(x -> x % 2 == 0);   // atomic, in the manager's process
 * }</pre>
 */
@FunctionalInterface
public interface SerializablePredicate<T> extends Predicate<T>, Serializable {
}
