package dev.mp4j.connection;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * A receive that the peer cannot hold up: the whole message must come within the time, not
 * only its first byte (what {@link Connection#recvBytes(long, Duration)} bounds). For a thread
 * that reads a socket while others wait on it, such as a manager's server thread reading a
 * call's withdrawal while it holds the object's monitor: a peer that sends part of a message
 * and stops would hold that thread, and everyone waiting on it, for good. Internal plumbing,
 * public for {@code dev.mp4j.manager}.
 *
 * <pre>{@code
 * byte[] frame = BoundedReceive.recvBytes(conn, 16, Duration.ofSeconds(1)); // or the connection is closed
 * }</pre>
 */
public final class BoundedReceive {
    private BoundedReceive() {
    }

    /**
     * Like {@code conn.recvBytes(maxLength, within)}, but on a socket a message begun and not
     * finished within the time closes the connection (it is out of step) and throws
     * {@link java.net.SocketTimeoutException}. Other connections: as {@code recvBytes}.
     *
     * @throws TimeoutException if no message began within the time (nothing was read)
     */
    public static byte[] recvBytes(Connection conn, int maxLength, Duration within) throws IOException, TimeoutException {
        if (within == null || !(conn instanceof SocketConnection socket)) {
            // null: no limit, as recvBytes(maxLength, null) takes it
            return conn.recvBytes(maxLength, within);
        }
        long nanos = Math.max(0, java.util.concurrent.TimeUnit.NANOSECONDS.convert(within));
        socket.setReadDeadline(System.nanoTime() + nanos);
        try {
            return socket.recvBytes(maxLength, within);
        } catch (java.net.SocketTimeoutException partWay) {
            socket.close();
            throw partWay;
        } finally {
            socket.clearReadDeadline();
        }
    }
}
