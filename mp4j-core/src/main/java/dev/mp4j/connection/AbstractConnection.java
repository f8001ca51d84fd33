package dev.mp4j.connection;

import dev.mp4j.serial.Serializer;
import java.io.EOFException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * The message semantics shared by every transport: framing, size limits, direction checks and
 * CPython's error cases. A transport supplies the primitives: read some bytes, write bytes, wait
 * for readability, close (as peers see it, at once) and release (what calls in progress may
 * still touch, once the last has left).
 */
abstract sealed class AbstractConnection implements Connection permits PipeConnection, SocketConnection {
    /** Default ceiling for one message; {@code -Dmp4j.connection.maxMessageBytes} overrides it. */
    static final long DEFAULT_MAX_MESSAGE_BYTES =
            Long.getLong("mp4j.connection.maxMessageBytes", 1L << 30);
    /** Payloads this small are written together with their header in one transport write. */
    static final int SMALL_MESSAGE = 16 * 1024;

    private final boolean readableEnd;
    private final boolean writableEnd;
    private final Serializer serializer = Serializer.standard();
    private final long maxMessageBytes;
    private final byte[] header = new byte[12];
    private final byte[] readHead = new byte[8];
    private final java.util.concurrent.locks.ReentrantLock writeLock = new java.util.concurrent.locks.ReentrantLock();
    private final java.util.concurrent.locks.ReentrantLock readLock = new java.util.concurrent.locks.ReentrantLock();
    private volatile boolean closed;
    private volatile boolean readableNow;
    /** Why this end can no longer read, when a receive was cut half-way (null: in step). */
    private volatile String readCut;
    /** Why this end can no longer send, when a send was cut half-way (null: in step). */
    private volatile String writeCut;
    /**
     * Calls in progress on this end, plus {@link #CLOSED} once it is closed. The transport's
     * resources (a pipe's mapping) are released by whichever comes last, the close or the last
     * call to leave: a thread blocked in a read that another thread closes under it wakes, finds
     * the end closed, and still leaves the shared locks it holds on mapped memory.
     */
    private final java.util.concurrent.atomic.AtomicInteger users = new java.util.concurrent.atomic.AtomicInteger();
    private static final int CLOSED = 1 << 30;

    AbstractConnection(boolean readable, boolean writable, long maxMessageBytes) {
        if (!readable && !writable) {
            throw new IllegalArgumentException("at least one of readable or writable must be true");
        }
        this.readableEnd = readable;
        this.writableEnd = writable;
        this.readableNow = readable;
        this.maxMessageBytes = maxMessageBytes;
    }

    /** Reads at least one byte, blocking; returns -1 at EOF. */
    abstract int readSome(byte[] dst, int offset, int length) throws IOException;

    /**
     * Writes the header and payload as one message, waiting at most {@code timeoutNanos}
     * (negative: forever) for the peer to make room. Returns false, having written nothing, when
     * no room came in time; throws the plain IOException of {@link #cutSend} when time ran out
     * after part of the message had gone out ({@link MessageCutException} when an interrupt cut it).
     */
    abstract boolean writeFrame(byte[] header, int headerLength, byte[] payload, int offset, int length, long timeoutNanos)
            throws IOException;

    /** Whether bytes (or EOF) are available within the timeout; negative means forever. */
    abstract boolean awaitReadable(long timeoutNanos) throws IOException;

    /**
     * Closes the transport as peers and blocked callers see it (a pipe end's holder slot, a
     * socket), and wakes this end's sleepers. Called once, at {@link #close()}, perhaps while
     * calls are still in progress on other threads.
     */
    abstract void closeTransport();

    /** Frees what in-progress calls may still touch (a pipe's mapping). Called once, after {@link #closeTransport()} and the last call. */
    void releaseTransport() {
    }

    /** Keeps other processes sharing this end from interleaving a frame with ours (pipes). */
    void lockForWrite() {
    }

    void unlockForWrite() {
    }

    /** {@link #lockForWrite()} within a timeout (negative: forever); whether it was taken. */
    boolean tryLockForWrite(long timeoutNanos) throws IOException {
        return true;
    }

    /**
     * Waits until the first bytes of a message are there, then takes the message in one step if
     * all of it is, within {@code maxLength}; null otherwise (nothing was read, and the message is
     * read piece by piece). Transports that cannot do this return null at once. Called with the
     * read locks held.
     */
    byte[] takeWholeMessage(long maxLength) throws IOException {
        return null;
    }

    /** Starts a call on this end; fails if it is closed. Pair with {@link #leave()}. */
    final void enter() throws IOException {
        int now;
        do {
            now = users.get();
            if ((now & CLOSED) != 0) {
                throw new IOException("handle is closed");
            }
        } while (!users.compareAndSet(now, now + 1));
    }

    final void leave() {
        if (users.decrementAndGet() == CLOSED) {
            releaseTransport();
        }
        // A call in progress keeps its connection reachable to its end: a connection nobody
        // closes is closed by a cleaner once unreachable (see PipeConnection, SocketConnection).
        java.lang.ref.Reference.reachabilityFence(this);
    }

    /** Keeps other processes sharing this end from reading part of the frame we read (pipes). */
    void lockForRead() {
    }

    void unlockForRead() {
    }

    @Override
    public void send(Object obj) throws IOException {
        checkWritable();
        // What writing the copy takes for its reader (a segment's token, a pipe end's slot, a
        // manager's ticket) is given back if the message does not go: too large, or the end
        // closed or cut meanwhile. A number, string or byte array takes nothing: no collecting.
        boolean collect = !dev.mp4j.shm.Cleanup.carriesNothingShared(obj);
        Object outer = collect ? dev.mp4j.shm.Cleanup.collectUndos() : null;
        boolean sent = false;
        try {
            byte[] bytes = serializer.serialize(obj);
            writeMessage(bytes, 0, bytes.length);
            sent = true;
        } finally {
            if (collect) {
                dev.mp4j.shm.Cleanup.stopCollectingUndos(outer, !sent);
            }
        }
    }

    @Override
    public void send(Object obj, Duration timeout) throws IOException, TimeoutException {
        checkWritable();
        // As send(obj); also given back when the time ran out with nothing sent.
        boolean collect = !dev.mp4j.shm.Cleanup.carriesNothingShared(obj);
        Object outer = collect ? dev.mp4j.shm.Cleanup.collectUndos() : null;
        boolean sent = false;
        try {
            byte[] bytes = serializer.serialize(obj);
            writeMessage(bytes, 0, bytes.length, timeout);
            sent = true;
        } finally {
            if (collect) {
                dev.mp4j.shm.Cleanup.stopCollectingUndos(outer, !sent);
            }
        }
    }

    @Override
    public Object recv() throws IOException {
        checkReadable();
        byte[] bytes;
        enter();
        try {
            readLock.lock();
            lockForRead();
            try {
                checkNotCut();
                bytes = readMessage();
            } finally {
                unlockForRead();
                readLock.unlock();
            }
        } finally {
            leave();
        }
        return serializer.deserialize(bytes, 0, bytes.length);
    }

    /**
     * {@inheritDoc}
     *
     * <p>The wait and the read are one turn: with several readers of this end (threads, or
     * processes sharing a pipe end) the message a wait found cannot go to another reader before
     * this one reads it, so the timeout holds however many read.
     */
    @Override
    public Object recv(Duration timeout) throws IOException, TimeoutException {
        byte[] bytes = receiveWithin(timeout, this::readMessage);
        return serializer.deserialize(bytes, 0, bytes.length);
    }

    /** A read of one message, done once the read locks are held and its first bytes are there. */
    private interface MessageRead<T> {
        T read() throws IOException;
    }

    /**
     * Waits its turn among this end's readers and for a message to start, both within
     * {@code timeout} (null: forever), then reads it with {@code read}: one turn for the wait and
     * the read, so the message a wait found cannot go to another reader first.
     */
    private <T> T receiveWithin(Duration timeout, MessageRead<T> read) throws IOException, TimeoutException {
        checkReadable();
        long nanos = timeout == null ? -1 : Math.max(0, java.util.concurrent.TimeUnit.NANOSECONDS.convert(timeout));
        enter();
        try {
            long start = System.nanoTime();
            if (!lockWithin(readLock, nanos)) {
                throw new TimeoutException("no message within " + timeout);
            }
            try {
                if (!tryLockForRead(left(start, nanos))) {
                    throw new TimeoutException("no message within " + timeout);
                }
                try {
                    checkNotCut();
                    if (!awaitReadable(left(start, nanos))) {
                        throw new TimeoutException("no message within " + timeout);
                    }
                    return read.read();
                } finally {
                    unlockForRead();
                }
            } finally {
                readLock.unlock();
            }
        } finally {
            leave();
        }
    }

    @Override
    public void sendBytes(byte[] buf, int offset, int size) throws IOException {
        checkSendBytes(buf, offset, size);
        writeMessage(buf, offset, size);
    }

    @Override
    public void sendBytes(byte[] buf, int offset, int size, Duration timeout) throws IOException, TimeoutException {
        checkSendBytes(buf, offset, size);
        writeMessage(buf, offset, size, timeout);
    }

    private void checkSendBytes(byte[] buf, int offset, int size) throws IOException {
        checkWritable();
        if (offset < 0) {
            throw new IllegalArgumentException("offset is negative: " + offset);
        }
        if (buf.length < offset) {
            throw new IllegalArgumentException("buffer length < offset (" + buf.length + " < " + offset + ")");
        }
        if (size < 0) {
            throw new IllegalArgumentException("size is negative: " + size);
        }
        if (buf.length < (long) offset + size) {
            throw new IllegalArgumentException("buffer length < offset + size (" + buf.length + " < " + offset + " + " + size + ")");
        }
    }

    @Override
    public byte[] recvBytes(long maxLength) throws IOException {
        if (maxLength < 0) {
            throw new IllegalArgumentException("negative maxlength: " + maxLength);
        }
        checkReadable();
        enter();
        try {
            readLock.lock();
            lockForRead();
            try {
                checkNotCut();
                return readBytes(maxLength);
            } finally {
                unlockForRead();
                readLock.unlock();
            }
        } finally {
            leave();
        }
    }

    @Override
    public byte[] recvBytes(long maxLength, Duration timeout) throws IOException, TimeoutException {
        if (maxLength < 0) {
            throw new IllegalArgumentException("negative maxlength: " + maxLength);
        }
        return receiveWithin(timeout, () -> readBytes(maxLength));
    }

    private byte[] readBytes(long maxLength) throws IOException {
        byte[] waiting = takeWhole(Math.min(maxLength, maxMessageBytes));
        if (waiting != null) {
            return waiting;
        }
        long length = readLength(maxMessageBytes);
        if (length > maxLength) {
            // CPython leaves the payload unread and stops reading from this end.
            readableNow = false;
            if (!writableEnd) {
                close();
            }
            throw new IOException("bad message length: the message has " + length + " bytes, more than maxlength " + maxLength);
        }
        return readPayload(length);
    }

    @Override
    public int recvBytesInto(byte[] buf, int offset) throws IOException {
        checkIntoOffset(buf, offset);
        checkReadable();
        enter();
        try {
            readLock.lock();
            lockForRead();
            try {
                checkNotCut();
                return readInto(buf, offset);
            } finally {
                unlockForRead();
                readLock.unlock();
            }
        } finally {
            leave();
        }
    }

    @Override
    public int recvBytesInto(byte[] buf, int offset, Duration timeout) throws IOException, TimeoutException {
        checkIntoOffset(buf, offset);
        return receiveWithin(timeout, () -> readInto(buf, offset));
    }

    private static void checkIntoOffset(byte[] buf, int offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset: " + offset);
        }
        if (offset > buf.length) {
            throw new IllegalArgumentException("offset too large: " + offset + " > buffer length " + buf.length);
        }
    }

    private int readInto(byte[] buf, int offset) throws IOException {
        long length = readLength(maxMessageBytes);
        int room = buf.length - offset;
        if (length > room) {
            throw new BufferTooShortException(readPayload(length), room);
        }
        readFully(buf, offset, (int) length, true);
        return (int) length;
    }

    /**
     * {@inheritDoc}
     *
     * <p>A poll that waits takes its turn with receives in other threads (and, on a pipe end
     * several processes share, in other processes): while one of them waits for a message, a
     * poll waits for it to finish first, within the poll's timeout. Two waits on one end at once
     * would share one "wake me" mark, and the first to leave would take it from the other.
     */
    @Override
    public boolean poll(Duration timeout) throws IOException {
        checkReadable();
        long nanos = timeout == null ? -1 : Math.max(0, java.util.concurrent.TimeUnit.NANOSECONDS.convert(timeout));
        enter();
        try {
            if (nanos == 0) {
                return awaitReadable(0);
            }
            if (readableNow()) {
                return true;
            }
            long start = System.nanoTime();
            if (!lockWithin(readLock, nanos)) {
                return false;
            }
            try {
                if (!tryLockForRead(left(start, nanos))) {
                    return false;
                }
                try {
                    return awaitReadable(left(start, nanos));
                } finally {
                    unlockForRead();
                }
            } finally {
                readLock.unlock();
            }
        } finally {
            leave();
        }
    }

    /** What is left of {@code nanos} since {@code start}: negative stays negative (forever), else at least 0. */
    static long left(long start, long nanos) {
        return nanos < 0 ? -1 : Math.max(0, nanos - (System.nanoTime() - start));
    }

    /**
     * Takes {@code lock} within {@code nanos} (negative: forever), for a poll or timed receive
     * waiting its turn behind a receive, or a timed send behind a send: in slices, so that closing this end ends the wait even when the receive
     * it waits behind (in another process, say) never ends. Whether it was taken.
     */
    final boolean lockWithin(java.util.concurrent.locks.Lock lock, long nanos) throws IOException {
        return lockWithin(lock, nanos, "another reader of this end");
    }

    /** As {@link #lockWithin(java.util.concurrent.locks.Lock, long)}; {@code holder}: who holds it, for the interrupt's message. */
    final boolean lockWithin(java.util.concurrent.locks.Lock lock, long nanos, String holder) throws IOException {
        // A free lock is taken whatever the thread's interrupt status, as the untimed calls'
        // lock() does: only a wait for it ends on an interrupt.
        if (lock.tryLock()) {
            return true;
        }
        long start = System.nanoTime();
        try {
            while (true) {
                long left = left(start, nanos);
                long slice = left < 0 ? LOCK_SLICE_NANOS : Math.min(left, LOCK_SLICE_NANOS);
                if (lock.tryLock(slice, java.util.concurrent.TimeUnit.NANOSECONDS)) {
                    return true;
                }
                if (isClosed()) {
                    throw new IOException("handle is closed");
                }
                if (nanos >= 0 && left(start, nanos) == 0) {
                    return false;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (!dev.mp4j.shm.IoInterrupts.endsWait()) {
                // held back (IoInterrupts.hold): wait on for the lock
                return lockWithin(lock, nanos < 0 ? -1 : left(start, nanos), holder);
            }
            throw new java.io.InterruptedIOException("interrupted while waiting for " + holder);
        }
    }

    private static final long LOCK_SLICE_NANOS = 20_000_000;

    /**
     * Whether bytes (or EOF) are there now, found without waiting and without taking the read
     * locks; false when that cannot be told cheaply (then a poll takes its turn and waits).
     */
    boolean readableNow() throws IOException {
        return false;
    }

    /** {@link #lockForRead()} within a timeout (negative: forever); whether it was taken. */
    boolean tryLockForRead(long timeoutNanos) throws IOException {
        return true;
    }

    /**
     * Closes this end. Calls sleeping on it in other threads (waiting for data or for room) wake
     * and fail with "handle is closed"; one waiting for another process to release the end's
     * shared lock fails once it has it, and one that already found a whole message returns it.
     * What they still hold (a pipe's cross-process locks, its mapping) is released as the last of
     * them leaves, so closing never unmaps memory under a running call. Never blocks.
     */
    @Override
    public final void close() {
        int before;
        do {
            before = users.get();
            if ((before & CLOSED) != 0) {
                return;
            }
            // The closer counts as a call itself until the transport is closed: the last call
            // to leave may not release the mapping while closeTransport still uses it.
        } while (!users.compareAndSet(before, (before | CLOSED) + 1));
        closed = true;
        try {
            closeTransport();
        } finally {
            leave();
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public boolean isReadable() {
        return readableNow;
    }

    @Override
    public boolean isWritable() {
        return writableEnd;
    }

    long maxMessageBytes() {
        return maxMessageBytes;
    }

    void checkOpen() throws IOException {
        if (closed) {
            throw new IOException("handle is closed");
        }
    }

    /** Whether this end was made for reading (a write-only pipe end is not). */
    boolean readableEnd() {
        return readableEnd;
    }

    private void checkReadable() throws IOException {
        checkOpen();
        if (!readableEnd) {
            throw new IOException("connection is write-only");
        }
        if (!readableNow) {
            String why = readCut;
            throw new IOException(why != null ? why : "connection is no longer readable (an earlier message exceeded maxlength)");
        }
    }

    private void checkWritable() throws IOException {
        checkOpen();
        if (!writableEnd) {
            throw new IOException("connection is read-only");
        }
        String cut = writeCut;
        if (cut != null) {
            throw new IOException(cut);
        }
    }

    private void writeMessage(byte[] buf, int offset, int size) throws IOException {
        // What this thread sent a manager without waiting arrives first (see Handoffs).
        dev.mp4j.shm.Handoffs.handoff();
        if (size > maxMessageBytes) {
            throw new MessageTooLargeException(size, maxMessageBytes, "send");
        }
        // Senders on several threads must not interleave frames (CPython leaves this to the caller).
        enter();
        try {
            writeLock.lock();
            lockForWrite();
            try {
                writeLocked(buf, offset, size, -1);
            } finally {
                unlockForWrite();
                writeLock.unlock();
            }
        } finally {
            leave();
        }
    }

    /** As {@link #writeMessage(byte[], int, int)}, within {@code timeout} (null: forever). */
    private void writeMessage(byte[] buf, int offset, int size, Duration timeout) throws IOException, TimeoutException {
        dev.mp4j.shm.Handoffs.handoff();
        if (size > maxMessageBytes) {
            throw new MessageTooLargeException(size, maxMessageBytes, "send");
        }
        long nanos = timeout == null ? -1 : Math.max(0, java.util.concurrent.TimeUnit.NANOSECONDS.convert(timeout));
        enter();
        try {
            long start = System.nanoTime();
            if (!lockWithin(writeLock, nanos, "another sender on this end")) {
                throw new TimeoutException("could not send within " + timeout + ": another thread was sending");
            }
            try {
                if (!tryLockForWrite(left(start, nanos))) {
                    throw new TimeoutException("could not send within " + timeout + ": another sender on this end (another process, or another copy of the end) was sending");
                }
                try {
                    if (!writeLocked(buf, offset, size, left(start, nanos))) {
                        throw new TimeoutException("could not send within " + timeout
                                + ": the peer did not make room for the message (nothing was sent)");
                    }
                } finally {
                    unlockForWrite();
                }
            } finally {
                writeLock.unlock();
            }
        } finally {
            leave();
        }
    }

    /** Why a send ended half-way ({@code why}: "interrupted", "timed out"), as the end then says on each send. */
    static String cutMessage(String why) {
        return why + " half-way through sending a message: this end can send no more"
                + " (the peer would read the rest of the stream out of step)";
    }

    /**
     * A send under the write locks ran out of time after part of its message had gone out: this
     * end sends no more. Returns the exception for the transport to throw.
     */
    final IOException cutSend(String why, Throwable cause) {
        writeCut = cutMessage(why);
        return new IOException(writeCut, cause);
    }

    /** Writes one frame, the write locks held; false if no room came within {@code timeoutNanos} (nothing written). */
    private boolean writeLocked(byte[] buf, int offset, int size, long timeoutNanos) throws IOException {
        try {
            // Again under the locks: a send cut half-way while this one waited for them.
            String cut = writeCut;
            if (cut != null) {
                throw new IOException(cut);
            }
            int headerLength = Framing.writeHeader(header, size);
            return writeFrame(header, headerLength, buf, offset, size, timeoutNanos);
        } catch (MessageCutException cut) {
            writeCut = cut.getMessage();
            throw cut;
        }
    }

    private long readLength(long limit) throws IOException {
        byte[] head = readHead;
        if (!readFully(head, 0, 4, false)) {
            throw new EOFException("the peer closed the connection");
        }
        long length = Framing.readInt(head, 0);
        if (length == -1) {
            readFully(head, 0, 8, true);
            length = Framing.readLong(head, 0);
        }
        if (length < 0) {
            throw new IOException("corrupt message header: length " + length);
        }
        if (length > limit || length > Integer.MAX_VALUE - 8) {
            close();
            throw new MessageTooLargeException(length, Math.min(limit, Integer.MAX_VALUE - 8), "receive");
        }
        return length;
    }

    private byte[] readPayload(long length) throws IOException {
        byte[] bytes;
        try {
            bytes = new byte[(int) length];
        } catch (OutOfMemoryError noRoom) {
            skipPayload(length);
            OutOfMemoryError skipped = new OutOfMemoryError("a message of " + length
                    + " bytes did not fit in this process's heap (" + noRoom.getMessage()
                    + "); it was skipped, and the next message can be received");
            skipped.initCause(noRoom);
            throw skipped;
        }
        readFully(bytes, 0, bytes.length, true);
        return bytes;
    }

    /**
     * Reads past a message this heap has no room for, a slice at a time, so the end stays in
     * step: the message is lost, not the connection (a pool's worker that answered with it is
     * not killed for it, nor are the jobs behind it run again). Where even a slice does not fit,
     * or the rest does not come, the end reads no more, as after any message cut half-way.
     */
    private void skipPayload(long length) throws IOException {
        byte[] slice;
        try {
            slice = new byte[(int) Math.min(length, SKIP_SLICE_BYTES)];
        } catch (OutOfMemoryError none) {
            cutRead("a message of " + length + " bytes did not fit in this process's heap");
            return;
        }
        for (long left = length; left > 0; ) {
            int n = (int) Math.min(left, slice.length);
            readFully(slice, 0, n, true);
            left -= n;
        }
    }

    private static final int SKIP_SLICE_BYTES = 64 * 1024;

    /** The next message's bytes, read locks held: whole from the transport if it has them, else framed. */
    private byte[] readMessage() throws IOException {
        byte[] whole = takeWhole(maxMessageBytes);
        return whole != null ? whole : readPayload(readLength(maxMessageBytes));
    }

    /**
     * {@link #takeWholeMessage}, except that a message with no room in this heap is left where
     * it is, to be read past by the framed path.
     */
    private byte[] takeWhole(long maxLength) throws IOException {
        try {
            return takeWholeMessage(maxLength);
        } catch (OutOfMemoryError noRoom) {
            return null;
        }
    }

    /**
     * Again under the read locks: while this receive waited for them, another may have been cut
     * half-way, met a message over its maxlength (the rest is left unread), or closed the end.
     */
    private void checkNotCut() throws IOException {
        checkReadable();
    }

    /**
     * A receive ended after part of a message was taken (interrupted, or no heap for it): the
     * rest would be read as the next message, so this end reads no more, and says why.
     */
    private void cutRead(String why) {
        readCut = why + ", half-way through a message: this end can receive no more (the rest of the stream is out of step)";
        readableNow = false;
    }

    /** Returns false on EOF before the first byte; throws on EOF after it (a truncated frame). */
    private boolean readFully(byte[] dst, int offset, int length, boolean inMessage) throws IOException {
        int done = 0;
        while (done < length) {
            int n;
            try {
                n = readSome(dst, offset + done, length - done);
            } catch (java.io.InterruptedIOException interrupted) {
                if (inMessage || done > 0) {
                    cutRead(interrupted instanceof java.net.SocketTimeoutException ? "timed out" : "interrupted");
                }
                throw interrupted;
            }
            if (n < 0) {
                if (done == 0 && !inMessage) {
                    return false;
                }
                throw new IOException("got end of file during message");
            }
            done += n;
        }
        return true;
    }
}
