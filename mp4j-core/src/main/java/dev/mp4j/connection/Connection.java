package dev.mp4j.connection;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * One end of a message channel between processes: Python's
 * {@code multiprocessing.connection.Connection}.
 *
 * <p>Messages are whole: what one {@code send} writes, one {@code recv} returns, never merged with
 * or split from another; empty messages are legal. Objects go through the connection's
 * {@link dev.mp4j.serial.Serializer}; byte messages ({@link #sendBytes}/{@link #recvBytes}) travel
 * as they are, framed like CPython's (4-byte big-endian length, or {@code -1} and an 8-byte length),
 * so a Python peer reads them byte for byte.
 *
 * <pre>{@code
 * Pipe pipe = Pipe.open();
 * Connection parentEnd = pipe.left(), childEnd = pipe.right();
 * JvmProcess child = new JvmProcess(() -> {
 *     childEnd.send("Welcome to beijing!");
 *     System.out.println("x: " + childEnd.recv());
 * });
 * child.start();
 * System.out.println("l: " + parentEnd.recv());
 * parentEnd.send("Im coming!");
 * child.join();
 * }</pre>
 *
 * <h2>Errors</h2>
 * {@link java.io.EOFException} when the peer has closed and nothing is left to read;
 * {@link IOException} for a closed handle ("handle is closed"), the wrong direction
 * ("connection is write-only"/"read-only"), a truncated frame and a message over the size limit
 * (naming both sizes); {@link IllegalArgumentException} for bad offsets and sizes;
 * {@link BufferTooShortException} when {@link #recvBytesInto} is given too small a buffer.
 * A message this process's heap has no room for ends its receive in an {@link OutOfMemoryError}
 * that names its size; it is read past, so the end stays usable and the next receive gets the
 * next message (CPython's {@code MemoryError} leaves its stream out of step).
 *
 * <p>Unlike CPython's, an end may be shared: threads, and for a {@link Pipe} also processes, that
 * send on the same end never interleave their messages, and readers of one end each get whole
 * messages. One limit, shared with CPython's pipes: a process killed in the middle of sending or
 * receiving a message on a shared pipe end leaves that end's byte stream cut where it stopped,
 * and what the others then read of it is not to be trusted. Where processes that share a channel
 * may be killed, use a {@link dev.mp4j.queue.ProcessQueue}: a producer killed in the middle of a
 * put leaves the other producers' items whole there.
 *
 * <p>Ends come from {@link Pipe}, {@link Listener} and {@link Client}; the interface is sealed,
 * so that it can grow (as its timed sends did) without breaking anyone's implementation.
 */
public sealed interface Connection extends AutoCloseable permits AbstractConnection {

    /**
     * Serializes {@code obj} and sends it as one message. Fails in the caller if it cannot be
     * serialized. Blocks while the peer's buffer is full (the peer does not read); see
     * {@link #send(Object, Duration)} for a bounded wait.
     */
    void send(Object obj) throws IOException;

    /**
     * Like {@link #send(Object)}, waiting at most {@code timeout} (null: no limit; zero or
     * negative: no waiting) for other senders on this end and for the peer to make room, except
     * that a message that has begun to go out is finished while the peer keeps reading (below).
     * CPython has no such call; it is the bounded form of a send to a peer that may have stopped
     * reading.
     *
     * <pre>{@code
     * try {
     *     conn.send(update, Duration.ofMillis(200));
     * } catch (TimeoutException slowReader) {
     *     dropped++;   // nothing was sent; the connection is as it was
     * }
     * }</pre>
     *
     * <p>On a {@link Pipe} end, a message that fits in the pipe's buffer is written only once all
     * of it fits, so a timed-out send has sent nothing; a larger one streams while the reader
     * reads and is given up only when the reader stands still after the time has run out. On a
     * socket, whose buffers do not say how much room they have, a message that stops half-way
     * when time runs out is cut. A cut message leaves the stream out of step, so the end then
     * refuses further sends with an {@link IOException} saying so (as after an interrupted send).
     *
     * @throws TimeoutException if the message could not be sent in time; nothing of it was sent
     * @throws IOException as {@link #send(Object)}, or, when the time ran out after part of the
     *         message had gone out, one saying the send was cut (this end then sends no more)
     */
    void send(Object obj, Duration timeout) throws IOException, TimeoutException;

    /** Blocks for the next message and deserializes it. */
    Object recv() throws IOException;

    /**
     * Like {@link #recv()}, waiting at most {@code timeout} (null: no limit) for a message to
     * start; a message that has started is read to its end however long its rest takes (the
     * timeout is for its start only).
     *
     * @throws TimeoutException if no message started to arrive in time (nothing is consumed)
     */
    default Object recv(Duration timeout) throws IOException, TimeoutException {
        if (!poll(timeout)) {
            throw new TimeoutException("no message within " + timeout);
        }
        return recv();
    }

    /** Sends all of {@code buf} as one byte message. */
    default void sendBytes(byte[] buf) throws IOException {
        sendBytes(buf, 0, buf.length);
    }

    /** Sends {@code size} bytes of {@code buf} from {@code offset} as one byte message. */
    void sendBytes(byte[] buf, int offset, int size) throws IOException;

    /**
     * Sends the bytes of {@code segment} as one byte message: Python's {@code send_bytes} of a
     * memoryview, such as a slice of a shared memory block's buffer.
     * <pre>{@code
     * conn.sendBytes(shm.buf().asSlice(0, 100));   // conn.send_bytes(shm.buf[0:100])
     * }</pre>
     * The bytes are copied out of the segment first, so it may change as soon as this returns.
     *
     * @throws MessageTooLargeException if the segment holds more than a byte array can
     */
    default void sendBytes(java.lang.foreign.MemorySegment segment) throws IOException {
        sendBytes(bytesOf(segment));
    }

    /** {@link #sendBytes(java.lang.foreign.MemorySegment)}, waiting at most {@code timeout} (null: no limit), as {@link #sendBytes(byte[], int, int, Duration)}. */
    default void sendBytes(java.lang.foreign.MemorySegment segment, Duration timeout) throws IOException, TimeoutException {
        byte[] bytes = bytesOf(segment);
        sendBytes(bytes, 0, bytes.length, timeout);
    }

    /** A copy of the segment's bytes, refused (naming both sizes) when a byte array cannot hold them. */
    private static byte[] bytesOf(java.lang.foreign.MemorySegment segment) throws MessageTooLargeException {
        long size = segment.byteSize();
        if (size > Integer.MAX_VALUE - 8) {
            throw new MessageTooLargeException(size, Integer.MAX_VALUE - 8, "send");
        }
        return segment.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    }

    /**
     * Like {@link #sendBytes(byte[], int, int)}, waiting at most {@code timeout} (null: no limit),
     * as {@link #send(Object, Duration)} does.
     *
     * @throws TimeoutException if the message could not be sent in time; nothing of it was sent
     * @throws IOException as {@link #sendBytes(byte[], int, int)}, or, when the time ran out after
     *         part of the message had gone out, one saying the send was cut (this end then sends no more)
     */
    void sendBytes(byte[] buf, int offset, int size, Duration timeout) throws IOException, TimeoutException;

    /** Receives one byte message, whatever its length (up to the connection's limit). */
    default byte[] recvBytes() throws IOException {
        return recvBytes(Long.MAX_VALUE);
    }

    /**
     * Receives one byte message.
     *
     * @throws IOException "bad message length" if the message is longer than {@code maxLength}; the
     *         connection is then no longer readable, as in CPython
     */
    byte[] recvBytes(long maxLength) throws IOException;

    /**
     * Like {@link #recvBytes(long)}, waiting at most {@code timeout} (null: no limit) for this
     * end's other readers and for a message to start; as {@link #recv(Duration)}, the wait and
     * the read are one turn, so the message found is this call's.
     *
     * @throws TimeoutException if no message started to arrive in time (nothing is consumed)
     */
    byte[] recvBytes(long maxLength, Duration timeout) throws IOException, TimeoutException;

    /**
     * Receives one byte message into {@code buf} at {@code offset}, returning its length.
     *
     * @throws BufferTooShortException if it does not fit; the exception carries the whole message
     */
    int recvBytesInto(byte[] buf, int offset) throws IOException;

    /**
     * Receives one byte message into {@code segment} at {@code offset}, returning its length:
     * Python's {@code recv_bytes_into} of a writable memoryview, such as a shared memory block's
     * buffer ({@code conn.recvBytesInto(shm.buf(), 0)}).
     *
     * @throws BufferTooShortException if it does not fit; nothing is written, and the exception
     *         carries the whole message
     * @throws IllegalArgumentException if {@code offset} is negative or past the segment's end
     */
    default int recvBytesInto(java.lang.foreign.MemorySegment segment, long offset) throws IOException {
        checkIntoOffset(segment, offset);
        return copyInto(recvBytes(), segment, offset);
    }

    /**
     * {@link #recvBytesInto(java.lang.foreign.MemorySegment, long)}, waiting at most
     * {@code timeout} (null: no limit) as {@link #recvBytes(long, Duration)} does.
     *
     * @throws TimeoutException if no message started to arrive in time (nothing is consumed)
     */
    default int recvBytesInto(java.lang.foreign.MemorySegment segment, long offset, Duration timeout)
            throws IOException, TimeoutException {
        checkIntoOffset(segment, offset);
        return copyInto(recvBytes(Long.MAX_VALUE, timeout), segment, offset);
    }

    private static void checkIntoOffset(java.lang.foreign.MemorySegment segment, long offset) {
        if (offset < 0 || offset > segment.byteSize()) {
            throw new IllegalArgumentException("offset " + offset + " outside a segment of " + segment.byteSize() + " bytes");
        }
    }

    private static int copyInto(byte[] message, java.lang.foreign.MemorySegment segment, long offset) throws BufferTooShortException {
        long room = segment.byteSize() - offset;
        if (message.length > room) {
            throw new BufferTooShortException(message, (int) Math.min(room, Integer.MAX_VALUE));
        }
        java.lang.foreign.MemorySegment.copy(message, 0, segment, java.lang.foreign.ValueLayout.JAVA_BYTE, offset, message.length);
        return message.length;
    }

    /**
     * Like {@link #recvBytesInto(byte[], int)}, waiting at most {@code timeout} (null: no limit)
     * as {@link #recvBytes(long, Duration)} does.
     *
     * @throws TimeoutException if no message started to arrive in time (nothing is consumed)
     */
    int recvBytesInto(byte[] buf, int offset, Duration timeout) throws IOException, TimeoutException;

    /** Whether a message can be read without blocking (or the peer has closed). */
    default boolean poll() throws IOException {
        return poll(Duration.ZERO);
    }

    /** Waits up to {@code timeout} for a message (or EOF) to be readable. */
    boolean poll(Duration timeout) throws IOException;

    /**
     * Closes this end; idempotent, and never blocks. The peer sees EOF once every copy of this end
     * is closed. An end (pipe or socket) that becomes unreachable without this is closed once it
     * is collected, as in CPython; close ends you are done with rather than wait for that. A call on this end that another thread is blocked in (waiting for data or for
     * room) fails with an {@link IOException} "handle is closed".
     */
    @Override
    void close();

    boolean isClosed();

    boolean isReadable();

    boolean isWritable();
}
