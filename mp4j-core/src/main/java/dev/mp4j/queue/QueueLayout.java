package dev.mp4j.queue;

/**
 * Where everything lives in a queue's shared segment.
 *
 * <pre>
 *    0  magic | version | joinable | maxsize (0 = unbounded) | ring capacity | max message bytes (long) | spill threshold (0 = never)
 *   64  producer lock (a ProcessLock record): producers take turns writing whole frames
 *  128  consumer lock (a ProcessLock record): consumers take turns reading whole frames
 *  192  count: items put and not yet taken (futex word for "not full") | count sleepers
 *  256  unfinished tasks (JoinableQueue; futex word for join) | join sleepers
 *  320  producer frame in progress: flag | start (long) | end (long) | end of the last whole frame begun (long; published once the tail reaches it)
 *       | the segment an item is being spilled into (long: its name's random part; 0 = none)
 *  384  consumer frame in progress: flag | end (long) | the spill segment being copied out (long: its
 *       name's random part; 0 = none) | the end of its reference frame (long)
 *  448  holders (dev.mp4j.shm.HeldSegment): the processes that hold the queue, and tokens of its copies in flight
 * 1280  ring (dev.mp4j.shm.ByteRing): header, then the data
 *
 * frame = length (4 bytes, big-endian) | payload | status (1 byte: OK, or ABORTED when a producer
 *         died while writing it and the next producer completed it with zeros)
 * </pre>
 * The in-progress records let the next producer or consumer repair a frame whose writer or reader
 * was killed half-way, so one dead process never wedges the queue for the others. Most frames
 * need none of that: a frame up to {@link dev.mp4j.shm.ByteRing#wholeFrameLimit()} is published
 * in one step, so a reader sees all of it or nothing, and the reader takes it in one step too. For
 * those, the producer only notes where the frame will end, so that whoever takes the lock from a
 * producer that died before publishing can give back the count it had reserved.
 */
final class QueueLayout {
    static final int MAGIC = 0x4D505151;
    static final long MAGIC_OFFSET = 0;
    static final long JOINABLE = 8;
    static final long MAXSIZE = 12;
    static final long CAPACITY = 16;
    static final long MAX_MESSAGE = 24;
    static final long SPILL_MIN = 32;

    static final long PRODUCER_LOCK = 64;
    static final long CONSUMER_LOCK = 128;
    static final long COUNT = 192;
    static final long COUNT_SLEEPERS = 196;
    static final long UNFINISHED = 256;
    static final long JOIN_SLEEPERS = 260;
    static final long PRODUCER_IN_PROGRESS = 320;
    static final long PRODUCER_FRAME_START = 328;
    static final long PRODUCER_FRAME_END = 336;
    static final long PRODUCER_PENDING_END = 344;
    static final long PRODUCER_SPILL = 352;
    static final long CONSUMER_IN_PROGRESS = 384;
    static final long CONSUMER_FRAME_END = 392;
    static final long CONSUMER_SPILL = 400;
    static final long CONSUMER_SPILL_END = 408;
    static final long HOLDERS = 448;
    static final long RING = HOLDERS + dev.mp4j.shm.HeldSegment.TABLE_BYTES;

    static final byte OK = 1;
    static final byte ABORTED = 2;
    /** Length header plus status byte. */
    static final int FRAME_OVERHEAD = 5;

    private QueueLayout() {
    }
}
