package dev.mp4j.serial;

import java.io.Serializable;

/**
 * A {@link Runnable} that can travel to another process: a lambda written where one is expected
 * is serializable, and the values it captures travel with it.
 *
 * <pre>{@code
 * pool.execute(() -> System.out.println("from a worker"));   // the lambda becomes a SerializableRunnable
 * }</pre>
 */
@FunctionalInterface
public interface SerializableRunnable extends Runnable, Serializable {
}
