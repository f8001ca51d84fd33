package dev.mp4j.connection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.testing.Outcome;
import dev.mp4j.testing.Threads;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The timed forms of {@link Connection}'s sends ({@link Connection#send(Object, Duration)},
 * {@link Connection#sendBytes(byte[], int, int, Duration)}) and byte receives.
 */
@Timeout(60)
class TimedSendTest {
    private static final byte[] KEY = "timed send".getBytes();

    @Test
    void aTimedSendToAFullPipeSendsNothingAndTheEndSendsOnOnceTheReaderReads() throws Exception {
        Pipe pipe = Pipe.open(false, 1 << 20, 4096);
        Connection writer = pipe.right();
        Connection reader = pipe.left();
        byte[] chunk = new byte[1000];
        int sent = 0;
        while (true) {
            Arrays.fill(chunk, (byte) sent);
            try {
                writer.sendBytes(chunk, 0, chunk.length, Duration.ZERO);
                sent++;
            } catch (TimeoutException full) {
                break;
            }
            assertTrue(sent < 100, "a 4 KiB pipe nobody reads took 100 messages of 1000 bytes");
        }
        assertTrue(sent >= 1, "nothing fit in an empty pipe");
        // An object too large for the room left (the 1000-byte message did not fit either)
        TimeoutException timedOut = assertThrows(TimeoutException.class, () -> writer.send("late".repeat(250), Duration.ofMillis(50)));
        assertTrue(timedOut.getMessage().contains("nothing was sent"), timedOut.getMessage());
        for (int i = 0; i < sent; i++) {
            byte[] got = reader.recvBytes();
            byte[] want = new byte[1000];
            Arrays.fill(want, (byte) i);
            assertArrayEquals(want, got, "message " + i);
        }
        assertFalse(reader.poll(Duration.ZERO), "a timed-out send left something in the pipe");
        writer.send("after", Duration.ofSeconds(10));
        assertEquals("after", reader.recv());
        // As send(obj) does, a timed send with room goes out from an interrupted thread, which
        // keeps its interrupt status.
        Thread.currentThread().interrupt();
        try {
            writer.send("interrupted but room", Duration.ZERO);
        } finally {
            assertTrue(Thread.interrupted(), "the interrupt status was lost");
        }
        assertEquals("interrupted but room", reader.recv());
        pipe.left().close();
        pipe.right().close();
    }

    @Test
    void aTimedSendLargerThanThePipeIsCutWhenNobodyReadsAndTheEndRefusesMore() throws Exception {
        // 64 KiB through a 4 KiB ring: it streams, so part of it is out when the time runs out
        // with the reader standing still, and the rest of the stream would be out of step.
        Pipe pipe = Pipe.open(false, 1 << 20, 4096);
        IOException cut = assertThrows(IOException.class, () -> pipe.right().sendBytes(new byte[65536], 0, 65536, Duration.ofMillis(50)));
        assertTrue(cut.getMessage().contains("timed out half-way"), cut.getMessage());
        assertFalse(cut instanceof java.io.InterruptedIOException, "a timeout was reported as an interrupt");
        IOException refused = assertThrows(IOException.class, () -> pipe.right().send("more", Duration.ofSeconds(1)));
        assertTrue(refused.getMessage().contains("can send no more"), refused.getMessage());
        pipe.left().close();
        pipe.right().close();
    }

    @Test
    void aTimedSendLargerThanThePipeArrivesWholeWhileTheReaderReads() throws Exception {
        Pipe pipe = Pipe.open(false, 1 << 20, 4096);
        CompletableFuture<byte[]> received = new CompletableFuture<>();
        Thread.ofPlatform().name("big-reader").start(() -> {
            try {
                received.complete(pipe.left().recvBytes());
            } catch (Throwable t) {
                received.completeExceptionally(t);
            }
        });
        assertTrue(Threads.awaitAsleep("big-reader", Duration.ofSeconds(30)), "the reader never waited");
        byte[] big = new byte[65536];
        new java.util.Random(7).nextBytes(big);
        pipe.right().sendBytes(big, 0, big.length, Duration.ofSeconds(20));
        assertArrayEquals(big, received.get(30, TimeUnit.SECONDS));
        pipe.left().close();
        pipe.right().close();
    }

    @Test
    void timedByteReceivesGiveUpOnAnEmptyEndAndTakeWhatArrives() throws Exception {
        Pipe pipe = Pipe.open(false);
        Connection reader = pipe.left();
        assertThrows(TimeoutException.class, () -> reader.recvBytes(100, Duration.ofMillis(20)));
        assertThrows(TimeoutException.class, () -> reader.recvBytesInto(new byte[10], 0, Duration.ZERO));
        pipe.right().sendBytes("hello".getBytes());
        pipe.right().sendBytes("world!".getBytes());
        assertArrayEquals("hello".getBytes(), reader.recvBytes(100, Duration.ofSeconds(10)));
        byte[] into = new byte[8];
        assertEquals(6, reader.recvBytesInto(into, 2, null));
        assertEquals("world!", new String(into, 2, 6));
        pipe.right().sendBytes(new byte[20]);
        BufferTooShortException tooShort = assertThrows(BufferTooShortException.class, () -> reader.recvBytesInto(new byte[4], 0, Duration.ofSeconds(10)));
        assertEquals(20, tooShort.message().length);
        assertThrows(IllegalArgumentException.class, () -> reader.recvBytes(-1, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> reader.recvBytesInto(new byte[4], 5, Duration.ZERO));
        pipe.left().close();
        pipe.right().close();
    }

    @Test
    void aTimedSendWaitsItsTurnBehindAnotherThreadsSendAndGivesUp() throws Exception {
        Pipe pipe = Pipe.open(false, 1 << 20, 4096);
        Connection writer = pipe.right();
        CompletableFuture<Throwable> blocked = Outcome.onThread("blocked-sender", () -> writer.sendBytes(new byte[65536]));
        assertTrue(Threads.awaitAsleep("blocked-sender", Duration.ofSeconds(30)), "the first sender never waited");
        TimeoutException turn = assertThrows(TimeoutException.class, () -> writer.send("second", Duration.ofMillis(50)));
        assertTrue(turn.getMessage().contains("another thread was sending"), turn.getMessage());
        // The reader takes the first message whole; nothing of the second was written.
        assertEquals(65536, pipe.left().recvBytes().length);
        assertEquals(null, blocked.get(30, TimeUnit.SECONDS));
        assertFalse(pipe.left().poll(Duration.ZERO));
        pipe.left().close();
        pipe.right().close();
    }

    @Test
    void aTimedSendWaitingForRoomFailsAsABrokenPipeWhenTheReaderCloses() throws Exception {
        // Not a timeout 20 s later: the wait for room notices that no reader is left.
        Pipe pipe = Pipe.open(false, 1 << 20, 4096);
        pipe.right().sendBytes(new byte[4000], 0, 4000, Duration.ZERO);
        CompletableFuture<Throwable> outcome = Outcome.onThread("waiting-for-room",
                () -> pipe.right().sendBytes(new byte[2000], 0, 2000, Duration.ofSeconds(20)));
        assertTrue(Threads.awaitAsleep("waiting-for-room", Duration.ofSeconds(30)), "the sender never waited");
        pipe.left().close();
        Throwable broken = outcome.get(30, TimeUnit.SECONDS);
        assertTrue(broken instanceof IOException && broken.getMessage().contains("broken pipe"), String.valueOf(broken));
        IOException again = assertThrows(IOException.class, () -> pipe.right().sendBytes(new byte[2000], 0, 2000, Duration.ofSeconds(20)));
        assertTrue(again.getMessage().contains("broken pipe"), again.getMessage());
        pipe.right().close();
    }

    @Test
    void aTimedSendOnASocketWhosePeerStopsReadingEndsInTimeAndEitherSentNothingOrCutTheEnd() throws Exception {
        try (Listener listener = Listener.open(new InetSocketAddress("127.0.0.1", 0), KEY)) {
            CompletableFuture<Connection> accepted = new CompletableFuture<>();
            Thread.ofPlatform().name("acceptor").start(() -> {
                try {
                    accepted.complete(listener.accept());
                } catch (Throwable t) {
                    accepted.completeExceptionally(t);
                }
            });
            try (Connection client = Client.connect(listener.address(), KEY); Connection server = accepted.get(30, TimeUnit.SECONDS)) {
                byte[] message = new byte[256 * 1024];
                int sent = 0;
                Exception end = null;
                while (end == null) {
                    try {
                        client.sendBytes(message, 0, message.length, Duration.ofMillis(100));
                        sent++;
                    } catch (TimeoutException | IOException e) {
                        end = e;
                    }
                    assertTrue(sent < 4096, "1 GiB went into a socket nobody reads");
                }
                if (end instanceof TimeoutException) {
                    assertTrue(end.getMessage().contains("nothing was sent"), end.getMessage());
                } else {
                    assertTrue(end.getMessage().contains("timed out half-way"), end.getMessage());
                    IOException refused = assertThrows(IOException.class, () -> client.send("more", Duration.ofSeconds(1)));
                    assertTrue(refused.getMessage().contains("can send no more"), refused.getMessage());
                }
                // What was sent whole arrives whole.
                for (int i = 0; i < sent; i++) {
                    assertEquals(message.length, server.recvBytes().length);
                }
            }
        }
    }
}
