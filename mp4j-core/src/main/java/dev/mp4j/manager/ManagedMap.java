package dev.mp4j.manager;

import dev.mp4j.serial.SerializableBiFunction;
import dev.mp4j.serial.SerializableFunction;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A map living in a manager's server process: Python's {@code manager.dict()}.
 *
 * <pre>{@code
 * try (SyncManager manager = Multiprocessing.manager()) {
 *     ManagedMap<String, Integer> counts = manager.dict();
 *     List<JvmProcess> workers = new ArrayList<>();
 *     for (int i = 0; i < 4; i++) {
 *         JvmProcess p = new JvmProcess(() -> counts.merge("hits", 1, Integer::sum));
 *         p.start();
 *         workers.add(p);
 *     }
 *     workers.forEach(JvmProcess::join);
 *     System.out.println(counts.get("hits"));   // 4: merge ran in the manager, atomically
 * }
 * }</pre>
 *
 * <p>Every call is a round trip to the manager, and what comes back is a copy: changing a value
 * object you got from {@code get} changes your copy only (put it back, or better, change it in
 * place on the server with {@code compute}). {@code compute}, {@code computeIfAbsent},
 * {@code computeIfPresent}, {@code merge}, {@code putIfAbsent}, {@code replace} and
 * {@code replaceAll} run in the manager, atomically, so the lost updates of CPython's
 * {@code d[k] += 1} from several processes cannot happen; their functions travel there (a lambda
 * written in the call is serializable). {@code keySet()}, {@code values()} and {@code entrySet()}
 * are read-only snapshots: remove an entry with {@code remove(key)} or {@code remove(key, value)},
 * or with {@code computeIfPresent(key, ...)} returning null, which decides in the manager. Keys are kept in insertion order, and {@code null} values are allowed, as in a
 * Python dict. Proxies compare by identity, not by content, as in CPython.
 */
public interface ManagedMap<K, V> extends ConcurrentMap<K, V> {
    /** {@link #compute(Object, BiFunction)} with a function that travels to the manager. */
    @RunsInManager
    default V compute(K key, SerializableBiFunction<? super K, ? super V, ? extends V> remapping) {
        return compute(key, (BiFunction<? super K, ? super V, ? extends V>) remapping);
    }

    /** {@link #computeIfAbsent(Object, Function)} with a function that travels to the manager. */
    @RunsInManager
    default V computeIfAbsent(K key, SerializableFunction<? super K, ? extends V> mapping) {
        return computeIfAbsent(key, (Function<? super K, ? extends V>) mapping);
    }

    /** {@link #computeIfPresent(Object, BiFunction)} with a function that travels to the manager. */
    @RunsInManager
    default V computeIfPresent(K key, SerializableBiFunction<? super K, ? super V, ? extends V> remapping) {
        return computeIfPresent(key, (BiFunction<? super K, ? super V, ? extends V>) remapping);
    }

    /** {@link #merge(Object, Object, BiFunction)} with a function that travels to the manager. */
    @RunsInManager
    default V merge(K key, V value, SerializableBiFunction<? super V, ? super V, ? extends V> remapping) {
        return merge(key, value, (BiFunction<? super V, ? super V, ? extends V>) remapping);
    }

    /** {@link #replaceAll(BiFunction)} with a function that travels to the manager. */
    @RunsInManager
    default void replaceAll(SerializableBiFunction<? super K, ? super V, ? extends V> function) {
        replaceAll((BiFunction<? super K, ? super V, ? extends V>) function);
    }
}
