package dev.mp4j.manager;

import java.util.List;

/**
 * A fixed-length array living in a manager's server process: Python's
 * {@code manager.Array(typecode, sequence)}.
 *
 * <pre>{@code
 * ManagedArray<Integer> a = manager.array(new int[] {1, 2, 3});
 * a.set(0, 10);
 * System.out.println(a.toList());   // [10, 2, 3]
 * }</pre>
 */
public interface ManagedArray<E> {
    /** The number of elements. */
    int length();

    /**
     * The element at {@code index}.
     *
     * @throws IndexOutOfBoundsException if {@code index} is outside the array
     */
    E get(int index);

    /**
     * Replaces the element at {@code index}.
     *
     * @throws IndexOutOfBoundsException if {@code index} is outside the array
     * @throws ClassCastException if the value is not of the array's element type
     */
    void set(int index, E value);

    /** A snapshot of all elements. */
    List<E> toList();
}
