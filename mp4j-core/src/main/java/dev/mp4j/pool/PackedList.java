package dev.mp4j.pool;

import java.io.Serial;
import java.io.Serializable;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * The list a {@code map} returns when every result is an {@code Integer} (or every one a
 * {@code Long}): the values stay in the primitive array they arrived in, and are boxed when read.
 * A million results take 4 MB instead of 20 (a million {@code Integer}s and the references to
 * them), which is what a parent's young collections had to copy while it mapped: in a 1,000,000
 * item map the boxed results were most of what the parent allocated.
 *
 * <p>Otherwise it behaves as the {@link ArrayList} it stands for (Python's {@code map} returns a
 * list the caller owns): it can be changed and grows; storing a value of another type turns it
 * into a list of objects. It travels (is serialized) as an {@code ArrayList}. Reading an element
 * twice may give two {@code Integer} objects that are {@code equals} but not {@code ==}, as
 * boxing does anywhere.
 */
final class PackedList extends AbstractList<Object> implements RandomAccess, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    /** Exactly one of the three holds the elements. */
    private int[] ints;
    private long[] longs;
    private Object[] objects;
    private int size;

    private PackedList(int[] ints, long[] longs, int size) {
        this.ints = ints;
        this.longs = longs;
        this.size = size;
    }

    /** A list of the ints in {@code values} (the array is taken, not copied). */
    static PackedList ofInts(int[] values) {
        return new PackedList(values, null, values.length);
    }

    /** A list of the longs in {@code values} (the array is taken, not copied). */
    static PackedList ofLongs(long[] values) {
        return new PackedList(null, values, values.length);
    }

    /**
     * The parts one after the other, as one packed list if every part is a packed list of the
     * same kind, else null (the caller joins them as objects).
     */
    static PackedList concat(List<?> parts) {
        boolean allInts = true;
        boolean allLongs = true;
        int total = 0;
        for (Object part : parts) {
            if (!(part instanceof PackedList p)) {
                return null;
            }
            allInts &= p.ints != null;
            allLongs &= p.longs != null;
            total += p.size;
        }
        if (!allInts && !allLongs) {
            return null;
        }
        Object out = allInts ? new int[total] : new long[total];
        int at = 0;
        for (Object part : parts) {
            PackedList p = (PackedList) part;
            System.arraycopy(allInts ? p.ints : p.longs, 0, out, at, p.size);
            at += p.size;
        }
        return allInts ? ofInts((int[]) out) : ofLongs((long[]) out);
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Object get(int index) {
        Objects.checkIndex(index, size);
        if (ints != null) {
            return ints[index];
        }
        if (longs != null) {
            return longs[index];
        }
        return objects[index];
    }

    @Override
    public Object set(int index, Object element) {
        Objects.checkIndex(index, size);
        Object old = get(index);
        if (ints != null && element instanceof Integer v) {
            ints[index] = v;
        } else if (longs != null && element instanceof Long v) {
            longs[index] = v;
        } else {
            unpack();
            objects[index] = element;
        }
        return old;
    }

    @Override
    public void add(int index, Object element) {
        Objects.checkIndex(index, size + 1);
        modCount++;
        if (ints != null && element instanceof Integer v) {
            ints = room(ints, index);
            ints[index] = v;
        } else if (longs != null && element instanceof Long v) {
            longs = room(longs, index);
            longs[index] = v;
        } else {
            unpack();
            objects = room(objects, index);
            objects[index] = element;
        }
        size++;
    }

    @Override
    public Object remove(int index) {
        Objects.checkIndex(index, size);
        Object old = get(index);
        modCount++;
        Object array = ints != null ? ints : longs != null ? longs : objects;
        System.arraycopy(array, index + 1, array, index, size - index - 1);
        size--;
        if (objects != null) {
            objects[size] = null;
        }
        return old;
    }

    /** In one move, not one element at a time as AbstractList would (clear() of a million: n², else). */
    @Override
    protected void removeRange(int fromIndex, int toIndex) {
        Objects.checkFromToIndex(fromIndex, toIndex, size);
        modCount++;
        Object array = ints != null ? ints : longs != null ? longs : objects;
        System.arraycopy(array, toIndex, array, fromIndex, size - toIndex);
        int newSize = size - (toIndex - fromIndex);
        if (objects != null) {
            Arrays.fill(objects, newSize, size, null);
        }
        size = newSize;
    }

    @Override
    public void clear() {
        removeRange(0, size);
    }

    /** Becomes a list of objects, for a value its primitive array cannot hold. */
    private void unpack() {
        if (objects != null) {
            return;
        }
        Object[] out = new Object[Math.max(size, 10)];
        for (int i = 0; i < size; i++) {
            out[i] = ints != null ? (Object) ints[i] : (Object) longs[i];
        }
        objects = out;
        ints = null;
        longs = null;
    }

    /** The array with a free slot at {@code index} for one more element, grown if full. */
    private int[] room(int[] a, int index) {
        int[] out = a.length > size ? a : Arrays.copyOf(a, grown(a.length));
        System.arraycopy(a, index, out, index + 1, size - index);
        return out;
    }

    private long[] room(long[] a, int index) {
        long[] out = a.length > size ? a : Arrays.copyOf(a, grown(a.length));
        System.arraycopy(a, index, out, index + 1, size - index);
        return out;
    }

    private Object[] room(Object[] a, int index) {
        Object[] out = a.length > size ? a : Arrays.copyOf(a, grown(a.length));
        System.arraycopy(a, index, out, index + 1, size - index);
        return out;
    }

    private static int grown(int length) {
        return Math.max(10, length + (length >> 1));
    }

    @Serial
    private Object writeReplace() {
        return new ArrayList<>(this);
    }
}
