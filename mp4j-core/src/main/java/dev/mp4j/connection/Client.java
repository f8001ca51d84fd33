package dev.mp4j.connection;

import dev.mp4j.process.ProcessState;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
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
        byte[] key = authkey != null ? authkey : ProcessState.authkey();
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
            channel.connect(address);
            conn = new SocketConnection(channel, AbstractConnection.DEFAULT_MAX_MESSAGE_BYTES);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        try {
            Handshake.answerChallenge(conn, key, Listener.HANDSHAKE_TIMEOUT);
            Handshake.deliverChallenge(conn, key, Listener.HANDSHAKE_TIMEOUT);
            return conn;
        } catch (IOException | RuntimeException e) {
            conn.close();
            throw e;
        }
    }
}
