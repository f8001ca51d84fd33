package dev.mp4j.pool;

import java.io.Serial;
import java.io.Serializable;
import java.util.AbstractList;
import java.util.NoSuchElementException;
import java.util.RandomAccess;

/**
 * Python's {@code range(start, stop, step)}: the ints from {@code start} up to (not including)
 * {@code stop}, {@code step} apart, as an unmodifiable {@code List<Integer>} that holds only its
 * bounds. A pool sends each chunk of one to its worker as its bounds, not as its items, so
 * {@code pool.map(f, IntRange.of(n))} costs the caller next to nothing per item, where a list of
 * boxed ints is made, read and copied item by item.
 *
 * <pre>{@code
 * try (ProcessPool pool = ProcessPool.create(4)) {
 *     List<Integer> squares = pool.map(x -> x * x, IntRange.of(100_000));   // pool.map(sq, range(100000))
 *     List<Integer> odds = IntRange.of(1, 10, 2);                            // [1, 3, 5, 7, 9]
 *     List<Integer> down = IntRange.of(5, 0, -1);                            // [5, 4, 3, 2, 1]
 * }
 * }</pre>
 *
 * <p>As in Python, a range whose step goes away from {@code stop} is empty, and a step of 0 is
 * refused. Its elements are computed, so {@code get}, {@code contains}, {@code indexOf} and
 * {@code subList} (itself a range) take constant time.
 */
public final class IntRange extends AbstractList<Integer> implements RandomAccess, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private final int start;
    private final int step;
    private final int size;
    /** The end as given (or, for a sub-range, as computed), for {@link #toString}. */
    private final long stop;

    private IntRange(int start, int step, int size, long stop) {
        this.start = start;
        this.step = step;
        this.size = size;
        this.stop = stop;
    }

    /** {@code range(stop)}: 0, 1, ..., stop - 1 (empty if {@code stop <= 0}). */
    public static IntRange of(int stop) {
        return of(0, stop, 1);
    }

    /** {@code range(start, stop)}: start, start + 1, ..., stop - 1. */
    public static IntRange of(int start, int stop) {
        return of(start, stop, 1);
    }

    /**
     * {@code range(start, stop, step)}.
     *
     * @throws IllegalArgumentException if {@code step} is 0
     */
    public static IntRange of(int start, int stop, int step) {
        if (step == 0) {
            throw new IllegalArgumentException("range() step must not be zero");
        }
        // In longs: stop - start may not fit in an int (Integer.MIN_VALUE to Integer.MAX_VALUE).
        long span = step > 0 ? (long) stop - start : (long) start - stop;
        long stride = Math.abs((long) step);
        long n = span <= 0 ? 0 : (span + stride - 1) / stride;
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("range(" + start + ", " + stop + ", " + step + ") has " + n
                    + " elements, more than a List can hold");
        }
        return new IntRange(start, step, (int) n, stop);
    }

    /** A range read off the wire ({@link Codec}): checked as {@link #readObject} checks one. */
    static IntRange ofParts(int start, int step, int size) {
        long last = (long) start + (long) Math.max(0, size - 1) * step;
        if (step == 0 || size < 0 || last < Integer.MIN_VALUE || last > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("not a range: start " + start + ", step " + step + ", size " + size);
        }
        return new IntRange(start, step, size, (long) start + (long) size * step);
    }

    /** The first element (Python's {@code r.start}). */
    public int start() {
        return start;
    }

    /** Python's {@code r.step}. */
    public int step() {
        return step;
    }

    /** The element at {@code index} as an int, without boxing. */
    public int getInt(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("range index " + index + " out of range for length " + size);
        }
        return start + index * step;
    }

    @Override
    public Integer get(int index) {
        return getInt(index);
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public int indexOf(Object o) {
        if (!(o instanceof Integer value) || size == 0) {
            return -1;
        }
        long offset = (long) value - start;
        if (offset % step != 0) {
            return -1;
        }
        long index = offset / step;
        return index >= 0 && index < size ? (int) index : -1;
    }

    @Override
    public int lastIndexOf(Object o) {
        return indexOf(o);
    }

    @Override
    public boolean contains(Object o) {
        return indexOf(o) >= 0;
    }

    /** The elements from {@code from} to {@code to} (exclusive): a range of its own. */
    @Override
    public IntRange subList(int from, int to) {
        if (from < 0 || to > size || from > to) {
            throw new IndexOutOfBoundsException("subList(" + from + ", " + to + ") of a range of " + size);
        }
        return new IntRange(start + from * step, step, to - from, start + (long) to * step);
    }

    @Override
    public java.util.Iterator<Integer> iterator() {
        return new java.util.Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < size;
            }

            @Override
            public Integer next() {
                if (next >= size) {
                    throw new NoSuchElementException();
                }
                return start + next++ * step;
            }
        };
    }

    @Override
    public boolean equals(Object o) {
        if (o instanceof IntRange r) {
            // As Python's: equal when they hold the same ints, whatever their bounds say.
            return size == r.size && (size == 0 || start == r.start && (size == 1 || step == r.step));
        }
        return super.equals(o);
    }

    /**
     * {@link List#hashCode()}'s value, in O(log n): the list's fold {@code h = 31 * h + e} over
     * {@code e = start + k * step} is a linear map of {@code (h, k, 1)}, applied {@code size} times,
     * so it is that map's matrix raised to {@code size} (int arithmetic wraps as the fold's does).
     */
    @Override
    public int hashCode() {
        int[] power = {1, 0, 0, 0, 1, 0, 0, 0, 1};
        int[] map = {31, step, start, 0, 1, 1, 0, 0, 1};
        for (int n = size; n > 0; n >>>= 1) {
            if ((n & 1) != 0) {
                power = times(power, map);
            }
            map = times(map, map);
        }
        // Applied to h = 1, k = 0, and the constant 1.
        return power[0] + power[2];
    }

    /** The product of two 3x3 int matrices, row by row. */
    private static int[] times(int[] a, int[] b) {
        int[] c = new int[9];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                c[3 * i + j] = a[3 * i] * b[j] + a[3 * i + 1] * b[3 + j] + a[3 * i + 2] * b[6 + j];
            }
        }
        return c;
    }

    /** Python's form: {@code range(0, 10)}, {@code range(1, 10, 2)}. */
    @Override
    public String toString() {
        return step == 1 ? "range(" + start + ", " + stop + ")" : "range(" + start + ", " + stop + ", " + step + ")";
    }

    /** A range read from a stream is checked as one made here is. */
    @Serial
    private void readObject(java.io.ObjectInputStream in) throws java.io.IOException, ClassNotFoundException {
        in.defaultReadObject();
        long last = (long) start + (long) Math.max(0, size - 1) * step;
        if (step == 0 || size < 0 || last < Integer.MIN_VALUE || last > Integer.MAX_VALUE) {
            throw new java.io.InvalidObjectException("not a range: start " + start + ", step " + step + ", size " + size);
        }
    }
}
