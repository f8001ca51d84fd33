package dev.mp4j.connection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
            assertEquals(null, listener.lastAccepted());
            java.net.InetSocketAddress local;
            try (Connection c = Client.connect(listener.address(), KEY)) {
                c.send(41);
                assertEquals("echo 41", c.recv());
                local = (java.net.InetSocketAddress) ((SocketConnection) c).localAddress();
            }
            assertEquals(41, server.get(10, TimeUnit.SECONDS));
            // Python's last_accepted: the peer's address, as the peer sees its own end.
            assertEquals(local, listener.lastAccepted());
        }
    }

    @Test
    void anUnauthenticatedListenerServesUnauthenticatedClientsAndAnAuthenticatingOneIsToldWhy() throws Exception {
        try (Listener listener = Listener.openUnauthenticated(new InetSocketAddress("127.0.0.1", 0))) {
            java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newCachedThreadPool();
            List<java.io.IOException> refused = java.util.Collections.synchronizedList(new ArrayList<>());
            Thread serving = new Thread(() -> listener.serve(threads, conn -> {
                try (conn) {
                    conn.send("echo " + conn.recv());
                } catch (Exception ignored) {
                    // the peer went away
                }
            }, refused::add), "serving");
            serving.start();
            try (Connection c = Client.connectUnauthenticated(listener.address(), Duration.ofSeconds(10))) {
                c.send(41);
                assertEquals("echo 41", c.recv());
            }
            // A client that expects a challenge gets the server's first message instead: it fails
            // in its handshake rather than waiting for ever.
            assertThrows(java.io.IOException.class, () -> Client.connect(listener.address(), KEY, Duration.ofSeconds(2)));
            assertTrue(refused.isEmpty(), refused.toString());
            listener.close();
            serving.join(10_000);
            threads.shutdownNow();
        }
    }

    @Test
    void aPeerThatSendsPartOfAHandshakeMessageAndStopsIsRefusedInTime() throws Exception {
        // Server side: the response to our challenge comes as two bytes of its length header,
        // then nothing. The handshake must give up at its deadline, not wait for the rest.
        try (java.nio.channels.ServerSocketChannel server = java.nio.channels.ServerSocketChannel.open()
                .bind(new InetSocketAddress("127.0.0.1", 0));
             java.nio.channels.SocketChannel peer = java.nio.channels.SocketChannel.open(server.getLocalAddress())) {
            SocketConnection conn = new SocketConnection(server.accept(), AbstractConnection.DEFAULT_MAX_MESSAGE_BYTES);
            byte[] challenge = Handshake.sendChallenge(conn);
            peer.write(java.nio.ByteBuffer.wrap(new byte[] {0, 0}));
            long start = System.nanoTime();
            assertThrows(AuthenticationException.class,
                    () -> Handshake.checkResponse(conn, KEY, challenge, Duration.ofMillis(300)));
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "gave up late");
            conn.close();
        }
        // Client side, through the public API: a server that sends a header and part of a
        // challenge, then stalls.
        try (java.net.ServerSocket stalling = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Thread serving = Thread.ofPlatform().daemon().start(() -> {
                try (java.net.Socket s = stalling.accept()) {
                    s.getOutputStream().write(new byte[] {0, 0, 0, 59, '#', 'C', 'H'});
                    s.getOutputStream().flush();
                    Thread.sleep(30_000);
                } catch (Exception done) {
                    // the test is over
                }
            });
            long start = System.nanoTime();
            assertThrows(java.io.IOException.class,
                    () -> Client.connect(stalling.getLocalSocketAddress(), KEY, Duration.ofSeconds(1)));
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "the client waited past its timeout");
            serving.interrupt();
        }
    }

    @Test
    void tcpConnectionsProbeASilentPeerSoAVanishedHostIsFound() throws Exception {
        try (Listener listener = Listener.open(new InetSocketAddress("127.0.0.1", 0), KEY)) {
            CompletableFuture<Connection> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return listener.accept();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            try (Connection client = Client.connect(listener.address(), KEY, Duration.ofSeconds(10));
                 Connection server = accepted.get(10, TimeUnit.SECONDS)) {
                for (Connection c : List.of(client, server)) {
                    java.nio.channels.SocketChannel channel = ((SocketConnection) c).channel();
                    assertEquals(true, channel.getOption(java.net.StandardSocketOptions.SO_KEEPALIVE));
                    assertEquals(SocketConnection.KEEPALIVE_IDLE_SECONDS, channel.getOption(jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE));
                }
            }
        }
    }

    @Test
    void aListenerWithNoThreadForAPeerClosesThatPeerAndKeepsServing() throws Exception {
        try (Listener listener = Listener.open(new InetSocketAddress("127.0.0.1", 0), KEY)) {
            java.util.concurrent.atomic.AtomicBoolean refuseNext = new java.util.concurrent.atomic.AtomicBoolean(true);
            java.util.concurrent.Executor threads = task -> {
                if (refuseNext.getAndSet(false)) {
                    throw new java.util.concurrent.RejectedExecutionException("no thread");
                }
                Thread.ofPlatform().daemon().start(task);
            };
            List<java.io.IOException> refused = java.util.Collections.synchronizedList(new ArrayList<>());
            Thread serving = new Thread(() -> listener.serve(threads, conn -> {
                try (conn) {
                    conn.send("echo " + conn.recv());
                } catch (Exception ignored) {
                    // the peer went away
                }
            }, refused::add), "serving");
            serving.start();
            assertThrows(java.io.IOException.class, () -> Client.connect(listener.address(), KEY, Duration.ofSeconds(5)));
            try (Connection c = Client.connect(listener.address(), KEY, Duration.ofSeconds(10))) {
                c.send(42);
                assertEquals("echo 42", c.recv());
            }
            assertEquals(1, refused.size(), refused.toString());
            assertTrue(serving.isAlive(), "the listener stopped serving");
            listener.close();
            serving.join(10_000);
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
    void aTimedAcceptGivesAPeerThatConnectsAndSaysNothingItsTimeLeftNotTheFullHandshakeLimit() throws Exception {
        // The handshake limit is 20 s each way; an accept asked to wait 300 ms has a second.
        try (Listener listener = Listener.open(new InetSocketAddress("127.0.0.1", 0), KEY);
             java.nio.channels.SocketChannel silent = java.nio.channels.SocketChannel.open(listener.address())) {
            long start = System.nanoTime();
            AuthenticationException e = assertThrows(AuthenticationException.class, () -> listener.accept(Duration.ofMillis(300)));
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(tookMillis < 10_000, "the accept took " + tookMillis + " ms");
            assertTrue(e.getMessage().contains("within"), e.getMessage());
        }
    }

    @Test
    void acceptWithTimeoutGivesUp() throws Exception {
        try (Listener listener = Listener.open(new InetSocketAddress("127.0.0.1", 0), KEY)) {
            assertThrows(TimeoutException.class, () -> listener.accept(Duration.ofMillis(100)));
        }
    }

    @Test
    void anUnboundUnixListenerTakesNobodyNewAndStillCloses() throws Exception {
        Listener listener = Listener.open();
        java.nio.file.Path file = ((java.net.UnixDomainSocketAddress) listener.address()).getPath();
        listener.unbind();
        assertTrue(java.nio.file.Files.notExists(file));
        assertThrows(java.io.IOException.class, () -> Client.connect(listener.address(), null, Duration.ofSeconds(5)));
        Exception e = assertThrows(java.io.IOException.class, listener::accept);
        assertTrue(e.getMessage().contains("listener is closed"));
        listener.close();
        listener.close();
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

    @Test
    void aClientConnectWithATimeoutGivesUpOnAServerThatNeverAnswers() throws Exception {
        byte[] key = "k".getBytes();
        // A listening socket nobody accepts on: the kernel completes the TCP connection, and
        // the challenge never comes.
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            long t0 = System.nanoTime();
            AuthenticationException e = assertThrows(AuthenticationException.class,
                    () -> Client.connect(silent.getLocalSocketAddress(), key, Duration.ofMillis(200)));
            assertTrue(e.getMessage().contains("no answer within"), e.getMessage());
            // Not the default 20 s of a handshake: the caller's 200 ms (with room for a slow machine).
            assertTrue(System.nanoTime() - t0 < 10_000_000_000L, "the timeout was not honoured");
        }
        // A full accept queue: the kernel drops the connection's first packet, so the TCP
        // connect itself is what must give up.
        try (java.net.ServerSocket full = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            List<java.net.Socket> fillers = new ArrayList<>();
            try {
                boolean queueFull = false;
                for (int i = 0; i < 16 && !queueFull; i++) {
                    java.net.Socket s = new java.net.Socket();
                    fillers.add(s);
                    try {
                        s.connect(full.getLocalSocketAddress(), 200);
                    } catch (java.net.SocketTimeoutException timedOut) {
                        queueFull = true;
                    }
                }
                assertTrue(queueFull, "the accept queue never filled");
                java.net.SocketTimeoutException e = assertThrows(java.net.SocketTimeoutException.class,
                        () -> Client.connect(full.getLocalSocketAddress(), key, Duration.ofMillis(200)));
                assertTrue(e.getMessage().contains("within PT0.2S"), e.getMessage());
            } finally {
                for (java.net.Socket s : fillers) {
                    s.close();
                }
            }
        }
    }

    @Test
    void aClientConnectWithATimeoutGivesUpOnAUnixSocketWhoseQueueIsFull() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("mp4j-test-");
        java.net.UnixDomainSocketAddress address = java.net.UnixDomainSocketAddress.of(dir.resolve("s"));
        List<java.nio.channels.SocketChannel> fillers = new ArrayList<>();
        try (java.nio.channels.ServerSocketChannel server = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            server.bind(address, 1);
            // Fill the accept queue without blocking: a non-blocking connect fails once it is full.
            boolean full = false;
            for (int i = 0; i < 64 && !full; i++) {
                java.nio.channels.SocketChannel c = java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX);
                fillers.add(c);
                c.configureBlocking(false);
                try {
                    c.connect(address);
                } catch (java.io.IOException queueFull) {
                    full = true;
                }
            }
            assertTrue(full, "the accept queue never filled");
            java.net.SocketTimeoutException e = assertThrows(java.net.SocketTimeoutException.class,
                    () -> Client.connect(address, "k".getBytes(), Duration.ofMillis(200)));
            assertTrue(e.getMessage().contains("within PT0.2S"), e.getMessage());
        } finally {
            for (java.nio.channels.SocketChannel c : fillers) {
                c.close();
            }
            java.nio.file.Files.deleteIfExists(dir.resolve("s"));
            java.nio.file.Files.deleteIfExists(dir);
        }
    }

    @Test
    void anInterruptEndsAWaitOnASocketAndAHeldOneIsGivenBackAfter() throws Exception {
        try (Listener listener = Listener.open(new InetSocketAddress("127.0.0.1", 0), KEY)) {
            Connection[] pair = connectedPair(listener);
            try (Connection client = pair[0]; Connection server = pair[1]) {
                // Interrupted while waiting: the wait ends (it used to spin at full speed instead).
                CompletableFuture<Throwable> ended = new CompletableFuture<>();
                Thread waiter = Thread.ofPlatform().name("socket-waiter").start(() -> {
                    try {
                        client.recv();
                        ended.complete(null);
                    } catch (Throwable t) {
                        ended.complete(t);
                    }
                });
                assertTrue(dev.mp4j.testing.Threads.awaitAsleep("socket-waiter", Duration.ofSeconds(10)));
                waiter.interrupt();
                assertTrue(ended.get(10, TimeUnit.SECONDS) instanceof java.io.InterruptedIOException);
                waiter.join();
                // Held back: the receive goes on to the whole message, and the interrupt is the
                // thread's again once the hold ends.
                CompletableFuture<Object> got = new CompletableFuture<>();
                Thread holder = Thread.ofPlatform().name("socket-holder").start(() -> {
                    dev.mp4j.shm.IoInterrupts.hold();
                    Object message;
                    try {
                        message = client.recv();
                    } catch (Throwable t) {
                        got.complete(t);
                        return;
                    } finally {
                        dev.mp4j.shm.IoInterrupts.release();
                    }
                    got.complete(Thread.currentThread().isInterrupted() ? message : "interrupt lost");
                });
                assertTrue(dev.mp4j.testing.Threads.awaitAsleep("socket-holder", Duration.ofSeconds(10)));
                holder.interrupt();
                assertTrue(dev.mp4j.testing.Threads.awaitSettledAsleep(ProcessHandle.current().pid(), "socket-holder",
                        Duration.ofSeconds(10)), "the held wait spins");
                server.send("late");
                assertEquals("late", got.get(10, TimeUnit.SECONDS));
                holder.join();
            }
        }
    }

    @Test
    void aLookIsNotHeldUpByAReceiveInAnotherThread() throws Exception {
        // Before, a look that does not wait used the receive's selector, and a selector serves
        // one select at a time: the look waited for the message the receive was waiting for.
        try (Listener listener = Listener.open(new InetSocketAddress("127.0.0.1", 0), KEY)) {
            Connection[] pair = connectedPair(listener);
            try (Connection client = pair[0]; Connection server = pair[1]) {
                CompletableFuture<Object> received = new CompletableFuture<>();
                Thread.ofPlatform().daemon().name("socket-receiver").start(() -> {
                    try {
                        received.complete(client.recv());
                    } catch (Throwable t) {
                        received.completeExceptionally(t);
                    }
                });
                assertTrue(dev.mp4j.testing.Threads.awaitAsleep("socket-receiver", Duration.ofSeconds(10)));
                CompletableFuture<Boolean> look = CompletableFuture.supplyAsync(() -> {
                    try {
                        return client.poll(Duration.ZERO);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                assertEquals(false, look.get(10, TimeUnit.SECONDS));
                CompletableFuture<List<Object>> waited = CompletableFuture.supplyAsync(
                        () -> Connections.wait(List.of(client), Duration.ofMillis(100)));
                assertEquals(List.of(), waited.get(10, TimeUnit.SECONDS));
                server.send("x");
                assertEquals("x", received.get(10, TimeUnit.SECONDS));
                server.send("y");
                assertTrue(Connections.wait(List.of(client), Duration.ofSeconds(10)).contains(client));
                assertEquals("y", client.recv());
            }
        }
    }

    @Test
    void anInterruptedUntimedReceiveOrPollIsAnInterruptNotATimeout() throws Exception {
        // Before, a wait with no limit woken by its interrupt returned "not ready": a receive
        // with a null timeout threw TimeoutException, and poll(null) returned false.
        try (Listener listener = Listener.open(new InetSocketAddress("127.0.0.1", 0), KEY)) {
            Connection[] pair = connectedPair(listener);
            try (Connection client = pair[0]; Connection server = pair[1]) {
                for (String call : List.of("recv", "poll")) {
                    CompletableFuture<Object> ended = new CompletableFuture<>();
                    Thread waiter = Thread.ofPlatform().name("untimed-" + call).start(() -> {
                        try {
                            ended.complete(call.equals("recv") ? client.recv((Duration) null) : client.poll(null));
                        } catch (Throwable t) {
                            ended.complete(t);
                        }
                    });
                    assertTrue(dev.mp4j.testing.Threads.awaitAsleep("untimed-" + call, Duration.ofSeconds(10)));
                    waiter.interrupt();
                    Object outcome = ended.get(10, TimeUnit.SECONDS);
                    assertTrue(outcome instanceof java.io.InterruptedIOException, call + " ended with " + outcome);
                    waiter.join();
                }
                server.send("still in step");
                assertEquals("still in step", client.recv(Duration.ofSeconds(10)));
            }
        }
    }

    @Test
    void aTimedAcceptIsNotHeldUpByAnUntimedOneInAnotherThread() throws Exception {
        Listener listener = Listener.open(new InetSocketAddress("127.0.0.1", 0), KEY);
        CompletableFuture<Throwable> untimed = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("untimed-acceptor").start(() -> {
            try {
                listener.accept().close();
                untimed.complete(null);
            } catch (Throwable t) {
                untimed.complete(t);
            }
        });
        try {
            assertTrue(dev.mp4j.testing.Threads.awaitAsleep("untimed-acceptor", Duration.ofSeconds(10)));
            CompletableFuture<Throwable> timed = CompletableFuture.supplyAsync(() -> {
                try {
                    listener.accept(Duration.ofMillis(200)).close();
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
            assertTrue(timed.get(10, TimeUnit.SECONDS) instanceof TimeoutException, "the timed accept did not time out");
        } finally {
            listener.close();
        }
        assertTrue(untimed.get(10, TimeUnit.SECONDS) instanceof java.io.IOException);
    }

    @Test
    void aPollWhileAnotherThreadIsBlockedWritingLeavesTheWriterFreeToFinish() {
        // Pre-emptive: where the writer is stranded, closing its connection waits for it too.
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(60), this::pollWhileWriting);
    }

    private void pollWhileWriting() throws Exception {
        try (Listener listener = Listener.open(new InetSocketAddress("127.0.0.1", 0), KEY)) {
            Connection[] pair = connectedPair(listener);
            try (Connection client = pair[0]; Connection server = pair[1]) {
                byte[] big = new byte[16 << 20];
                big[big.length - 1] = 42;
                CompletableFuture<Throwable> sent = new CompletableFuture<>();
                Thread writer = Thread.ofPlatform().name("socket-writer").start(() -> {
                    try {
                        client.sendBytes(big);
                        sent.complete(null);
                    } catch (Throwable t) {
                        sent.complete(t);
                    }
                });
                // The peer reads nothing yet: the writer waits for room.
                assertTrue(dev.mp4j.testing.Threads.awaitSettledAsleep(ProcessHandle.current().pid(), "socket-writer",
                        Duration.ofSeconds(10)));
                // Another thread polls the same connection meanwhile: nothing to read.
                assertTrue(!client.poll(Duration.ofMillis(200)), "a poll reported data that is not there");
                // Now the peer reads: the writer must see the room and finish.
                CompletableFuture<byte[]> got = CompletableFuture.supplyAsync(() -> {
                    try {
                        return server.recvBytes();
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                assertEquals(null, sent.get(20, TimeUnit.SECONDS));
                byte[] received = got.get(20, TimeUnit.SECONDS);
                assertEquals(big.length, received.length);
                assertEquals(42, received[received.length - 1]);
                writer.join();
            }
        }
    }

    /** A client connected to {@code listener}, and the server's end of it. */
    private static Connection[] connectedPair(Listener listener) throws Exception {
        CompletableFuture<Connection> accepted = CompletableFuture.supplyAsync(() -> {
            try {
                return listener.accept();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        Connection client = Client.connect(listener.address(), KEY);
        return new Connection[] {client, accepted.get(30, TimeUnit.SECONDS)};
    }

    @Test
    void aClientConnectionNobodyClosedIsClosedOnceCollected() throws Exception {
        // CPython closes a collected connection; a dropped one here kept its socket (and its
        // selectors' descriptors) open until the process ended, and the server waited on it.
        try (Listener listener = Listener.open(new InetSocketAddress("127.0.0.1", 0), KEY)) {
            CompletableFuture<Connection> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return listener.accept();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            usedAndDropped(listener.address());
            try (Connection server = accepted.get(10, TimeUnit.SECONDS)) {
                assertEquals("hello", server.recv());
                assertTrue(dev.mp4j.testing.Await.until(() -> {
                    System.gc();
                    try {
                        return server.poll(Duration.ZERO);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }, Duration.ofSeconds(20)), "the dropped client's socket was never closed");
                assertThrows(java.io.EOFException.class, server::recv);
            }
        }
    }

    private static void usedAndDropped(SocketAddress address) throws Exception {
        Connection c = Client.connect(address, KEY);
        c.send("hello");
    }
}
