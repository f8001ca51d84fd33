package dev.mp4j.connection;

import dev.mp4j.shm.ByteRing;
import dev.mp4j.sync.ProcessLock;

import java.io.IOException;
import java.io.ObjectStreamException;
import java.io.Serial;
import java.io.Serializable;

/**
 * One end of a {@link Pipe}: reads from the ring that flows to it, writes to the ring that flows
 * to the other end. Travels to other processes by name (see {@link EndRef}).
 */
final class PipeConnection extends AbstractConnection implements Serializable, ByteRing.Peer {
    @java.io.Serial
    private static final long serialVersionUID = 1L;

    private final transient PipeSegment segment;
    private final transient int end;
    private final transient int slot;
    private final transient ByteRing in;
    private final transient ByteRing out;
    private final transient ProcessLock writers;
    private final transient ProcessLock readers;
    /** One thread of one process uses each end: the cross-process locks are skipped. */
    private final transient boolean exclusive;
    /** Gives the end back: on close, or once this object is unreachable without one (as CPython closes a collected connection). */
    private final transient EndRelease release;

    private PipeConnection(PipeSegment segment, int end, int slot, boolean readable, boolean writable, long maxMessageBytes,
            boolean exclusive) {
        super(readable, writable, maxMessageBytes);
        this.exclusive = exclusive;
        this.segment = segment;
        this.end = end;
        this.slot = slot;
        this.in = readable ? segment.ringTo(end) : null;
        this.out = writable ? segment.ringTo(1 - end) : null;
        // Only an end several processes may share takes turns through locks; an exclusive end
        // never takes them, so it does not make them.
        this.writers = writable && !exclusive ? ProcessLock.within(segment.shm(), PipeLayout.writerLockOffset(1 - end)) : null;
        this.readers = readable && !exclusive ? ProcessLock.within(segment.shm(), PipeLayout.readerLockOffset(end)) : null;
        segment.retain();
        segment.endOpened();
        this.release = new EndRelease(segment, end, slot);
        dev.mp4j.shm.Cleanup.register(this, release);
    }

    /**
     * What an end gives back, once: its holder slot (the peer sees EOF once no holder is left,
     * and the pipe's segment goes once neither end has one), then this process's mapping. A
     * cleaner action, so it does not refer to the connection.
     */
    private static final class EndRelease implements Runnable {
        private final PipeSegment segment;
        private final int end;
        private final int slot;
        private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
        private final java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();

        EndRelease(PipeSegment segment, int end, int slot) {
            this.segment = segment;
            this.end = end;
            this.slot = slot;
        }

        void close() {
            if (closed.compareAndSet(false, true)) {
                segment.releaseSlot(end, slot);
                segment.wakeAll();
                boolean lastHere = segment.endClosedWasLast();
                if (!segment.unlinkIfUnused() && lastHere) {
                    // Others hold it still: if the last of them dies holding it, nobody would
                    // look again. (One this process still holds is looked at by its own close.)
                    PipesLeftToOthers.note(segment.name());
                }
            }
        }

        void release() {
            if (released.compareAndSet(false, true)) {
                segment.release();
            }
        }

        /** Unreachable without a close: no call can be in progress. */
        @Override
        public void run() {
            try {
                close();
            } finally {
                release();
            }
        }
    }

    static PipeConnection open(PipeSegment segment, int end, long maxMessageBytes) {
        return open(segment, end, maxMessageBytes, false);
    }

    static PipeConnection open(PipeSegment segment, int end, long maxMessageBytes, boolean exclusive) {
        int slot = segment.acquireSlot(end, PipeSegment.myOwner());
        return forSlot(segment, end, slot, maxMessageBytes, exclusive);
    }

    private static PipeConnection forSlot(PipeSegment segment, int end, int slot, long maxMessageBytes, boolean exclusive) {
        boolean duplex = segment.duplex();
        // One-way pipes follow CPython: the first end reads, the second writes.
        return new PipeConnection(segment, end, slot, duplex || end == 0, duplex || end == 1, maxMessageBytes, exclusive);
    }

    // A call's ring accesses cannot meet an unmapped segment: the mapping is released only after
    // the last call in progress left (see AbstractConnection#close), and a close during the call
    // is seen by the ring's waits as locallyClosed(), which fail with "handle is closed".

    @Override
    int readSome(byte[] dst, int offset, int length) throws IOException {
        return in.read(dst, offset, length, this);
    }

    @Override
    byte[] takeWholeMessage(long maxLength) throws IOException {
        byte[] message = in.takeMessage(maxLength);
        if (message == null && in.awaitData(-1, this) > 0) {
            // A reply usually arrives whole: take it in one step rather than in pieces.
            message = in.takeMessage(maxLength);
        }
        return message;
    }

    /**
     * {@inheritDoc}
     *
     * <p>With a timeout, a message that fits in the ring is written only once all of it fits, so
     * a send that times out has sent nothing; a larger one streams through while the reader
     * reads, and once its time is up it goes on only while the reader keeps making room: it is
     * cut only when the reader stands still (for 20 ms) after the time ran out.
     */
    @Override
    boolean writeFrame(byte[] header, int headerLength, byte[] payload, int offset, int length, long timeoutNanos)
            throws IOException {
        // Not only the holder count (ends closed normally): a reader killed without closing
        // is found too (a look at /proc every 10 ms at most), so a send to it fails as
        // CPython's BrokenPipeError does instead of vanishing into the ring.
        if (!peerAlive()) {
            throw new IOException("broken pipe: the reading end is closed");
        }
        long frame = (long) headerLength + length;
        long start = System.nanoTime();
        if (timeoutNanos >= 0 && frame <= out.capacity() && out.freeSpace() < frame
                && !out.awaitFree(frame, timeoutNanos, this)) {
            return false;
        }
        long before = out.tail();
        writeStart = start;
        writeTimeout = timeoutNanos;
        try {
            out.write(header, headerLength, payload, offset, length, this);
            return true;
        } catch (ByteRing.WriteTimeoutException timedOut) {
            if (out.tail() != before) {
                throw cutSend("timed out", timedOut);
            }
            return false;
        } catch (java.io.InterruptedIOException interrupted) {
            // Under the writers' lock: only this write moved the published tail.
            if (out.tail() != before) {
                throw new MessageCutException(interrupted);
            }
            throw interrupted;
        } finally {
            writeTimeout = -1;
        }
    }

    /** The timed send in progress (under the writers' locks), for {@link #writeNanosLeft}; -1: none. */
    private transient long writeStart;
    private transient long writeTimeout = -1;

    @Override
    public long writeNanosLeft() {
        return AbstractConnection.left(writeStart, writeTimeout);
    }

    @Override
    boolean tryLockForWrite(long timeoutNanos) throws IOException {
        return exclusive || lockWithin(writers, timeoutNanos, "another sender on this end");
    }

    @Override
    boolean awaitReadable(long timeoutNanos) throws IOException {
        return in.awaitData(timeoutNanos, this) != 0;
    }

    @Override
    void lockForWrite() {
        if (!exclusive) {
            writers.lock();
        }
    }

    @Override
    void unlockForWrite() {
        if (!exclusive) {
            writers.unlock();
        }
    }

    @Override
    void lockForRead() {
        if (!exclusive) {
            readers.lock();
        }
    }

    @Override
    boolean readableNow() throws IOException {
        // A look that leaves the ring's waiting flag to whoever sleeps on it.
        return in.awaitData(0, this) != 0;
    }

    @Override
    boolean tryLockForRead(long timeoutNanos) throws IOException {
        return exclusive || lockWithin(readers, timeoutNanos);
    }

    /** The ring this end reads from (tests look at its waiting flag). */
    ByteRing inbound() {
        return in;
    }

    @Override
    void unlockForRead() {
        if (!exclusive) {
            readers.unlock();
        }
    }

    /** How often a waiting reader or writer looks in /proc for a peer that died without closing. */
    private static final long REAP_INTERVAL_NANOS = 10_000_000;
    /**
     * Not at once: a fresh child's first send would otherwise ask about its holders before its
     * futex link is done, through ProcessHandle, which costs it milliseconds.
     */
    private long lastReap = System.nanoTime();

    /**
     * An end closed normally is seen at once (its holder count drops). One whose process died
     * without closing is found by asking /proc about each holder, which costs system calls: a
     * reader that sleeps between every message of a busy pipe would pay them each time, so that
     * look happens at most every {@link #REAP_INTERVAL_NANOS}, well within the sleep slices in
     * which a silent death is noticed anyway.
     */
    @Override
    public boolean peerAlive() {
        if (!segment.hasLiveHolderCheap(1 - end)) {
            return false;
        }
        long now = System.nanoTime();
        if (now - lastReap < REAP_INTERVAL_NANOS) {
            return true;
        }
        lastReap = now;
        return segment.hasLiveHolder(1 - end);
    }

    @Override
    public boolean locallyClosed() {
        return isClosed();
    }

    @Override
    void closeTransport() {
        release.close();
    }

    @Override
    void releaseTransport() {
        release.release();
    }

    /** The name of the pipe's segment in /dev/shm (for tests). */
    String segmentName() {
        return segment.name();
    }

    @Override
    public String toString() {
        return "Connection[pipe " + segment.name() + " end " + end + (isClosed() ? ", closed]" : "]");
    }

    /** Serialized form: the segment name, which end, and a holder slot reserved for the receiver. */
    @Serial
    private Object writeReplace() throws ObjectStreamException {
        try {
            enter();
        } catch (IOException closed) {
            throw new java.io.InvalidObjectException("cannot send a closed Connection");
        }
        try {
            if (dev.mp4j.serial.SafeSerializer.probing()) {
                // A dry run: no copy will travel, so no slot is reserved for one.
                return new EndRef(segment.name(), end, -1, PipeSegment.myOwner(), maxMessageBytes(), exclusive);
            }
            int reserved = segment.reserveSlot(end);
            // Whoever keeps the bytes (a pool's task) keeps this end open, for a second reader.
            dev.mp4j.shm.Cleanup.noteSent(this);
            // A copy that is never sent gives its slot back (see Cleanup.collectUndos).
            PipeSegment reservedIn = segment;
            int reservedEnd = end;
            dev.mp4j.shm.Cleanup.noteUndo(() -> reservedIn.releaseReserved(reservedEnd, reserved));
            EndHandover.noteReserved(segment, end, reserved);
            return new EndRef(segment.name(), end, reserved, PipeSegment.myOwner(), maxMessageBytes(), exclusive);
        } finally {
            leave();
        }
    }

    /** The same as {@link #writeReplace}, written by hand: see {@link Pipe#reduce}. */
    byte[] reduce() {
        try {
            enter();
        } catch (IOException closed) {
            throw new IllegalStateException("cannot hand over a closed Connection");
        }
        int reserved;
        try {
            reserved = segment.reserveSlot(end);
            dev.mp4j.shm.Cleanup.noteSent(this);
        } finally {
            leave();
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(64);
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
            out.writeUTF(segment.name());
            out.writeInt(end);
            out.writeInt(reserved);
            out.writeInt(PipeSegment.myOwner());
            out.writeLong(maxMessageBytes());
            out.writeBoolean(exclusive);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** What {@link #reduce} wrote, as a connection of this process: see {@link Pipe#rebuild}. */
    static Connection rebuild(byte[] form) throws java.io.IOException {
        java.io.DataInputStream in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(form));
        EndRef ref = new EndRef(in.readUTF(), in.readInt(), in.readInt(), in.readInt(), in.readLong(), in.readBoolean());
        return (Connection) ref.readResolve();
    }

    /**
     * What a pipe end looks like on the wire. A class, not a record: the first record a JVM
     * deserializes costs it about 20 ms of method-handle spinning, paid by every child that
     * receives a pipe end.
     */
    static final class EndRef implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
        private final String segmentName;
        private final int end;
        private final int slot;
        /** The sender's owner word, in whose name the slot is reserved. */
        private final int sender;
        private final long maxMessageBytes;
        private final boolean exclusive;

        EndRef(String segmentName, int end, int slot, int sender, long maxMessageBytes, boolean exclusive) {
            this.segmentName = segmentName;
            this.end = end;
            this.slot = slot;
            this.sender = sender;
            this.maxMessageBytes = maxMessageBytes;
            this.exclusive = exclusive;
        }

        @Serial
        private Object readResolve() throws ObjectStreamException {
            try {
                PipeSegment segment = PipeSegment.attach(segmentName);
                int mine;
                try {
                    mine = segment.takeOverSlot(end, slot, sender);
                } catch (RuntimeException refused) {
                    // No slot for it: this mapping serves no end, and nothing else would unmap it.
                    segment.shm().close();
                    throw refused;
                }
                return forSlot(segment, end, mine, maxMessageBytes, exclusive);
            } catch (IllegalStateException e) {
                java.io.InvalidObjectException failure =
                        new java.io.InvalidObjectException("cannot reopen a pipe end here: " + e.getMessage());
                failure.initCause(e);
                throw failure;
            }
        }
    }
}
