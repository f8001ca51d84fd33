package dev.mp4j.shm;

/**
 * Where the small records of primitives (locks, events, semaphores, barriers, shared values) live:
 * many to a shared-memory segment (a slab) instead of a segment each. Internal plumbing of mp4j's
 * primitives, public because they live in several packages.
 *
 * <p>A segment is a file in {@code /dev/shm}: creating one costs 15-20 µs (create, size, map,
 * record it for the resource tracker), and even a 64-byte record takes a whole page of memory
 * once written, plus an inode. A slab is a {@link HeldSegment}: its records are not freed one by
 * one, but a full slab goes once no process holds any of its records and no copy of one is on
 * its way (the slab being filled is held by the allocator). So a program that keeps making locks
 * and dropping them does not fill {@code /dev/shm}; a long-lived record keeps its 64 KiB slab.
 *
 * <p>Records start on 128-byte boundaries, so two primitives never share a cache line or a
 * pair of lines. A process maps each slab once and holds it once, however many of its records it
 * has ({@link #attach}).
 *
 * <pre>{@code
 * SharedSlabs.Place p = SharedSlabs.allocate(64);  // a zero-filled, 128-byte-aligned record
 * // ... travels as (p.segment().name(), p.offset(), p.held().sent()); in another process:
 * HeldSegment same = SharedSlabs.attach(name);      // mapped and held once per process
 * same.received(token);
 * }</pre>
 */
public final class SharedSlabs {
    /** Bytes per slab: 505 locks, events, semaphores or values after the holder table. */
    static final long SLAB_BYTES = 64 * 1024;
    /** Where a slab's holder table is; its records follow it. */
    public static final long TABLE_OFFSET = 0;
    /**
     * Two cache lines: x86 prefetches lines in aligned pairs, so a record sharing a pair with a
     * busy neighbour pays for its traffic (lock_ops.value_incr_contended: 2.3-2.9 M incr/s at 64,
     * against 3.1-3.4 M with a segment each).
     */
    private static final long ALIGN = 128;
    /** The first record, after the holder table, on a record boundary. */
    static final long FIRST_RECORD = (HeldSegment.TABLE_BYTES + ALIGN - 1) / ALIGN * ALIGN;
    /**
     * Larger records (a condition's wait slots) get a held segment of their own, made by the
     * primitive ({@code SharedRecord.create}); {@link #allocate} refuses them.
     */
    public static final long LARGEST_RECORD = 1024;

    /** The slab being filled (held here while it is), and where its free space starts. */
    private static HeldSegment current;
    private static long next;

    private SharedSlabs() {
    }

    /** Where a record is: its segment (mapped and held here) and its offset in it. */
    public record Place(HeldSegment held, long offset) {
        /** The mapped segment. */
        public SharedSegment segment() {
            return held.segment();
        }
    }

    /**
     * Checks, when a record arrives from elsewhere, that it lies where records are made: a
     * corrupt or forged stream gets a clear error instead of an access out of bounds.
     *
     * @throws java.io.InvalidObjectException if {@code offset} and {@code size} do not fit {@code segment}
     */
    public static void checkPlace(SharedSegment segment, long offset, long size, String what)
            throws java.io.InvalidObjectException {
        // Aligned for its atomic words; records placed by hand (ProcessLock.within) need not be
        // on a slab boundary.
        if (offset < 0 || size <= 0 || offset % Long.BYTES != 0 || size > segment.size() - offset) {
            throw new java.io.InvalidObjectException(what + " at offset " + offset + " (" + size
                    + " bytes) does not fit segment '" + segment.name() + "' of " + segment.size() + " bytes");
        }
    }

    /**
     * As {@link #checkPlace(SharedSegment, long, long, String)}, for a record in a held segment
     * whose holder table is at {@code tableOffset}: the record must not overlap the table.
     */
    public static void checkPlace(SharedSegment segment, long offset, long size, long tableOffset, String what)
            throws java.io.InvalidObjectException {
        checkPlace(segment, offset, size, what);
        if (offset < tableOffset + HeldSegment.TABLE_BYTES && tableOffset < offset + size) {
            throw new java.io.InvalidObjectException(what + " at offset " + offset + " (" + size
                    + " bytes) overlaps the holder table at " + tableOffset + " of segment '" + segment.name() + "'");
        }
    }

    /** A zero-filled record of {@code size} bytes (at most {@link #LARGEST_RECORD}) in the current slab. */
    public static Place allocate(long size) {
        if (size <= 0 || size > LARGEST_RECORD) {
            throw new IllegalArgumentException("a record in a slab takes 1 to " + LARGEST_RECORD + " bytes, not " + size);
        }
        synchronized (SharedSlabs.class) {
            long rounded = (size + ALIGN - 1) / ALIGN * ALIGN;
            if (current == null || next + rounded > SLAB_BYTES) {
                current = HeldSegment.create(SLAB_BYTES, TABLE_OFFSET, HeldSegment.NOTHING_TO_DISCARD);
                next = FIRST_RECORD;
            }
            Place place = new Place(current, next);
            next += rounded;
            return place;
        }
    }

    /**
     * This process's hold on the named slab, mapped on first use: a record received from another
     * process is mapped with the others of its slab.
     *
     * @throws IllegalStateException if the slab does not exist (any more)
     */
    public static HeldSegment attach(String name) {
        return HeldSegment.attach(name, TABLE_OFFSET, segment -> {
            if (segment.size() != SLAB_BYTES) {
                throw new IllegalStateException("shared-memory segment '" + segment.name() + "' is not a slab of records");
            }
        }, HeldSegment.NOTHING_TO_DISCARD);
    }
}
