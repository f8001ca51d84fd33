package dev.mp4j.serial;

import java.io.Serializable;
import java.util.concurrent.Callable;

/**
 * A {@link Callable} that can travel to another process: a lambda written where one is expected
 * is serializable, and the values it captures travel with it.
 *
 * <pre>{@code
 * Future<Integer> f = pool.submit(() -> 6 * 7);   // the lambda becomes a SerializableCallable
 * }</pre>
 */
@FunctionalInterface
public interface SerializableCallable<V> extends Callable<V>, Serializable {
}
