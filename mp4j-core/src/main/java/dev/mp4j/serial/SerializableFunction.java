package dev.mp4j.serial;

import java.io.Serializable;
import java.util.function.Function;

/**
 * A {@link Function} that can travel to another process: a lambda written where one is expected
 * is serializable, and the values it captures travel with it.
 *
 * <pre>{@code
 * ManagedMap<String, List<Integer>> d = manager.dict();
 * d.computeIfAbsent("k", k -> new ArrayList<>());   // the lambda runs in the manager's process
 * }</pre>
 */
@FunctionalInterface
public interface SerializableFunction<T, R> extends Function<T, R>, Serializable {
}
