package dev.mp4j.connection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.process.JvmProcess;
import java.io.EOFException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class PipeTest {
    record Point(int x, int y) implements java.io.Serializable {
    }

    @Test
    void aMessageTooLargeForTheHeapIsReadPastAndTheNextOneArrives() throws Exception {
        // Before, the end was cut once the array could not be made: every later receive failed,
        // and a pool had to kill the worker that sent it.
        dev.mp4j.testing.JavaRunner.Result r = dev.mp4j.testing.JavaRunner.run(Duration.ofSeconds(50),
                List.of("-Xmx64m"), ConnectionScenarios.MessageTooLargeForTheHeap.class);
        assertTrue(r.stdout().contains("first: OutOfMemoryError: a message of " + (200 << 20) + " bytes"), r.toString());
        assertTrue(r.stdout().contains("second: next"), r.toString());
        assertTrue(r.stdout().contains("child exit 0"), r.toString());
        assertEquals(0, r.exitCode(), r.toString());
    }

    @Test
    void aPollInAnotherThreadLeavesASleepingReceiverToBeWoken() throws Exception {
        // A receiver asleep waiting for a message has asked the writer to wake it. A poll of the
        // same end from another thread, at once or with a timeout, must not take that request
        // away as it leaves: the receiver would then sleep on after the message came.
        Pipe pipe = Pipe.open();
        PipeConnection end = (PipeConnection) pipe.left();
        java.util.concurrent.CompletableFuture<Object> received = new java.util.concurrent.CompletableFuture<>();
        Thread receiver = new Thread(() -> {
            try {
                received.complete(end.recv());
            } catch (Throwable t) {
                received.completeExceptionally(t);
            }
        }, "sleeping-receiver");
        receiver.start();
        assertTrue(dev.mp4j.testing.Threads.awaitAsleep("sleeping-receiver", Duration.ofSeconds(30)));
        assertTrue(dev.mp4j.testing.Await.until(() -> end.inbound().readerWaiting(), Duration.ofSeconds(30)));
        assertFalse(end.poll(Duration.ZERO));
        assertTrue(end.inbound().readerWaiting(), "a poll that does not wait cleared the receiver's wake request");
        // A poll that waits takes its turn behind the receive, so it gives up here.
        assertFalse(end.poll(Duration.ofMillis(50)));
        assertTrue(end.inbound().readerWaiting(), "a poll that waits cleared the receiver's wake request");
        pipe.right().send("woken");
        assertEquals("woken", received.get(30, java.util.concurrent.TimeUnit.SECONDS));
    }

    @Test
    void aPollWaitsItsTurnBehindAReceiveInAnotherProcessAndEndsWhenItsEndIsClosed() throws Exception {
        // A child receives on an end this process holds too, and sleeps there. A poll here with a
        // timeout waits its turn (the end's cross-process read lock) instead of taking the
        // child's wake request away; a poll with no timeout ends when this process closes its end.
        Pipe pipe = Pipe.open();
        Connection shared = pipe.left();
        Pipe answers = Pipe.open(false);
        Connection answer = answers.right();
        JvmProcess child = new JvmProcess(() -> {
            Thread receiver = new Thread(() -> {
                try {
                    answer.send(shared.recv());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, "child-receiver");
            receiver.start();
            receiver.join();
        });
        child.start();
        assertTrue(dev.mp4j.testing.Threads.awaitSettledAsleep(child.pid(), "child-receiver", Duration.ofSeconds(30)));
        PipeConnection end = (PipeConnection) shared;
        assertTrue(dev.mp4j.testing.Await.until(() -> end.inbound().readerWaiting(), Duration.ofSeconds(30)));
        assertFalse(end.poll(Duration.ofMillis(50)));
        assertTrue(end.inbound().readerWaiting(), "a poll here cleared the child's wake request");
        java.util.concurrent.CompletableFuture<Throwable> forever = new java.util.concurrent.CompletableFuture<>();
        new Thread(() -> {
            try {
                end.poll(null);
                forever.complete(null);
            } catch (Throwable t) {
                forever.complete(t);
            }
        }, "polling-forever").start();
        assertTrue(dev.mp4j.testing.Threads.awaitAsleep("polling-forever", Duration.ofSeconds(30)));
        assertFalse(forever.isDone());
        end.close();
        Throwable ended = forever.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(ended instanceof IOException, "a poll with no timeout went on after its end was closed: " + ended);
        pipe.right().send("still there");
        assertEquals("still there", answers.left().recv());
        child.join();
        assertEquals(0, child.exitCode());
    }

    @Test
    void objectsOfManyKindsRoundTrip() throws Exception {
        Pipe pipe = Pipe.open();
        List<Object> values = List.of(42, 7L, 2.5, true, "héllo 世界", new byte[] {1, 2, 3},
                List.of(1, "two"), Map.of("k", 3), new Point(1, 2));
        for (Object v : values) {
            pipe.left().send(v);
        }
        for (Object v : values) {
            Object got = pipe.right().recv();
            if (v instanceof byte[] b) {
                assertArrayEquals(b, (byte[]) got);
            } else {
                assertEquals(v, got);
            }
        }
        pipe.left().send(null);
        assertEquals(null, pipe.right().recv());
    }

    @Test
    void messagesAreNeverMergedOrSplitAndEmptyOnesAreLegal() throws Exception {
        Pipe pipe = Pipe.open();
        pipe.right().sendBytes(new byte[0]);
        pipe.right().sendBytes("ab".getBytes());
        pipe.right().sendBytes("cde".getBytes(), 1, 2);
        assertArrayEquals(new byte[0], pipe.left().recvBytes());
        assertArrayEquals("ab".getBytes(), pipe.left().recvBytes());
        assertArrayEquals("de".getBytes(), pipe.left().recvBytes());
        assertFalse(pipe.left().poll());
    }

    @Test
    void aSixteenMebibyteMessageCrossesToAChildAndBackIntact() throws Exception {
        byte[] big = new byte[16 << 20];
        new Random(7).nextBytes(big);
        Pipe pipe = Pipe.open();
        Connection child = pipe.right();
        JvmProcess echo = new JvmProcess(() -> child.sendBytes(child.recvBytes()));
        echo.start();
        pipe.left().sendBytes(big);
        assertArrayEquals(big, pipe.left().recvBytes());
        echo.join();
        assertEquals(0, echo.exitCode());
    }

    @Test
    void aReducedEndIsRebuiltInAChildAndClosingItThereGivesEof() throws Exception {
        Pipe pipe = Pipe.open();
        byte[] form = Pipe.reduce(pipe.right());
        pipe.right().close();
        JvmProcess child = new JvmProcess(() -> {
            Connection end = Pipe.rebuild(form);
            end.send("rebuilt " + end.recv());
            end.close();
        });
        child.start();
        pipe.left().send("end");
        assertEquals("rebuilt end", pipe.left().recv());
        assertThrows(EOFException.class, () -> pipe.left().recv());
        child.join();
        assertEquals(0, child.exitCode());
        pipe.left().close();
        Pipe other = Pipe.open();
        other.left().close();
        assertThrows(IllegalStateException.class, () -> Pipe.reduce(other.left()));
        other.right().close();
    }

    /**
     * Starts a thread named {@code name} that receives on {@code end}, and returns once it sleeps
     * there; the future completes with what the receive threw (null if it returned).
     */
    private static java.util.concurrent.CompletableFuture<Throwable> recvAsleepOnAThread(Connection end, String name)
            throws Exception {
        java.util.concurrent.CompletableFuture<Throwable> outcome = new java.util.concurrent.CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                end.recv();
                outcome.complete(null);
            } catch (Throwable t) {
                outcome.complete(t);
            }
        }, name);
        reader.start();
        assertTrue(dev.mp4j.testing.Threads.awaitAsleep(name, Duration.ofSeconds(30)));
        return outcome;
    }

    @Test
    void closingAnEndWhileAnotherThreadReadsItFailsThatReadWithAnIoException() throws Exception {
        Pipe pipe = Pipe.open();
        java.util.concurrent.CompletableFuture<Throwable> outcome = recvAsleepOnAThread(pipe.left(), "blocked-reader");
        pipe.left().close();
        Throwable t = outcome.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(t instanceof IOException, "expected an IOException, got " + t);
        pipe.right().close();
    }

    @Test
    void oneWayPipeReadsOnTheLeftAndWritesOnTheRight() throws Exception {
        Pipe pipe = Pipe.open(false);
        assertTrue(pipe.left().isReadable());
        assertFalse(pipe.left().isWritable());
        assertTrue(pipe.right().isWritable());
        assertFalse(pipe.right().isReadable());
        IOException readOnly = assertThrows(IOException.class, () -> pipe.left().send(1));
        assertEquals("connection is read-only", readOnly.getMessage());
        IOException writeOnly = assertThrows(IOException.class, () -> pipe.right().recv());
        assertEquals("connection is write-only", writeOnly.getMessage());
        pipe.right().send("one way");
        assertEquals("one way", pipe.left().recv());
    }

    @Test
    void badOffsetsAndSizesAreClearErrors() {
        Pipe pipe = Pipe.open();
        byte[] buf = new byte[4];
        assertThrows(IllegalArgumentException.class, () -> pipe.left().sendBytes(buf, -1, 1));
        assertThrows(IllegalArgumentException.class, () -> pipe.left().sendBytes(buf, 5, 0));
        assertThrows(IllegalArgumentException.class, () -> pipe.left().sendBytes(buf, 0, -1));
        assertThrows(IllegalArgumentException.class, () -> pipe.left().sendBytes(buf, 2, 3));
        assertThrows(IllegalArgumentException.class, () -> pipe.left().recvBytes(-1));
        assertThrows(IllegalArgumentException.class, () -> pipe.left().recvBytesInto(buf, -1));
        assertThrows(IllegalArgumentException.class, () -> pipe.left().recvBytesInto(buf, 5));
    }

    @Test
    void recvBytesIntoATooSmallBufferHandsOverTheWholeMessage() throws Exception {
        Pipe pipe = Pipe.open();
        pipe.right().sendBytes("0123456789".getBytes());
        pipe.right().sendBytes("ok".getBytes());
        byte[] small = new byte[8];
        BufferTooShortException e = assertThrows(BufferTooShortException.class, () -> pipe.left().recvBytesInto(small, 2));
        assertArrayEquals("0123456789".getBytes(), e.message());
        assertEquals(2, pipe.left().recvBytesInto(small, 6));
        assertEquals("ok", new String(small, 6, 2));
    }

    @Test
    void aMessageLongerThanMaxLengthMakesTheEndUnreadable() throws Exception {
        Pipe pipe = Pipe.open();
        pipe.right().sendBytes(new byte[100]);
        IOException e = assertThrows(IOException.class, () -> pipe.left().recvBytes(10));
        assertTrue(e.getMessage().startsWith("bad message length"), e.getMessage());
        assertFalse(pipe.left().isReadable());
        assertFalse(pipe.left().isClosed());
        pipe.left().send("still writable");
        assertEquals("still writable", pipe.right().recv());
    }

    @Test
    void anOversizedMessageIsRefusedInTheSenderNamingBothSizes() {
        Pipe pipe = Pipe.open(true, 1000);
        MessageTooLargeException e = assertThrows(MessageTooLargeException.class,
                () -> pipe.left().sendBytes(new byte[1001]));
        assertEquals(1001, e.size());
        assertEquals(1000, e.limit());
        assertTrue(e.getMessage().contains("1001") && e.getMessage().contains("1000"), e.getMessage());
    }

    @Test
    void closedHandlesAreClearErrorsAndCloseIsIdempotent() {
        Pipe pipe = Pipe.open();
        pipe.left().close();
        pipe.left().close();
        assertTrue(pipe.left().isClosed());
        IOException e = assertThrows(IOException.class, () -> pipe.left().send(1));
        assertEquals("handle is closed", e.getMessage());
        pipe.right().close();
    }

    @Test
    void theReaderSeesEofOnceTheWriterClosesAndDataIsDrained() throws Exception {
        Pipe pipe = Pipe.open();
        pipe.right().send("last");
        pipe.right().close();
        assertEquals("last", pipe.left().recv());
        assertThrows(EOFException.class, () -> pipe.left().recv());
    }

    @Test
    void anEndClosedUnderABlockedReaderStaysReadableForTheOtherProcessesHoldingIt() throws Exception {
        // The blocked reader holds the end's cross-process read lock. Closing this process's last
        // use of the pipe must not unmap that lock before the reader lets go of it: a lock left
        // held by a live process would keep every other reader of the end waiting forever.
        Pipe pipe = Pipe.open();
        Connection reading = pipe.left();
        Connection writing = pipe.right();
        Pipe report = Pipe.open();
        Connection result = report.right();
        dev.mp4j.sync.ProcessEvent go = dev.mp4j.sync.ProcessEvent.create();
        JvmProcess other = new JvmProcess(() -> {
            go.await();
            writing.send("after the close");
            result.send(reading.recv(Duration.ofSeconds(20)));
        });
        other.start();
        writing.close();
        java.util.concurrent.CompletableFuture<Throwable> outcome = recvAsleepOnAThread(reading, "reader-closed-under");
        reading.close();
        Throwable t = outcome.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(t instanceof IOException && "handle is closed".equals(t.getMessage()), "expected 'handle is closed', got " + t);
        go.set();
        assertEquals("after the close", report.left().recv(Duration.ofSeconds(30)));
        other.join();
        assertEquals(0, other.exitCode());
    }

    @Test
    void eofNeedsEveryCopyOfTheWritingEndClosedAcrossProcesses() throws Exception {
        // The seed's producer/consumer: the child closes its copy of the writing end and reads to EOF.
        Pipe pipe = Pipe.open();
        Connection left = pipe.left();
        Connection right = pipe.right();
        Pipe report = Pipe.open();
        Connection result = report.right();
        JvmProcess consumer = new JvmProcess(() -> {
            left.close();
            int count = 0;
            try {
                while (true) {
                    right.recv();
                    count++;
                }
            } catch (EOFException eof) {
                result.send(count);
            }
        });
        consumer.start();
        for (int i = 0; i < 10; i++) {
            left.send(i);
        }
        right.close();
        left.close();
        assertEquals(10, report.left().recv(Duration.ofSeconds(30)));
        consumer.join();
    }

    @Test
    void aReaderSeesEofWhenTheWritingProcessDiesWithoutClosing() throws Exception {
        Pipe pipe = Pipe.open();
        Connection writer = pipe.right();
        JvmProcess p = new JvmProcess(() -> {
            writer.send("before dying");
            Runtime.getRuntime().halt(9);
        });
        p.start();
        pipe.right().close();
        assertEquals("before dying", pipe.left().recv());
        assertThrows(EOFException.class, () -> pipe.left().recv());
        p.join();
    }

    @Test
    void writingToAPipeWhoseReadingProcessDiedWithoutClosingIsABrokenPipe() throws Exception {
        // CPython raises BrokenPipeError at once; the ring used to take the sends until it was
        // full (1 MiB of messages that nobody would read).
        Pipe pipe = Pipe.open(false);
        Connection reader = pipe.left();
        JvmProcess p = new JvmProcess(() -> {
            reader.recv();
            Runtime.getRuntime().halt(9);
        });
        p.start();
        pipe.left().close();
        pipe.right().send("hello");
        p.join();
        assertTrue(dev.mp4j.testing.Await.until(() -> {
            try {
                pipe.right().send("lost");
                return false;
            } catch (IOException broken) {
                return broken.getMessage().contains("broken pipe");
            }
        }, Duration.ofSeconds(5)), "sends to a dead reader went on succeeding");
    }

    @Test
    void aSendCutHalfWayByAnInterruptLeavesTheEndRefusingSendsNotWritingOutOfStep() throws Exception {
        // 64 KiB into a 4 KiB ring nobody reads: the first 4 KiB are published, then the writer
        // waits and is interrupted. Another send after it would follow the cut message's first
        // part, and the reader would take it as the rest of that message.
        Pipe pipe = Pipe.open(false, 1 << 20, 4096);
        java.util.concurrent.CompletableFuture<Throwable> outcome = new java.util.concurrent.CompletableFuture<>();
        Thread writer = Thread.ofPlatform().name("cut-writer").start(() -> {
            try {
                pipe.right().sendBytes(new byte[65536]);
                outcome.complete(null);
            } catch (Throwable t) {
                outcome.complete(t);
            }
        });
        assertTrue(dev.mp4j.testing.Threads.awaitAsleep("cut-writer", Duration.ofSeconds(30)), "the writer never waited");
        writer.interrupt();
        assertTrue(outcome.get(30, java.util.concurrent.TimeUnit.SECONDS) instanceof java.io.InterruptedIOException);
        IOException refused = assertThrows(IOException.class, () -> pipe.right().sendBytes("ok".getBytes()));
        assertTrue(refused.getMessage().contains("can send no more"), refused.getMessage());
        pipe.right().close();
        pipe.left().close();
    }

    @Test
    void aReceiveCutHalfWayByAnInterruptLeavesTheEndRefusingReceivesNotReadingOutOfStep() throws Exception {
        // A child sends 64 KiB through a 4 KiB ring and is stopped half-way; our reader takes the
        // first part, waits for the rest and is interrupted. The next receive would read the
        // rest of that message as a new one.
        Pipe pipe = Pipe.open(false, 1 << 20, 4096);
        Connection writer = pipe.right();
        JvmProcess child = new JvmProcess(() -> {
            writer.sendBytes(new byte[65536]);
            writer.sendBytes("next".getBytes());
        });
        child.start();
        pipe.right().close();
        // Ring full: the child waits for room; stop it there.
        assertTrue(pipe.left().poll(Duration.ofSeconds(30)), "nothing from the child");
        // and it waits for room: its first 4 KiB fill the ring
        assertTrue(dev.mp4j.testing.Await.until(() -> child.pid() != null
                && ProcessHandle.of(child.pid()).isPresent(), Duration.ofSeconds(5)));
        assertEquals(0, new ProcessBuilder("kill", "-STOP", Long.toString(child.pid())).start().waitFor());
        try {
            java.util.concurrent.CompletableFuture<Throwable> outcome = new java.util.concurrent.CompletableFuture<>();
            Thread reader = Thread.ofPlatform().name("cut-reader").start(() -> {
                try {
                    pipe.left().recvBytes();
                    outcome.complete(null);
                } catch (Throwable t) {
                    outcome.complete(t);
                }
            });
            assertTrue(dev.mp4j.testing.Threads.awaitAsleep("cut-reader", Duration.ofSeconds(30)), "the reader never waited");
            reader.interrupt();
            assertTrue(outcome.get(30, java.util.concurrent.TimeUnit.SECONDS) instanceof java.io.InterruptedIOException);
            IOException refused = assertThrows(IOException.class, () -> pipe.left().recvBytes());
            assertTrue(refused.getMessage().contains("can receive no more"), refused.getMessage());
        } finally {
            new ProcessBuilder("kill", "-CONT", Long.toString(child.pid())).start().waitFor();
            pipe.left().close();
            child.join(Duration.ofSeconds(30));
        }
    }

    @Test
    void anEndCapturedByAChildThatNeverReadsItDoesNotKeepItsPeerFromEof() throws Exception {
        // A target that cannot be serialized after the end was written: start() fails, and the
        // slot the end reserved for the child must be given back.
        Pipe pipe = Pipe.open(false);
        Connection writer = pipe.right();
        Object notSerializable = new Object();
        assertThrows(dev.mp4j.serial.NotSerializableValueException.class,
                () -> new JvmProcess(() -> writer.send(String.valueOf(notSerializable))).start());
        pipe.right().close();
        assertThrows(EOFException.class, () -> pipe.left().recv(Duration.ofSeconds(10)));

        // A child killed while it starts, before it has read its target: its reserved slot is in
        // its name, and goes with it.
        Pipe second = Pipe.open(false);
        Connection w2 = second.right();
        JvmProcess child = new JvmProcess(() -> w2.send("from the child"));
        child.start();
        child.kill();
        child.join();
        second.right().close();
        try {
            Object got = second.left().recv(Duration.ofSeconds(10));
            assertEquals("from the child", got);   // it got that far after all
            assertThrows(EOFException.class, () -> second.left().recv(Duration.ofSeconds(10)));
        } catch (EOFException expected) {
            // killed before it sent: EOF straight away
        }
    }

    @Test
    void aReceiveWaitingItsTurnBehindOneThatMetAMessageOverItsMaxlengthIsRefused() throws Exception {
        // The first receive leaves the oversized payload unread; the one that waited for the
        // locks meanwhile must not read that payload as a new message.
        Pipe pipe = Pipe.open();
        Connection in = pipe.left();
        java.util.concurrent.CompletableFuture<Throwable> second = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CountDownLatch firstHasLock = new java.util.concurrent.CountDownLatch(1);
        Thread first = Thread.ofPlatform().name("first-reader").start(() -> {
            try {
                firstHasLock.countDown();
                in.recvBytes(8);
            } catch (Throwable expected) {
                // the message is longer than 8 bytes
            }
        });
        firstHasLock.await();
        assertTrue(dev.mp4j.testing.Threads.awaitAsleep("first-reader", Duration.ofSeconds(30)));
        Thread waiting = Thread.ofPlatform().name("second-reader").start(() -> {
            try {
                in.recvBytes();
                second.complete(null);
            } catch (Throwable t) {
                second.complete(t);
            }
        });
        assertTrue(dev.mp4j.testing.Threads.awaitAsleep("second-reader", Duration.ofSeconds(30)));
        pipe.right().sendBytes(new byte[100]);
        first.join(30_000);
        Throwable t = second.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(t instanceof IOException, "the waiting receive read on: " + t);
    }

    @Test
    void writingToAPipeWhoseReaderIsClosedIsABrokenPipe() {
        Pipe pipe = Pipe.open();
        pipe.right().close();
        IOException e = assertThrows(IOException.class, () -> pipe.left().send("nobody reads"));
        assertTrue(e.getMessage().contains("broken pipe"), e.getMessage());
    }

    @Test
    void pollAndRecvWithTimeoutWaitNoLongerThanAsked() throws Exception {
        Pipe pipe = Pipe.open();
        assertFalse(pipe.left().poll(Duration.ofMillis(50)));
        assertThrows(TimeoutException.class, () -> pipe.left().recv(Duration.ofMillis(50)));
        pipe.right().send("now");
        assertTrue(pipe.left().poll(Duration.ofMillis(50)));
        assertEquals("now", pipe.left().recv(Duration.ofMillis(50)));
    }

    @Test
    void waitReturnsTheReadyConnectionsAndFinishedProcesses() throws Exception {
        Pipe a = Pipe.open();
        Pipe b = Pipe.open();
        assertEquals(List.of(), Connections.wait(List.of(a.left(), b.left()), Duration.ofMillis(50)));
        b.right().send("b");
        assertEquals(List.of(b.left()), Connections.wait(List.of(a.left(), b.left()), Duration.ofSeconds(5)));
        JvmProcess p = new JvmProcess(() -> { });
        p.start();
        List<Object> ready = Connections.wait(List.of(a.left(), p.onExit()), Duration.ofSeconds(30));
        assertEquals(List.of(p.onExit()), ready);
    }

    @Test
    void waitTakesAWriteOnlyEndAsReadyOnlyOnceItsReaderIsGoneAndRefusesAClosedOne() throws Exception {
        Pipe oneWay = Pipe.open(false);
        Connection writeOnly = oneWay.right();
        assertEquals(List.of(), Connections.wait(List.of(writeOnly), Duration.ofMillis(50)), "nothing to read on a write-only end");
        oneWay.left().close();
        assertEquals(List.of(writeOnly), Connections.wait(List.of(writeOnly), Duration.ofSeconds(5)), "its reader is gone");
        writeOnly.close();
        assertThrows(IllegalStateException.class, () -> Connections.wait(List.of(writeOnly), Duration.ofMillis(10)));
    }

    @Test
    void severalProcessesSendingOnOneEndNeverInterleaveMessages() throws Exception {
        Pipe pipe = Pipe.open();
        Connection shared = pipe.right();
        List<JvmProcess> ps = new java.util.ArrayList<>();
        for (int c = 0; c < 4; c++) {
            int id = c;
            JvmProcess p = new JvmProcess(() -> {
                for (int i = 0; i < 2000; i++) {
                    shared.send(new int[] {id, i, id * 1_000_000 + i});
                }
            });
            p.start();
            ps.add(p);
        }
        int[] next = new int[4];
        for (int k = 0; k < 8000; k++) {
            int[] m = (int[]) pipe.left().recv();
            assertEquals(m[0] * 1_000_000 + m[1], m[2], "a torn message");
            assertEquals(next[m[0]]++, m[1], "out of order from sender " + m[0]);
        }
        ps.forEach(JvmProcess::join);
    }

    @Test
    void severalProcessesSendingMessagesLargerThanTheRingOnOneEndLoseNothing() throws Exception {
        // 300 KB messages, 4.8 MB in all through a 1 MiB ring: each sender finds the ring moved on
        // by the other since its own last message, by more than the ring holds.
        Pipe pipe = Pipe.open();
        Connection shared = pipe.right();
        List<JvmProcess> ps = new java.util.ArrayList<>();
        for (int c = 1; c <= 2; c++) {
            byte id = (byte) c;
            JvmProcess p = new JvmProcess(() -> {
                for (int i = 0; i < 8; i++) {
                    byte[] m = new byte[300_000];
                    java.util.Arrays.fill(m, id);
                    m[1] = (byte) i;
                    shared.sendBytes(m);
                }
            });
            p.start();
            ps.add(p);
        }
        int[] next = new int[3];
        for (int k = 0; k < 16; k++) {
            byte[] m = pipe.left().recvBytes();
            assertEquals(300_000, m.length);
            assertEquals(m[0], m[m.length - 1], "a torn message");
            assertEquals(next[m[0]]++, m[1], "out of order from sender " + m[0]);
        }
        for (JvmProcess p : ps) {
            p.join();
            assertEquals(0, p.exitCode());
        }
    }

    @Test
    void aNonSerializableObjectIsRefusedInTheSender() {
        Pipe pipe = Pipe.open();
        Object notSerializable = new Object();
        dev.mp4j.serial.NotSerializableValueException e = assertThrows(
                dev.mp4j.serial.NotSerializableValueException.class, () -> pipe.left().send(List.of(notSerializable)));
        assertEquals("java.lang.Object", e.offendingClass());
    }

    @Test
    void anEndNobodyClosedIsClosedOnceCollectedAndItsPeerSeesEof() throws Exception {
        // CPython closes a collected connection; an end left open here kept its peer from
        // seeing EOF, and its segment and mapping, until the process ended.
        Connection left = leftOfAPipeWhoseRightEndIsDropped();
        assertEquals("from the right", left.recv());
        assertTrue(dev.mp4j.testing.Await.until(() -> {
            System.gc();
            try {
                return left.poll(Duration.ZERO);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, Duration.ofSeconds(20)), "the collected end was never closed");
        assertThrows(EOFException.class, left::recv);
        String name = segmentOf(left);
        left.close();
        assertFalse(dev.mp4j.shm.SharedSegment.exists(name), "both ends are closed, the pipe's segment stays");
    }

    private static Connection leftOfAPipeWhoseRightEndIsDropped() throws IOException {
        Pipe pipe = Pipe.open();
        pipe.right().send("from the right");
        return pipe.left();
    }

    private static String segmentOf(Connection end) {
        String text = end.toString();
        return text.substring(text.indexOf("pipe ") + 5, text.indexOf(" end "));
    }

    @Test
    void pipesNobodyClosesLeaveNothingBehindOnceCollected() throws Exception {
        java.util.Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < 300; i++) {
            names.add(usedAndDropped(i));
        }
        assertTrue(dev.mp4j.testing.Await.until(() -> {
            System.gc();
            return names.stream().noneMatch(dev.mp4j.shm.SharedSegment::exists);
        }, Duration.ofSeconds(20)), () -> names.stream().filter(dev.mp4j.shm.SharedSegment::exists).count() + " of 300 left");
    }

    private static String usedAndDropped(int i) throws IOException {
        Pipe pipe = Pipe.open();
        pipe.left().send(i);
        assertEquals(i, pipe.right().recv());
        return segmentOf(pipe.left());
    }

    @Test
    void bytesTravelFromAndIntoSharedMemoryAsPythonsMemoryviewsDo() throws Exception {
        Pipe pipe = Pipe.open();
        try (dev.mp4j.shm.SharedMemory from = dev.mp4j.shm.SharedMemory.create(64);
                dev.mp4j.shm.SharedMemory into = dev.mp4j.shm.SharedMemory.create(16)) {
            for (int i = 0; i < 64; i++) {
                from.buf().set(java.lang.foreign.ValueLayout.JAVA_BYTE, i, (byte) i);
            }
            // conn.send_bytes(shm.buf[10:20]); other.recv_bytes_into(shm2.buf, 4)
            pipe.left().sendBytes(from.buf().asSlice(10, 10));
            assertEquals(10, pipe.right().recvBytesInto(into.buf(), 4));
            for (int i = 0; i < 10; i++) {
                assertEquals((byte) (10 + i), into.buf().get(java.lang.foreign.ValueLayout.JAVA_BYTE, 4 + i));
            }
            assertEquals(0, into.buf().get(java.lang.foreign.ValueLayout.JAVA_BYTE, 3), "nothing written before the offset");
            // Too long for what is left: nothing written, the whole message in the exception.
            pipe.left().sendBytes(from.buf().asSlice(0, 13));
            BufferTooShortException e = assertThrows(BufferTooShortException.class, () -> pipe.right().recvBytesInto(into.buf(), 4));
            assertEquals(13, e.message().length);
            assertEquals(10, into.buf().get(java.lang.foreign.ValueLayout.JAVA_BYTE, 4));
            assertThrows(IllegalArgumentException.class, () -> pipe.right().recvBytesInto(into.buf(), 17));
            assertThrows(IllegalArgumentException.class, () -> pipe.right().recvBytesInto(into.buf(), -1));
            // The timed forms: nothing there, nothing consumed; then a message within the time.
            assertThrows(TimeoutException.class, () -> pipe.right().recvBytesInto(into.buf(), 0, Duration.ofMillis(20)));
            pipe.left().sendBytes(from.buf().asSlice(60, 4), Duration.ofSeconds(10));
            assertEquals(4, pipe.right().recvBytesInto(into.buf(), 12, Duration.ofSeconds(10)));
            assertEquals(63, into.buf().get(java.lang.foreign.ValueLayout.JAVA_BYTE, 15));
            from.unlink();
            into.unlink();
        } finally {
            pipe.left().close();
            pipe.right().close();
        }
    }
}
