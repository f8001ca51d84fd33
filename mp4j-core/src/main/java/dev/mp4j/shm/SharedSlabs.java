package dev.mp4j.shm;

import java.lang.ref.WeakReference;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where the small records of primitives (locks, events, semaphores, barriers, shared values) live:
 * many to a shared-memory segment (a slab) instead of a segment each. Internal plumbing of mp4j's
 * primitives, public because they live in several packages.
 *
 * <p>A segment is a file in {@code /dev/shm}: creating one costs 15-20 µs (create, size, map,
 * record it for the resource tracker), and even a 64-byte record takes a whole page of memory
 * once written, plus an inode. Records here are never freed (a primitive may be in use in any process
 * of the tree, and the tree's end removes its segments), so what a program that keeps making
 * locks leaves behind until it ends is 128 bytes a lock here, not a file. (A record larger than
 * {@link #LARGEST_RECORD} gets a segment of its own; mp4j's primitives make those as
 * {@link HeldSegment}s, which go once no process holds them.)
 *
 * <p>Records start on 128-byte boundaries, so two primitives never share a cache line or a
 * pair of lines. A process maps each slab once, however many of its records it receives:
 * {@link #attach} keeps the mappings it made while any record of theirs is reachable.
 *
 * <pre>{@code
 * SharedSlabs.Place p = SharedSlabs.allocate(64);       // a zero-filled, 128-byte-aligned record
 * // ... travels as (p.segment().name(), p.offset()); in another process:
 * SharedSegment same = SharedSlabs.attach(name);        // mapped once per process
 * }</pre>
 */
public final class SharedSlabs {
    /** Bytes per slab: 512 locks, events, semaphores or values. */
    static final long SLAB_BYTES = 64 * 1024;
    /** Larger records (a condition's wait slots) get a segment of their own. */
    public static final long LARGEST_RECORD = 1024;
    /**
     * Two cache lines: x86 prefetches lines in aligned pairs, so a record sharing a pair with a
     * busy neighbour pays for its traffic (lock_ops.value_incr_contended: 2.3-2.9 M incr/s at 64,
     * against 3.1-3.4 M with a segment each).
     */
    private static final long ALIGN = 128;

    /** The slab being filled, and where its free space starts. */
    private static SharedSegment current;
    private static long next;
    /** Mappings by segment name, this process's own slabs included. */
    private static final ConcurrentHashMap<String, WeakReference<SharedSegment>> MAPPED = new ConcurrentHashMap<>();
    private static volatile int pruneAt = 64;

    private SharedSlabs() {
    }

    /** Where a record is: its segment (mapped here) and its offset in it. */
    public record Place(SharedSegment segment, long offset) {
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
        if (offset < 0 || size <= 0 || offset % Long.BYTES != 0 || offset + size > segment.size()) {
            throw new java.io.InvalidObjectException(what + " at offset " + offset + " (" + size
                    + " bytes) does not fit segment '" + segment.name() + "' of " + segment.size() + " bytes");
        }
    }

    /** A zero-filled record of {@code size} bytes: in the current slab, or a segment of its own if large. */
    public static Place allocate(long size) {
        if (size <= 0) {
            throw new IllegalArgumentException("a record needs at least one byte, not " + size);
        }
        if (size > LARGEST_RECORD) {
            return new Place(SharedSegment.create(Math.max(size, ALIGN), true), 0);
        }
        SharedSegment slab;
        long offset;
        synchronized (SharedSlabs.class) {
            long rounded = (size + ALIGN - 1) / ALIGN * ALIGN;
            if (current == null || next + rounded > SLAB_BYTES) {
                current = SharedSegment.create(SLAB_BYTES, true);
                next = 0;
                MAPPED.put(current.name(), new WeakReference<>(current));
            }
            slab = current;
            offset = next;
            next += rounded;
        }
        return new Place(slab, offset);
    }

    /**
     * This process's mapping of the named segment, made on first use: a record received from
     * another process is mapped with the others of its slab.
     *
     * @throws IllegalStateException if the segment does not exist (any more)
     */
    public static SharedSegment attach(String name) {
        WeakReference<SharedSegment> known = MAPPED.get(name);
        SharedSegment segment = known == null ? null : known.get();
        if (segment != null) {
            return segment;
        }
        // Mapped under the map's lock for this name: two threads receiving records of one slab
        // at once map it once.
        SharedSegment[] mapped = new SharedSegment[1];
        MAPPED.compute(name, (n, ref) -> {
            SharedSegment live = ref == null ? null : ref.get();
            mapped[0] = live != null ? live : SharedSegment.attach(n, true);
            return live != null ? ref : new WeakReference<>(mapped[0]);
        });
        segment = mapped[0];
        if (MAPPED.size() > pruneAt) {
            // Names of slabs no longer mapped here (a cleared reference is all that is left).
            MAPPED.values().removeIf(r -> r.get() == null);
            pruneAt = Math.max(64, 2 * MAPPED.size());
        }
        return segment;
    }
}
