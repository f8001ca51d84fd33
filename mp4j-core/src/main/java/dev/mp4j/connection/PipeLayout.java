package dev.mp4j.connection;

/**
 * Where everything lives in a {@link Pipe}'s shared-memory segment. One place for every offset,
 * as Agrona's descriptors do.
 *
 * <pre>
 *   0   magic "MP4P" | version | duplex | ring capacity          (ints)
 *  64   open handles of end 0 (int)          128  open handles of end 1 (int)
 * 192   holder pids of end 0: 64 int slots   448  holder pids of end 1: 64 int slots
 * 768   writer lock of ring 0 | 832 reader lock of ring 0 | 896 writer lock of ring 1 | 960 reader lock of ring 1
 *       (ProcessLock records: several processes may share one end, and frames must not interleave)
 * 1024  ring 0: bytes flowing TO end 0 (end 1 writes, end 0 reads)
 *       ring 1: bytes flowing TO end 1 (duplex pipes only)
 *
 * each ring is a dev.mp4j.shm.ByteRing (its own header, then the data)
 * </pre>
 * A holder slot records the pid of a process that has the end open, so that an end whose last
 * holder died is seen as closed: the peer reads EOF instead of hanging; or, tagged
 * {@code PipeSegment.RESERVED}, the pid that reserved it for a copy of the end on its way.
 */
final class PipeLayout {
    static final int MAGIC = 0x4D503450;
    static final int VERSION = 2;

    static final long MAGIC_OFFSET = 0;
    static final long VERSION_OFFSET = 4;
    static final long DUPLEX_OFFSET = 8;
    static final long CAPACITY_OFFSET = 12;

    static final int HOLDER_SLOTS = 64;
    private static final long OPEN_COUNT_BASE = 64;
    private static final long HOLDERS_BASE = 192;
    private static final long LOCKS_BASE = 768;
    static final long RINGS_OFFSET = 1024;

    static final long RING_HEADER = dev.mp4j.shm.ByteRing.HEADER;

    private PipeLayout() {
    }

    static long openCountOffset(int end) {
        return OPEN_COUNT_BASE + 64L * end;
    }

    static long holderOffset(int end, int slot) {
        return HOLDERS_BASE + 256L * end + 4L * slot;
    }

    /** The lock writers of the ring flowing to {@code toEnd} take for each frame. */
    static long writerLockOffset(int toEnd) {
        return LOCKS_BASE + 128L * toEnd;
    }

    /** The lock readers of the ring flowing to {@code toEnd} take for each frame. */
    static long readerLockOffset(int toEnd) {
        return LOCKS_BASE + 128L * toEnd + 64;
    }

    /** Offset of the ring whose data flows to {@code end}. */
    static long ringOffset(int toEnd, int capacity) {
        return RINGS_OFFSET + (long) toEnd * (RING_HEADER + capacity);
    }

    static long segmentSize(boolean duplex, int capacity) {
        return RINGS_OFFSET + (duplex ? 2L : 1L) * (RING_HEADER + capacity);
    }
}
