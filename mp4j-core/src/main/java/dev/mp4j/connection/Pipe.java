package dev.mp4j.connection;

/**
 * Two connected {@link Connection} ends: Python's {@code multiprocessing.Pipe(duplex)}.
 *
 * <pre>{@code
 * Pipe pipe = Pipe.open();                  // duplex: both ends send and receive
 * Connection left = pipe.left(), right = pipe.right();
 * JvmProcess child = new JvmProcess(() -> right.send(right.recv() + " world"));
 * child.start();
 * left.send("hello");
 * System.out.println(left.recv());          // hello world
 * child.join();
 * }</pre>
 *
 * <p>The ends live in shared memory (two lock-free byte rings in {@code /dev/shm}), so passing an
 * end to a child, as a captured value or inside a message, costs a name, and a message costs two
 * copies and no system call while both sides are busy. The peer of an end reads
 * {@link java.io.EOFException} once every copy of the end is closed, in every process, or its
 * holders have died; an end that becomes unreachable without {@code close()} is closed once it is
 * collected, as in CPython. Writing to an end whose reader is gone fails with "broken pipe".
 * One end can be held open by at most 64 handles at once (copies in as many processes, or
 * handovers not yet rebuilt); one more is refused with an {@link IllegalStateException} when it
 * is sent or opened. For many processes sharing one channel, a
 * {@link dev.mp4j.queue.ProcessQueue} has no such limit.
 *
 * @param left  with {@code duplex=false}, the read-only end (CPython's {@code conn1})
 * @param right with {@code duplex=false}, the write-only end (CPython's {@code conn2})
 */
public record Pipe(Connection left, Connection right) implements java.io.Serializable {
    /** Bytes of ring per direction; a message of any size streams through it. */
    static final int DEFAULT_CAPACITY = Integer.getInteger("mp4j.pipe.capacity", 1 << 20);

    /**
     * A pipe end as bytes, Python's {@code reduction.reduce_connection}: what sending the end
     * would carry (the ring's name, which end, a holder slot reserved for the receiver), without
     * an object stream. mp4j's own launchers capture these bytes in a child's target, so that a
     * fresh child reopens its pipes without paying for its first object stream (25–35 ms).
     * The bytes stand for one handover: {@link #rebuild} them once, in one process.
     *
     * @throws IllegalArgumentException if {@code end} is not a pipe end
     */
    public static byte[] reduce(Connection end) {
        if (!(end instanceof PipeConnection pipeEnd)) {
            throw new IllegalArgumentException("only a pipe end can be reduced, not a " + end.getClass().getName());
        }
        return pipeEnd.reduce();
    }

    /** The pipe end that {@link #reduce} described, opened in this process. */
    public static Connection rebuild(byte[] form) throws java.io.IOException {
        return PipeConnection.rebuild(form);
    }

    /**
     * The longest message a pipe of {@link #open()} or {@link #open(boolean)} carries: 1 GiB
     * unless {@code -Dmp4j.connection.maxMessageBytes} says otherwise (children inherit it).
     */
    public static long defaultMaxMessageBytes() {
        return AbstractConnection.DEFAULT_MAX_MESSAGE_BYTES;
    }

    /**
     * The bytes of each ring of a pipe of {@link #open()} or {@link #open(boolean)}: 1 MiB unless
     * {@code -Dmp4j.pipe.capacity} says otherwise.
     */
    public static int defaultCapacity() {
        return DEFAULT_CAPACITY;
    }

    /** A duplex pipe. */
    public static Pipe open() {
        return open(true);
    }

    /** A duplex pipe, or a one-way one whose {@link #left()} only reads and {@link #right()} only writes. */
    public static Pipe open(boolean duplex) {
        return open(duplex, AbstractConnection.DEFAULT_MAX_MESSAGE_BYTES);
    }

    /**
     * A pipe whose ends refuse messages longer than {@code maxMessageBytes}, in the sender, with
     * both sizes in the error (the default is 1 GiB, or {@code -Dmp4j.connection.maxMessageBytes}).
     */
    public static Pipe open(boolean duplex, long maxMessageBytes) {
        if (maxMessageBytes < 0) {
            throw new IllegalArgumentException("maxMessageBytes must not be negative, got " + maxMessageBytes);
        }
        return open(duplex, maxMessageBytes, DEFAULT_CAPACITY);
    }

    /**
     * A pipe with {@code ringBytes} of shared ring per direction (a power of two, at least 4096;
     * the default is 1 MiB). A small ring suits many short request/reply pipes; messages larger
     * than the ring still pass, streamed through it.
     */
    public static Pipe open(boolean duplex, long maxMessageBytes, int ringBytes) {
        return open(duplex, maxMessageBytes, ringBytes, false);
    }

    /**
     * A duplex pipe for a private channel: each end is used by one thread of one process at a
     * time (a request/reply channel, say), so sends and receives skip the cross-process locks
     * that let several processes share an end. Sharing such an end corrupts its messages.
     */
    public static Pipe openPrivate(long maxMessageBytes, int ringBytes) {
        return open(true, maxMessageBytes, ringBytes, true);
    }

    /**
     * A pipe travels as a plain class: the first record a JVM deserializes costs it about 20 ms
     * of method-handle spinning, which a child receiving a whole pipe would pay.
     */
    @java.io.Serial
    private Object writeReplace() {
        return new Form(left, right);
    }

    private static final class Form implements java.io.Serializable {
        @java.io.Serial
        private static final long serialVersionUID = 1L;
        private final Connection left;
        private final Connection right;

        Form(Connection left, Connection right) {
            this.left = left;
            this.right = right;
        }

        @java.io.Serial
        private Object readResolve() {
            return new Pipe(left, right);
        }
    }

    private static Pipe open(boolean duplex, long maxMessageBytes, int ringBytes, boolean exclusive) {
        if (maxMessageBytes < 0) {
            throw new IllegalArgumentException("maxMessageBytes must not be negative, got " + maxMessageBytes);
        }
        PipeSegment segment = PipeSegment.create(duplex, ringBytes);
        return new Pipe(PipeConnection.open(segment, 0, maxMessageBytes, exclusive),
                PipeConnection.open(segment, 1, maxMessageBytes, exclusive));
    }
}
