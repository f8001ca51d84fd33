package dev.mp4j.serial;

import java.io.Serializable;

/**
 * A function that runs in another process, for {@code ProcessPool.map} and friends: serializable
 * (a lambda written where one is expected is), and free to throw.
 *
 * <pre>{@code
 * List<Integer> squares = pool.map(x -> x * x, List.of(1, 2, 3));
 * }</pre>
 */
@FunctionalInterface
public interface TaskFunction<T, R> extends Serializable {
    R apply(T t) throws Exception;
}
