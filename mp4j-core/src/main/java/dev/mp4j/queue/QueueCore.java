package dev.mp4j.queue;

import static dev.mp4j.queue.QueueLayout.ABORTED;
import static dev.mp4j.queue.QueueLayout.CONSUMER_FRAME_END;
import static dev.mp4j.queue.QueueLayout.CONSUMER_IN_PROGRESS;
import static dev.mp4j.queue.QueueLayout.CONSUMER_SPILL;
import static dev.mp4j.queue.QueueLayout.CONSUMER_SPILL_END;
import static dev.mp4j.queue.QueueLayout.COUNT;
import static dev.mp4j.queue.QueueLayout.COUNT_SLEEPERS;
import static dev.mp4j.queue.QueueLayout.FRAME_OVERHEAD;
import static dev.mp4j.queue.QueueLayout.JOIN_SLEEPERS;
import static dev.mp4j.queue.QueueLayout.OK;
import static dev.mp4j.queue.QueueLayout.PRODUCER_FRAME_END;
import static dev.mp4j.queue.QueueLayout.PRODUCER_FRAME_START;
import static dev.mp4j.queue.QueueLayout.PRODUCER_IN_PROGRESS;
import static dev.mp4j.queue.QueueLayout.PRODUCER_PENDING_END;
import static dev.mp4j.queue.QueueLayout.PRODUCER_SPILL;
import static dev.mp4j.queue.QueueLayout.UNFINISHED;

import dev.mp4j.serial.Serializer;
import dev.mp4j.shm.ByteRing;
import dev.mp4j.shm.Futex;
import dev.mp4j.shm.HeldSegment;
import dev.mp4j.shm.SharedSegment;
import dev.mp4j.sync.ProcessLock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

/**
 * The engine behind every mp4j queue: serialized items as frames in one shared
 * {@link ByteRing}, with producers taking turns through one {@link ProcessLock} and consumers
 * through another, so that the ring itself stays single-producer, single-consumer and lock-free.
 * A put never waits for a consumer unless the ring (or {@code maxsize}) is full; there is no
 * feeder thread, so nothing is buffered in a process that might exit.
 *
 * <p>Items are serialized in the caller before any lock is taken, so an item that cannot be
 * serialized, or is larger than the message limit, fails in {@code put} and nothing is sent.
 * Items larger than the ring stream through it while a consumer reads. If a producer dies in
 * the middle of a frame, the next producer completes it as ABORTED and consumers skip it; if a
 * consumer dies in the middle of one, the next consumer skips the rest. Either way the queue
 * keeps serving the other processes (the frame in flight is lost).
 */
final class QueueCore implements ByteRing.Peer {
    /*
     * Views of a ByteBuffer over the header, not of a layout: a layout's first var handle costs
     * a fresh JVM 10-16 ms, even with the AOT cache (see dev.mp4j.shm.ByteRing).
     */
    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());
    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /** How often offer() and poll() waiting for a busy lock look again whether they could succeed. */
    private static final long NOWAIT_LOCK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    final SharedSegment segment;
    private final MemorySegment header;
    /** The header's words (before the ring), native order, for {@link #INT} and {@link #LONG}. */
    private final ByteBuffer words;
    private final ByteRing ring;
    private final ProcessLock producers;
    private final ProcessLock consumers;
    private final int maxsize;
    private final boolean joinable;
    private final long maxMessageBytes;
    /** Frames from this size on may be spilled (see {@link #spill}); 0: never. */
    private final int spillMin;
    private final Serializer serializer = Serializer.standard();
    /** A frame's length and, for a {@code byte[]} item, its tag (see {@link #frameHead}). */
    private final byte[] frameHeader = new byte[5];
    /** The producers' (under the producer lock), for repairProducerFrame. */
    private final byte[] repairByte = new byte[1];
    /** What a consumer copies out of the ring in one step before it parses a frame: a small frame whole. */
    private static final int LOOK_BYTES = 64;
    private final byte[] look = new byte[LOOK_BYTES];
    private volatile boolean closed;

    /** This process's hold on the segment, which removes it once no process holds it; null while discarding. */
    private final HeldSegment held;
    /** Set in the core that empties a queue nobody holds any more: items are taken, not decoded. */
    private final boolean discarding;

    private QueueCore(SharedSegment segment, HeldSegment held, boolean discarding) {
        this.segment = segment;
        this.held = held;
        this.discarding = discarding;
        this.header = segment.memory();
        this.words = words(header);
        checkQueue(segment);
        this.joinable = words.getInt((int) QueueLayout.JOINABLE) != 0;
        this.maxsize = words.getInt((int) QueueLayout.MAXSIZE);
        int capacity = words.getInt((int) QueueLayout.CAPACITY);
        this.maxMessageBytes = words.getLong((int) QueueLayout.MAX_MESSAGE);
        this.spillMin = words.getInt((int) QueueLayout.SPILL_MIN);
        this.ring = new ByteRing(header, QueueLayout.RING, capacity);
        this.producers = ProcessLock.within(segment, QueueLayout.PRODUCER_LOCK);
        this.consumers = ProcessLock.within(segment, QueueLayout.CONSUMER_LOCK);
    }

    /** Refuses a segment that is not a queue's, before anything is written to it. */
    private static void checkQueue(SharedSegment segment) {
        if (segment.size() < QueueLayout.RING + ByteRing.HEADER
                || (int) INT.getVolatile(words(segment.memory()), (int) QueueLayout.MAGIC_OFFSET) != QueueLayout.MAGIC) {
            throw new IllegalStateException("shared-memory segment '" + segment.name() + "' is not an mp4j queue");
        }
    }

    static QueueCore create(int maxsize, boolean joinable, int ringBytes, long maxMessageBytes) {
        return create(maxsize, joinable, ringBytes, maxMessageBytes, SPILL_MIN_BYTES);
    }

    /** As {@link #create(int, boolean, int, long)}, spilling frames from {@code spillMinBytes} on (0: never spills). */
    static QueueCore create(int maxsize, boolean joinable, int ringBytes, long maxMessageBytes, int spillMinBytes) {
        if (maxsize < 0) {
            maxsize = 0;   // as CPython: a maxsize of 0 or less is no bound
        }
        if (Integer.bitCount(ringBytes) != 1 || ringBytes < 4096) {
            throw new IllegalArgumentException("ring size must be a power of two of at least 4096, got " + ringBytes);
        }
        if (maxMessageBytes < 1 || maxMessageBytes > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("maxMessageBytes must be between 1 and 2^31-17, got " + maxMessageBytes);
        }
        HeldSegment held = HeldSegment.create(QueueLayout.RING + ByteRing.HEADER + ringBytes, QueueLayout.HOLDERS, QueueCore::discardAll);
        ByteBuffer m = words(held.segment().memory());
        m.putInt((int) QueueLayout.JOINABLE, joinable ? 1 : 0);
        m.putInt((int) QueueLayout.MAXSIZE, maxsize);
        m.putInt((int) QueueLayout.CAPACITY, ringBytes);
        m.putLong((int) QueueLayout.MAX_MESSAGE, maxMessageBytes);
        m.putInt((int) QueueLayout.SPILL_MIN, spillMinBytes);
        INT.setRelease(m, (int) QueueLayout.MAGIC_OFFSET, QueueLayout.MAGIC);
        return new QueueCore(held.segment(), held, false);
    }

    private static ByteBuffer words(MemorySegment memory) {
        return memory.asSlice(0, QueueLayout.RING).asByteBuffer().order(ByteOrder.nativeOrder());
    }

    /** This process's view of the named queue, holding it here (see {@link HeldSegment}). */
    static QueueCore attach(String name) {
        HeldSegment held = HeldSegment.attach(name, QueueLayout.HOLDERS, QueueCore::checkQueue, QueueCore::discardAll);
        return new QueueCore(held.segment(), held, false);
    }

    /** A copy of the queue is being written for another process: its token (see {@link HeldSegment#sent}). */
    long sent() {
        return held.sent();
    }

    /** The copy carrying {@code token} has been read here, after {@link #attach} (see {@link HeldSegment#received}). */
    void received(long token) {
        held.received(token);
    }

    /**
     * Empties a queue that no process holds any more, just before its segment goes: its spilled
     * items are in segments of their own, which go too. Nothing is decoded.
     */
    private static void discardAll(SharedSegment segment) {
        QueueCore core = new QueueCore(segment, null, true);
        long producerSpill = (long) LONG.getVolatile(core.words, (int) PRODUCER_SPILL);
        if (producerSpill != 0) {
            // a producer died while it spilled an item: that segment is nobody's
            SharedSegment.unlink(core.spillName(producerSpill));
        }
        // Each round takes one frame off the ring, or ends: an item that cannot be had (its
        // spill segment gone) is lost and its frame consumed, so the bound only guards a bug.
        for (int round = 0; round < 1_000_000; round++) {
            try {
                if (core.takeItem(0) == NOTHING) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException lost) {
                // that item is gone; on to the next
            }
        }
    }

    String name() {
        return segment.name();
    }

    int maxsize() {
        return maxsize;
    }

    boolean joinable() {
        return joinable;
    }

    int count() {
        int c = (int) INT.getVolatile(words, (int) COUNT);
        if (c > 0 && ring.tail() == ring.head() && settleDeadProducer()) {
            c = (int) INT.getVolatile(words, (int) COUNT);
        }
        return Math.max(0, c);
    }

    /**
     * A producer killed while it waited for room (or spilled an item) leaves the producers' lock
     * held, with the count and task it took and its pending end; the next producer gives them
     * back, but there may be none: then size() and join() would count an item that never comes.
     * So whoever looks at the count with nothing to read, and join() as it waits, does it here:
     * one look at the lock's owner (a system call only while a producer holds it), and the lock
     * taken over only from a dead one. A frame it had begun to publish is left to the consumer
     * reading it, or to the next producer. Returns whether anything was given back.
     */
    private boolean settleDeadProducer() {
        if (!producers.ownerGone() || !producers.tryLock()) {
            return false;
        }
        try {
            if (!producers.ownerDied()) {
                return false;
            }
            settlePendingEnd();
            return true;
        } finally {
            producers.unlock();
        }
    }

    void close() {
        closed = true;
    }

    boolean isClosed() {
        return closed;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("Queue " + name() + " is closed");
        }
    }

    /**
     * Serializes in the caller: errors surface here, before anything is sent. A {@code byte[]}
     * item is not copied: it is written to the ring behind its tag as it is ({@link RawBytes}).
     */
    Object encode(Object item) {
        checkOpen();
        if (item instanceof byte[] raw) {
            if (raw.length + 1L > maxMessageBytes) {
                throw new IllegalArgumentException("cannot put an item of " + (raw.length + 1L)
                        + " bytes (serialized): the queue's limit is " + maxMessageBytes + " bytes");
            }
            return new RawBytes(raw);
        }
        byte[] bytes = serializer.serialize(item);
        if (bytes.length > maxMessageBytes) {
            throw new IllegalArgumentException("cannot put an item of " + bytes.length
                    + " bytes (serialized): the queue's limit is " + maxMessageBytes + " bytes");
        }
        return bytes;
    }

    /** A {@code byte[]} item, to be framed as its serialized form (tag, then the bytes) without a copy. */
    record RawBytes(byte[] bytes) {
    }

    /** What {@link #takeItem} returns when nothing came in time. */
    static final Object NOTHING = new Object();

    /**
     * Puts serialized bytes; negative timeout waits forever, 0 does not wait.
     *
     * @return false if there was no room in time
     */
    boolean put(Object encoded, long timeoutNanos) throws InterruptedException {
        checkOpen();
        dev.mp4j.shm.Handoffs.handoff();
        long start = System.nanoTime();
        boolean reserved = false;
        boolean written = false;
        boolean countHandedOn = false;
        try {
            if (!(timeoutNanos == 0 ? lockNow(producers, true) : lock(producers, left(start, timeoutNanos)))) {
                return false;
            }
            try {
                // A producer died holding the lock, or gave up half-way through a frame it was
                // streaming (interrupted, or closed, while waiting for room): finish that frame.
                if ((producers.ownerDied() || words.getInt((int) PRODUCER_IN_PROGRESS) != 0)
                        && !repairProducerFrame(start, timeoutNanos)) {
                    return false;
                }
                // Counted under the lock, just before the pending end that lets the next producer
                // give the count back: a producer killed while it waits for the lock, a repair or
                // room has counted nothing, or has left that end behind. (A bounded queue's
                // producer sleeps here holding the lock; the others would wait for it anyway.)
                if (!reserve(start, timeoutNanos)) {
                    return false;
                }
                reserved = true;
                long frame = serializedLength(encoded) + FRAME_OVERHEAD;
                if (joinable) {
                    INT.getAndAdd(words, (int) UNFINISHED, 1);
                }
                // From here until its frame is published (or marked in progress), a producer
                // that dies, even while it waits for room, leaves its count and its task to
                // repairProducerFrame: a pending end past the ring's tail.
                ring.beginWrite();
                words.putLong((int) PRODUCER_PENDING_END, ring.writePosition() + frame);
                boolean begun = false;
                String spilled = null;
                try {
                    if (spillMin > 0 && frame >= spillMin && !roomSoon(frame, start, timeoutNanos)) {
                        // No consumer is making room (none yet, or the items are being left for
                        // later): the item goes into a segment of its own and only a reference
                        // through the ring, so that this put returns and a producer that then
                        // exits, or is joined before anyone takes, does not wait for ever.
                        // Where /dev/shm has no room for it, it waits for the ring as before.
                        spilled = spill(encoded, left(start, timeoutNanos));
                        if (spilled != null) {
                            encoded = spillReference(spilled);
                            frame = serializedLength(encoded) + FRAME_OVERHEAD;
                            words.putLong((int) PRODUCER_PENDING_END, ring.writePosition() + frame);
                        }
                    }
                    if (!ring.reservePages(ring.writePosition() + frame)) {
                        // Nothing written: the count and the task are given back below.
                        throw new IllegalStateException(ByteRing.noRoomForPages() + ": the item was not put");
                    }
                    if (frame <= ring.wholeFrameLimit()) {
                        while (!ring.fitsAtBegin(frame)) {
                            if (!ring.awaitFree(frame, left(start, timeoutNanos), this)) {
                                return false;
                            }
                        }
                        writeWholeFrame(encoded, (int) frame);
                    } else {
                        if (frame <= ring.capacity() && ring.freeSpace() < frame
                                && !ring.awaitFree(frame, left(start, timeoutNanos), this)) {
                            return false;
                        }
                        begun = true;
                        writeStart = start;
                        writeTimeout = timeoutNanos;
                        try {
                            writeFrame(encoded);
                        } catch (ByteRing.WriteTimeoutException e) {
                            // Out of time half-way, with no consumer reading on: the item is
                            // withdrawn (the caller still has it); the part sent stays marked in
                            // progress, to be finished as ABORTED by the next producer or by a
                            // consumer reading it.
                            return false;
                        } finally {
                            writeTimeout = -1;
                        }
                    }
                    written = true;
                    if (spilled != null) {
                        // Published: the segment is the consumer's to remove now.
                        LONG.setVolatile(words, (int) PRODUCER_SPILL, 0L);
                    }
                } finally {
                    if (begun && !written) {
                        // Given up half-way through a streamed frame: it stays marked in
                        // progress and the next producer finishes it as ABORTED. Its count and
                        // task go with it: the consumer that skips it gives the count back, the
                        // repair the task.
                        countHandedOn = true;
                    } else if (!written) {
                        // Nothing was published: the pending end is withdrawn so that no repair
                        // gives the count and the task back again, then both are given back here,
                        // under the lock (after the unlock, a producer killed in between leaked
                        // the count: a bounded queue lost a slot for good).
                        VarHandle.releaseFence();
                        words.putLong((int) PRODUCER_PENDING_END, 0L);
                        release(1);
                        countHandedOn = true;
                        forgetUnfinished();
                        if (spilled != null) {
                            try {
                                SharedSegment.unlink(spilled);
                            } finally {
                                LONG.setVolatile(words, (int) PRODUCER_SPILL, 0L);
                            }
                        }
                    }
                }
                return true;
            } finally {
                producers.unlock();
            }
        } catch (java.io.InterruptedIOException e) {
            Thread.interrupted();   // thrown as InterruptedException: the status goes with it
            throw new InterruptedException(e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (reserved && !written && !countHandedOn) {
                release(1);
            }
        }
    }

    /** Items whose frame is at least this large may be spilled (see {@link #spill}). */
    static final int SPILL_MIN_BYTES = Integer.getInteger("mp4j.queue.spillMinBytes", 64 * 1024);
    /** How long a producer waits for room for such an item before it spills it. */
    private static final long SPILL_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(Long.getLong("mp4j.queue.spillAfterMillis", 50));
    /** The first byte of a spill reference's payload: no serializer's tag (see SafeSerializer). */
    static final byte TAG_SPILLED = 100;

    /**
     * Whether room for a {@code frame}-byte item is there or comes within
     * {@link #SPILL_AFTER_NANOS} (or what is left of the caller's time): a consumer is taking, so
     * the item goes through the ring as usual. Never for an item larger than the ring.
     */
    private static final long SPILL_LOOK_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

    private boolean roomSoon(long frame, long start, long timeoutNanos) throws IOException {
        if (frame > ring.capacity()) {
            // It could only stream through while a consumer reads, and waits for ever if none
            // does: spilled, it costs one copy each way all the same.
            return false;
        }
        // Room for the item and then some: items that could be spilled never take the last of
        // the ring, so that the references of those that are always find room.
        long want = frame + Math.max(SPILL_RESERVE_BYTES, ring.capacity() / 16);
        if (want > ring.capacity()) {
            return false;
        }
        if (ring.freeSpace() >= want) {
            return true;
        }
        if (ring.head() == headAtLastSpill) {
            // No consumer has taken anything since this process last spilled: waiting would
            // only make each put of a backlog cost the wait.
            return false;
        }
        long wait = timeoutNanos < 0 ? SPILL_AFTER_NANOS : Math.min(SPILL_AFTER_NANOS, left(start, timeoutNanos));
        // Looked at every 0.2 ms rather than slept on with a wake request: a producer asleep
        // for room marks the ring so, and puts that do not wait, in any thread or process, take
        // that mark for a lock holder that keeps the lock until room comes, and fail at once
        // ("Queue full" on an unbounded queue with room); this wait ends within 50 ms anyway.
        long deadline = System.nanoTime() + wait;
        for (long left = wait; left > 0; left = deadline - System.nanoTime()) {
            if (ring.freeSpace() >= want) {
                return true;
            }
            if (closed) {
                throw new IOException("handle is closed");
            }
            if (dev.mp4j.shm.IoInterrupts.endsWait()) {
                throw new java.io.InterruptedIOException("interrupted while waiting for room");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(Math.min(left, SPILL_LOOK_NANOS));
        }
        headAtLastSpill = ring.head();
        return false;
    }

    /**
     * Ring bytes that items which could be spilled leave free, at least (a sixteenth of the ring
     * if that is more: a 16 MiB ring keeps 1 MiB, room for some 20,000 references).
     */
    private static final int SPILL_RESERVE_BYTES = 4096;

    /** The consumers' position when this process last spilled for want of room (under the producer lock). */
    private long headAtLastSpill = -1;

    /**
     * Copies the item's serialized form into a new shared-memory segment and returns its name, or
     * null if /dev/shm has no room for it. The segment is named like the queue's own, so that it
     * lives as long as the queue's process tree (a producer of another tree may exit first). The
     * consumer that takes the reference copies it out and unlinks it; one left untaken goes with
     * the queue ({@link #discardAll}), or at the latest with the queue's tree.
     */
    private String spill(Object encoded, long waitNanos) {
        RawBytes raw = encoded instanceof RawBytes r ? r : null;
        byte[] bytes = raw != null ? raw.bytes() : (byte[]) encoded;
        SharedSegment segment = null;
        for (int attempt = 0; segment == null; attempt++) {
            // The name is noted before the file exists: a producer killed from here on leaves it
            // to the repair, which removes the segment (settlePendingEnd); nobody else knows it.
            byte[] random = new byte[6];
            dev.mp4j.process.RandomBytes.fill(random);
            long id = 0;
            for (byte b : random) {
                id = (id << 8) | (b & 0xFF);
            }
            if (id == 0) {
                continue;
            }
            LONG.setVolatile(words, (int) PRODUCER_SPILL, id);
            try {
                segment = SharedSegment.createLike(name(), id, serializedLength(encoded), waitNanos);
            } catch (IllegalStateException noRoomOrTaken) {
                LONG.setVolatile(words, (int) PRODUCER_SPILL, 0L);
                // A name taken already is tried again with another; anything else is no room.
                if (attempt > 3 || !SharedSegment.exists(SharedSegment.nameLike(name(), id))) {
                    return null;
                }
            }
        }
        try {
            MemorySegment memory = segment.memory();
            long at = 0;
            if (raw != null) {
                memory.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 0, dev.mp4j.serial.SafeSerializer.TAG_BYTES);
                at = 1;
            }
            MemorySegment.copy(bytes, 0, memory, java.lang.foreign.ValueLayout.JAVA_BYTE, at, bytes.length);
        } catch (RuntimeException | InternalError e) {
            // tmpfs ran out of pages under the copy (a SIGBUS, reported as an InternalError)
            segment.close();
            segment.unlink();
            LONG.setVolatile(words, (int) PRODUCER_SPILL, 0L);
            return null;
        }
        segment.close();
        return segment.name();
    }

    private static byte[] spillReference(String name) {
        byte[] n = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] ref = new byte[1 + n.length];
        ref[0] = TAG_SPILLED;
        System.arraycopy(n, 0, ref, 1, n.length);
        return ref;
    }

    /**
     * The item a spill reference names: a {@code byte[]} item as itself, anything else decoded.
     * Its segment is unlinked once copied out.
     */
    private Unspilled unspill(byte[] reference) {
        String name = new String(reference, 1, reference.length - 1, java.nio.charset.StandardCharsets.UTF_8);
        if (discarding) {
            SharedSegment.unlink(name);
            return new Unspilled(new byte[0], true);
        }
        SharedSegment segment;
        try {
            segment = SharedSegment.attach(name);
        } catch (IllegalStateException gone) {
            // Lost (gone, or not to be mapped here: out of descriptors, say): its segment, if it
            // is still there, goes too (the caller forgets its task).
            SharedSegment.unlink(name);
            throw new IllegalStateException("an item of queue " + name() + " was lost: the segment it was spilled into ("
                    + name + ") is gone", gone);
        }
        try {
            MemorySegment memory = segment.memory();
            int n = (int) memory.byteSize();
            boolean raw = n > 0 && memory.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0) == dev.mp4j.serial.SafeSerializer.TAG_BYTES;
            byte[] out = new byte[raw ? n - 1 : n];
            MemorySegment.copy(memory, java.lang.foreign.ValueLayout.JAVA_BYTE, raw ? 1 : 0, out, 0, out.length);
            return new Unspilled(out, raw);
        } finally {
            segment.close();
            segment.unlink();
        }
    }

    /** A spilled item copied out: its bytes, and whether it is a {@code byte[]} item (else serialized). */
    private record Unspilled(byte[] bytes, boolean raw) {
    }

    /** The random part of the name in a spill reference (see {@link #spillName}). */
    private static long spillId(byte[] reference) {
        String name = new String(reference, 1, reference.length - 1, java.nio.charset.StandardCharsets.UTF_8);
        return Long.parseLong(name.substring(name.lastIndexOf('-') + 1), 16);
    }

    /**
     * Consumes the whole frame ending at {@code end}, whose payload is {@code payload}. A spill reference is also
     * followed here, under the consumer lock, with its name noted first: a consumer killed while
     * it copies the item out leaves the segment to the next one ({@link #settleConsumerSpill}).
     * Returns the item copied out of its spill segment, or null for any other frame.
     */
    private Unspilled consumeWholeFrame(long end, byte[] payload, boolean raw, boolean aborted) {
        if (aborted || raw || payload.length == 0 || payload[0] != TAG_SPILLED) {
            ring.skipTo(end);
            // Given back under the lock, right after the frame goes: after the unlock, a consumer
            // killed in between leaked it (a bounded queue lost a slot for good).
            release(1);
            return null;
        }
        // Under the consumer lock: other consumers wait for this copy. Items are spilled only
        // when nobody was taking, so this is the backlog being drained, not the steady flow.
        LONG.setVolatile(words, (int) CONSUMER_SPILL_END, end);
        LONG.setVolatile(words, (int) CONSUMER_SPILL, spillId(payload));
        ring.skipTo(end);
        Unspilled item;
        try {
            item = unspill(payload);
        } catch (RuntimeException | Error lost) {
            // Gone, or too big to copy out here (an OutOfMemoryError): the item is lost, and
            // nobody can call task_done for it. Unmarked first, so that no repair forgets it too.
            LONG.setVolatile(words, (int) CONSUMER_SPILL, 0L);
            release(1);
            forgetUnfinished();
            throw lost;
        }
        LONG.setVolatile(words, (int) CONSUMER_SPILL, 0L);
        // Given back here, under the lock, a few instructions after the mark goes.
        release(1);
        return item;
    }

    /**
     * The consumer before this one died while it copied a spilled item out (see
     * {@link #consumeWholeFrame}): if it had consumed the reference, the item is lost with it, so
     * its segment is removed, its count given back and its task forgotten; if not, the reference
     * is still there for this consumer to take.
     */
    private void settleConsumerSpill() {
        long spill = (long) LONG.getVolatile(words, (int) CONSUMER_SPILL);
        if (spill == 0) {
            return;
        }
        if (ring.head() >= (long) LONG.getVolatile(words, (int) CONSUMER_SPILL_END)) {
            SharedSegment.unlink(spillName(spill));
            release(1);
            forgetUnfinished();
        }
        LONG.setVolatile(words, (int) CONSUMER_SPILL, 0L);
    }

    private static long serializedLength(Object encoded) {
        return encoded instanceof RawBytes raw ? raw.bytes().length + 1L : ((byte[]) encoded).length;
    }

    /** The streaming producer's timeout (under the producer lock), for {@link #writeNanosLeft}. */
    private long writeStart;
    private long writeTimeout = -1;

    /** Frames up to this size are assembled here and copied into the ring in one piece. */
    private static final int SCRATCH_BYTES = 4096;
    private final byte[] scratch = new byte[SCRATCH_BYTES];

    /**
     * Writes a frame that fits in the free space and publishes it in one step (begun with
     * {@link ByteRing#beginWrite}): no in-progress record is needed, since a reader sees all of
     * it or none of it. Only its end is noted, for {@link #repairProducerFrame}.
     */
    private void writeWholeFrame(Object encoded, int frame) throws IOException {
        RawBytes raw = encoded instanceof RawBytes r ? r : null;
        byte[] bytes = raw != null ? raw.bytes() : (byte[]) encoded;
        int n = frame - FRAME_OVERHEAD;
        if (frame <= SCRATCH_BYTES) {
            // Few, cheap steps: each access to shared memory costs about a microsecond until the
            // JIT compiler has compiled this path, which is most of a short-lived child's life.
            byte[] f = scratch;
            f[0] = (byte) (n >>> 24);
            f[1] = (byte) (n >>> 16);
            f[2] = (byte) (n >>> 8);
            f[3] = (byte) n;
            int at = 4;
            if (raw != null) {
                f[at++] = dev.mp4j.serial.SafeSerializer.TAG_BYTES;
            }
            System.arraycopy(bytes, 0, f, at, bytes.length);
            f[frame - 1] = OK;
            ring.append(f, 0, frame, this);
        } else {
            int headLength = frameHead(n, raw != null);
            ring.append(frameHeader, headLength, bytes, 0, bytes.length, OK_STATUS, 1, this);
        }
        ring.endWrite();
    }

    /**
     * Writes the head of a frame whose payload has {@code n} bytes into {@link #frameHeader}: the
     * length, then the tag of a {@code byte[]} item written as it is. Returns the head's length.
     */
    private int frameHead(int n, boolean rawBytes) {
        frameHeader[0] = (byte) (n >>> 24);
        frameHeader[1] = (byte) (n >>> 16);
        frameHeader[2] = (byte) (n >>> 8);
        frameHeader[3] = (byte) n;
        if (rawBytes) {
            frameHeader[4] = dev.mp4j.serial.SafeSerializer.TAG_BYTES;
            return 5;
        }
        return 4;
    }

    private void writeFrame(Object encoded) throws IOException {
        RawBytes raw = encoded instanceof RawBytes r ? r : null;
        byte[] bytes = raw != null ? raw.bytes() : (byte[]) encoded;
        long start = ring.tail();
        long end = start + serializedLength(encoded) + FRAME_OVERHEAD;
        LONG.setVolatile(words, (int) PRODUCER_FRAME_START, start);
        LONG.setVolatile(words, (int) PRODUCER_FRAME_END, end);
        INT.setVolatile(words, (int) PRODUCER_IN_PROGRESS, 1);
        // The in-progress record now speaks for this frame (the repair ignores a pending end
        // while a frame is in progress), so the pending end can go.
        words.putLong((int) PRODUCER_PENDING_END, 0L);
        int headLength = frameHead((int) serializedLength(encoded), raw != null);
        ring.beginWrite();
        ring.append(frameHeader, headLength, bytes, 0, bytes.length, OK_STATUS, 1, this);
        // Published whole before the mark goes: a producer that dies between the two leaves a
        // frame the repair finds complete (tail at its end, status OK) and only unmarks.
        ring.endWrite();
        INT.setVolatile(words, (int) PRODUCER_IN_PROGRESS, 0);
    }

    /**
     * A producer died holding the lock, or gave up half-way through a frame it was streaming. If it
     * died before publishing a whole frame, give back the count it reserved; if it left a frame
     * published in steps unfinished, finish that frame as ABORTED (header, zeros, status). Either
     * way the item is lost, so a joinable queue stops waiting for it.
     *
     * @return false if the caller's time ran out first (what is done stays done)
     */
    private boolean repairProducerFrame(long start, long timeoutNanos) throws IOException {
        return repairProducerFrame(start, timeoutNanos, false);
    }

    /**
     * As {@link #repairProducerFrame(long, long)}; {@code readerToo}: the caller also holds the
     * consumer lock and is reading this very frame (see {@link #finishAbandonedFrame}), so where
     * the ring is full it makes room itself by skipping what is there, all of it this frame's.
     */
    private boolean repairProducerFrame(long start, long timeoutNanos, boolean readerToo) throws IOException {
        boolean inProgress = settlePendingEnd();
        if (!inProgress) {
            return true;
        }
        long frameStart = (long) LONG.getVolatile(words, (int) PRODUCER_FRAME_START);
        long end = (long) LONG.getVolatile(words, (int) PRODUCER_FRAME_END);
        int length = (int) (end - frameStart - FRAME_OVERHEAD);
        if (ring.tail() == end && ring.peekByte(end - 1) == OK) {
            // Its producer published it whole and died before unmarking it: nothing is lost.
            INT.setVolatile(words, (int) PRODUCER_IN_PROGRESS, 0);
            return true;
        }
        // The rest of the frame goes in only where the reader has made room, each step published
        // at once, so the free space looked at is always true; resumable from the published tail
        // when this repair itself runs out of time, is given up (interrupted, closed) or dies.
        long position = ring.tail();
        while (position < end) {
            long free = ring.freeSpace();
            if (free == 0 && readerToo) {
                ring.skipTo(ring.tail());
                continue;
            }
            if (free == 0) {
                long left = left(start, timeoutNanos);
                if (timeoutNanos >= 0 && left == 0 || !ring.awaitFree(1, left, this)) {
                    return false;
                }
                continue;
            }
            long offset = position - frameStart;
            ring.beginWrite();
            if (offset < 4) {
                repairByte[0] = (byte) (length >>> (24 - 8 * offset));
                ring.append(repairByte, 0, 1, this);
                position++;
            } else if (position == end - 1) {
                ring.append(ABORTED_STATUS, 0, 1, this);
                position++;
            } else if (readerToo) {
                // Filler only this caller would read, and it skips it: nothing to copy.
                int n = (int) Math.min(Math.min(Integer.MAX_VALUE, free), end - 1 - position);
                ring.appendUnwritten(n);
                position += n;
            } else {
                int n = (int) Math.min(Math.min(ZEROS.length, free), end - 1 - position);
                ring.append(ZEROS, 0, n, this);
                position += n;
            }
            ring.endWrite();
        }
        // Only once the frame is whole: a repair given up half-way leaves the task to the next.
        forgetUnfinished();
        INT.setVolatile(words, (int) PRODUCER_IN_PROGRESS, 0);
        return true;
    }

    /**
     * Gives back the count and task of a producer that died before publishing a whole frame it
     * had begun (its pending end is past the tail), and clears that end. Returns whether a frame
     * published in steps is marked in progress (then that record speaks for it instead).
     */
    private boolean settlePendingEnd() {
        boolean inProgress = (int) INT.getVolatile(words, (int) PRODUCER_IN_PROGRESS) != 0;
        long pending = (long) LONG.getVolatile(words, (int) PRODUCER_PENDING_END);
        long spill = (long) LONG.getVolatile(words, (int) PRODUCER_SPILL);
        boolean unpublished = pending == 0 || (!inProgress && ring.tail() < pending);
        if (spill != 0) {
            // The dead producer was spilling an item: unless its reference went out (then the
            // consumer that takes it removes the segment), nobody else knows the segment's name.
            // Settled before the pending end is cleared: a repair killed in between leaves the
            // pending end that tells the next one whether the reference went out.
            try {
                if (unpublished) {
                    SharedSegment.unlink(spillName(spill));
                }
            } finally {
                LONG.setVolatile(words, (int) PRODUCER_SPILL, 0L);
            }
        }
        if (pending != 0) {
            if (!inProgress && ring.tail() < pending) {
                release(1);
                forgetUnfinished();
            }
            LONG.setVolatile(words, (int) PRODUCER_PENDING_END, 0L);
        }
        return inProgress;
    }

    /** The name of the spill segment whose random part is {@code id} (see {@link #spill}). */
    private String spillName(long id) {
        return SharedSegment.nameLike(name(), id);
    }

    private static final byte[] ZEROS = new byte[64 * 1024];
    private static final byte[] OK_STATUS = {OK};
    private static final byte[] ABORTED_STATUS = {ABORTED};

    /**
     * Takes one item's bytes; negative timeout waits forever, 0 does not wait.
     *
     * @return null if nothing came in time
     */
    Object takeItem(long timeoutNanos) throws InterruptedException {
        checkOpen();
        long start = System.nanoTime();
        while (true) {
            // Discarding, nobody alive holds the queue: a lock still taken is a dead consumer's,
            // taken over within about SLICE_NANOS.
            if (!(discarding ? lock(consumers, 4 * SLICE_NANOS)
                    : timeoutNanos == 0 ? lockNow(consumers, false) : lock(consumers, left(start, timeoutNanos)))) {
                return NOTHING;
            }
            byte[] bytes;
            boolean raw = false;
            boolean aborted;
            Unspilled spilled = null;
            Throwable lost = null;
            try {
                // A consumer died holding the lock, or gave up half-way through reading a
                // frame (interrupted, or closed): skip the rest of that frame.
                if (consumers.ownerDied() || words.getInt((int) CONSUMER_IN_PROGRESS) != 0) {
                    if (consumers.ownerDied()) {
                        settleConsumerSpill();
                    }
                    if (!skipAbandonedFrame(start, timeoutNanos)) {
                        return NOTHING;
                    }
                }
                long head;
                int seen;
                // One call site of the peek (the compiler inlines its copy at each). The head
                // is read again after a wait: the wait may have skipped a frame its producer
                // abandoned before its header was out (see awaitHeader).
                while ((seen = ring.peekPublished(head = ring.head(), look, LOOK_BYTES)) < 4) {
                    if (!awaitHeader(start, timeoutNanos)) {
                        return NOTHING;
                    }
                }
                int length = ((look[0] & 0xFF) << 24) | ((look[1] & 0xFF) << 16) | ((look[2] & 0xFF) << 8) | (look[3] & 0xFF);
                long frame = length + (long) FRAME_OVERHEAD;
                if (frame <= seen) {
                    // A small frame, already copied out whole with its header (it was published
                    // whole: see writeWholeFrame): parsed here, then consumed in one step.
                    raw = length > 0 && look[4] == dev.mp4j.serial.SafeSerializer.TAG_BYTES;
                    bytes = java.util.Arrays.copyOfRange(look, raw ? 5 : 4, 4 + length);
                    aborted = look[(int) frame - 1] != OK;
                    try {
                        spilled = consumeWholeFrame(head + frame, bytes, raw, aborted);
                    } catch (RuntimeException | Error e) {
                        lost = e;
                    }
                } else if (frame <= ring.wholeFrameLimit() && ring.tail() - head >= frame) {
                    // A frame published whole (see writeWholeFrame): copied out in one step and
                    // consumed in one, so a consumer that dies here leaves it to the next one.
                    raw = length > 0 && ring.peekByte(head + 4) == dev.mp4j.serial.SafeSerializer.TAG_BYTES;
                    bytes = new byte[raw ? length - 1 : length];
                    ring.copyOut(head + (raw ? 5 : 4), bytes, 0, bytes.length);
                    aborted = ring.peekByte(head + frame - 1) != OK;
                    try {
                        spilled = consumeWholeFrame(head + frame, bytes, raw, aborted);
                    } catch (RuntimeException | Error e) {
                        lost = e;
                    }
                } else {
                    // A frame published in steps while its producer writes: read as it comes.
                    long end = head + frame;
                    LONG.setVolatile(words, (int) CONSUMER_FRAME_END, end);
                    INT.setVolatile(words, (int) CONSUMER_IN_PROGRESS, 1);
                    // An interrupt meanwhile waits for the item's end (the thread gets it back
                    // then): giving up half-way would lose the item, and take() would have
                    // removed something after all.
                    dev.mp4j.shm.IoInterrupts.hold();
                    streamInterruptible = timeoutNanos != 0;
                    try {
                        bytes = readStreamedFrame(head, length, end);
                    } finally {
                        dev.mp4j.shm.IoInterrupts.release();
                    }
                    raw = bytes != null && streamedRaw;
                    aborted = bytes == null || streamedStatus != OK;
                    INT.setVolatile(words, (int) CONSUMER_IN_PROGRESS, 0);
                    release(1);   // under the lock, as for a whole frame
                }
            } catch (java.io.InterruptedIOException e) {
                Thread.interrupted();   // thrown as InterruptedException: the status goes with it
                throw new InterruptedException(e.getMessage());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                consumers.unlock();
            }
            if (lost != null) {
                // consumeWholeFrame gave the count back already
                if (lost instanceof Error error) {
                    throw error;
                }
                throw (RuntimeException) lost;
            }
            if (spilled != null) {
                return spilled.raw() || discarding ? spilled.bytes() : decodeTaken(spilled.bytes());
            }
            // (the count was given back under the lock)
            if (!aborted) {
                return raw || discarding ? bytes : decodeTaken(bytes);
            }
        }
    }

    /** What {@link #readStreamedFrame} found besides the payload (under the consumer lock). */
    private boolean streamedRaw;
    private byte streamedStatus;
    /**
     * Whether an interrupt may end the read of a stalled streamed item (under the consumer
     * lock): not for a poll that does not wait, which ignores the interrupt status (and would
     * lose the item, left half-read).
     */
    private boolean streamInterruptible;

    /**
     * Reads the frame of {@code length} bytes at {@code head}, whose header is published, as its
     * producer publishes the rest, and consumes it to {@code end}. Returns its payload (the bytes
     * after the tag for a {@code byte[]} item, {@link #streamedRaw} then true), or null if its
     * producer abandoned it (died, or gave up) and this consumer finished it as ABORTED.
     *
     * <p>Once an item has begun to arrive this waits for the rest while its producer lives,
     * whatever the caller's timeout or interrupts (held back meanwhile): giving up half-way
     * would lose the item. Only an item that makes no progress for
     * {@link #INTERRUPT_AFTER_STALL_NANOS} (its producer stopped) lets an interrupt end the wait.
     */
    private byte[] readStreamedFrame(long head, int length, long end) throws IOException {
        ring.skipTo(head + 4);
        // The tag comes with the header, or in the next step.
        if (!awaitStreamed(end)) {
            return null;
        }
        streamedRaw = length > 0 && ring.peekByte(head + 4) == dev.mp4j.serial.SafeSerializer.TAG_BYTES;
        if (streamedRaw) {
            // A byte[] item is read straight into its own array, not copied out of a frame.
            ring.skipTo(head + 5);
        }
        byte[] bytes = new byte[streamedRaw ? length - 1 : length];
        int done = 0;
        while (done < bytes.length) {
            if (!awaitStreamed(end)) {
                return null;
            }
            done += ring.read(bytes, done, bytes.length - done, this);
        }
        if (!awaitStreamed(end)) {
            return null;
        }
        // The status is read before the reader passes it: after that a producer may write over it.
        streamedStatus = ring.peekByte(end - 1);
        ring.skipTo(end);
        return bytes;
    }

    /** How often a consumer waiting for the rest of a frame looks whether its producer is still there. */
    private static final long STALL_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    /**
     * Waits until a byte of the frame ending at {@code end} is there to read, or its producer has
     * abandoned it; then this consumer finishes the frame, skips it whole and returns false.
     */
    private boolean awaitStreamed(long end) throws IOException {
        boolean[] finishing = FINISHING_ITEM.get();
        finishing[0] = true;
        try {
            return awaitRestOfItem(end);
        } finally {
            finishing[0] = false;
        }
    }

    private boolean awaitRestOfItem(long end) throws IOException {
        long since = System.nanoTime();
        while (ring.awaitData(STALL_CHECK_NANOS, this) == 0) {
            if (finishAbandonedFrame(end, TAKE_OVER_NANOS)) {
                ring.skipTo(end);
                return false;
            }
            if (streamInterruptible && System.nanoTime() - since > INTERRUPT_AFTER_STALL_NANOS
                    && dev.mp4j.shm.IoInterrupts.pending()) {
                // Held back while the item came in; but its producer, alive, has sent nothing
                // for a while (stopped, frozen, in a debugger): the interrupt wins, and the
                // item is left half-read for the next consumer to skip.
                throw new java.io.InterruptedIOException("interrupted while the rest of an item did not come for "
                        + TimeUnit.NANOSECONDS.toSeconds(INTERRUPT_AFTER_STALL_NANOS) + " s");
            }
        }
        return true;
    }

    /** How long a streamed item may make no progress before an interrupt held back ends its read. */
    private static final long INTERRUPT_AFTER_STALL_NANOS = TimeUnit.SECONDS.toNanos(2);

    /** How long a consumer waits for the producer lock of a dead owner: a waiter takes it over after a slice. */
    private static final long TAKE_OVER_NANOS = 3 * SLICE_NANOS;

    /**
     * For a consumer (holding the consumer lock) that waits for the rest of the frame ending at
     * {@code end}: if the producer that was writing it has died, or gave up and unlocked, takes
     * the producer lock (waiting at most {@code maxWaitNanos}) and finishes the frame as ABORTED,
     * as the next producer would; without this, a consumer waits for a producer that may never
     * come. Returns whether the frame is now finished as ABORTED (false also when it turned out
     * whole: its producer published all of it and died before unmarking it).
     */
    private boolean finishAbandonedFrame(long end, long maxWaitNanos) throws IOException {
        if (maxWaitNanos <= 0 || !producerAbandoned(end)) {
            return false;
        }
        int owner = producers.ownerPid();
        boolean locked;
        try {
            // A dead owner's lock is taken over by a waiter that has slept a slice.
            locked = owner == 0 ? producers.tryLock() : producers.tryLock(maxWaitNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            // Not now: the interrupt is kept for after the frame (see readStreamedFrame), and
            // the next look tries again.
            Thread.currentThread().interrupt();
            return false;
        }
        if (!locked) {
            return false;
        }
        try {
            if (producers.ownerDied()) {
                // Taken over from whoever held it last, which may be a producer other than this
                // frame's, dead before publishing a frame of its own: what the next producer
                // would give back for it must be given back here, since that one will not know.
                settlePendingEnd();
            }
            // Another producer may have finished it meanwhile, and even begun the next frame.
            if ((int) INT.getVolatile(words, (int) PRODUCER_IN_PROGRESS) == 0
                    || (long) LONG.getVolatile(words, (int) PRODUCER_FRAME_END) != end) {
                return false;
            }
            // A frame found whole is only unmarked: the consumer reads on.
            return repairProducerFrame(System.nanoTime(), -1, true) && ring.peekByte(end - 1) != OK;
        } finally {
            producers.unlock();
        }
    }

    /** Whether the frame ending at {@code end} is marked in progress by a producer that is gone or unlocked. */
    private boolean producerAbandoned(long end) {
        if (discarding) {
            // nobody alive holds the queue: nobody will write the rest (a live pid here is a reused one)
            return true;
        }
        if ((int) INT.getVolatile(words, (int) PRODUCER_IN_PROGRESS) == 0
                || (long) LONG.getVolatile(words, (int) PRODUCER_FRAME_END) != end) {
            return false;
        }
        return !producers.isLocked() || producers.ownerGone();
    }

    /**
     * Skips what is left of a frame another consumer left half-read, waiting for its producer
     * within the caller's timeout. Returns false when the time ran out first: the skip is left
     * where it got to, for the next consumer to go on with.
     */
    private boolean skipAbandonedFrame(long start, long timeoutNanos) throws IOException {
        if ((int) INT.getVolatile(words, (int) CONSUMER_IN_PROGRESS) == 0) {
            return true;
        }
        long end = (long) LONG.getVolatile(words, (int) CONSUMER_FRAME_END);
        if (ring.head() >= end) {
            // Its consumer read it all and died before unmarking it: the item is lost, its status
            // no longer readable (a few instructions' window; the task is left counted).
            INT.setVolatile(words, (int) CONSUMER_IN_PROGRESS, 0);
            release(1);
            return true;
        }
        // Up to the status byte, which is read before the reader passes it (after that a
        // producer may write over it): an item that arrived whole (OK) is lost with the consumer
        // that was reading it, so a joinable queue stops waiting for it; an ABORTED one was
        // forgotten by the repair that finished it.
        while (ring.head() < end - 1 || ring.tail() < end) {
            long target = Math.min(end - 1, ring.tail());
            if (target > ring.head()) {
                ring.skipTo(target);
            } else {
                long left = left(start, timeoutNanos);
                if (timeoutNanos >= 0 && left == 0) {
                    return false;
                }
                if (ring.awaitData(left < 0 ? SLICE_NANOS : Math.min(left, SLICE_NANOS), this) == 0) {
                    // Its producer may be gone too: then nobody else would finish it.
                    finishAbandonedFrame(end, left < 0 ? TAKE_OVER_NANOS : Math.min(left(start, timeoutNanos), TAKE_OVER_NANOS));
                }
            }
        }
        boolean arrivedWhole = ring.peekByte(end - 1) == OK;
        ring.skipTo(end);
        INT.setVolatile(words, (int) CONSUMER_IN_PROGRESS, 0);
        release(1);
        if (arrivedWhole) {
            forgetUnfinished();
        }
        return true;
    }

    /** How long a consumer spins on part of a header before it naps between looks. */
    private static final long PART_HEADER_SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(50);
    private static final long PART_HEADER_NAP_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /**
     * Waits (holding the consumer lock) until a frame's 4-byte header is there to read at the
     * head, in slices: a frame begun there whose producer gave up or died before its header was
     * out (the ring had fewer than 4 bytes free when it began) would otherwise keep every
     * consumer waiting, or spinning on the bytes that did come, until another put repaired it.
     * Such a frame is finished as ABORTED and skipped here. Returns false when the time ran out.
     */
    private boolean awaitHeader(long start, long timeoutNanos) throws IOException {
        long partSince = 0;
        while (ring.tail() - ring.head() < 4) {
            long left = left(start, timeoutNanos);
            if (timeoutNanos >= 0 && left == 0) {
                return false;
            }
            long slice = left < 0 ? SLICE_NANOS : Math.min(left, SLICE_NANOS);
            if (ring.tail() == ring.head()) {
                partSince = 0;
                if (ring.awaitData(slice, this) != 0) {
                    continue;
                }
            } else {
                // Part of a header: its producer publishes the rest at once, unless it stopped.
                long now = System.nanoTime();
                if (partSince == 0) {
                    partSince = now;
                }
                if (now - partSince < PART_HEADER_SPIN_NANOS) {
                    Thread.onSpinWait();
                    continue;
                }
                if (locallyClosed()) {
                    throw new IOException("handle is closed");
                }
                if (dev.mp4j.shm.IoInterrupts.endsWait()) {
                    throw new java.io.InterruptedIOException("interrupted while waiting for an item");
                }
                java.util.concurrent.locks.LockSupport.parkNanos(Math.min(slice, PART_HEADER_NAP_NANOS));
            }
            skipFrameAbandonedBeforeItsHeader(left);
        }
        return true;
    }

    /** If a frame begun at the head was abandoned by its producer, finishes it as ABORTED and skips it. */
    private void skipFrameAbandonedBeforeItsHeader(long left) throws IOException {
        long head = ring.head();
        if ((int) INT.getVolatile(words, (int) PRODUCER_IN_PROGRESS) == 0
                || (long) LONG.getVolatile(words, (int) PRODUCER_FRAME_START) != head) {
            return;
        }
        long end = (long) LONG.getVolatile(words, (int) PRODUCER_FRAME_END);
        if (!producerAbandoned(end)) {
            // Its producer is at work (the usual case, looked at every slice): nothing to do, and
            // no mark, which would make the next consumer skip a frame that is still coming.
            return;
        }
        // Marked as this consumer's frame first, as a frame read in steps is: the repair below
        // may skip the head into the middle of it (a frame larger than the ring), and a consumer
        // killed there would leave the next one to read the frame's inside as a header. Marked,
        // the next consumer skips what is left of it instead (skipAbandonedFrame).
        LONG.setVolatile(words, (int) CONSUMER_FRAME_END, end);
        INT.setVolatile(words, (int) CONSUMER_IN_PROGRESS, 1);
        boolean finished;
        try {
            // All the ring holds from the head on is this frame's, as finishAbandonedFrame assumes.
            finished = finishAbandonedFrame(end, left < 0 ? TAKE_OVER_NANOS : Math.min(left, TAKE_OVER_NANOS));
            if (finished) {
                ring.skipTo(end);
            }
        } catch (IOException | RuntimeException | Error e) {
            if (ring.head() == head) {
                // Nothing skipped: the frame is the next reader's to look at afresh.
                INT.setVolatile(words, (int) CONSUMER_IN_PROGRESS, 0);
            }
            throw e;
        }
        INT.setVolatile(words, (int) CONSUMER_IN_PROGRESS, 0);
        if (finished) {
            // Its count comes back here, as for any ABORTED frame read; the repair forgot its task.
            release(1);
        }
    }

    /** Counts an item in, waiting while a bounded queue is full. */
    private boolean reserve(long start, long timeoutNanos) throws InterruptedException {
        if (maxsize == 0) {
            INT.getAndAdd(words, (int) COUNT, 1);
            return true;
        }
        while (true) {
            int c = (int) INT.getVolatile(words, (int) COUNT);
            if (c < maxsize) {
                if (INT.compareAndSet(words, (int) COUNT, c, c + 1)) {
                    return true;
                }
                continue;
            }
            long left = left(start, timeoutNanos);
            if (timeoutNanos >= 0 && left == 0) {
                return false;
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            // Closed by another thread of this process while this put waits for room: it ends,
            // as a put begun after the close is refused (it waited on, and put after the close).
            checkOpen();
            INT.getAndAdd(words, (int) COUNT_SLEEPERS, 1);
            try {
                Futex.await(header.asSlice(COUNT, 4), c, left < 0 ? SLICE_NANOS : Math.min(left, SLICE_NANOS));
            } finally {
                INT.getAndAdd(words, (int) COUNT_SLEEPERS, -1);
            }
        }
    }

    private void release(int n) {
        INT.getAndAdd(words, (int) COUNT, -n);
        // Only a bounded queue's producers ever sleep on the count (reserve): an unbounded queue
        // skips the look, one shared access less per item taken.
        if (maxsize > 0 && dev.mp4j.shm.SharedWords.getIntVolatile(words, (int) COUNT_SLEEPERS) > 0) {
            Futex.wake(header.asSlice(COUNT, 4), n);
        }
    }

    private static boolean lock(ProcessLock lock, long timeoutNanos) throws InterruptedException {
        if (timeoutNanos < 0) {
            lock.lockInterruptibly();
            return true;
        }
        return lock.tryLock(timeoutNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * The lock for a call that must not wait (offer, poll): not failed for contention alone. It
     * is waited for as long as the call could still succeed (room for a producer, items for a
     * consumer, asked again every {@link #NOWAIT_LOCK_NANOS}), as LinkedBlockingQueue's offer and poll
     * wait for their lock, never longer than {@link #NOWAIT_LOCK_MAX_NANOS}; and taken whatever
     * the thread's interrupt status. (A fixed 10 ms let four threads adding to one unbounded
     * queue starve one of them into "Queue full".)
     */
    private boolean lockNow(ProcessLock lock, boolean producer) {
        if (lock.tryLock()) {
            return true;
        }
        boolean interrupted = Thread.interrupted();
        long start = System.nanoTime();
        try {
            while ((producer ? roomNow() : itemsNow()) && System.nanoTime() - start < NOWAIT_LOCK_MAX_NANOS) {
                try {
                    if (lock.tryLock(NOWAIT_LOCK_NANOS, TimeUnit.NANOSECONDS)) {
                        return true;
                    }
                } catch (InterruptedException during) {
                    interrupted = true;
                }
            }
            return false;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The longest offer() or poll() waits for a lock while the call could succeed. */
    private static final long NOWAIT_LOCK_MAX_NANOS = TimeUnit.SECONDS.toNanos(1);

    /**
     * Whether a put could go in at once: under maxsize, the ring not full, and no producer asleep
     * waiting for room (the lock's holder, then, which keeps it until room comes: this put
     * would wait behind it).
     */
    private boolean roomNow() {
        return (maxsize == 0 || (int) INT.getVolatile(words, (int) COUNT) < maxsize) && ring.freeSpace() > 0
                && !ring.writerWaiting();
    }

    /**
     * Whether an item is there to take (counted; its bytes may still be coming). Through
     * {@link #count()}, which gives back what a dead producer counted and never wrote: the raw
     * count kept a poll() waiting its full second for an item that would never come.
     */
    private boolean itemsNow() {
        return count() > 0;
    }

    /** Nanoseconds left of a timeout (negative stays negative: forever; never below 0 otherwise). */
    private static long left(long start, long timeoutNanos) {
        if (timeoutNanos < 0) {
            return -1;
        }
        return Math.max(0, timeoutNanos - (System.nanoTime() - start));
    }

    /**
     * {@link #decode}s an item taken off the queue. One that cannot be read here (a class this
     * JVM lacks) is lost to every consumer, so nobody can call {@code taskDone} for it: a
     * joinable queue stops waiting for it, as for a spilled item lost.
     */
    private Object decodeTaken(byte[] bytes) {
        try {
            return decode(bytes);
        } catch (RuntimeException | Error e) {
            forgetUnfinished();
            throw e;
        }
    }

    Object decode(byte[] bytes) {
        try {
            return serializer.deserialize(bytes, 0, bytes.length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // JoinableQueue

    void taskDone() {
        if (!joinable) {
            throw new UnsupportedOperationException("task_done() is for JoinableQueue");
        }
        while (true) {
            int u = (int) INT.getVolatile(words, (int) UNFINISHED);
            if (u <= 0) {
                throw new IllegalStateException("task_done() called too many times");
            }
            if (INT.compareAndSet(words, (int) UNFINISHED, u, u - 1)) {
                if (u == 1 && (int) INT.getVolatile(words, (int) JOIN_SLEEPERS) > 0) {
                    Futex.wake(header.asSlice(UNFINISHED, 4), Integer.MAX_VALUE);
                }
                return;
            }
        }
    }

    boolean join(long timeoutNanos) throws InterruptedException {
        long start = System.nanoTime();
        while (true) {
            int u = (int) INT.getVolatile(words, (int) UNFINISHED);
            if (u <= 0) {
                return true;
            }
            long left = left(start, timeoutNanos);
            if (timeoutNanos >= 0 && left == 0) {
                return false;
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            if (ring.tail() == ring.head() && settleDeadProducer()) {
                continue;
            }
            INT.getAndAdd(words, (int) JOIN_SLEEPERS, 1);
            try {
                Futex.await(header.asSlice(UNFINISHED, 4), u, left < 0 ? SLICE_NANOS : Math.min(left, SLICE_NANOS));
            } finally {
                INT.getAndAdd(words, (int) JOIN_SLEEPERS, -1);
            }
        }
    }

    /** An item counted as unfinished was lost before any consumer got it. */
    private void forgetUnfinished() {
        if (joinable) {
            int u = (int) INT.getAndAdd(words, (int) UNFINISHED, -1);
            if (u == 1 && (int) INT.getVolatile(words, (int) JOIN_SLEEPERS) > 0) {
                Futex.wake(header.asSlice(UNFINISHED, 4), Integer.MAX_VALUE);
            }
        }
    }

    int unfinished() {
        return (int) INT.getVolatile(words, (int) UNFINISHED);
    }

    // ByteRing.Peer: a queue has no end-of-file; a waiting side only stops for close or interrupt.

    @Override
    public boolean peerAlive() {
        return true;
    }

    @Override
    public boolean locallyClosed() {
        return closed && !FINISHING_ITEM.get()[0];
    }

    /**
     * Set while this thread reads the rest of an item it has begun: a close of this queue in
     * another thread of the process does not cut that read (left half-read, the item was lost to
     * every consumer: the next one skips the rest), as an interrupt does not.
     */
    private static final ThreadLocal<boolean[]> FINISHING_ITEM = ThreadLocal.withInitial(() -> new boolean[1]);

    @Override
    public long writeNanosLeft() {
        return left(writeStart, writeTimeout);
    }

}
