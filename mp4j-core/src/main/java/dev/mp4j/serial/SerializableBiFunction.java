package dev.mp4j.serial;

import java.io.Serializable;
import java.util.function.BiFunction;

/**
 * A {@link BiFunction} that can travel to another process: a lambda written where one is
 * expected is serializable, and the values it captures travel with it.
 *
 * <pre>{@code
 * ManagedMap<String, Integer> counts = manager.dict();
 * counts.merge("hits", 1, Integer::sum);   // atomic, in the manager's process
 * }</pre>
 */
@FunctionalInterface
public interface SerializableBiFunction<T, U, R> extends BiFunction<T, U, R>, Serializable {
}
