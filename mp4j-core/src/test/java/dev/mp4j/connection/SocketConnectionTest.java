package dev.mp4j.connection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class SocketConnectionTest {
    private static final byte[] KEY = "secret password".getBytes();

    @Test
    void tcpListenerAndClientAuthenticateAndExchangeMessages() throws Exception {
        try (Listener listener = Listener.open(new InetSocketAddress("127.0.0.1", 0), KEY)) {
            CompletableFuture<Object> server = CompletableFuture.supplyAsync(() -> {
                try (Connection c = listener.accept()) {
                    Object got = c.recv();
                    c.send("echo " + got);
                    return got;
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            try (Connection c = Client.connect(listener.address(), KEY)) {
                c.send(41);
                assertEquals("echo 41", c.recv());
            }
            assertEquals(41, server.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void unixDomainListenerWorksToo() throws Exception {
        try (Listener listener = Listener.open()) {
            SocketAddress address = listener.address();
            CompletableFuture<byte[]> server = CompletableFuture.supplyAsync(() -> {
                try (Connection c = listener.accept()) {
                    return c.recvBytes();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            try (Connection c = Client.connect(address, null)) {
                c.sendBytes(new byte[70_000]);
            }
            assertArrayEquals(new byte[70_000], server.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aWrongKeyIsRefusedOnBothSidesAndTheListenerKeepsServing() throws Exception {
        try (Listener listener = Listener.open(new InetSocketAddress("127.0.0.1", 0), KEY)) {
            CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
                try {
                    listener.accept();
                    return "accepted";
                } catch (AuthenticationException e) {
                    return e.getMessage();
                } catch (Exception e) {
                    return e.toString();
                }
            });
            AuthenticationException client = assertThrows(AuthenticationException.class,
                    () -> Client.connect(listener.address(), "wrong".getBytes()));
            assertEquals("digest sent was rejected", client.getMessage());
            assertEquals("digest received was wrong", first.get(10, TimeUnit.SECONDS));

            CompletableFuture<Object> second = CompletableFuture.supplyAsync(() -> {
                try (Connection c = listener.accept()) {
                    return c.recv();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            try (Connection c = Client.connect(listener.address(), KEY)) {
                c.send("still serving");
            }
            assertEquals("still serving", second.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void acceptWithTimeoutGivesUp() throws Exception {
        try (Listener listener = Listener.open(new InetSocketAddress("127.0.0.1", 0), KEY)) {
            assertThrows(TimeoutException.class, () -> listener.accept(Duration.ofMillis(100)));
        }
    }

    @Test
    void aClosedListenerRefusesToAccept() throws Exception {
        Listener listener = Listener.open(new InetSocketAddress("127.0.0.1", 0), KEY);
        listener.close();
        Exception e = assertThrows(java.io.IOException.class, listener::accept);
        assertTrue(e.getMessage().contains("listener is closed"));
    }

    @Test
    void emptyAuthkeyIsAllowedLikeCPython() throws Exception {
        try (Listener listener = Listener.open(new InetSocketAddress("127.0.0.1", 0), new byte[0])) {
            CompletableFuture<Object> server = CompletableFuture.supplyAsync(() -> {
                try (Connection c = listener.accept()) {
                    return c.recv();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            try (Connection c = Client.connect(listener.address(), new byte[0])) {
                c.send("empty key");
            }
            assertEquals("empty key", server.get(10, TimeUnit.SECONDS));
        }
    }
}
