package dev.mp4j.shared;

import dev.mp4j.shm.SharedSegment;
import java.io.Serial;
import java.io.Serializable;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * A fixed-length list of simple values in shared memory: Python's
 * {@code multiprocessing.shared_memory.ShareableList}, as a {@link java.util.List}.
 *
 * <pre>{@code
 * ShareableList sl = ShareableList.of("howdy", 42, 3.5, true, null, new byte[] {1, 2});
 * JvmProcess p = new JvmProcess(() -> sl.set(0, "hi"));   // fits in the 8 bytes "howdy" got
 * p.start();
 * p.join();
 * System.out.println(sl.get(0));                         // hi
 * }</pre>
 *
 * <p>Each slot holds an {@code Integer}, {@code Long}, {@code Double}, {@code Boolean},
 * {@code String}, {@code byte[]} or {@code null}, in room fixed at creation as CPython fixes it:
 * 8 bytes for numbers, booleans and null, and for strings and byte arrays their size (strings in
 * <em>UTF-8 bytes</em>, so non-ASCII text is never cut short, unlike CPython) rounded up to the
 * next multiple of 8 ("howdy" gets 8, "abcdefgh" 16). A new value may be of another type; if it
 * does not fit its slot, {@link #set} throws and the old value stays. The list cannot grow or
 * shrink. Slots are plain memory, as in CPython: concurrent writers to one slot need a lock, and
 * so does a reader that must never see a slot half rewritten. (Without one, a read may mix old
 * and new; what it cannot do is read past the slot: a length that does not fit it is read again.)
 *
 * <pre>
 * layout: 0 count | 4 magic "MP4L" | 8 + 16*i: slot i {tag int, capacity int, data offset long} | data...
 *         a string or byte[] slot's data: length int, then the bytes; capacity counts the
 *         length's 4 bytes besides CPython's room
 * </pre>
 */
public final class ShareableList extends AbstractList<Object> implements RandomAccess, Serializable, AutoCloseable {
    @Serial
    private static final long serialVersionUID = 1L;

    private static final int NULL = 0;
    private static final int INT = 1;
    private static final int LONG = 2;
    private static final int DOUBLE = 3;
    private static final int BOOLEAN = 4;
    private static final int STRING = 5;
    private static final int BYTES = 6;
    private static final long COUNT = 0;
    /** Marks a segment as a list, so attaching to another kind of segment is refused. */
    private static final long MAGIC = 4;
    private static final int MAGIC_WORD = 0x4C34504D;   // "MP4L" in little-endian bytes
    private static final long TABLE = 8;
    private static final long SLOT = 16;

    private final String segmentName;
    private transient SharedSegment segment;
    private transient MemorySegment memory;
    private transient int size;

    private ShareableList(SharedSegment segment) {
        this.segmentName = segment.name();
        init(segment);
    }

    /** The creator's list, whose mark is set once its values are written (see {@link #make}). */
    private ShareableList(SharedSegment segment, int size) {
        this.segmentName = segment.name();
        this.segment = segment;
        this.memory = segment.memory();
        this.size = size;
    }

    /** The mark's accesses: set with release once the list is whole, read with acquire. */
    private static final java.lang.invoke.VarHandle MARK = ValueLayout.JAVA_INT.varHandle();
    /** How long an attach waits for a list being made under its name to get its mark. */
    private static final long MARK_WAIT_NANOS = 100_000_000;

    private void init(SharedSegment seg) {
        MemorySegment m = seg.memory();
        if (m.byteSize() >= TABLE && (int) MARK.getAcquire(m, MAGIC) == 0) {
            // Made under a name another process may attach as soon as it exists: its maker
            // sets the mark last, once its values are written.
            long deadline = System.nanoTime() + MARK_WAIT_NANOS;
            while ((int) MARK.getAcquire(m, MAGIC) == 0 && System.nanoTime() - deadline < 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
        }
        String wrong = checkLayout(m);
        if (wrong != null) {
            seg.close();
            throw new IllegalArgumentException("shared-memory segment '" + seg.name() + "' is not a ShareableList: " + wrong);
        }
        this.segment = seg;
        this.memory = m;
        this.size = m.get(ValueLayout.JAVA_INT, COUNT);
    }

    /** What is wrong with {@code m} as a list's segment, or null (the table's slots lie within it). */
    private static String checkLayout(MemorySegment m) {
        if (m.byteSize() < TABLE || (int) MARK.getAcquire(m, MAGIC) != MAGIC_WORD) {
            return "it does not begin with a list's mark";
        }
        int count = m.get(ValueLayout.JAVA_INT, COUNT);
        if (count < 0 || TABLE + SLOT * (long) count > m.byteSize()) {
            return "its count of " + count + " slots does not fit its " + m.byteSize() + " bytes";
        }
        for (int i = 0; i < count; i++) {
            long slot = TABLE + SLOT * i;
            int capacity = m.get(ValueLayout.JAVA_INT, slot + 4);
            long at = m.get(ValueLayout.JAVA_LONG, slot + 8);
            if (capacity < 4 || at < TABLE + SLOT * (long) count || capacity > m.byteSize() - at) {
                return "slot " + i + " lies outside it";
            }
        }
        return null;
    }

    /** A new list holding {@code values}; each slot gets the room its initial value needs. */
    public static ShareableList of(Object... values) {
        return make(null, values);
    }

    /**
     * A new list holding {@code values} in a segment named {@code name}, which other programs
     * can {@link #attach} by that name: Python's {@code ShareableList(sequence, name=name)}. It is
     * removed when this process tree ends, unless some process {@link #unlink}s it first.
     *
     * @throws IllegalStateException if a segment of that name exists already
     */
    public static ShareableList create(String name, Object... values) {
        return make(java.util.Objects.requireNonNull(name, "name"), values);
    }

    private static ShareableList make(String name, Object... values) {
        byte[][] encoded = new byte[values.length][];
        long[] capacity = new long[values.length];
        long data = TABLE + SLOT * values.length;
        long total = data;
        for (int i = 0; i < values.length; i++) {
            encoded[i] = encode(values[i], i);
            // CPython's room (8, or a string's bytes rounded up past the next multiple of 8),
            // plus the length.
            long room = isVariable(values[i]) ? 8L * (encoded[i].length / 8 + 1) : 8;
            capacity[i] = room + 4;
            if (capacity[i] > Integer.MAX_VALUE) {
                // A slot's room is an int in the segment's table.
                throw new IllegalArgumentException("value " + i + " is too large for a ShareableList slot: "
                        + encoded[i].length + " bytes, at most " + (Integer.MAX_VALUE - 8));
            }
            total += roundUp(capacity[i]);
        }
        SharedSegment seg = name == null ? SharedSegment.create(Math.max(total, 64), true)
                : SharedSegment.createNamed(name, Math.max(total, 64));
        MemorySegment m = seg.memory();
        m.set(ValueLayout.JAVA_INT, COUNT, values.length);
        long offset = data;
        for (int i = 0; i < values.length; i++) {
            long slot = TABLE + SLOT * i;
            m.set(ValueLayout.JAVA_INT, slot + 4, (int) capacity[i]);
            m.set(ValueLayout.JAVA_LONG, slot + 8, offset);
            offset += roundUp(capacity[i]);
        }
        ShareableList list = new ShareableList(seg, values.length);
        for (int i = 0; i < values.length; i++) {
            list.write(i, values[i], encoded[i]);
        }
        // Last, so that a process attaching by name meanwhile finds the list whole or waits.
        MARK.setRelease(m, MAGIC, MAGIC_WORD);
        return list;
    }

    /**
     * Attaches to a list another process created.
     *
     * @throws IllegalArgumentException if the segment of that name is not a list
     */
    public static ShareableList attach(String name) {
        return new ShareableList(SharedSegment.attach(name, true));
    }

    /** The segment name other processes attach with. */
    public String name() {
        return segmentName;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Object get(int index) {
        long slot = slot(index);
        long at = memory.get(ValueLayout.JAVA_LONG, slot + 8);
        int capacity = memory.get(ValueLayout.JAVA_INT, slot + 4);
        for (int attempt = 0; ; attempt++) {
            int tag = memory.get(ValueLayout.JAVA_INT, slot);
            Object value = switch (tag) {
                case NULL -> null;
                case INT -> memory.get(ValueLayout.JAVA_INT, at);
                case LONG -> memory.get(ValueLayout.JAVA_LONG, at);
                case DOUBLE -> memory.get(ValueLayout.JAVA_DOUBLE, at);
                case BOOLEAN -> memory.get(ValueLayout.JAVA_BYTE, at) != 0;
                case STRING, BYTES -> {
                    // A writer changing the slot's type stores the data before the tag: a length
                    // read under the old tag may be a number's bytes. Only one that fits is read.
                    int n = memory.get(ValueLayout.JAVA_INT, at);
                    if (n < 0 || n > capacity - 4) {
                        yield TORN;
                    }
                    byte[] bytes = new byte[n];
                    MemorySegment.copy(memory, ValueLayout.JAVA_BYTE, at + 4, bytes, 0, n);
                    yield tag == STRING ? new String(bytes, StandardCharsets.UTF_8) : bytes;
                }
                default -> TORN;
            };
            if (value != TORN) {
                return value;
            }
            if (attempt >= TORN_RETRIES) {
                throw new java.util.ConcurrentModificationException("ShareableList slot " + index
                        + " kept changing while being read (tag " + tag + ")");
            }
            Thread.onSpinWait();
        }
    }

    /** A read that met a slot half rewritten. */
    private static final Object TORN = new Object();
    private static final int TORN_RETRIES = 100_000;

    /**
     * Replaces slot {@code index}.
     *
     * @throws IllegalArgumentException if {@code value}'s type is not supported or it does not fit
     *         the slot (the old value stays)
     */
    @Override
    public Object set(int index, Object value) {
        long slot = slot(index);
        byte[] encoded = encode(value, index);
        int capacity = memory.get(ValueLayout.JAVA_INT, slot + 4);
        long needed = encoded.length + (isVariable(value) ? 4L : 0L);
        if (needed > capacity) {
            throw new IllegalArgumentException("value for slot " + index + " needs " + needed
                    + " bytes (UTF-8 for strings, plus a 4-byte length) but the slot holds " + capacity
                    + "; the old value stays");
        }
        Object old = get(index);
        write(index, value, encoded);
        return old;
    }

    private void write(int index, Object value, byte[] encoded) {
        long slot = TABLE + SLOT * index;
        long at = memory.get(ValueLayout.JAVA_LONG, slot + 8);
        int tag = switch (value) {
            case null -> NULL;
            case Integer i -> {
                memory.set(ValueLayout.JAVA_INT, at, i);
                yield INT;
            }
            case Long l -> {
                memory.set(ValueLayout.JAVA_LONG, at, l);
                yield LONG;
            }
            case Double d -> {
                memory.set(ValueLayout.JAVA_DOUBLE, at, d);
                yield DOUBLE;
            }
            case Boolean b -> {
                memory.set(ValueLayout.JAVA_BYTE, at, (byte) (b ? 1 : 0));
                yield BOOLEAN;
            }
            case String s -> {
                putBytes(at, encoded);
                yield STRING;
            }
            case byte[] b -> {
                putBytes(at, encoded);
                yield BYTES;
            }
            default -> throw new IllegalArgumentException("unsupported type " + value.getClass().getName());
        };
        memory.set(ValueLayout.JAVA_INT, slot, tag);
    }

    private void putBytes(long at, byte[] b) {
        memory.set(ValueLayout.JAVA_INT, at, b.length);
        MemorySegment.copy(b, 0, memory, ValueLayout.JAVA_BYTE, at + 4, b.length);
    }

    private static byte[] encode(Object value, int index) {
        return switch (value) {
            case null -> new byte[0];
            case Integer i -> new byte[0];
            case Long l -> new byte[0];
            case Double d -> new byte[0];
            case Boolean b -> new byte[0];
            case String s -> utf8(s, index);
            case byte[] b -> b.clone();
            default -> throw new IllegalArgumentException("a ShareableList holds Integer, Long, Double, Boolean, String, "
                    + "byte[] or null; slot " + index + " got a " + value.getClass().getName());
        };
    }

    /** UTF-8 that refuses a lone surrogate (getBytes would store '?'), as CPython's encode does. */
    private static byte[] utf8(String s, int index) {
        try {
            java.nio.ByteBuffer b = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .encode(java.nio.CharBuffer.wrap(s));
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalArgumentException("slot " + index + ": a string with a lone surrogate has no UTF-8 form", e);
        }
    }

    private static boolean isVariable(Object value) {
        return value instanceof String || value instanceof byte[];
    }

    private static long roundUp(long n) {
        return (n + 7) & ~7L;
    }

    private long slot(int index) {
        if (segment.isClosed()) {
            // The mapping stays while the object lives (it is unmapped with it), so a use after
            // close would still work: refused, as CPython's is.
            throw new IllegalStateException("this ShareableList was closed");
        }
        Objects.checkIndex(index, size);
        return TABLE + SLOT * index;
    }

    @Override
    public int indexOf(Object o) {
        for (int i = 0; i < size; i++) {
            if (same(get(i), o)) {
                return i;
            }
        }
        return -1;
    }

    /** As {@link #indexOf}: a {@code byte[]} by its content (each {@code get} returns a fresh copy). */
    @Override
    public int lastIndexOf(Object o) {
        for (int i = size - 1; i >= 0; i--) {
            if (same(get(i), o)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The {@link java.util.List} contract; against another {@code ShareableList}, a {@code byte[]}
     * element is compared by content (each {@code get} returns a fresh copy, which would never
     * equal another by identity). Against any other list, as that list would compare (so that
     * equality stays symmetric): a {@code byte[]} by identity, so never equal.
     */
    @Override
    public boolean equals(Object o) {
        if (o == this) {
            return true;
        }
        if (!(o instanceof ShareableList other)) {
            return super.equals(o);
        }
        if (other.size() != size()) {
            return false;
        }
        java.util.Iterator<?> it = other.iterator();
        for (int i = 0; i < size(); i++) {
            if (!same(get(i), it.next())) {
                return false;
            }
        }
        return true;
    }

    /**
     * As {@link java.util.List#hashCode()}, a {@code byte[]} element hashed by its content (a list
     * holding one equals only another {@code ShareableList}, see {@link #equals}).
     */
    @Override
    public int hashCode() {
        int h = 1;
        for (int i = 0; i < size(); i++) {
            Object e = get(i);
            h = 31 * h + (e instanceof byte[] b ? Arrays.hashCode(b) : Objects.hashCode(e));
        }
        return h;
    }

    private static boolean same(Object a, Object b) {
        return a instanceof byte[] x && b instanceof byte[] y ? Arrays.equals(x, y) : Objects.equals(a, b);
    }

    /** Python's {@code count(value)}. */
    public int count(Object value) {
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (same(get(i), value)) {
                n++;
            }
        }
        return n;
    }

    /** Drops this process's reference; the mapping is released with the object. */
    @Override
    public void close() {
        segment.close();
    }

    /** Removes the name; processes attached keep their view. */
    public void unlink() {
        segment.unlink();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ShareableList([");
        for (int i = 0; i < size; i++) {
            Object v = get(i);
            sb.append(i == 0 ? "" : ", ").append(v instanceof String s ? "'" + s + "'" : v instanceof byte[] b ? Arrays.toString(b) : v);
        }
        return sb.append("], name='").append(segmentName).append("')").toString();
    }

    @Serial
    private void readObject(java.io.ObjectInputStream in) throws java.io.IOException, ClassNotFoundException {
        in.defaultReadObject();
        init(SharedSegment.reattach(segmentName, "a ShareableList"));
    }
}
