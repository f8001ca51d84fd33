package dev.mp4j.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InterruptedIOException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Waits on connections and listeners: interrupts, closing from another thread, several readers, huge timeouts. */
class WaitInterruptsTest {
    private static final byte[] KEY = "wait-key".getBytes();

    @Test
    @Timeout(20)
    void waitOnAPipeEndsAtOnceForAnInterruptedThreadInsteadOfSpinning() throws Exception {
        Pipe pipe = Pipe.open();
        try {
            Thread.currentThread().interrupt();
            long cpu0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            List<Object> ready = Connections.wait(List.of(pipe.left()), Duration.ofSeconds(5));
            long took = System.nanoTime() - t0;
            long cpu = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu0;
            assertTrue(Thread.interrupted(), "the interrupt status must stay set");
            assertEquals(List.of(), ready);
            assertTrue(took < TimeUnit.SECONDS.toNanos(4), "the interrupt did not end the wait: " + took / 1e6 + " ms");
            assertTrue(cpu < TimeUnit.SECONDS.toNanos(1), "spun " + cpu / 1e6 + " ms of CPU");
        } finally {
            pipe.left().close();
            pipe.right().close();
        }
    }

    @Test
    @Timeout(20)
    void anIdleSocketIsNotReportedReadableBecauseTheWaiterWasInterrupted() throws Exception {
        try (Listener listener = Listener.open(new InetSocketAddress("127.0.0.1", 0), KEY)) {
            CompletableFuture<Connection> accepted = acceptAsync(listener, Duration.ofSeconds(10));
            try (Connection client = Client.connect(listener.address(), KEY, Duration.ofSeconds(10));
                 Connection server = accepted.get(10, TimeUnit.SECONDS)) {
                Thread.currentThread().interrupt();
                List<Object> ready = Connections.wait(List.of(server), Duration.ofMillis(200));
                assertTrue(Thread.interrupted());
                assertEquals(List.of(), ready, "nothing was sent");
                client.send("now");
                assertEquals(List.of(server), Connections.wait(List.of(server), Duration.ofSeconds(5)));
            }
        }
    }

    @Test
    @Timeout(20)
    void acceptOfAnInterruptedThreadThrowsInsteadOfSpinning() throws Exception {
        try (Listener listener = Listener.open(new InetSocketAddress("127.0.0.1", 0), KEY)) {
            Thread.currentThread().interrupt();
            try {
                assertThrows(InterruptedIOException.class, listener::accept);
            } finally {
                Thread.interrupted();
            }
            // The listener still serves.
            CompletableFuture<Connection> accepted = acceptAsync(listener, Duration.ofSeconds(10));
            try (Connection client = Client.connect(listener.address(), KEY, Duration.ofSeconds(10));
                 Connection server = accepted.get(10, TimeUnit.SECONDS)) {
                client.send(1);
                assertEquals(1, server.recv());
            }
        }
    }

    @Test
    @Timeout(20)
    void closingTheListenerFromAnotherThreadEndsAcceptWithAnIOException() throws Exception {
        Listener listener = Listener.open(new InetSocketAddress("127.0.0.1", 0), KEY);
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread acceptor = Thread.ofPlatform().start(() -> {
            try {
                listener.accept();
                outcome.complete(null);
            } catch (Throwable t) {
                outcome.complete(t);
            }
        });
        // Closed while accept() is inside its select (before it, accept would find it closed earlier).
        awaitSelecting(acceptor);
        listener.close();
        Throwable t = outcome.get(10, TimeUnit.SECONDS);
        assertInstanceOf(IOException.class, t, () -> "got " + t);
    }

    @Test
    @Timeout(20)
    void aHugeTimeoutWaitsRatherThanOverflowing() throws Exception {
        Duration forever = ChronoUnit.FOREVER.getDuration();
        Pipe pipe = Pipe.open();
        try {
            pipe.right().send("x");
            assertTrue(pipe.left().poll(forever));
            assertEquals("x", pipe.left().recv(forever));
        } finally {
            pipe.left().close();
            pipe.right().close();
        }
        try (Listener listener = Listener.open(new InetSocketAddress("127.0.0.1", 0), KEY)) {
            CompletableFuture<Connection> accepted = acceptAsync(listener, forever);
            try (Connection client = Client.connect(listener.address(), KEY, forever);
                 Connection server = accepted.get(10, TimeUnit.SECONDS)) {
                client.send(2);
                assertEquals(2, server.recv(forever));
            }
        }
    }

    @Test
    @Timeout(30)
    void twoReadersWithATimeoutOneMessageTheOtherTimesOut() throws Exception {
        Pipe pipe = Pipe.open();
        ExecutorService ex = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 10; round++) {
                pipe.right().send("one");
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Object>> readers = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    readers.add(ex.submit(() -> {
                        go.await();
                        try {
                            return pipe.left().recv(Duration.ofMillis(200));
                        } catch (TimeoutException e) {
                            return e;
                        }
                    }));
                }
                go.countDown();
                // Both return: one with the message, the other when its 200 ms are up (before
                // the fix, the loser could wait in recv() for ever).
                Object a = readers.get(0).get(5, TimeUnit.SECONDS);
                Object b = readers.get(1).get(5, TimeUnit.SECONDS);
                int got = (a.equals("one") ? 1 : 0) + (b.equals("one") ? 1 : 0);
                int timedOut = (a instanceof TimeoutException ? 1 : 0) + (b instanceof TimeoutException ? 1 : 0);
                assertEquals(1, got, a + " / " + b);
                assertEquals(1, timedOut, a + " / " + b);
            }
        } finally {
            ex.shutdownNow();
            pipe.left().close();
            pipe.right().close();
        }
    }

    @Test
    @Timeout(20)
    void anInterruptEndsServeWithoutFloodingTheRefusals() throws Exception {
        try (Listener listener = Listener.open(new InetSocketAddress("127.0.0.1", 0), KEY)) {
            java.util.concurrent.atomic.AtomicInteger refusals = new java.util.concurrent.atomic.AtomicInteger();
            ExecutorService threads = Executors.newCachedThreadPool();
            try {
                Thread server = Thread.ofPlatform().start(() -> listener.serve(threads, Connection::close, e -> refusals.incrementAndGet()));
                awaitSelecting(server); // into its wait for a peer (an earlier interrupt ends it the same way)
                server.interrupt();
                server.join(Duration.ofSeconds(10));
                assertTrue(!server.isAlive(), "serve() went on after the interrupt");
                assertEquals(0, refusals.get(), "an interrupt is not a refused peer");
            } finally {
                threads.shutdownNow();
            }
        }
    }

    @Test
    @Timeout(30)
    void anInterruptedServeForeverClosesTheManagerServer() throws Exception {
        dev.mp4j.manager.BaseManager m = new dev.mp4j.manager.BaseManager(new InetSocketAddress("127.0.0.1", 0), KEY)
                .register("q", java.util.concurrent.BlockingQueue.class, a -> new java.util.concurrent.LinkedBlockingQueue<>());
        dev.mp4j.manager.ManagerServer server = m.server();
        Thread t = Thread.ofPlatform().start(server::serveForever);
        awaitSelecting(t);
        t.interrupt();
        t.join(Duration.ofSeconds(20));
        assertTrue(!t.isAlive(), "serveForever() went on after the interrupt");
        // Closed: nobody can connect any more.
        assertThrows(IOException.class, () -> Client.connect(server.address(), KEY, Duration.ofSeconds(2)));
    }

    /** The listener's next peer, accepted on a thread of its own. */
    private static CompletableFuture<Connection> acceptAsync(Listener listener, Duration timeout) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return listener.accept(timeout);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }, r -> Thread.ofPlatform().start(r));
    }

    /** Waits (bounded) until {@code t} is inside a selector's wait: where an accept waits for a peer. */
    private static void awaitSelecting(Thread t) throws InterruptedException {
        assertTrue(dev.mp4j.testing.Await.until(() -> java.util.Arrays.stream(t.getStackTrace())
                .anyMatch(f -> f.getClassName().contains("SelectorImpl") && f.getMethodName().contains("select")),
                Duration.ofSeconds(10)), () -> t + " never reached its select");
    }
}
