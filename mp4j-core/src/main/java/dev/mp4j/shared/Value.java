package dev.mp4j.shared;

import dev.mp4j.sync.AbstractProcessLock;

/**
 * Factories for single values in shared memory: Python's {@code multiprocessing.Value}.
 *
 * <pre>{@code
 * IntValue counter = Value.ofInt(0);                 // with a lock, as Python's default
 * List<JvmProcess> ps = new ArrayList<>();
 * for (int i = 0; i < 4; i++) {
 *     JvmProcess p = new JvmProcess(() -> {
 *         for (int k = 0; k < 1000; k++) {
 *             counter.getLock().lock();
 *             try {
 *                 counter.set(counter.get() + 1);    // or simply counter.incrementAndGet()
 *             } finally {
 *                 counter.getLock().unlock();
 *             }
 *         }
 *     });
 *     p.start();
 *     ps.add(p);
 * }
 * ps.forEach(JvmProcess::join);
 * System.out.println(counter.get());                 // 4000
 * }</pre>
 *
 * <p>Each value lives in a small shared-memory record (many to a segment, see
 * {@link dev.mp4j.shm.SharedSlabs}) with a {@code ReentrantProcessLock} beside it; passed to a
 * child it re-attaches there. {@code lock=false} (Python's
 * {@code RawValue}) leaves the lock out of reach; a {@code ProcessLock} or
 * {@code ReentrantProcessLock} given instead (Python's {@code lock=some_lock}) guards the value,
 * and may guard others too:
 * <pre>{@code
 * ProcessLock lock = ProcessLock.create();
 * DoubleValue n = Value.ofDouble(0, lock);
 * SharedArray a = SharedArray.of(SharedArray.Type.DOUBLE, 10, lock);   // n.getLock() == a.getLock()
 * }</pre>
 */
public final class Value {
    private Value() {
    }

    public static IntValue ofInt(int initial) {
        return new IntValue(initial, true);
    }

    public static IntValue ofInt(int initial, boolean lock) {
        return new IntValue(initial, lock);
    }

    /** Guarded by {@code lock}, shared with other values and arrays (Python's {@code lock=some_lock}, a Lock or an RLock). */
    public static IntValue ofInt(int initial, AbstractProcessLock lock) {
        java.util.Objects.requireNonNull(lock, "lock");
        return new IntValue(initial, false).guardedBy(lock);
    }

    public static LongValue ofLong(long initial) {
        return new LongValue(initial, true);
    }

    public static LongValue ofLong(long initial, boolean lock) {
        return new LongValue(initial, lock);
    }

    /** Guarded by {@code lock}, shared with other values and arrays (Python's {@code lock=some_lock}, a Lock or an RLock). */
    public static LongValue ofLong(long initial, AbstractProcessLock lock) {
        java.util.Objects.requireNonNull(lock, "lock");
        return new LongValue(initial, false).guardedBy(lock);
    }

    public static DoubleValue ofDouble(double initial) {
        return new DoubleValue(initial, true);
    }

    public static DoubleValue ofDouble(double initial, boolean lock) {
        return new DoubleValue(initial, lock);
    }

    /** Guarded by {@code lock}, shared with other values and arrays (Python's {@code lock=some_lock}, a Lock or an RLock). */
    public static DoubleValue ofDouble(double initial, AbstractProcessLock lock) {
        java.util.Objects.requireNonNull(lock, "lock");
        return new DoubleValue(initial, false).guardedBy(lock);
    }

    public static ByteValue ofByte(byte initial) {
        return new ByteValue(initial, true);
    }

    public static ByteValue ofByte(byte initial, boolean lock) {
        return new ByteValue(initial, lock);
    }

    /** Guarded by {@code lock}, shared with other values and arrays (Python's {@code lock=some_lock}, a Lock or an RLock). */
    public static ByteValue ofByte(byte initial, AbstractProcessLock lock) {
        java.util.Objects.requireNonNull(lock, "lock");
        return new ByteValue(initial, false).guardedBy(lock);
    }

    public static CharValue ofChar(char initial) {
        return new CharValue(initial, true);
    }

    public static CharValue ofChar(char initial, boolean lock) {
        return new CharValue(initial, lock);
    }

    /** Guarded by {@code lock}, shared with other values and arrays (Python's {@code lock=some_lock}, a Lock or an RLock). */
    public static CharValue ofChar(char initial, AbstractProcessLock lock) {
        java.util.Objects.requireNonNull(lock, "lock");
        return new CharValue(initial, false).guardedBy(lock);
    }

    public static BooleanValue ofBoolean(boolean initial) {
        return new BooleanValue(initial, true);
    }

    public static BooleanValue ofBoolean(boolean initial, boolean lock) {
        return new BooleanValue(initial, lock);
    }

    /** Guarded by {@code lock}, shared with other values and arrays (Python's {@code lock=some_lock}, a Lock or an RLock). */
    public static BooleanValue ofBoolean(boolean initial, AbstractProcessLock lock) {
        java.util.Objects.requireNonNull(lock, "lock");
        return new BooleanValue(initial, false).guardedBy(lock);
    }

    /** Python's {@code Value('f', initial)}: a 32-bit float. */
    public static FloatValue ofFloat(float initial) {
        return new FloatValue(initial, true);
    }

    public static FloatValue ofFloat(float initial, boolean lock) {
        return new FloatValue(initial, lock);
    }

    /** Guarded by {@code lock}, shared with other values and arrays (Python's {@code lock=some_lock}, a Lock or an RLock). */
    public static FloatValue ofFloat(float initial, AbstractProcessLock lock) {
        java.util.Objects.requireNonNull(lock, "lock");
        return new FloatValue(initial, false).guardedBy(lock);
    }

    /** Python's {@code Value('h', initial)}: a 16-bit short. */
    public static ShortValue ofShort(short initial) {
        return new ShortValue(initial, true);
    }

    public static ShortValue ofShort(short initial, boolean lock) {
        return new ShortValue(initial, lock);
    }

    /** Guarded by {@code lock}, shared with other values and arrays (Python's {@code lock=some_lock}, a Lock or an RLock). */
    public static ShortValue ofShort(short initial, AbstractProcessLock lock) {
        java.util.Objects.requireNonNull(lock, "lock");
        return new ShortValue(initial, false).guardedBy(lock);
    }
}
