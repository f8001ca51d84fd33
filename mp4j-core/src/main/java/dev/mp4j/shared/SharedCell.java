package dev.mp4j.shared;

import dev.mp4j.shm.SharedSegment;
import dev.mp4j.sync.AbstractProcessLock;
import dev.mp4j.sync.ReentrantProcessLock;
import java.io.Serial;
import java.io.Serializable;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Shared memory for one value and its lock (CPython's {@code Value} with {@code lock=True} has an
 * {@code RLock} beside the value). Layout, in a slab shared with other primitives
 * ({@link dev.mp4j.shm.SharedSlabs}), from the cell's offset there:
 * <pre>
 *   0   the lock's record (64 bytes; see dev.mp4j.sync.SyncLayout)
 *   64  the value (8 bytes; narrower types use the low bytes of an int slot)
 * </pre>
 */
abstract class SharedCell implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;
    static final long LOCK_OFFSET = 0;
    static final int VALUE_OFFSET = 64;
    static final long SIZE = 128;
    /*
     * Views of a ByteBuffer over the cell, not of a layout: a layout's first var handle costs a
     * fresh JVM 10-16 ms, even with the AOT cache (see dev.mp4j.shm.ByteRing).
     */
    static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());
    static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private final String segmentName;
    private final long offset;
    private final boolean locked;
    private transient SharedSegment segment;
    /** This process's hold on the cell's slab (see {@link dev.mp4j.shm.SharedSlabs}). */
    private transient dev.mp4j.shm.HeldSegment held;
    transient MemorySegment memory;
    /** {@link #memory} as a native-order buffer, for {@link #INT} and {@link #LONG}. */
    transient ByteBuffer words;
    private transient AbstractProcessLock lock;
    /**
     * A lock given at creation (Python's {@code Value(t, v, lock=some_lock)}, a {@code Lock} or an
     * {@code RLock}), shared with other values; null for the cell's own.
     */
    private AbstractProcessLock sharedLock;

    SharedCell(boolean locked) {
        dev.mp4j.shm.SharedSlabs.Place place = dev.mp4j.shm.SharedSlabs.allocate(SIZE);
        this.held = place.held();
        this.segment = place.segment();
        this.offset = place.offset();
        this.segmentName = segment.name();
        this.locked = locked;
        init();
    }

    private void init() {
        this.memory = segment.memory().asSlice(offset, SIZE);
        this.words = memory.asByteBuffer().order(ByteOrder.nativeOrder());
        // In the cell's slab: a copy of the lock sent alone carries the slab's hold.
        this.lock = sharedLock != null ? sharedLock
                : locked ? ReentrantProcessLock.within(held, dev.mp4j.shm.SharedSlabs.TABLE_OFFSET, offset + LOCK_OFFSET) : null;
    }

    /** Guards this value with {@code shared} instead of a lock of its own; right after construction. */
    final <T extends SharedCell> T guardedBy(AbstractProcessLock shared) {
        this.sharedLock = java.util.Objects.requireNonNull(shared, "lock");
        this.lock = shared;
        @SuppressWarnings("unchecked")
        T self = (T) this;
        return self;
    }

    /**
     * The lock that guards compound updates such as {@code v.set(v.get() + 1)} (Python's
     * {@code get_lock()}); single operations and the atomic helpers need none. The value's own
     * lock is a {@link ReentrantProcessLock}, as Python's; one given at creation is returned as given.
     *
     * <p>Unlike CPython's {@code v.value}, {@code get()} and {@code set()} do not take the lock:
     * each is atomic by itself, and a {@code set} does not wait for a holder of the lock. So
     * where some process updates the value under the lock, every process that writes it must
     * hold the lock too (or use {@code compareAndSet}), or its write may land inside the other's
     * update and be overwritten by it.
     *
     * @throws UnsupportedOperationException for a value made without a lock (Python's {@code lock=False})
     */
    public AbstractProcessLock getLock() {
        if (lock == null) {
            throw new UnsupportedOperationException("this value was created without a lock");
        }
        return lock;
    }

    /** A copy for another process, with a token that keeps the slab until it is read (see {@link dev.mp4j.shm.HeldSegment}). */
    @Serial
    private void writeObject(java.io.ObjectOutputStream out) throws java.io.IOException {
        out.defaultWriteObject();
        out.writeLong(held.sent());
    }

    @Serial
    private void readObject(java.io.ObjectInputStream in) throws java.io.IOException, ClassNotFoundException {
        in.defaultReadObject();
        long token = in.readLong();
        try {
            held = dev.mp4j.shm.SharedSlabs.attach(segmentName);
        } catch (RuntimeException e) {
            java.io.InvalidObjectException failure = new java.io.InvalidObjectException(
                    "cannot attach a shared value here: " + e.getMessage());
            failure.initCause(e);
            throw failure;
        }
        segment = held.segment();
        try {
            dev.mp4j.shm.SharedSlabs.checkPlace(segment, offset, SIZE, dev.mp4j.shm.SharedSlabs.TABLE_OFFSET, "a shared value");
            init();
        } finally {
            // Refused or not, the copy has arrived: its token goes, or the slab would stay for
            // as long as the tree lives.
            held.received(token);
        }
    }
}
