package dev.mp4j.shared;

import dev.mp4j.shm.HeldSegment;
import dev.mp4j.shm.SharedSegment;
import dev.mp4j.sync.AbstractProcessLock;
import dev.mp4j.sync.ReentrantProcessLock;
import java.io.Serial;
import java.io.Serializable;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * A fixed-length array of primitives in shared memory: Python's {@code multiprocessing.Array}.
 *
 * <pre>{@code
 * SharedArray a = SharedArray.ofDoubles(1.0, 2.0, 3.0);
 * JvmProcess p = new JvmProcess(() -> {
 *     for (int i = 0; i < a.length(); i++) {
 *         a.setDouble(i, -a.getDouble(i));
 *     }
 * });
 * p.start();
 * p.join();
 * System.out.println(Arrays.toString(a.toDoubleArray()));   // [-1.0, -2.0, -3.0]
 * }</pre>
 *
 * <p>Elements are plain memory, as in Python: single reads and writes are not atomic
 * read-modify-writes, and another process sees them once some synchronization orders the two
 * (joining the writer, or holding {@link #getLock()} on both sides). Bulk copies
 * ({@link #getDoubles}, {@link #setDoubles}, ...) run at memory speed. Typed accessors check the
 * array's type: a {@code getInt} on a double array is an error.
 *
 * <p>The array's shared memory goes once no process holds it (its array objects there were
 * garbage-collected, or the process ended) and no copy of it is on its way to another process,
 * as for a queue: a program that makes an array per job does not fill {@code /dev/shm}.
 *
 * <pre>
 * layout: 0 lock record (64 bytes) | 64 type | 68 length | 128 holders (HeldSegment) | 960 elements (native byte order)
 * (the lock, sent alone, keeps the array's segment as the array would)
 * </pre>
 */
public final class SharedArray implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    /** Element types, with Python's type codes. */
    public enum Type {
        INT(ValueLayout.JAVA_INT, "i"), LONG(ValueLayout.JAVA_LONG, "q"), DOUBLE(ValueLayout.JAVA_DOUBLE, "d"),
        BYTE(ValueLayout.JAVA_BYTE, "b"), CHAR(ValueLayout.JAVA_CHAR, "u"), BOOLEAN(ValueLayout.JAVA_BOOLEAN, "?"),
        FLOAT(ValueLayout.JAVA_FLOAT, "f"), SHORT(ValueLayout.JAVA_SHORT, "h");

        final ValueLayout layout;
        final String code;

        Type(ValueLayout layout, String code) {
            this.layout = layout;
            this.code = code;
        }

        long size() {
            return layout.byteSize();
        }
    }

    private static final long LOCK_OFFSET = 0;
    private static final long TYPE_OFFSET = 64;
    private static final long LENGTH_OFFSET = 68;
    /** Who holds the array (see {@link HeldSegment}): it goes once nobody does. */
    private static final long HOLDERS_OFFSET = 128;
    private static final long DATA_OFFSET = HOLDERS_OFFSET + HeldSegment.TABLE_BYTES;

    private final String segmentName;
    private final Type type;
    private final int length;
    /** This process's hold on the segment; keeps it mapped and counted while this object lives. */
    private transient HeldSegment held;
    private transient MemorySegment data;
    /** Whether the array has a lock (Python's {@code lock=True}); the lock is rebuilt in each process. */
    private final boolean locked;
    private transient AbstractProcessLock lock;
    /** A lock given at creation (Python's {@code Array(t, n, lock=some_rlock)}); null for the array's own. */
    private AbstractProcessLock sharedLock;
    /*
     * Element reads and writes go through an NIO view of the memory where there is one: until the
     * JIT has compiled the caller, a buffer access costs about a third of a MemorySegment access
     * (a var handle's chain of method handles), and a child that touches a million elements spends
     * most of its time before that point (a fresh JVM, 1,000,000 writes of a double: 8-12 ns an
     * element against 30). Compiled, both are one checked load or store. The index is checked with
     * Objects.checkIndex first: a buffer's own check throws without a message. Only the view of the
     * array's own type exists; arrays larger than a buffer can address keep the segment path.
     */
    private transient java.nio.IntBuffer intView;
    private transient java.nio.LongBuffer longView;
    private transient java.nio.DoubleBuffer doubleView;
    private transient java.nio.FloatBuffer floatView;
    private transient java.nio.ShortBuffer shortView;
    private transient java.nio.CharBuffer charView;
    private transient java.nio.ByteBuffer byteView;

    private SharedArray(Type type, int length, boolean locked) {
        if (length < 0) {
            throw new IllegalArgumentException("length must not be negative, got " + length);
        }
        this.held = HeldSegment.create(DATA_OFFSET + Math.max(1, length * type.size()), HOLDERS_OFFSET, HeldSegment.NOTHING_TO_DISCARD);
        SharedSegment segment = held.segment();
        segment.memory().set(ValueLayout.JAVA_INT, TYPE_OFFSET, type.ordinal());
        segment.memory().set(ValueLayout.JAVA_INT, LENGTH_OFFSET, length);
        this.segmentName = segment.name();
        this.type = type;
        this.length = length;
        this.locked = locked;
        init(segment);
    }

    private void init(SharedSegment segment) {
        this.data = segment.memory().asSlice(DATA_OFFSET, length * type.size());
        // In the array's segment: a copy of the lock sent alone carries the array's hold.
        this.lock = sharedLock != null ? sharedLock : locked ? ReentrantProcessLock.within(held, HOLDERS_OFFSET, LOCK_OFFSET) : null;
        if (data.byteSize() <= Integer.MAX_VALUE) {
            java.nio.ByteBuffer bytes = data.asByteBuffer().order(java.nio.ByteOrder.nativeOrder());
            switch (type) {
                case INT -> intView = bytes.asIntBuffer();
                case LONG -> longView = bytes.asLongBuffer();
                case DOUBLE -> doubleView = bytes.asDoubleBuffer();
                case FLOAT -> floatView = bytes.asFloatBuffer();
                case SHORT -> shortView = bytes.asShortBuffer();
                case CHAR -> charView = bytes.asCharBuffer();
                case BYTE -> byteView = bytes;
                case BOOLEAN -> {
                    // through the segment: its boolean accessors are the defined reading of a byte
                }
            }
        }
    }

    /** A zero-filled array of {@code length} elements, with a lock. */
    public static SharedArray of(Type type, int length) {
        return new SharedArray(type, length, true);
    }

    /** A zero-filled array; {@code lock=false} is Python's {@code RawArray}. */
    public static SharedArray of(Type type, int length, boolean lock) {
        return new SharedArray(type, length, lock);
    }

    /**
     * A zero-filled array guarded by {@code lock} (Python's {@code Array(t, n, lock=some_lock)}, a
     * {@link dev.mp4j.sync.ProcessLock} or a {@link ReentrantProcessLock}): {@link #getLock()}
     * returns it, so several arrays and values can share one lock.
     */
    public static SharedArray of(Type type, int length, AbstractProcessLock lock) {
        java.util.Objects.requireNonNull(lock, "lock");
        SharedArray a = new SharedArray(type, length, false);
        a.sharedLock = lock;
        a.lock = lock;
        return a;
    }

    /** Python's {@code Array('f', values)}. */
    public static SharedArray ofFloats(float... values) {
        SharedArray a = of(Type.FLOAT, values.length);
        a.setFloats(0, values);
        return a;
    }

    /** Python's {@code Array('h', values)}. */
    public static SharedArray ofShorts(short... values) {
        SharedArray a = of(Type.SHORT, values.length);
        a.setShorts(0, values);
        return a;
    }

    public static SharedArray ofInts(int... values) {
        SharedArray a = of(Type.INT, values.length);
        a.setInts(0, values);
        return a;
    }

    public static SharedArray ofLongs(long... values) {
        SharedArray a = of(Type.LONG, values.length);
        a.setLongs(0, values);
        return a;
    }

    public static SharedArray ofDoubles(double... values) {
        SharedArray a = of(Type.DOUBLE, values.length);
        a.setDoubles(0, values);
        return a;
    }

    public static SharedArray ofBytes(byte... values) {
        SharedArray a = of(Type.BYTE, values.length);
        a.setBytes(0, values);
        return a;
    }

    public static SharedArray ofChars(char... values) {
        SharedArray a = of(Type.CHAR, values.length);
        a.setChars(0, values);
        return a;
    }

    public static SharedArray ofBooleans(boolean... values) {
        SharedArray a = of(Type.BOOLEAN, values.length);
        for (int i = 0; i < values.length; i++) {
            a.setBoolean(i, values[i]);
        }
        return a;
    }

    public int length() {
        return length;
    }

    public Type type() {
        return type;
    }

    /** The elements as raw shared memory (native byte order), for {@code MemorySegment.copy} and friends. */
    public MemorySegment memory() {
        return data;
    }

    /**
     * The lock for compound updates (Python's {@code get_lock()}): the array's own
     * {@link ReentrantProcessLock}, or the lock it was given at creation.
     */
    public AbstractProcessLock getLock() {
        if (lock == null) {
            throw new UnsupportedOperationException("this array was created without a lock");
        }
        return lock;
    }

    private long at(int index, Type expected) {
        if (type != expected) {
            throw new IllegalStateException("this array holds " + type + " elements, not " + expected);
        }
        return Objects.checkIndex(index, length) * expected.size();
    }

    public int getInt(int i) {
        java.nio.IntBuffer view = intView;
        return view != null ? view.get(Objects.checkIndex(i, length)) : data.get(ValueLayout.JAVA_INT, at(i, Type.INT));
    }

    public void setInt(int i, int v) {
        java.nio.IntBuffer view = intView;
        if (view != null) {
            view.put(Objects.checkIndex(i, length), v);
        } else {
            data.set(ValueLayout.JAVA_INT, at(i, Type.INT), v);
        }
    }

    public long getLong(int i) {
        java.nio.LongBuffer view = longView;
        return view != null ? view.get(Objects.checkIndex(i, length)) : data.get(ValueLayout.JAVA_LONG, at(i, Type.LONG));
    }

    public void setLong(int i, long v) {
        java.nio.LongBuffer view = longView;
        if (view != null) {
            view.put(Objects.checkIndex(i, length), v);
        } else {
            data.set(ValueLayout.JAVA_LONG, at(i, Type.LONG), v);
        }
    }

    public double getDouble(int i) {
        java.nio.DoubleBuffer view = doubleView;
        return view != null ? view.get(Objects.checkIndex(i, length)) : data.get(ValueLayout.JAVA_DOUBLE, at(i, Type.DOUBLE));
    }

    public void setDouble(int i, double v) {
        java.nio.DoubleBuffer view = doubleView;
        if (view != null) {
            view.put(Objects.checkIndex(i, length), v);
        } else {
            data.set(ValueLayout.JAVA_DOUBLE, at(i, Type.DOUBLE), v);
        }
    }

    public byte getByte(int i) {
        java.nio.ByteBuffer view = byteView;
        return view != null ? view.get(Objects.checkIndex(i, length)) : data.get(ValueLayout.JAVA_BYTE, at(i, Type.BYTE));
    }

    public void setByte(int i, byte v) {
        java.nio.ByteBuffer view = byteView;
        if (view != null) {
            view.put(Objects.checkIndex(i, length), v);
        } else {
            data.set(ValueLayout.JAVA_BYTE, at(i, Type.BYTE), v);
        }
    }

    public char getChar(int i) {
        java.nio.CharBuffer view = charView;
        return view != null ? view.get(Objects.checkIndex(i, length)) : data.get(ValueLayout.JAVA_CHAR, at(i, Type.CHAR));
    }

    public void setChar(int i, char v) {
        java.nio.CharBuffer view = charView;
        if (view != null) {
            view.put(Objects.checkIndex(i, length), v);
        } else {
            data.set(ValueLayout.JAVA_CHAR, at(i, Type.CHAR), v);
        }
    }

    public float getFloat(int i) {
        java.nio.FloatBuffer view = floatView;
        return view != null ? view.get(Objects.checkIndex(i, length)) : data.get(ValueLayout.JAVA_FLOAT, at(i, Type.FLOAT));
    }

    public void setFloat(int i, float v) {
        java.nio.FloatBuffer view = floatView;
        if (view != null) {
            view.put(Objects.checkIndex(i, length), v);
        } else {
            data.set(ValueLayout.JAVA_FLOAT, at(i, Type.FLOAT), v);
        }
    }

    public short getShort(int i) {
        java.nio.ShortBuffer view = shortView;
        return view != null ? view.get(Objects.checkIndex(i, length)) : data.get(ValueLayout.JAVA_SHORT, at(i, Type.SHORT));
    }

    public void setShort(int i, short v) {
        java.nio.ShortBuffer view = shortView;
        if (view != null) {
            view.put(Objects.checkIndex(i, length), v);
        } else {
            data.set(ValueLayout.JAVA_SHORT, at(i, Type.SHORT), v);
        }
    }

    public boolean getBoolean(int i) {
        return data.get(ValueLayout.JAVA_BOOLEAN, at(i, Type.BOOLEAN));
    }

    public void setBoolean(int i, boolean v) {
        data.set(ValueLayout.JAVA_BOOLEAN, at(i, Type.BOOLEAN), v);
    }

    private void bulk(Type expected, int from, int count) {
        if (type != expected) {
            throw new IllegalStateException("this array holds " + type + " elements, not " + expected);
        }
        Objects.checkFromIndexSize(from, count, length);
    }

    /** Copies elements {@code from..from+dst.length} into {@code dst} (a slice read). */
    public void getInts(int from, int[] dst) {
        bulk(Type.INT, from, dst.length);
        MemorySegment.copy(data, ValueLayout.JAVA_INT, from * 4L, dst, 0, dst.length);
    }

    /** Copies {@code src} into elements {@code at..at+src.length} (a slice assignment). */
    public void setInts(int at, int[] src) {
        bulk(Type.INT, at, src.length);
        MemorySegment.copy(src, 0, data, ValueLayout.JAVA_INT, at * 4L, src.length);
    }

    public void getLongs(int from, long[] dst) {
        bulk(Type.LONG, from, dst.length);
        MemorySegment.copy(data, ValueLayout.JAVA_LONG, from * 8L, dst, 0, dst.length);
    }

    public void setLongs(int at, long[] src) {
        bulk(Type.LONG, at, src.length);
        MemorySegment.copy(src, 0, data, ValueLayout.JAVA_LONG, at * 8L, src.length);
    }

    public void getDoubles(int from, double[] dst) {
        bulk(Type.DOUBLE, from, dst.length);
        MemorySegment.copy(data, ValueLayout.JAVA_DOUBLE, from * 8L, dst, 0, dst.length);
    }

    public void setDoubles(int at, double[] src) {
        bulk(Type.DOUBLE, at, src.length);
        MemorySegment.copy(src, 0, data, ValueLayout.JAVA_DOUBLE, at * 8L, src.length);
    }

    public void getBytes(int from, byte[] dst) {
        bulk(Type.BYTE, from, dst.length);
        MemorySegment.copy(data, ValueLayout.JAVA_BYTE, from, dst, 0, dst.length);
    }

    public void setBytes(int at, byte[] src) {
        bulk(Type.BYTE, at, src.length);
        MemorySegment.copy(src, 0, data, ValueLayout.JAVA_BYTE, at, src.length);
    }

    public void getChars(int from, char[] dst) {
        bulk(Type.CHAR, from, dst.length);
        MemorySegment.copy(data, ValueLayout.JAVA_CHAR, from * 2L, dst, 0, dst.length);
    }

    public void setChars(int at, char[] src) {
        bulk(Type.CHAR, at, src.length);
        MemorySegment.copy(src, 0, data, ValueLayout.JAVA_CHAR, at * 2L, src.length);
    }

    public void getFloats(int from, float[] dst) {
        bulk(Type.FLOAT, from, dst.length);
        MemorySegment.copy(data, ValueLayout.JAVA_FLOAT, from * 4L, dst, 0, dst.length);
    }

    public void setFloats(int at, float[] src) {
        bulk(Type.FLOAT, at, src.length);
        MemorySegment.copy(src, 0, data, ValueLayout.JAVA_FLOAT, at * 4L, src.length);
    }

    public void getShorts(int from, short[] dst) {
        bulk(Type.SHORT, from, dst.length);
        MemorySegment.copy(data, ValueLayout.JAVA_SHORT, from * 2L, dst, 0, dst.length);
    }

    public void setShorts(int at, short[] src) {
        bulk(Type.SHORT, at, src.length);
        MemorySegment.copy(src, 0, data, ValueLayout.JAVA_SHORT, at * 2L, src.length);
    }

    public float[] toFloatArray() {
        float[] out = new float[length];
        getFloats(0, out);
        return out;
    }

    public short[] toShortArray() {
        short[] out = new short[length];
        getShorts(0, out);
        return out;
    }

    public int[] toIntArray() {
        int[] out = new int[length];
        getInts(0, out);
        return out;
    }

    public long[] toLongArray() {
        long[] out = new long[length];
        getLongs(0, out);
        return out;
    }

    public double[] toDoubleArray() {
        double[] out = new double[length];
        getDoubles(0, out);
        return out;
    }

    public byte[] toByteArray() {
        byte[] out = new byte[length];
        getBytes(0, out);
        return out;
    }

    /**
     * For a CHAR array, its contents as a string up to the first NUL (Python's
     * {@code Array('u').get_obj().value}, as ctypes reads a character array); {@link #getChars}
     * gives every element.
     */
    public String charsAsString() {
        char[] out = new char[length];
        getChars(0, out);
        int end = 0;
        while (end < out.length && out[end] != '\0') {
            end++;
        }
        return new String(out, 0, end);
    }

    @Override
    public String toString() {
        return "<SynchronizedArray('" + type.code + "', length=" + length + ")>";
    }

    /** A copy for another process, with a token that keeps the array until it is read (see {@link HeldSegment}). */
    @Serial
    private void writeObject(java.io.ObjectOutputStream out) throws java.io.IOException {
        out.defaultWriteObject();
        out.writeLong(held.sent());
    }

    @Serial
    private void readObject(java.io.ObjectInputStream in) throws java.io.IOException, ClassNotFoundException {
        in.defaultReadObject();
        long token = in.readLong();
        if (type == null || length < 0) {
            throw new java.io.InvalidObjectException("a shared array of type " + type + " and length " + length);
        }
        try {
            held = HeldSegment.attach(segmentName, HOLDERS_OFFSET, this::checkSegment, HeldSegment.NOTHING_TO_DISCARD);
        } catch (RuntimeException e) {
            java.io.InvalidObjectException failure = new java.io.InvalidObjectException(
                    "cannot attach a shared array here: " + e.getMessage());
            failure.initCause(e);
            throw failure;
        }
        init(held.segment());
        held.received(token);
    }

    /** Refuses, before anything is written to it, a segment that is not this array's. */
    private void checkSegment(SharedSegment segment) {
        MemorySegment m = segment.memory();
        if (m.byteSize() < DATA_OFFSET + length * type.size()
                || m.get(ValueLayout.JAVA_INT, TYPE_OFFSET) != type.ordinal()
                || m.get(ValueLayout.JAVA_INT, LENGTH_OFFSET) != length) {
            throw new IllegalStateException("shared-memory segment '" + segment.name() + "' does not hold a shared array of "
                    + length + " " + type + " elements");
        }
    }
}
