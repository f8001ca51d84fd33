package dev.mp4j.connection;

import dev.mp4j.process.ProcessState;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.time.Duration;
import java.nio.channels.SocketChannel;

/**
 * Connects to a {@link Listener} (ours or CPython's) and authenticates: Python's
 * {@code multiprocessing.connection.Client}.
 *
 * <pre>{@code
 * try (Connection conn = Client.connect(new InetSocketAddress("127.0.0.1", 6000), "secret password".getBytes())) {
 *     byte[] hello = conn.recvBytes();
 * }
 * }</pre>
 */
public final class Client {
    private Client() {
    }

    /**
     * Connects and runs the handshake in both directions.
     *
     * @param authkey the shared key; null means this process's authkey
     * @throws AuthenticationException if either side's key is wrong
     */
    public static Connection connect(SocketAddress address, byte[] authkey) throws IOException {
        return connect(address, authkey, null);
    }

    /**
     * {@link #connect(SocketAddress, byte[])} within {@code timeout}, the connection and the
     * handshake together. Without it, connecting to a host that does not answer waits for the
     * system's own limit, two minutes on Linux, and to a local server whose accept queue is full,
     * for ever.
     *
     * @throws java.net.SocketTimeoutException if the connection was not made in time
     * @throws AuthenticationException if a key is wrong, or the handshake did not finish in time
     */
    public static Connection connect(SocketAddress address, byte[] authkey, Duration timeout) throws IOException {
        return open(address, authkey != null ? authkey : ProcessState.authkey(), timeout);
    }

    /**
     * Connects with no authentication, as CPython's {@code Client(address)} without an
     * {@code authkey}: to a listener that uses none ({@link Listener#openUnauthenticated}, or
     * CPython's {@code Listener(address)}). Against a listener that does authenticate, the
     * listener's challenge is then the first message received.
     */
    public static Connection connectUnauthenticated(SocketAddress address) throws IOException {
        return open(address, null, null);
    }

    /** {@link #connectUnauthenticated(SocketAddress)} within {@code timeout}. */
    public static Connection connectUnauthenticated(SocketAddress address, Duration timeout) throws IOException {
        return open(address, null, timeout);
    }

    private static Connection open(SocketAddress address, byte[] key, Duration timeout) throws IOException {
        long deadline = timeout == null ? 0 : System.nanoTime() + Math.max(0, java.util.concurrent.TimeUnit.NANOSECONDS.convert(timeout));
        SocketChannel channel;
        if (address instanceof UnixDomainSocketAddress) {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        } else if (address instanceof InetSocketAddress) {
            channel = SocketChannel.open();
        } else {
            throw new IllegalArgumentException("address type of " + address + " unrecognized");
        }
        SocketConnection conn;
        try {
            if (timeout != null) {
                connectWithin(channel, address, timeout);
            } else {
                channel.connect(address);
            }
            conn = new SocketConnection(channel, AbstractConnection.DEFAULT_MAX_MESSAGE_BYTES);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (key == null) {
            return conn;
        }
        try {
            Duration handshake = timeout == null ? Listener.HANDSHAKE_TIMEOUT : Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            Handshake.answerChallenge(conn, key, handshake);
            if (timeout != null) {
                handshake = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            }
            Handshake.deliverChallenge(conn, key, handshake);
            return conn;
        } catch (IOException | RuntimeException e) {
            conn.close();
            throw e;
        }
    }

    /**
     * Connects in blocking mode, closing the channel if that takes longer than {@code timeout}:
     * closing is what ends a blocked connect, for TCP (a host that does not answer) and for a
     * Unix socket alike (a server whose accept queue is full).
     */
    private static void connectWithin(SocketChannel channel, SocketAddress address, Duration timeout) throws IOException {
        java.util.concurrent.atomic.AtomicInteger state = new java.util.concurrent.atomic.AtomicInteger();   // 0 connecting, 1 done, 2 late
        Thread timer = Thread.ofPlatform().daemon().name("mp4j-connect-timeout").start(() -> {
            try {
                Thread.sleep(timeout);
            } catch (InterruptedException connected) {
                return;
            }
            if (state.compareAndSet(0, 2)) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // closing only to end the connect
                }
            }
        });
        try {
            channel.connect(address);
        } catch (IOException e) {
            if (state.get() == 2) {
                throw new java.net.SocketTimeoutException("no connection to " + address + " within " + timeout);
            }
            throw e;
        } finally {
            timer.interrupt();
        }
        if (!state.compareAndSet(0, 1)) {
            throw new java.net.SocketTimeoutException("no connection to " + address + " within " + timeout);
        }
    }
}
