package dev.mp4j.manager;

import dev.mp4j.serial.SerializablePredicate;
import dev.mp4j.serial.SerializableUnaryOperator;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * A list living in a manager's server process: Python's {@code manager.list()}.
 *
 * <pre>{@code
 * try (SyncManager manager = Multiprocessing.manager()) {
 *     ManagedList<Integer> list = manager.list(List.of(1, 2));
 *     JvmProcess p = new JvmProcess(() -> list.add(3));
 *     p.start();
 *     p.join();
 *     System.out.println(list);   // [1, 2, 3]
 * }
 * }</pre>
 *
 * <p>Each call is one atomic operation in the manager; what comes back is a copy, so changing an
 * element you fetched changes your copy only (set it back with {@code set}). Iterators,
 * {@code subList} and streams work on a read-only snapshot taken by one call (to remove while
 * iterating, use {@code removeIf}; for {@code subList(a, b).clear()}, remove by index). The JDK's
 * list algorithms ({@code Collections.reverse}, {@code shuffle}, {@code swap}) work through
 * {@code get} and {@code set}, a call each. {@code removeIf} and
 * {@code replaceAll} run in the manager, atomically (a lambda written in the call travels there).
 * Proxies compare by identity, not by content, as in CPython.
 */
public interface ManagedList<E> extends List<E> {
    /** {@link #removeIf(Predicate)} with a predicate that travels to the manager. */
    @RunsInManager
    default boolean removeIf(SerializablePredicate<? super E> filter) {
        return removeIf((Predicate<? super E>) filter);
    }

    /** {@link #replaceAll(UnaryOperator)} with an operator that travels to the manager. */
    @RunsInManager
    default void replaceAll(SerializableUnaryOperator<E> operator) {
        replaceAll((UnaryOperator<E>) operator);
    }
}
