package dev.mp4j.sync;

import dev.mp4j.shm.Futex;
import dev.mp4j.shm.SharedSegment;
import dev.mp4j.shm.SharedWords;
import java.io.InvalidObjectException;
import java.io.Serial;
import java.io.Serializable;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

/**
 * A primitive's record in shared memory: the segment, where in it the record starts, and the
 * atomic and futex operations every primitive uses. Travels to other processes as
 * (segment name, offset), with a token that keeps its segment until the copy is read (see
 * {@link dev.mp4j.shm.HeldSegment}).
 */
final class SharedRecord implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;
    /*
     * Views of a ByteBuffer over the record, not of a layout: a layout's first var handle costs
     * a fresh JVM 10-16 ms, even with the AOT cache (see dev.mp4j.shm.ByteRing).
     */
    static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());
    static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    static final int MY_PID = dev.mp4j.shm.Pids.myPid();
    /** How a lock word names this JVM: see {@link dev.mp4j.shm.Pids#MY_OWNER}. */
    static final int MY_OWNER = dev.mp4j.shm.Pids.MY_OWNER;
    /** How long a sleeper sleeps before it looks again (for a dead owner, a deadline, an interrupt). */
    static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /** How long a waiter spins before it sleeps: enough to catch a hand-over, short enough on 2 cores. */
    static final long SPIN_NANOS = Long.getLong("mp4j.sync.spinNanos", 4_000);

    private final transient SharedSegment segment;
    final transient MemorySegment memory;
    /** {@link #memory} as a native-order buffer, for {@link #INT} and {@link #LONG}. */
    final transient ByteBuffer words;
    private final String name;
    private final long offset;
    /**
     * This process's hold on the record's segment where that segment goes once no process holds
     * it: a record too large for a slab (a condition's wait slots) has such a segment of its own,
     * a record in a slab holds the slab, and a shared array's lock holds the array's segment. Null
     * only for a record placed by hand in a segment that is not held ({@link #within(SharedSegment, long, long)}).
     */
    private final transient dev.mp4j.shm.HeldSegment held;
    /** Where {@link #held}'s table is in the segment. */
    private final transient long tableOffset;

    SharedRecord(SharedSegment segment, long offset, long size) {
        this(segment, offset, size, null, 0);
    }

    private SharedRecord(SharedSegment segment, long offset, long size, dev.mp4j.shm.HeldSegment held, long tableOffset) {
        this.held = held;
        this.tableOffset = tableOffset;
        this.segment = segment;
        this.memory = segment.memory().asSlice(offset, size);
        this.words = memory.asByteBuffer().order(ByteOrder.nativeOrder());
        this.name = segment.name();
        this.offset = offset;
    }

    /** A new zero-filled record (see {@link dev.mp4j.shm.SharedSlabs}). */
    static SharedRecord create(long size) {
        if (size > dev.mp4j.shm.SharedSlabs.LARGEST_RECORD) {
            // A segment of its own, after its holder table.
            dev.mp4j.shm.HeldSegment held = dev.mp4j.shm.HeldSegment.create(
                    dev.mp4j.shm.HeldSegment.TABLE_BYTES + size, 0, dev.mp4j.shm.HeldSegment.NOTHING_TO_DISCARD);
            return new SharedRecord(held.segment(), dev.mp4j.shm.HeldSegment.TABLE_BYTES, size, held, 0);
        }
        dev.mp4j.shm.SharedSlabs.Place place = dev.mp4j.shm.SharedSlabs.allocate(size);
        return new SharedRecord(place.segment(), place.offset(), size, place.held(), dev.mp4j.shm.SharedSlabs.TABLE_OFFSET);
    }

    /**
     * The record of {@code size} bytes at {@code offset} of a held segment whose table is at
     * {@code tableOffset}: a copy of it keeps the segment as a copy of its owner would.
     */
    static SharedRecord within(dev.mp4j.shm.HeldSegment held, long tableOffset, long offset, long size) {
        return new SharedRecord(held.segment(), offset, size, held, tableOffset);
    }

    /**
     * The record of {@code size} bytes {@code at} bytes into this one (a barrier's guard lock):
     * a copy of it keeps the segment as a copy of this record would.
     */
    SharedRecord part(long at, long size) {
        if (at < 0 || at + size > memory.byteSize()) {
            throw new IllegalArgumentException("a part at " + at + " of " + size + " bytes does not fit a record of " + memory.byteSize());
        }
        return new SharedRecord(segment, offset + at, size, held, tableOffset);
    }

    /** The record of {@code size} bytes at {@code offset} of an existing segment (this process's mapping). */
    static SharedRecord within(SharedSegment segment, long offset, long size) {
        return new SharedRecord(segment, offset, size);
    }

    String segmentName() {
        return name;
    }

    /**
     * Whether this process holds the record's segment through it (every record but one placed by
     * hand in a segment that is not held, a queue's or a pipe's own locks, whose mapping its
     * owner may close).
     */
    boolean held() {
        return held != null;
    }

    long offset() {
        return offset;
    }

    SharedSegment segment() {
        return segment;
    }

    int getInt(long at) {
        return SharedWords.getIntVolatile(words, (int) at);
    }

    void setInt(long at, int v) {
        SharedWords.setIntVolatile(words, (int) at, v);
    }

    boolean casInt(long at, int expect, int update) {
        return INT.compareAndSet(words, (int) at, expect, update);
    }

    int addInt(long at, int delta) {
        return (int) INT.getAndAdd(words, (int) at, delta);
    }

    /**
     * Plain accesses, for fields that only the lock holder writes (a re-entrant lock's owner and
     * hold count): the compare-and-set that takes the lock and the swap that frees it order them,
     * so they need no fence of their own, and a thread that does not hold the lock reads them
     * only after the lock word's volatile read, which no later read moves above.
     */
    int getIntPlain(long at) {
        return words.getInt((int) at);
    }

    void setIntPlain(long at, int v) {
        words.putInt((int) at, v);
    }

    long getLongPlain(long at) {
        return words.getLong((int) at);
    }

    void setLongPlain(long at, long v) {
        words.putLong((int) at, v);
    }

    long getLong(long at) {
        return SharedWords.getLongVolatile(words, (int) at);
    }

    void setLong(long at, long v) {
        SharedWords.setLongVolatile(words, (int) at, v);
    }

    /** Sleeps while the word at {@code at} is {@code expected}, at most {@code nanos}. */
    void sleep(long at, int expected, long nanos) {
        Futex.await(memory.asSlice(at, 4), expected, nanos);
    }

    void wake(long at, int count) {
        Futex.wake(memory.asSlice(at, 4), count);
    }

    /** Whether the owner a lock word names is a live process: see {@link dev.mp4j.shm.Pids#ownerAlive}. */
    static boolean ownerAlive(int owner) {
        return dev.mp4j.shm.Pids.ownerAlive(owner);
    }

    @Serial
    private Object writeReplace() {
        return new Ref(name, offset, memory.byteSize(), held != null ? tableOffset : -1, held != null ? held.sent() : 0);
    }

    /** The wire form: a class, not a record, whose first deserialization in a JVM would cost about 20 ms. */
    private static final class Ref implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
        private final String name;
        private final long offset;
        private final long size;
        /** Where the holder table of a held segment is (see {@link #held}), -1 for a record placed by hand; and the copy's token. */
        private final long tableOffset;
        private final long token;

        Ref(String name, long offset, long size, long tableOffset, long token) {
            this.name = name;
            this.offset = offset;
            this.size = size;
            this.tableOffset = tableOffset;
            this.token = token;
        }

        @Serial
        private Object readResolve() throws InvalidObjectException {
            if (tableOffset >= 0) {
                return resolveHeld();
            }
            // a record placed by hand in a segment that is not held (see within)
            SharedSegment segment = SharedSegment.reattach(name, "a synchronization primitive");
            dev.mp4j.shm.SharedSlabs.checkPlace(segment, offset, size, "a synchronization primitive");
            return new SharedRecord(segment, offset, size);
        }

        private SharedRecord resolveHeld() throws InvalidObjectException {
            dev.mp4j.shm.HeldSegment hold;
            try {
                hold = dev.mp4j.shm.HeldSegment.attach(name, tableOffset, segment -> {
                    try {
                        dev.mp4j.shm.SharedSlabs.checkPlace(segment, offset, size, tableOffset, "a synchronization primitive");
                    } catch (InvalidObjectException e) {
                        throw new IllegalStateException(e.getMessage(), e);
                    }
                }, dev.mp4j.shm.HeldSegment.NOTHING_TO_DISCARD);
            } catch (RuntimeException e) {
                InvalidObjectException failure = new InvalidObjectException(
                        "cannot attach a synchronization primitive here: " + e.getMessage());
                failure.initCause(e);
                throw failure;
            }
            SharedRecord record = new SharedRecord(hold.segment(), offset, size, hold, tableOffset);
            hold.received(token);
            return record;
        }
    }
}
