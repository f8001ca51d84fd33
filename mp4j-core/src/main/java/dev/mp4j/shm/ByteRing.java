package dev.mp4j.shm;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A single-producer, single-consumer byte stream in shared memory: one direction of a pipe, and
 * the body of a queue (whose producers and consumers take turns through locks).
 *
 * <pre>
 * ring = header (256 bytes) + data (capacity bytes, a power of two)
 *   +0   tail: bytes ever published by the writer (long, own cache line)
 *   +64  head: bytes ever consumed by the reader (long, own cache line)
 *   +128 data sequence (futex word) | reader-waiting flag
 *   +192 space sequence (futex word) | (unused) | the reader position that wakes a waiting writer (long; 0: none waits)
 *   +256 data
 * </pre>
 *
 * <p>The writer copies bytes in at {@code tail} and publishes with a release store; the reader
 * copies out at {@code head} and frees space the same way. Neither side takes a lock. A side that
 * has nothing to do spins briefly (the peer usually answers within microseconds), then sleeps on
 * a futex word. Sleeping is announced with a waiting flag; the other side, after publishing,
 * issues a full fence and reads the flag, and only then pays for a wake system call (the classic
 * Dekker pairing: at least one of the two sees the other's store). A writer waiting for room
 * announces, instead of a flag, the reader position at which to wake it, a quarter of the ring
 * on, so that a writer faster than its reader is woken once per quarter ring rather than once per
 * message. Sleeps are bounded slices so that a peer that died without a word is noticed.
 */
public final class ByteRing {
    /** Bytes of header before the data. */
    public static final long HEADER = 256;
    static final int TAIL = 0;
    static final int HEAD = 64;
    static final int DATA_SEQ = 128;
    static final int READER_WAITING = 132;
    static final int SPACE_SEQ = 192;
    static final int WRITER_WAKE_AT = 200;

    /*
     * The header's words are reached through views of a ByteBuffer, not of the MemorySegment:
     * a MemorySegment layout's first var handle (and its first get or set, which use one) costs a
     * fresh JVM 10-16 ms, even with the AOT cache, for the method handles LayoutPath makes as it
     * initializes; a pool worker paid that before its first message. Atomic updates use these
     * handles; plain reads and writes, with fences, and bulk copies use the buffers themselves,
     * which cost half as much while the caller is interpreted (see acquireLong).
     */
    private static final VarHandle LONG_HANDLE = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final VarHandle INT_HANDLE = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());
    /** How long a waiting side spins before it sleeps. */
    static final long SPIN_NANOS = Long.getLong("mp4j.pipe.spinNanos", 20_000);
    /** Whether a spinning reader yields its core now and then ({@code -Dmp4j.pipe.spinYield=false}: never). */
    static final boolean SPIN_YIELD = !"false".equals(System.getProperty("mp4j.pipe.spinYield"));
    static final int YIELD_AFTER_SPINS = Integer.getInteger("mp4j.pipe.yieldAfterSpins", 32);
    /** Big messages are published in steps, so the reader can copy out while the writer copies in. */
    private static final int PUBLISH_STEP = 128 * 1024;
    /** Upper bound of one futex sleep: how late a silently dead peer can be noticed. */
    private static final long SLEEP_SLICE_NANOS = 20_000_000;

    /** Tells a ring whether the other side is still there, and whether we were closed. */
    public interface Peer {
        boolean peerAlive();

        boolean locallyClosed();

        /**
         * Nanoseconds the writer may still wait for room in the middle of a frame: negative
         * waits as long as the reader is there. Once it is 0, an append that finds the ring full
         * goes on only while the reader keeps making room: when the reader has not moved for a
         * sleep slice (20 ms), the append throws {@link WriteTimeoutException}, leaving what it
         * published so far.
         */
        default long writeNanosLeft() {
            return -1;
        }
    }

    /** An append gave up waiting for room: its {@link Peer#writeNanosLeft()} ran out while the reader stood still. */
    public static final class WriteTimeoutException extends IOException {
        private static final long serialVersionUID = 1L;

        WriteTimeoutException() {
            super("no room in the ring within the writer's timeout");
        }
    }

    private static final byte[] NO_BYTES = {};
    private final MemorySegment ring;
    /** The header (a direct buffer in native order), for the var handles above. */
    private final ByteBuffer header;
    /** The data as a direct buffer (big-endian): bulk copies, single bytes and frame lengths. */
    private final ByteBuffer dataBytes;
    private final MemorySegment dataSeq;
    private final MemorySegment spaceSeq;
    private final int capacity;
    private final long mask;
    /**
     * How far into the data, from its start, this process has had the system back the ring with
     * memory ({@link #reservePages}); the ring is written from position 0 on, so once this is the
     * capacity every page exists. Read and written by the ring's one writer at a time.
     */
    private long backedUpTo;
    /**
     * At least how much {@link #reservePages} asks for at a time: a system call per 64 KiB
     * written until the ring has wrapped, and no more memory held ahead of need than that.
     */
    private static final long BACKING_STEP = 64 * 1024;

    /**
     * Makes sure the system has memory behind the ring's data up to position {@code end} (bytes
     * ever written, at most the capacity counts). A file in /dev/shm gets its pages as they are
     * first written, and a write that finds /dev/shm full faults (SIGBUS, an InternalError here)
     * half-way through a frame, which then cannot be finished; asked ahead (what the frame needs,
     * at least 64 KiB, in whole pages), the system says no instead, before anything is written.
     * Cheap once the ring has wrapped.
     *
     * @return false if /dev/shm has no room for them (true also where the system cannot be asked)
     */
    public boolean reservePages(long end) {
        if (backedUpTo >= capacity) {
            return true;
        }
        long want = Math.min(capacity, end);
        if (want <= backedUpTo) {
            return true;
        }
        long data = ring.address() + HEADER;
        // Up to a page boundary of the mapping (populate covers whole pages), so that the next
        // step starts where this one's pages end.
        long pagesEnd = (data + Math.max(want, backedUpTo + BACKING_STEP) + ShmFiles.PAGE - 1) & -ShmFiles.PAGE;
        long step = Math.min(capacity, pagesEnd - data);
        Boolean done = ShmFiles.populate(data + backedUpTo, step - backedUpTo);
        if (done == Boolean.FALSE) {
            return false;
        }
        if (done == Boolean.TRUE) {
            backedUpTo = step;
        }
        return true;
    }

    /** Why {@link #reservePages} said no, for the caller's error. */
    public static String noRoomForPages() {
        long free = ShmFiles.usableSpace(SharedSegment.DIRECTORY + "/");
        return "no room in " + SharedSegment.DIRECTORY + " for the ring's memory"
                + (free >= 0 ? " (" + free + " bytes free there)" : "");
    }

    /** The ring of {@code capacity} data bytes (a power of two) at {@code offset} of {@code segment}. */
    public ByteRing(MemorySegment segment, long offset, int capacity) {
        if (Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("ring capacity must be a power of two, got " + capacity);
        }
        this.ring = segment.asSlice(offset, HEADER + capacity);
        this.header = ring.asSlice(0, HEADER).asByteBuffer().order(ByteOrder.nativeOrder());
        this.dataBytes = ring.asSlice(HEADER, capacity).asByteBuffer();
        this.dataSeq = ring.asSlice(DATA_SEQ, 4);
        this.spaceSeq = ring.asSlice(SPACE_SEQ, 4);
        this.capacity = capacity;
        this.mask = capacity - 1L;
    }

    /**
     * Copies a frame in, header then payload, waiting for space as needed, and publishes it.
     * Large payloads are published in steps so the reader can start before the writer is done.
     */
    public void write(byte[] header, int headerLength, byte[] payload, int offset, int length, Peer peer) throws IOException {
        beginWrite();
        Cursor c = cursor;
        int total = headerLength + length;
        if (!reservePages(c.tail + total)) {
            throw new IOException(noRoomForPages() + ": the message was not sent");
        }
        if (total <= c.small.length) {
            // One copy into shared memory instead of two: each costs about a microsecond while
            // the writer is still interpreted, which is most of a small message's cost then.
            System.arraycopy(header, 0, c.small, 0, headerLength);
            System.arraycopy(payload, offset, c.small, headerLength, length);
            append(c.small, 0, total, peer);
        } else {
            append(header, headerLength, payload, offset, length, NO_BYTES, 0, peer);
        }
        endWrite();
    }

    /**
     * Starts a frame: bytes appended are published by {@link #endWrite()} (or earlier, in steps).
     * The reader's position is not read here: the writer keeps the one it saw last, which can only
     * be behind (so it counts too little free space, never too much), and looks again when that is
     * not enough ({@link #fitsAtBegin}, or an append that runs out of room).
     */
    public void beginWrite() {
        long tail = header.getLong(TAIL);
        Cursor c = cursor;
        c.tail = tail;
        c.published = tail;
    }

    /** Appends bytes to the frame begun, waiting for space as needed. */
    public void append(byte[] src, int off, int len, Peer peer) throws IOException {
        copyIn(cursor, src, off, len, peer);
    }

    /**
     * Appends a frame's head ({@code headLength} bytes of {@code head}), body and tail (the first
     * {@code tailLength} bytes of {@code tail}, 0 for none) as three {@link #append}s would.
     * One loop with one call of the copy: the JIT compiler, which inlines the copy with its
     * shared-memory accesses at every call site, compiles it once instead of three times (a fresh
     * child's compiler thread spent 275 ms of CPU on a queue's put that appended in four calls).
     */
    public void append(byte[] head, int headLength, byte[] body, int offset, int length, byte[] tail, int tailLength, Peer peer)
            throws IOException {
        Cursor c = cursor;
        for (int piece = 0; piece < 3; piece++) {
            byte[] src = piece == 0 ? head : piece == 1 ? body : tail;
            int off = piece == 1 ? offset : 0;
            int len = piece == 0 ? headLength : piece == 1 ? length : tailLength;
            copyIn(c, src, off, len, peer);
        }
    }

    /**
     * Appends {@code len} bytes without writing them: whatever the ring holds there goes out as
     * the frame's filler, for a frame no reader will parse past its header (one being finished as
     * aborted). The caller makes sure they are free ({@link #freeSpace()}).
     */
    public void appendUnwritten(int len) {
        cursor.tail += len;
    }

    /** Publishes what was appended. */
    public void endWrite() {
        Cursor c = cursor;
        if (c.tail != c.published) {
            publish(c.tail);
            c.published = c.tail;
        }
    }

    /** Where the frame being written will end if {@code more} bytes follow what is appended. */
    public long writePosition() {
        return cursor.tail;
    }

    /** The writer's published position (bytes ever written). */
    public long tail() {
        return acquireLong(TAIL);
    }

    /** The reader's position (bytes ever read). */
    public long head() {
        return acquireLong(HEAD);
    }


    /** Reads the big-endian int at absolute stream position {@code position} without consuming it. */
    public int peekInt(long position) {
        long index = position & mask;
        if (index + 4 <= capacity) {
            // One access instead of four: each costs a microsecond while the caller is interpreted.
            return dataBytes.getInt((int) index);
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            v = (v << 8) | (dataBytes.get((int) ((position + i) & mask)) & 0xFF);
        }
        return v;
    }

    /**
     * Copies what is published from the reader's position {@code head}, at most {@code max}
     * bytes, into {@code dst} without consuming it, and returns how many bytes that was. One look
     * at the writer's position and one copy: a reader that parses a small frame from {@code dst}
     * makes two accesses to shared memory instead of one per field, and each costs about half a
     * microsecond while the reader is still interpreted.
     */
    public int peekPublished(long head, byte[] dst, int max) {
        int n = (int) Math.min(max, acquireLong(TAIL) - head);
        if (n <= 0) {
            return 0;
        }
        copyOut(head, dst, 0, n);
        return n;
    }

    /**
     * Copies {@code length} published bytes from absolute stream position {@code position} without
     * consuming them (the caller then moves the reader with {@link #skipTo}).
     */
    public void copyOut(long position, byte[] dst, int offset, int length) {
        // One call of the bulk get for both sides of the wrap: the JIT compiler inlines each
        // call with its checks, and this copy is inlined into every reader's hot path.
        int index = (int) (position & mask);
        int done = 0;
        while (done < length) {
            int n = Math.min(length - done, capacity - index);
            dataBytes.get(index, dst, offset + done, n);
            done += n;
            index = 0;
        }
    }

    /**
     * If a whole message (a 4-byte big-endian length, then that many bytes) is published at the
     * reader's position and its length is at most {@code maxLength}, copies its payload out and
     * consumes it in one step; otherwise returns null and consumes nothing. A message read this
     * way costs a third of the shared-memory accesses of reading its header and payload apart,
     * which is most of its cost while the reader is still interpreted.
     */
    public byte[] takeMessage(long maxLength) {
        long head = header.getLong(HEAD);
        long available = acquireLong(TAIL) - head;
        if (available < 4) {
            return null;
        }
        int length = peekInt(head);
        if (length < 0 || length > maxLength || available - 4 < length) {
            return null;
        }
        byte[] payload = new byte[length];
        copyOut(head + 4, payload, 0, length);
        skipTo(head + 4 + length);
        return payload;
    }

    /**
     * The largest frame that {@link #append}s after {@link #beginWrite} publish all at once at
     * {@link #endWrite}, provided that much space was free when the frame began: a reader that
     * sees its first byte sees all of it.
     */
    public int wholeFrameLimit() {
        return Math.min(capacity, PUBLISH_STEP);
    }

    /**
     * Whether {@code frame} bytes are free for the frame begun with {@link #beginWrite}. Reads
     * the reader's position only when the one seen last does not leave enough room.
     */
    public boolean fitsAtBegin(long frame) {
        Cursor c = cursor;
        if (capacity - (c.tail - c.head) >= frame) {
            return true;
        }
        c.head = acquireLong(HEAD);
        return capacity - (c.tail - c.head) >= frame;
    }

    /** Reads the byte at absolute stream position {@code position} without consuming it. */
    public byte peekByte(long position) {
        return dataBytes.get((int) (position & mask));
    }

    /** Moves the reader to {@code position} (skipping bytes), freeing the space. */
    public void skipTo(long position) {
        releaseLong(HEAD, position);
        wakeWriterIfDue(position);
    }

    /**
     * After the reader moved to {@code head}: wakes a writer that sleeps until the reader gets
     * there. The reader clears the mark as it wakes, so a writer slow to run is woken once, not
     * once per message read meanwhile.
     */
    private void wakeWriterIfDue(long head) {
        VarHandle.fullFence();
        long at = header.getLong(WRITER_WAKE_AT);
        if (at != 0 && head >= at && LONG_HANDLE.compareAndSet(header, WRITER_WAKE_AT, at, 0L)) {
            INT_HANDLE.getAndAdd(header, SPACE_SEQ, 1);
            Futex.wake(spaceSeq, Integer.MAX_VALUE);
        }
    }

    /**
     * Marks the writer, at published position {@code tail}, as sleeping until the reader has
     * freed {@code wanted} bytes, or a quarter of the ring if that is more: a writer that
     * outpaces its reader then sleeps and wakes once per quarter of the ring, not once per
     * message (each wake is a system call on both sides).
     */
    private void markWriterWaiting(long tail, long wanted) {
        long freed = Math.min(capacity, Math.max(wanted, capacity / 4));
        header.putLong(WRITER_WAKE_AT, Math.max(1, tail + freed - capacity));
    }

    public int capacity() {
        return capacity;
    }

    /** Whether a writer is asleep waiting for room (it has marked how much it waits for). */
    public boolean writerWaiting() {
        return header.getLong(WRITER_WAKE_AT) != 0;
    }

    /** Bytes that can be written now without waiting. */
    public long freeSpace() {
        return capacity - (acquireLong(TAIL) - acquireLong(HEAD));
    }

    /**
     * Waits until at least {@code needed} bytes (at most the capacity) are free, at most
     * {@code timeoutNanos} (negative: forever). Returns whether they are.
     *
     * @throws IOException "handle is closed" when the peer is closed locally, "broken pipe" when
     *         {@link Peer#peerAlive()} says the reader is gone, or an interrupted one
     */
    public boolean awaitFree(long needed, long timeoutNanos, Peer peer) throws IOException {
        long want = Math.min(needed, capacity);
        long start = System.nanoTime();
        long lastHead = -1;
        try {
            while (true) {
                int seq = header.getInt(SPACE_SEQ);
                long tail = acquireLong(TAIL);
                markWriterWaiting(tail, want);
                VarHandle.fullFence();
                long head = acquireLong(HEAD);
                if (capacity - (tail - head) >= want) {
                    return true;
                }
                if (peer.locallyClosed()) {
                    throw new IOException("handle is closed");
                }
                // A look that does not wait (a put_nowait) ignores the interrupt status.
                if (timeoutNanos != 0 && IoInterrupts.endsWait()) {
                    throw new java.io.InterruptedIOException("interrupted while waiting for room");
                }
                if (!peer.peerAlive()) {
                    throw new IOException("broken pipe: the reading end is closed");
                }
                long slice = writerSlice(head, lastHead);
                lastHead = head;
                if (timeoutNanos >= 0) {
                    long left = timeoutNanos - (System.nanoTime() - start);
                    if (left <= 0) {
                        return false;
                    }
                    slice = Math.min(slice, left);
                }
                Futex.await(spaceSeq, seq, slice);
            }
        } finally {
            header.putLong(WRITER_WAKE_AT, 0L);
        }
    }

    /**
     * How long a writer waiting for room sleeps before it looks again. The reader wakes it only a
     * quarter ring on (markWriterWaiting); a reader that frees what the writer needs and then stops
     * short of that, to wait for something the writer does next, must not cost the writer a whole
     * slice: while the reader is moving, the writer looks again after a millisecond.
     */
    private static long writerSlice(long head, long lastHead) {
        return head != lastHead ? WRITER_RECHECK_NANOS : SLEEP_SLICE_NANOS;
    }

    private static final long WRITER_RECHECK_NANOS = 1_000_000;

    /** The writer's position while it copies one frame in; one writer at a time. */
    private static final class Cursor {
        long tail;
        long published;
        long head;
        /** Where a small message is put together before its one copy into the ring. */
        final byte[] small = new byte[256];
    }

    private final Cursor cursor = new Cursor();

    private void copyIn(Cursor c, byte[] src, int off, int len, Peer peer) throws IOException {
        while (len > 0) {
            long free = capacity - (c.tail - c.head);
            // Below zero when other writers (a queue's other producers, an earlier owner of a
            // pipe end) moved the tail on since this writer last looked at the reader.
            if (free <= 0) {
                c.head = acquireLong(HEAD);
                free = capacity - (c.tail - c.head);
                if (free <= 0) {
                    publish(c.tail);
                    c.published = c.tail;
                    c.head = awaitSpace(c.tail, peer);
                    continue;
                }
            }
            int index = (int) (c.tail & mask);
            int n = (int) Math.min(Math.min(free, len), Math.min(capacity - index, PUBLISH_STEP));
            dataBytes.put(index, src, off, n);
            c.tail += n;
            off += n;
            len -= n;
            if (c.tail - c.published >= PUBLISH_STEP) {
                publish(c.tail);
                c.published = c.tail;
            }
        }
    }

    /** Copies out at least one and at most {@code len} bytes, waiting for data; -1 at EOF. */
    public int read(byte[] dst, int off, int len, Peer peer) throws IOException {
        long head = header.getLong(HEAD);
        long available = acquireLong(TAIL) - head;
        if (available == 0) {
            int state = awaitData(-1, peer);
            if (state < 0) {
                return -1;
            }
            available = acquireLong(TAIL) - head;
        }
        int index = (int) (head & mask);
        int n = (int) Math.min(Math.min(available, len), capacity - index);
        dataBytes.get(index, dst, off, n);
        releaseLong(HEAD, head + n);
        wakeWriterIfDue(head + n);
        return n;
    }

    /** Whether a reader has announced that it sleeps waiting for data (the writer then wakes it). */
    public boolean readerWaiting() {
        VarHandle.fullFence();
        return header.getInt(READER_WAITING) != 0;
    }

    /** Whether any unread byte is there. */
    public boolean hasData() {
        return acquireLong(TAIL) != acquireLong(HEAD);
    }

    /**
     * Waits for data: 1 when there is some, 0 on timeout, -1 when there is none and the writing
     * end is gone (EOF). A negative timeout waits forever.
     */
    public int awaitData(long timeoutNanos, Peer peer) throws IOException {
        if (hasData()) {
            return 1;
        }
        if (timeoutNanos == 0) {
            // A look, not a wait: it must not touch the waiting flag, which may be another
            // reader's (one sleeping in a receive while this thread polls), and which this look
            // would clear on its way out, leaving that reader asleep until its slice ends.
            if (peer.locallyClosed()) {
                throw new IOException("handle is closed");
            }
            if (peer.peerAlive()) {
                return 0;
            }
            // The writer may have published its last bytes just before it went.
            return hasData() ? 1 : -1;
        }
        long start = System.nanoTime();
        long spinUntil = start + Math.min(SPIN_NANOS, timeoutNanos < 0 ? Long.MAX_VALUE : timeoutNanos);
        int spins = 0;
        while (true) {
            Thread.onSpinWait();
            if (hasData()) {
                return 1;
            }
            if ((++spins & 31) == 0) {
                if (System.nanoTime() - spinUntil > 0) {
                    break;
                }
                if (SPIN_YIELD && spins >= YIELD_AFTER_SPINS) {
                    // On a machine with few cores the peer (or its JIT compiler) may need this
                    // core: spinning past its time slice only delays the answer we wait for.
                    Thread.yield();
                }
            }
        }
        try {
            while (true) {
                int seq = header.getInt(DATA_SEQ);
                header.putInt(READER_WAITING, 1);
                VarHandle.fullFence();
                if (hasData()) {
                    return 1;
                }
                if (peer.locallyClosed()) {
                    throw new IOException("handle is closed");
                }
                if (IoInterrupts.endsWait()) {
                    throw new java.io.InterruptedIOException("interrupted while waiting for a message");
                }
                if (!peer.peerAlive()) {
                    return hasData() ? 1 : -1;
                }
                long slice = SLEEP_SLICE_NANOS;
                if (timeoutNanos >= 0) {
                    long left = timeoutNanos - (System.nanoTime() - start);
                    if (left <= 0) {
                        return 0;
                    }
                    slice = Math.min(slice, left);
                }
                Futex.await(dataSeq, seq, slice);
            }
        } finally {
            header.putInt(READER_WAITING, 0);
        }
    }

    private long awaitSpace(long tail, Peer peer) throws IOException {
        long deadlineSpin = System.nanoTime() + SPIN_NANOS;
        int spins = 0;
        while (true) {
            long head = acquireLong(HEAD);
            if (tail - head < capacity) {
                return head;
            }
            Thread.onSpinWait();
            if ((++spins & 31) == 0 && System.nanoTime() - deadlineSpin > 0) {
                break;
            }
        }
        long lastHead = -1;
        long lastMove = 0;
        try {
            while (true) {
                int seq = header.getInt(SPACE_SEQ);
                markWriterWaiting(tail, 1);
                VarHandle.fullFence();
                long head = acquireLong(HEAD);
                if (tail - head < capacity) {
                    return head;
                }
                if (peer.locallyClosed()) {
                    throw new IOException("handle is closed");
                }
                if (IoInterrupts.endsWait()) {
                    throw new java.io.InterruptedIOException("interrupted while waiting for room in the pipe");
                }
                if (!peer.peerAlive()) {
                    throw new IOException("broken pipe: the reading end is closed");
                }
                long now = System.nanoTime();
                if (head != lastHead) {
                    lastMove = now;
                }
                long slice = writerSlice(head, lastHead);
                long left = peer.writeNanosLeft();
                if (left == 0) {
                    // Out of time: go on only while the reader keeps making room.
                    long still = now - lastMove;
                    if (still >= SLEEP_SLICE_NANOS) {
                        throw new WriteTimeoutException();
                    }
                    slice = Math.min(slice, SLEEP_SLICE_NANOS - still);
                } else if (left > 0) {
                    slice = Math.min(slice, left);
                }
                Futex.await(spaceSeq, seq, slice);
                lastHead = head;
            }
        } finally {
            header.putLong(WRITER_WAKE_AT, 0L);
        }
    }

    /*
     * SharedWords' mapping, written out here: on the hottest path one interpreted call less per
     * access is a tenth of a fresh child's cost per message (probe QI, -Xint).
     */
    private long acquireLong(int at) {
        long v = header.getLong(at);
        VarHandle.acquireFence();
        return v;
    }

    private void releaseLong(int at, long v) {
        VarHandle.releaseFence();
        header.putLong(at, v);
    }

    private void publish(long tail) {
        releaseLong(TAIL, tail);
        VarHandle.fullFence();
        if (header.getInt(READER_WAITING) != 0) {
            INT_HANDLE.getAndAdd(header, DATA_SEQ, 1);
            Futex.wake(dataSeq, Integer.MAX_VALUE);
        }
    }

    /** Wakes every sleeper on this ring so it re-checks (used when an end closes). */
    public void wakeAll() {
        INT_HANDLE.getAndAdd(header, DATA_SEQ, 1);
        INT_HANDLE.getAndAdd(header, SPACE_SEQ, 1);
        Futex.wake(dataSeq, Integer.MAX_VALUE);
        Futex.wake(spaceSeq, Integer.MAX_VALUE);
    }

}
