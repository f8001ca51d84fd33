package dev.mp4j.connection;

import dev.mp4j.process.ProcessState;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * Accepts authenticated connections on a TCP or Unix-domain socket: Python's
 * {@code multiprocessing.connection.Listener}, wire-compatible with it.
 *
 * <pre>{@code
 * byte[] key = "secret password".getBytes();
 * try (Listener listener = Listener.open(new InetSocketAddress("127.0.0.1", 6000), key);
 *      Connection conn = listener.accept()) {
 *     conn.sendBytes("hello".getBytes());
 * }
 * // a Python peer: Client(('127.0.0.1', 6000), authkey=b'secret password').recv_bytes()
 * }</pre>
 *
 * <p>Every accepted connection runs the authkey handshake in both directions before it is
 * returned, so nothing from an unauthenticated peer is ever deserialized (a listener opened with
 * {@link #openUnauthenticated} skips the handshake, and what it receives is read through the
 * serializer's allow-list only). A peer with the wrong
 * key makes {@link #accept()} throw {@link AuthenticationException}; the listener stays open and
 * the next {@code accept} serves the next peer. A null authkey means this process's
 * {@code authkey} (inherited from the main process), not "no authentication": for a peer that
 * uses none (CPython's {@code Listener(address)} or {@code Client(address)} without an
 * {@code authkey}), say so with {@link #openUnauthenticated} and
 * {@link Client#connectUnauthenticated}.
 */
public final class Listener implements AutoCloseable {
    /** How long a connecting peer may take to complete the handshake. */
    static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(20);

    private final ServerSocketChannel server;
    private final Selector selector;
    private final SocketAddress address;
    private volatile SocketAddress lastAccepted;

    /**
     * Python's {@code last_accepted}: the address of the last peer {@link #accept()} took (null
     * before the first, and for a Unix-domain peer, which has no address of its own).
     */
    public SocketAddress lastAccepted() {
        return lastAccepted;
    }

    private static SocketAddress peerAddress(SocketChannel channel) {
        try {
            SocketAddress remote = channel.getRemoteAddress();
            return remote instanceof java.net.UnixDomainSocketAddress unix && unix.getPath().toString().isEmpty() ? null : remote;
        } catch (IOException e) {
            return null;
        }
    }

    /** The key peers must prove; null for a listener opened without authentication. */
    private final byte[] authkey;
    private volatile boolean closed;

    private Listener(ServerSocketChannel server, SocketAddress address, byte[] authkey) throws IOException {
        this.server = server;
        this.address = address;
        this.authkey = authkey == null ? null : authkey.clone();
        server.configureBlocking(false);
        this.selector = Selector.open();
        server.register(selector, SelectionKey.OP_ACCEPT);
    }

    /** Listens on a fresh Unix-domain socket in the temp directory, with this process's authkey. */
    public static Listener open() throws IOException {
        Path dir = Files.createTempDirectory("mp4j-listener-");
        dir.toFile().deleteOnExit();
        return open(UnixDomainSocketAddress.of(dir.resolve("socket")), null);
    }

    /**
     * Listens on {@code address}: an {@link InetSocketAddress} (port 0 picks a free port) or a
     * {@link UnixDomainSocketAddress}.
     */
    public static Listener open(SocketAddress address, byte[] authkey) throws IOException {
        return bind(address, authkey != null ? authkey : ProcessState.authkey());
    }

    /**
     * Listens on {@code address} with no authentication, as CPython's {@code Listener(address)}
     * without an {@code authkey}: for peers that use none. Anyone who can reach the address can
     * connect and send; objects they send are still read only through the allow-list of
     * {@link dev.mp4j.serial.SafeSerializer}, and bytes ({@link Connection#recvBytes()}) not at all.
     */
    public static Listener openUnauthenticated(SocketAddress address) throws IOException {
        return bind(address, null);
    }

    private static Listener bind(SocketAddress address, byte[] key) throws IOException {
        ServerSocketChannel server;
        if (address instanceof UnixDomainSocketAddress) {
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        } else if (address instanceof InetSocketAddress inet) {
            server = ServerSocketChannel.open(inet.getAddress() instanceof java.net.Inet6Address
                    ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            if (inet.isUnresolved()) {
                address = new InetSocketAddress(InetAddress.getByName(inet.getHostString()), inet.getPort());
            }
        } else {
            throw new IllegalArgumentException("address type of " + address + " unrecognized");
        }
        try {
            // As CPython's manager server: a burst of clients (a pool of workers connecting at
            // once) must not overflow the accept queue, where Linux drops SYNs and the client
            // retries only after a second.
            server.bind(address, 128);
            return new Listener(server, server.getLocalAddress(), key);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** The least time a peer that arrived within an accept's timeout has to prove its key. */
    private static final Duration LEAST_HANDSHAKE = Duration.ofSeconds(1);

    /** Time for one direction of the handshake of an accept with {@code timeout} (null: none) begun at {@code start}. */
    private static Duration handshakeTime(Duration timeout, long start) {
        if (timeout == null) {
            return HANDSHAKE_TIMEOUT;
        }
        long left = Math.max(0, java.util.concurrent.TimeUnit.NANOSECONDS.convert(timeout)) - (System.nanoTime() - start);
        Duration rest = Duration.ofNanos(Math.max(0, left));
        return rest.compareTo(LEAST_HANDSHAKE) < 0 ? LEAST_HANDSHAKE : rest.compareTo(HANDSHAKE_TIMEOUT) > 0 ? HANDSHAKE_TIMEOUT : rest;
    }

    /** Waits for a peer, authenticates it both ways and returns the connection. */
    public Connection accept() throws IOException {
        try {
            return accept(null);
        } catch (TimeoutException e) {
            throw new AssertionError("no timeout was set", e);
        }
    }

    /**
     * Like {@link #accept()}, giving up after {@code timeout} with no peer. A peer that arrives in
     * time has what is left of it, and at least a second, to prove its key (each of the
     * handshake's two directions at most 20 s).
     *
     * @throws AuthenticationException if the peer's key is wrong, or it did not prove it in time
     *         (the listener keeps serving)
     */
    public Connection accept(Duration timeout) throws IOException, TimeoutException {
        if (closed) {
            throw new IOException("listener is closed");
        }
        long start = System.nanoTime();
        SocketChannel channel = waitForPeer(timeout);
        SocketConnection conn;
        try {
            lastAccepted = peerAddress(channel);
            conn = new SocketConnection(channel, AbstractConnection.DEFAULT_MAX_MESSAGE_BYTES);
        } catch (IOException | RuntimeException e) {
            channel.close();   // out of descriptors, say: the peer's socket is not left open
            throw e;
        }
        try {
            if (authkey != null) {
                Handshake.deliverChallenge(conn, authkey, handshakeTime(timeout, start));
                Handshake.answerChallenge(conn, authkey, handshakeTime(timeout, start));
            }
            return conn;
        } catch (IOException | RuntimeException e) {
            conn.close();
            throw e;
        }
    }

    /**
     * Serves peers until the listener is closed or this thread is interrupted (the status is kept):
     * each accepted peer is authenticated on its own
     * thread (so a peer that connects and then says nothing holds up nobody else) and, once it
     * has proved the key, handed to {@code handler} on that same thread. A peer that fails the
     * handshake is closed and reported to {@code refused}; the listener keeps serving.
     *
     * <pre>{@code
     * listener.serve(Executors.newCachedThreadPool(Thread.ofPlatform().daemon().factory()),
     *         conn -> { try (conn) { conn.send(conn.recv()); } catch (IOException ignored) { } },
     *         failure -> System.err.println("refused: " + failure.getMessage()));
     * }</pre>
     *
     * @param threads runs the task that authenticates and then serves one peer, each on a thread
     *                of its own while it lasts (a cached pool reuses threads: starting a platform
     *                thread costs about 0.2 ms, a good share of a connect)
     * @param handler serves one authenticated peer; it owns the connection
     * @param refused told about each peer that failed the handshake
     */
    public void serve(java.util.concurrent.Executor threads, java.util.function.Consumer<Connection> handler,
            java.util.function.Consumer<IOException> refused) {
        while (!closed) {
            SocketChannel channel;
            try {
                channel = waitForPeer(null);
            } catch (java.io.InterruptedIOException interrupted) {
                // An interrupt ends serving (an executor's shutdownNow, a cancelled future); the
                // thread's status stays set for whoever runs it.
                Thread.currentThread().interrupt();
                return;
            } catch (IOException | java.nio.channels.ClosedSelectorException e) {
                if (closed) {
                    return;
                }
                refused.accept(e instanceof IOException io ? io : new IOException(e));
                // Out of file descriptors, say: the peer is still pending; do not spin on it.
                java.util.concurrent.locks.LockSupport.parkNanos(50_000_000);
                continue;
            } catch (TimeoutException e) {
                throw new AssertionError("no timeout was set", e);
            }
            // The challenge goes out from this thread, at once: a write of some fifty bytes to a
            // fresh socket does not block, and the peer computes its answer while the thread
            // that will judge it is still being woken (a connect's critical path loses a thread
            // hand-off).
            SocketConnection conn;
            byte[] challenge;
            try {
                conn = new SocketConnection(channel, AbstractConnection.DEFAULT_MAX_MESSAGE_BYTES);
            } catch (IOException e) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // closing: nothing useful to do
                }
                refused.accept(e);
                continue;
            }
            if (authkey == null) {
                execute(threads, conn, () -> handler.accept(conn), refused);
                continue;
            }
            try {
                challenge = Handshake.sendChallenge(conn);
            } catch (IOException | RuntimeException e) {
                conn.close();
                refused.accept(e instanceof IOException io ? io : new IOException(e));
                continue;
            }
            execute(threads, conn, () -> {
                try {
                    Handshake.checkResponse(conn, authkey, challenge, HANDSHAKE_TIMEOUT);
                    Handshake.answerChallenge(conn, authkey, HANDSHAKE_TIMEOUT);
                } catch (IOException | RuntimeException e) {
                    conn.close();
                    refused.accept(e instanceof IOException io ? io : new IOException(e));
                    return;
                }
                handler.accept(conn);
            }, refused);
        }
    }

    /**
     * Hands one peer to a thread; where none can be had (the executor refuses, or the system is
     * out of threads) that peer is closed and reported, and the listener goes on serving.
     */
    private static void execute(java.util.concurrent.Executor threads, Connection conn, Runnable task,
            java.util.function.Consumer<IOException> refused) {
        try {
            threads.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException | OutOfMemoryError noThread) {
            conn.close();
            refused.accept(new IOException("no thread to serve this peer: " + noThread, noThread));
            // Out of threads: give the running ones a moment instead of spinning on new peers.
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000);
        }
    }

    private SocketChannel waitForPeer(Duration timeout) throws IOException, TimeoutException {
        long deadline = timeout == null ? Long.MAX_VALUE
                : System.nanoTime() + Math.max(0, java.util.concurrent.TimeUnit.NANOSECONDS.convert(timeout));
        while (true) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (java.nio.channels.ClosedChannelException e) {
                throw new IOException("listener is closed", e);
            }
            if (channel != null) {
                return channel;
            }
            long left = deadline - System.nanoTime();
            if (timeout != null && left <= 0) {
                throw new TimeoutException("no connection within " + timeout);
            }
            // An interrupted thread's select returns at once, every time: without this the wait
            // spun a core until a peer came.
            if (dev.mp4j.shm.IoInterrupts.endsWait()) {
                throw new java.io.InterruptedIOException("interrupted while waiting for a peer");
            }
            // One select at a time, taken within the timeout: the selector's own lock would
            // keep a timed accept waiting behind an untimed one in another thread (a serve
            // loop, say) until a peer came.
            try {
                if (!selecting.tryLock(timeout == null ? Long.MAX_VALUE : left, java.util.concurrent.TimeUnit.NANOSECONDS)) {
                    continue;   // out of time: said at the top
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                continue;   // ends the wait at the top, unless held back
            }
            try {
                // What is left now that the lock is ours (waiting for it took some).
                left = deadline - System.nanoTime();
                if (timeout != null && left <= 0) {
                    continue;   // out of time: said at the top
                }
                selector.select(timeout == null ? 0 : Math.max(1, Math.min(left / 1_000_000, Long.MAX_VALUE / 2)));
                selector.selectedKeys().clear();
            } catch (java.nio.channels.ClosedSelectorException e) {
                // close() on another thread: the documented answer, not an unchecked one.
                throw new IOException("listener is closed", e);
            } finally {
                selecting.unlock();
            }
            if (closed) {
                throw new IOException("listener is closed");
            }
        }
    }

    private final java.util.concurrent.locks.ReentrantLock selecting = new java.util.concurrent.locks.ReentrantLock();

    /** The bound address (with the real port when 0 was asked). */
    public SocketAddress address() {
        return address;
    }

    /**
     * Stops taking peers at once: {@link #accept} and {@link #serve} refuse from now on, and a
     * Unix socket's file is removed, so nobody new can find it (a TCP port stays open until
     * {@link #close()}). {@link #close()} does this first, then closes the socket, which waits
     * for a thread blocked in {@link #serve} to wake and leave its select: a caller about to end
     * its process can let other work go first.
     */
    public void unbind() {
        closed = true;
        if (address instanceof UnixDomainSocketAddress unix) {
            try {
                Files.deleteIfExists(unix.getPath());
            } catch (IOException ignored) {
                // a leftover socket file in the temp directory is harmless
            }
        }
    }

    @Override
    public void close() {
        if (selector.isOpen() || server.isOpen()) {
            unbind();
            try {
                selector.close();
                server.close();
            } catch (IOException ignored) {
                // closing: nothing useful to do
            }
        }
    }
}
