package dev.mp4j.connection;

import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectStreamException;
import java.io.Serializable;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * A connection over a TCP or Unix-domain socket, as made by {@link Listener} and {@link Client}.
 * The channel is non-blocking, with private selectors for waits, so {@link #poll} and timeouts
 * need no extra thread: one for reading, and one for writing made the first time a write must
 * wait (a single selector's interest, set by each wait, let a reader's poll and a blocked
 * writer overwrite each other's: a poll could report data that was not there, and the writer
 * could miss that it could go on).
 */
final class SocketConnection extends AbstractConnection implements Serializable {
    @java.io.Serial
    private static final long serialVersionUID = 1L;

    private final transient SocketChannel channel;
    private final transient Selector selector;
    private transient volatile Selector writeSelector;
    /**
     * For looks that do not wait ({@code poll(Duration.ZERO)}, {@link Connections#wait}): a
     * selector serves one select at a time, so a look on the reading selector waited for a
     * receive's select in another thread to end, that is for a message, or for ever.
     */
    private transient volatile Selector lookSelector;
    /** Closes the socket and its selectors: on close, or once this object is unreachable without one (as CPython closes a collected connection). */
    private final transient Closer closer;
    private final transient ByteBuffer[] gather = new ByteBuffer[2];

    /** The channel (tests look at its options). */
    SocketChannel channel() {
        return channel;
    }

    /** This end's own address (the peer's {@link Listener#lastAccepted()}). */
    java.net.SocketAddress localAddress() throws IOException {
        return channel.getLocalAddress();
    }

    private volatile long readDeadline;
    private volatile boolean readDeadlineSet;

    SocketConnection(SocketChannel channel, long maxMessageBytes) throws IOException {
        super(true, true, maxMessageBytes);
        this.channel = channel;
        if (channel.getRemoteAddress() instanceof java.net.InetSocketAddress) {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            keepAlive(channel);
        }
        channel.configureBlocking(false);
        this.selector = Selector.open();
        try {
            channel.register(selector, SelectionKey.OP_READ);
        } catch (IOException | RuntimeException e) {
            selector.close();
            throw e;
        }
        this.closer = new Closer(channel, selector);
        dev.mp4j.shm.Cleanup.register(this, closer);
    }

    /** Seconds a TCP connection stays silent before the kernel starts probing its peer. */
    static final int KEEPALIVE_IDLE_SECONDS = 60;

    /**
     * TCP keepalive, probing after a minute of silence, every 10 s, 3 times: a peer whose host
     * vanished (power, network) is found within about 90 s, instead of a reader waiting on it for
     * ever (a manager's session keeping its locks and objects, a client's call never answered).
     * The kernel answers probes for a live process, so a slow or stopped peer is not cut off.
     */
    private static void keepAlive(SocketChannel channel) throws IOException {
        channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
        try {
            java.util.Set<java.net.SocketOption<?>> supported = channel.supportedOptions();
            if (supported.contains(jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE)) {
                channel.setOption(jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE, KEEPALIVE_IDLE_SECONDS);
                channel.setOption(jdk.net.ExtendedSocketOptions.TCP_KEEPINTERVAL, 10);
                channel.setOption(jdk.net.ExtendedSocketOptions.TCP_KEEPCOUNT, 3);
            }
        } catch (LinkageError noJdkNet) {
            // a runtime linked without the jdk.net module: the system's keepalive timing (2 h)
        }
    }

    /** What a connection closes, once; a cleaner action, so it does not refer to the connection. */
    private static final class Closer extends dev.mp4j.shm.Cleanup.Once {
        private final SocketChannel channel;
        private final Selector selector;
        private volatile Selector writeSelector;
        private volatile Selector lookSelector;

        Closer(SocketChannel channel, Selector selector) {
            this.channel = channel;
            this.selector = selector;
        }

        @Override
        protected void act() {
            for (java.io.Closeable c : new java.io.Closeable[] {selector, writeSelector, lookSelector, channel}) {
                try {
                    if (c != null) {
                        c.close();
                    }
                } catch (IOException ignored) {
                    // closing: nothing useful to do
                }
            }
        }
    }

    @Override
    int readSome(byte[] dst, int offset, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(dst, offset, length);
        while (true) {
            int n = channel.read(buffer);
            if (n != 0) {
                return n;
            }
            if (readDeadlineSet) {
                long left = readDeadline - System.nanoTime();
                if (left <= 0 || !await(SelectionKey.OP_READ, left)) {
                    throw new java.net.SocketTimeoutException("the rest of the message did not come in time");
                }
            } else {
                await(SelectionKey.OP_READ, -1);
            }
            checkOpen();
        }
    }

    /**
     * Bounds every read until {@link #clearReadDeadline()}: a message must arrive whole by
     * {@code deadlineNanos} ({@link System#nanoTime()}), or the read throws
     * {@link java.net.SocketTimeoutException}. For the handshake, where the peer has not proved
     * the key yet: a poll bounds only the wait for a message's first byte, and a peer that sends
     * part of one and stops would otherwise hold the reading thread (and its descriptors) for good.
     */
    void setReadDeadline(long deadlineNanos) {
        readDeadline = deadlineNanos;
        readDeadlineSet = true;
    }

    void clearReadDeadline() {
        readDeadlineSet = false;
    }

    /**
     * {@inheritDoc}
     *
     * <p>With a timeout, the time bounds all of the message's waits for the kernel together; a
     * socket does not say how much room its buffers have, so a message the peer stops reading
     * half-way is cut when the time runs out.
     */
    @Override
    boolean writeFrame(byte[] header, int headerLength, byte[] payload, int offset, int length, long timeoutNanos)
            throws IOException {
        ByteBuffer head = ByteBuffer.wrap(header, 0, headerLength);
        ByteBuffer body = ByteBuffer.wrap(payload, offset, length);
        gather[0] = head;
        gather[1] = body;
        boolean begun = false;
        long start = System.nanoTime();
        while (head.hasRemaining() || body.hasRemaining()) {
            long n = channel.write(gather);
            if (n > 0) {
                begun = true;
            } else {
                boolean room;
                try {
                    if (timeoutNanos < 0) {
                        await(SelectionKey.OP_WRITE, -1);
                        room = true;
                    } else {
                        long left = timeoutNanos - (System.nanoTime() - start);
                        // await takes 0 as "only look": a deadline reached is looked at once more
                        room = await(SelectionKey.OP_WRITE, Math.max(0, left));
                    }
                } catch (java.io.InterruptedIOException interrupted) {
                    if (begun) {
                        throw new MessageCutException(interrupted);
                    }
                    throw interrupted;
                }
                checkOpen();
                if (!room) {
                    if (begun) {
                        throw cutSend("timed out", null);
                    }
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    boolean awaitReadable(long timeoutNanos) throws IOException {
        return await(SelectionKey.OP_READ, timeoutNanos);
    }

    private boolean await(int op, long timeoutNanos) throws IOException {
        long start = System.nanoTime();
        while (true) {
            // An interrupted thread's select returns at once, every time: without this, a wait
            // on a socket spun at full speed until the data came.
            if (dev.mp4j.shm.IoInterrupts.endsWait()) {
                throw new java.io.InterruptedIOException("interrupted while waiting on a socket");
            }
            checkOpen();
            long left = timeoutNanos <= 0 ? timeoutNanos : timeoutNanos - (System.nanoTime() - start);
            if (timeoutNanos > 0 && left <= 0) {
                return false;
            }
            boolean ready = selectOnce(op, left);
            if (ready || timeoutNanos == 0) {
                // ready, or a caller that only looks
                return ready;
            }
            // Woken early (an interrupt held back, say) with time left, or with no limit: wait
            // on. An interrupt that ends the wait is seen at the top, and thrown as one: an
            // untimed receive woken by it took it for a timeout, and poll(null) returned false.
        }
    }

    private boolean selectOnce(int op, long timeoutNanos) throws IOException {
        try {
            return select(op, timeoutNanos);
        } catch (java.nio.channels.ClosedSelectorException | java.nio.channels.CancelledKeyException e) {
            // Another thread closed this connection while we waited.
            throw new IOException("handle is closed");
        }
    }

    private Selector writeSelector() throws IOException {
        Selector w = writeSelector;
        return w != null ? w : extraSelector(SelectionKey.OP_WRITE);
    }

    private Selector lookSelector() throws IOException {
        Selector l = lookSelector;
        return l != null ? l : extraSelector(SelectionKey.OP_READ);
    }

    /**
     * The write selector ({@code OP_WRITE}) or the look selector ({@code OP_READ}), made the
     * first time it is wanted: under the lock closing takes, so that none is made after it.
     */
    private synchronized Selector extraSelector(int op) throws IOException {
        Selector made = op == SelectionKey.OP_WRITE ? writeSelector : lookSelector;
        if (made == null) {
            checkOpen();
            made = Selector.open();
            channel.register(made, op);
            if (op == SelectionKey.OP_WRITE) {
                closer.writeSelector = made;
                writeSelector = made;
            } else {
                closer.lookSelector = made;
                lookSelector = made;
            }
        }
        return made;
    }

    private boolean select(int op, long timeoutNanos) throws IOException {
        if (op == SelectionKey.OP_READ) {
            // A look uses the reading selector when no receive is selecting on it, and a
            // selector of its own only when one is (a selector serves one select at a time): most
            // connections never need that third selector (an epoll and an eventfd).
            if (timeoutNanos == 0 && !readSelecting.tryLock()) {
                return selectOn(lookSelector(), 0);
            }
            if (timeoutNanos != 0) {
                readSelecting.lock();
            }
            try {
                return selectOn(selector, timeoutNanos);
            } finally {
                readSelecting.unlock();
            }
        }
        return selectOn(writeSelector(), timeoutNanos);
    }

    /** Held while the reading selector selects (looks only try it). */
    private final transient java.util.concurrent.locks.ReentrantLock readSelecting = new java.util.concurrent.locks.ReentrantLock();

    private boolean selectOn(Selector selector, long timeoutNanos) throws IOException {
        if (channel.keyFor(selector) == null) {
            // closed by another thread meanwhile (the key went with it)
            throw new IOException("handle is closed");
        }
        // One select and its clearing at a time (looks come from any thread): a key left in the
        // selected set by another's select counts 0 in the next one's answer.
        synchronized (selector) {
            int ready;
            if (timeoutNanos == 0) {
                ready = selector.selectNow();
            } else if (timeoutNanos < 0) {
                ready = selector.select();
            } else {
                ready = selector.select(Math.max(1, Math.ceilDiv(timeoutNanos, 1_000_000L)));
            }
            selector.selectedKeys().clear();
            return ready > 0;
        }
    }

    @Override
    void closeTransport() {
        // under the lock the write selector is made under: none is made after this
        synchronized (this) {
            closer.run();
        }
    }

    /** A socket cannot be handed to another process from Java; say so clearly instead of sending a dead object. */
    @java.io.Serial
    private Object writeReplace() throws ObjectStreamException {
        throw new NotSerializableException("a socket Connection cannot be passed to another process; "
                + "pass a Pipe end, or the Listener's address so the other process connects itself");
    }
}
