package dev.mp4j.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.Multiprocessing;
import dev.mp4j.connection.Client;
import dev.mp4j.connection.Connection;
import dev.mp4j.process.JvmProcess;
import dev.mp4j.queue.ProcessQueue;
import dev.mp4j.serial.NotSerializableValueException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a manager does with bad input, dead clients and a dead server: refuse, log, keep serving, lose nothing. */
@Timeout(90)
class ManagerRobustnessTest {
    private static final byte[] KEY = "robustness-key".getBytes(StandardCharsets.US_ASCII);

    /** A user interface served by a BaseManager, to show registration with one's own types. */
    public interface Counter {
        int increment();

        int value();
    }

    static final class CounterImpl implements Counter {
        private int n;

        @Override
        public synchronized int increment() {
            return ++n;
        }

        @Override
        public synchronized int value() {
            return n;
        }
    }

    private static BaseManager tcpManager() {
        BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        return new BaseManager(new InetSocketAddress("127.0.0.1", 0), KEY)
                .register("get_queue", BlockingQueue.class, args -> queue)
                .register("Counter", Counter.class, args -> new CounterImpl())
                .start();
    }

    private static BaseManager client(BaseManager server, byte[] key) {
        return new BaseManager(server.address(), key)
                .register("get_queue", BlockingQueue.class)
                .register("Counter", Counter.class)
                .connect();
    }

    @Test
    void aTimedConnectGivesUpOnAServerThatAcceptsButNeverAnswersAndReachesALiveOne() throws Exception {
        // The kernel completes the TCP handshake for a listening socket nobody accepts on, so
        // the client waits for a challenge that never comes: without a limit, for the 20 s
        // handshake limit (an untimed connect) or, past the handshake, for ever.
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            BaseManager client = new BaseManager(new InetSocketAddress("127.0.0.1", silent.getLocalPort()), KEY)
                    .register("get_queue", BlockingQueue.class);
            long start = System.nanoTime();
            ManagerException e = assertThrows(ManagerException.class, () -> client.connect(java.time.Duration.ofMillis(300)));
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(tookMillis < 15_000, "the timed connect took " + tookMillis + " ms");
            assertTrue(e.getMessage().contains("within"), e.getMessage());
            assertFalse(e.getMessage().contains("authkey the server's"), "a timeout was blamed on the key: " + e.getMessage());
        }
        try (BaseManager server = tcpManager()) {
            BaseManager client = new BaseManager(server.address(), KEY).register("get_queue", BlockingQueue.class)
                    .connect(java.time.Duration.ofSeconds(20));
            BlockingQueue<Object> q = client.create("get_queue");
            q.put("reached");
            assertEquals("reached", q.poll(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aRegisteredPlainQueueLosesNoItemToAClientKilledOrInterruptedWhileItWaits() throws Exception {
        // The factory's own LinkedBlockingQueue: its take() would wait in the server's thread
        // for the next item and take it for a caller who is no longer there.
        try (BaseManager server = tcpManager()) {
            java.net.SocketAddress address = server.address();
            JvmProcess taker = new JvmProcess(() -> {
                BlockingQueue<Object> q = new BaseManager(address, KEY).register("get_queue", BlockingQueue.class)
                        .connect().create("get_queue");
                Thread t = Thread.ofPlatform().name("child-taker").start(() -> {
                    try {
                        System.out.println("taken: " + q.take());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                t.join();
            });
            taker.start();
            BlockingQueue<Object> q = client(server, KEY).create("get_queue");
            assertTrue(dev.mp4j.testing.Threads.awaitSettledAsleep(taker.pid(), "child-taker", Duration.ofSeconds(60)),
                    "the child never waited");
            taker.kill();
            taker.join();
            q.put("after the kill");
            assertEquals("after the kill", q.poll(10, TimeUnit.SECONDS), "the item went to the dead client");
            // An interrupted take on the same kind of queue is withdrawn, not left to take the next item.
            Thread[] waiter = new Thread[1];
            java.util.concurrent.CompletableFuture<Object> outcome = new java.util.concurrent.CompletableFuture<>();
            Thread.ofPlatform().name("plain-taker").start(() -> {
                waiter[0] = Thread.currentThread();
                try {
                    outcome.complete(q.take());
                } catch (Throwable t) {
                    outcome.complete(t);
                }
            });
            assertTrue(dev.mp4j.testing.Threads.awaitAsleep("plain-taker", Duration.ofSeconds(30)));
            waiter[0].interrupt();
            Object got = outcome.get(30, TimeUnit.SECONDS);
            assertTrue(got instanceof InterruptedException && ((Throwable) got).getMessage().contains("withdrawn"), String.valueOf(got));
            q.put("after the interrupt");
            assertEquals("after the interrupt", q.poll(10, TimeUnit.SECONDS));
        }
    }

    /** A registered queue of a class of its own, whose take() does more than wait. */
    static final class CountingQueue extends LinkedBlockingQueue<Object> {
        private static final long serialVersionUID = 1L;
        final java.util.concurrent.atomic.AtomicInteger takes = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public Object take() throws InterruptedException {
            takes.incrementAndGet();
            return super.take();
        }
    }

    @Test
    void aRegisteredQueueWhoseClassOverridesItsWaitsIsCalledAsItIs() throws Exception {
        CountingQueue counting = new CountingQueue();
        try (BaseManager m = new BaseManager().register("get_queue", BlockingQueue.class, args -> counting)) {
            m.server();
            BlockingQueue<Object> q = m.create("get_queue");
            q.put("x");
            assertEquals("x", q.take());
            assertEquals(1, counting.takes.get(), "the queue's own take() was passed over");
        }
    }

    @Test
    void aWrongAuthkeyIsRefusedAndTheServerKeepsServing() throws Exception {
        try (BaseManager server = tcpManager()) {
            ManagerException e = assertThrows(ManagerException.class, () -> client(server, "wrong".getBytes()));
            assertTrue(e.getMessage().contains("authentication"), e.getMessage());
            BlockingQueue<Object> q = client(server, KEY).create("get_queue");
            q.put("still serving");
            assertEquals("still serving", q.poll(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void garbageAnOversizedFrameAndAHalfOpenConnectionDoNotStopTheServer() throws Exception {
        try (BaseManager server = tcpManager()) {
            InetSocketAddress address = (InetSocketAddress) server.address();
            // A peer that connects and says nothing: the others are served meanwhile.
            try (Socket halfOpen = new Socket(address.getAddress(), address.getPort());
                 Socket garbage = new Socket(address.getAddress(), address.getPort())) {
                OutputStream out = garbage.getOutputStream();
                InputStream in = garbage.getInputStream();
                in.readNBytes(4 + 11 + 8 + 40);               // the server's challenge
                out.write(new byte[] {0, 0, 0, 5, 1, 2, 3, 4, 5}); // a wrong answer
                out.flush();
                // The server says #FAILURE# and closes: reading runs into the end of the stream.
                byte[] rest = in.readAllBytes();
                assertTrue(new String(rest, StandardCharsets.ISO_8859_1).contains("#FAILURE#"));

                // An authenticated peer sending bytes that are not a request gets an error and can go on.
                try (Connection conn = Client.connect(address, KEY)) {
                    conn.sendBytes(new byte[] {99, 1, 2, 3});
                    byte[] reply = conn.recvBytes();
                    assertEquals(Wire.TRACEBACK, reply[0]);
                    conn.sendBytes(new byte[] {Wire.CALL, 0, 0});
                    assertEquals(Wire.TRACEBACK, conn.recvBytes()[0]);
                    conn.sendBytes(new byte[] {Wire.DUMMY});
                    assertEquals(Wire.RETURN, conn.recvBytes()[0]);
                }
                // An empty message is not a request either.
                try (Connection conn = Client.connect(address, KEY)) {
                    conn.sendBytes(new byte[0]);
                    assertEquals(Wire.TRACEBACK, conn.recvBytes()[0]);
                }
                Counter counter = client(server, KEY).create("Counter");
                assertEquals(1, counter.increment());
                assertEquals(1, counter.value());
                assertTrue(!halfOpen.isClosed());
            }
        }
    }

    @Test
    void aFrameAnnouncingATerabyteIsRefusedAndTheServerKeepsServing() throws Exception {
        try (BaseManager server = tcpManager()) {
            InetSocketAddress address = (InetSocketAddress) server.address();
            try (Socket big = new Socket(address.getAddress(), address.getPort())) {
                big.setSoTimeout(30_000);
                authenticateRaw(big);
                OutputStream bout = big.getOutputStream();
                bout.write(new byte[] {-1, -1, -1, -1, 0, 0, 1, 0, 0, 0, 0, 0});
                bout.flush();
                assertEquals(-1, big.getInputStream().read(), "the server drops a peer announcing an oversized frame");
            }
            Counter counter = client(server, KEY).create("Counter");
            assertEquals(1, counter.increment());
        }
    }

    /** CPython's handshake done by hand over a raw socket, to then send raw frames. */
    private static void authenticateRaw(Socket socket) throws Exception {
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        byte[] challenge = readFrame(in);
        byte[] message = java.util.Arrays.copyOfRange(challenge, "#CHALLENGE#".length(), challenge.length);
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(KEY, "HmacSHA256"));
        byte[] digest = mac.doFinal(message);
        byte[] prefix = "{sha256}".getBytes(StandardCharsets.US_ASCII);
        byte[] answer = new byte[prefix.length + digest.length];
        System.arraycopy(prefix, 0, answer, 0, prefix.length);
        System.arraycopy(digest, 0, answer, prefix.length, digest.length);
        writeFrame(out, answer);
        assertEquals("#WELCOME#", new String(readFrame(in), StandardCharsets.US_ASCII));
        // Now the other direction: we challenge, the server answers, we welcome it.
        byte[] ours = "#CHALLENGE#{sha256}0123456789012345678901234567890123456789".getBytes(StandardCharsets.US_ASCII);
        writeFrame(out, ours);
        readFrame(in);
        writeFrame(out, "#WELCOME#".getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] readFrame(InputStream in) throws Exception {
        byte[] head = in.readNBytes(4);
        int n = ((head[0] & 0xFF) << 24) | ((head[1] & 0xFF) << 16) | ((head[2] & 0xFF) << 8) | (head[3] & 0xFF);
        return in.readNBytes(n);
    }

    private static void writeFrame(OutputStream out, byte[] payload) throws Exception {
        int n = payload.length;
        out.write(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
        out.write(payload);
        out.flush();
    }

    @Test
    void aValueTheServerWouldNotReadIsRefusedAndTheServerKeepsServing() {
        try (SyncManager manager = Multiprocessing.manager()) {
            ManagedMap<String, Object> d = manager.dict();
            // A class outside the allow-list: refused in the caller, before it is sent.
            var early = assertThrows(dev.mp4j.serial.NotSerializableValueException.class,
                    () -> d.put("k", new java.text.SimpleDateFormat()));
            assertEquals("java.text.SimpleDateFormat", early.offendingClass());
            // One the server fails to read: refused there, with the server serving on.
            ManagerException e = assertThrows(ManagerException.class, () -> d.put("k", new Unreadable()));
            assertTrue(e.getMessage().contains("refused"), e.getMessage());
            d.put("k", 1);
            assertEquals(1, d.get("k"));
        }
    }


    @Test
    void aCallTooLargeForTheServersHeapFailsAloneAndTheClientKeepsItsObjects() throws Exception {
        // Before, the server's session ended on the OutOfMemoryError: the caller lost its
        // connection, and with it every object only that session held.
        dev.mp4j.Context small = Multiprocessing.getContext("spawn")
                .withJvmOptions(dev.mp4j.process.JvmOptions.defaults().maxHeap("32m"));
        try (SyncManager manager = small.manager()) {
            ManagedList<Integer> kept = manager.list();
            kept.add(1);
            ManagedMap<String, Object> d = manager.dict();
            ManagedQueue<Integer> q = manager.queue();
            // On a thread of its own, whose channel then waits in take(): the server counts the
            // refused call as its caller did, so the CANCEL an interrupt sends names the take
            // (counted one short, the server took it for a stale one and the take waited on).
            java.util.concurrent.CompletableFuture<Throwable> refused = new java.util.concurrent.CompletableFuture<>();
            java.util.concurrent.CompletableFuture<Throwable> taken = new java.util.concurrent.CompletableFuture<>();
            Thread caller = Thread.ofPlatform().name("too-large-caller").start(() -> {
                try {
                    d.put("big", new byte[64 << 20]);
                    refused.complete(null);
                } catch (Throwable t) {
                    refused.complete(t);
                }
                try {
                    taken.complete(new AssertionError("took " + q.take()));
                } catch (Throwable t) {
                    taken.complete(t);
                }
            });
            Throwable e = refused.get(60, TimeUnit.SECONDS);
            assertTrue(e instanceof ManagerException && e.getMessage().contains("could not receive the call"), String.valueOf(e));
            assertTrue(dev.mp4j.testing.Await.until(() -> java.util.Arrays.stream(caller.getStackTrace())
                    .anyMatch(f -> f.getMethodName().equals("replyOrCancel")), Duration.ofSeconds(30)), "the take never waited");
            caller.interrupt();
            assertTrue(taken.get(30, TimeUnit.SECONDS) instanceof InterruptedException, String.valueOf(taken.getNow(null)));
            d.put("k", 1);
            assertEquals(1, d.get("k"));
            assertEquals(List.of(1), List.copyOf(kept));
        }
    }

    @Test
    void anAnswerTooLargeForTheCallersHeapFailsAloneAndTheCallerKeepsItsObjects() throws Exception {
        // Before, the caller closed its channel on the OutOfMemoryError: its only connection, so
        // the server ended its session and let go of every object the process held.
        dev.mp4j.testing.JavaRunner.Result r = dev.mp4j.testing.JavaRunner.run(Duration.ofSeconds(80),
                List.of("-Xmx64m"), AnswerTooLargeForTheCaller.class);
        assertTrue(r.stdout().contains("get: ManagerException: the manager's answer is too large"), r.toString());
        assertTrue(r.stdout().contains("list still [1], dict size 1"), r.toString());
        assertEquals(0, r.exitCode(), r.toString());
    }

    /** Run with a 64 MiB heap: a child stores 100 MiB in a dict, and this process asks for it. */
    static final class AnswerTooLargeForTheCaller {
        public static void main(String[] args) throws Exception {
            try (SyncManager manager = Multiprocessing.manager()) {
                ManagedList<Integer> kept = manager.list();
                kept.add(1);
                ManagedMap<String, Object> d = manager.dict();
                JvmProcess child = new JvmProcess(() -> d.put("blob", new byte[100 << 20]));
                child.start();
                child.join();
                try {
                    Object blob = d.get("blob");
                    System.out.println("get: returned " + blob);
                } catch (ManagerException e) {
                    System.out.println("get: ManagerException: " + e.getMessage());
                } catch (OutOfMemoryError e) {
                    System.out.println("get: OutOfMemoryError: " + e.getMessage());
                }
                try {
                    System.out.println("list still " + List.copyOf(kept) + ", dict size " + d.size());
                } catch (RuntimeException e) {
                    System.out.println("after: " + e);
                }
            }
        }
    }

    @Test
    void threadsThatEndRightAfterAPutThatDoesNotWaitLeaveNoConnectionBehind() throws Exception {
        // A thread's last call a put on an unbounded queue (sent without waiting for its
        // confirmation): before, the sweep of ended threads' channels skipped such a channel for
        // good, so every such thread left a connection (and a server thread, and a pipe) behind.
        try (SyncManager manager = Multiprocessing.manager()) {
            ManagedQueue<Integer> q = manager.queue();
            q.size();
            long before = openSockets();
            for (int i = 0; i < 20; i++) {
                int n = i;
                Thread t = Thread.ofPlatform().start(() -> {
                    try {
                        q.put(n);
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                });
                t.join();
            }
            Thread last = Thread.ofPlatform().start(q::size);
            last.join();
            assertEquals(20, q.size());
            long after = openSockets();
            assertTrue(after - before <= 4, "sockets before " + before + ", after " + after);
        }
    }

    private static long openSockets() throws java.io.IOException {
        try (var fds = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return java.nio.file.Files.readSymbolicLink(fd).toString().startsWith("socket:");
                } catch (java.io.IOException gone) {
                    return false;
                }
            }).count();
        }
    }

    @Test
    void manyRefusedPutsInFlightNeitherDeadlockNorGoUnreported() throws Exception {
        try (BaseManager server = new BaseManager(0, KEY)
                .register("heap", BlockingQueue.class, args -> new java.util.concurrent.PriorityBlockingQueue<>())
                .start()) {
            BlockingQueue<Object> heap = server.create("heap");
            int refused = 0;
            for (int i = 0; i < 300; i++) {
                try {
                    heap.put(new byte[4096]);   // not Comparable: the server's queue refuses every one
                } catch (ManagerException e) {
                    assertTrue(e.getMessage().contains("ClassCastException"), e.getMessage());
                    refused++;
                }
            }
            assertTrue(refused > 0, "refusals are reported");
            assertEquals(0, heap.size());
        }
    }

    @Test
    void aSyncManagerServesOverTcpToAConnectedManagerInAnotherProcess() throws Exception {
        try (SyncManager server = new SyncManager(new InetSocketAddress("127.0.0.1", 0), KEY).start()) {
            java.net.SocketAddress address = server.address();
            ManagedMap<String, Integer> shared = server.dict();
            shared.put("start", 1);
            JvmProcess remote = new JvmProcess(() -> {
                SyncManager client = new SyncManager(address, KEY);
                client.connect();
                Namespace ns = client.namespace(java.util.Map.of("x", 1));
                ns.set("y", 2);
                ManagedArray<Long> longs = client.array(new long[] {1, 2});
                longs.set(1, 20L);
                shared.merge("start", (Integer) ns.get("y") + longs.get(1).intValue(), Integer::sum);
            });
            remote.start();
            remote.join();
            assertEquals(0, remote.exitCode());
            assertEquals(23, shared.get("start"));
        }
    }

    @Test
    void aValueThatCannotBeSerializedIsRefusedInTheCaller() {
        try (SyncManager manager = Multiprocessing.manager()) {
            ManagedList<Object> list = manager.list();
            NotSerializableValueException e = assertThrows(NotSerializableValueException.class, () -> list.add(new Object()));
            assertTrue(e.getMessage().contains("java.lang.Object"), e.getMessage());
            assertEquals(0, list.size());
        }
    }

    @Test
    void aClientKilledWhileBlockedInGetTakesNoItemWithIt() throws Exception {
        try (SyncManager manager = Multiprocessing.manager()) {
            ManagedQueue<String> q = manager.queue();
            ManagedEvent waiting = manager.event();
            JvmProcess taker = new JvmProcess(() -> {
                waiting.set();
                q.get();
            });
            taker.start();
            assertTrue(waiting.await(Duration.ofSeconds(30)));
            taker.kill();
            taker.join();
            // Whether the dead taker's get is still waiting in the server or not, the item is
            // handed to the next live caller: one taken for a gone caller goes back first in line.
            q.put("precious");
            assertEquals("precious", q.get(true, Duration.ofSeconds(10)));
        }
    }

    @Test
    void aReentrantLockHeldByAProcessThatDiesIsReleased() throws Exception {
        try (SyncManager manager = Multiprocessing.manager()) {
            ManagedLock rlock = manager.rLock();
            JvmProcess holder = new JvmProcess(() -> {
                rlock.acquire();
                Runtime.getRuntime().halt(3);
            });
            holder.start();
            holder.join();
            assertEquals(3, holder.exitCode());
            assertTrue(rlock.acquire(true, Duration.ofSeconds(20)), "the dead holder's lock should be released");
            rlock.release();
        }
    }

    @Test
    void shutdownReachesTheServerThroughItsControlPipeEvenWhenItsSocketIsGone() throws Exception {
        // A /tmp cleaner may remove the socket of a long-running program's manager: nobody can
        // connect any more, but the process that started the server can still stop it cleanly.
        SyncManager manager = Multiprocessing.manager();
        manager.list().add(1);
        java.nio.file.Path socket = ((java.net.UnixDomainSocketAddress) manager.address()).getPath();
        java.nio.file.Files.delete(socket);
        JvmProcess server = manager.process();
        manager.shutdown();
        assertEquals(0, server.exitCode(), "a clean exit, not a terminate after the timeout");
        assertTrue(!java.nio.file.Files.exists(socket.getParent()), "socket directory removed");
    }

    @Test
    void aLocalServerWithRegisteredTypesStopsCleanlyWhenShutDown() {
        // Such a server travels as an object, not in the quick form: it must get the control
        // pipe too, or shutdown waits out its timeout and terminates the server.
        BaseManager manager = new BaseManager()
                .register("Counter", Counter.class, args -> new CounterImpl())
                .withShutdownTimeout(Duration.ofSeconds(20))
                .start();
        Counter counter = manager.create("Counter");
        assertEquals(1, counter.increment());
        JvmProcess server = manager.process();
        manager.shutdown();
        assertEquals(0, server.exitCode(), "a clean exit, not a terminate after the timeout");
    }

    @Test
    void aServerStartedAtAnAddressIsStoppedThroughItsReadyPipe() throws Exception {
        BaseManager manager = tcpManager();
        InetSocketAddress address = (InetSocketAddress) manager.address();
        BaseManager other = client(manager, KEY);
        Counter counter = other.create("Counter");
        assertEquals(1, counter.increment());
        JvmProcess server = manager.process();
        manager.shutdown();
        assertEquals(0, server.exitCode());
        assertThrows(java.io.IOException.class, () -> new Socket(address.getAddress(), address.getPort()).close());
    }

    @Test
    void callsFailPromptlyOnceTheServerIsGoneAndTheManagerCannotRestart() {
        SyncManager manager = Multiprocessing.manager();
        ManagedList<Integer> list = manager.list();
        list.add(1);
        manager.process().kill();
        manager.process().join();
        assertThrows(ManagerException.class, () -> list.add(2));
        manager.shutdown();
        assertThrows(ManagerException.class, list::size);
        assertThrows(IllegalStateException.class, manager::start);
        assertThrows(IllegalStateException.class, manager::list);
    }

    @Test
    void proxiesTravelThroughAProcessQueueToAChild() throws Exception {
        try (BaseManager server = tcpManager()) {
            Counter counter = server.create("Counter");
            ProcessQueue<Object> handoff = ProcessQueue.create();
            handoff.put(counter);
            JvmProcess p = new JvmProcess(() -> {
                Counter c = (Counter) handoff.take();
                for (int i = 0; i < 10; i++) {
                    c.increment();
                }
            });
            p.start();
            p.join();
            assertEquals(0, p.exitCode());
            assertEquals(10, counter.value());
            List<Object> none = List.of();
            assertThrows(ManagerException.class, () -> server.create("no-such-type", none.toArray()));
        }
    }

    @Test
    void aClientExitsEvenWhenItsManagerStoppedAnsweringPutsItSentWithoutWaiting() throws Exception {
        // The exit hook collects the confirmations of puts sent without waiting; a stopped
        // manager never sends them, and the client's JVM used to wait for them for ever.
        try (SyncManager m = Multiprocessing.manager()) {
            ManagedQueue<Integer> q = m.queue();
            long server = m.process().pid();
            dev.mp4j.connection.Pipe steps = dev.mp4j.connection.Pipe.open();
            Connection child = steps.right();
            JvmProcess client = new JvmProcess(() -> {
                q.put(1);
                q.size();                      // every put confirmed so far
                child.send("ready");
                child.recv();                  // the manager is stopped now
                q.put(2);                      // sent, not confirmed
            });
            client.start();
            assertEquals("ready", steps.left().recv());
            signal("STOP", server);
            try {
                steps.left().send("go");
                assertTrue(client.join(Duration.ofSeconds(60)), "the client's exit waited for a stopped manager");
                assertEquals(0, client.exitCode());
            } finally {
                signal("CONT", server);
            }
        }
    }

    @Test
    void aLockIsNotHeldWhileItsTakerWaitsForAStoppedManagerToConfirmAPut() throws Exception {
        // A put on an unbounded managed queue is sent without waiting; it is confirmed before
        // the thread's next hand-off to another process. That used to be the lock's release
        // only: a manager stopped meanwhile kept the releasing thread, holding the lock, waiting
        // for ever, and every other taker with it. It is confirmed before the lock is taken now,
        // where CPython's put itself would have waited.
        dev.mp4j.sync.ProcessLock lock = dev.mp4j.sync.ProcessLock.create();
        try (SyncManager m = Multiprocessing.manager()) {
            ManagedQueue<Integer> q = m.queue();
            long pid = m.process().pid();
            java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch put = new java.util.concurrent.CountDownLatch(1);
            Thread putter = Thread.ofPlatform().name("lock-putter").start(() -> {
                try {
                    q.put(0);           // this thread's channel is open, the queue known unbounded
                    q.size();           // and the put confirmed
                    ready.countDown();
                    go.await();
                    q.put(1);           // sent; its confirmation cannot come
                } catch (InterruptedException e) {
                    return;
                }
                put.countDown();
                lock.lock();
                lock.unlock();
            });
            assertTrue(ready.await(30, TimeUnit.SECONDS));
            signal("STOP", pid);
            Thread deadMan = resumeAfter(pid, Duration.ofSeconds(20));
            try {
                go.countDown();
                assertTrue(put.await(30, TimeUnit.SECONDS), "the put waited for the stopped manager");
                // Waiting for the put's confirmation: in lock(), or (the code before) in unlock().
                // Seen on the thread's stack (its sleep wakes each slice to look at the manager,
                // so a look at its state alone could miss it before the dead-man switch fires).
                assertTrue(dev.mp4j.testing.Await.until(() -> java.util.Arrays.stream(putter.getStackTrace())
                        .anyMatch(f -> f.getMethodName().equals("settleOwedPuts")), Duration.ofSeconds(15)),
                        "the putter never waited for the put's confirmation");
                boolean took = lock.tryLock(2, TimeUnit.SECONDS);
                assertTrue(took, "the lock stayed held by a thread waiting for the stopped manager");
                lock.unlock();
            } finally {
                signal("CONT", pid);
                deadMan.interrupt();
            }
            putter.join(30_000);
            assertEquals(2, q.size());
        }
    }

    /**
     * A dead-man switch for a test that stops a process with SIGSTOP: resumes it after
     * {@code after} whatever happens, so that a call waiting for it (the bug the test looks for)
     * ends and the test fails instead of hanging (JUnit's timeout cannot end a wait that ignores
     * interrupts). Interrupted once the test has resumed the process itself, so that it does not
     * signal a later process that got the same pid.
     */
    private static Thread resumeAfter(long pid, Duration after) {
        return Thread.ofPlatform().daemon().start(() -> {
            try {
                Thread.sleep(after);
                new ProcessBuilder("kill", "-CONT", Long.toString(pid)).start().waitFor();
            } catch (InterruptedException cancelled) {
                // resumed by the test
            } catch (Exception ignored) {
                // the test's finally resumes it too
            }
        });
    }

    private static void signal(String name, long pid) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + name, Long.toString(pid)).start().waitFor());
    }

    @Test
    void anArgumentClaimingAHugeArrayFailsThatCallOnlyAndTheClientKeepsItsObjects() throws Exception {
        // A few bytes that declare a long[] of 2^31 - 16 elements: the server must refuse them
        // before allocating, answer with an error, and keep the session (and the dict) alive.
        try (SyncManager m = new SyncManager(new InetSocketAddress("127.0.0.1", 0), KEY).start()) {
            try (Connection c = Client.connect(m.address(), KEY)) {
                c.sendBytes(new Wire.Out(17).put(Wire.HELLO).putLong(ProcessHandle.current().pid() + 1_000_000).putLong(0x5eed).toArray());
                assertEquals(Wire.RETURN, c.recvBytes()[0]);
                c.sendBytes(new Wire.Out(16).put(Wire.CREATE).putString("dict").put((byte) 0).toArray());
                Wire.In created = new Wire.In(c.recvBytes());
                assertEquals(Wire.PROXY, created.get());
                long id = created.getLong();
                byte[] arg = dev.mp4j.serial.SafeSerializer.javaSerialize(new long[1]);
                // the array's length is the last int before its one element
                int at = arg.length - 8 - 4;
                java.nio.ByteBuffer.wrap(arg).putInt(at, 0x7FFFFFF0);
                Call put = Call.of(java.util.Map.class, "put", Object.class, Object.class);
                byte[] key = dev.mp4j.serial.SafeSerializer.javaSerialize("k");
                c.sendBytes(new Wire.Out(64 + arg.length).put(Wire.CALL).putLong(id).putRaw(put.signatureBytes())
                        .put((byte) 2).putBlock(key).putBlock(arg).toArray());
                byte[] reply = c.recvBytes();
                assertEquals(Wire.TRACEBACK, reply[0], "the call fails with an error answer");
                // The session goes on: the dict is still there for this client.
                Call size = Call.of(java.util.Map.class, "size");
                c.sendBytes(new Wire.Out(64).put(Wire.CALL).putLong(id).putRaw(size.signatureBytes()).put((byte) 0).toArray());
                byte[] sized = c.recvBytes();
                assertEquals(Wire.RETURN, sized[0], "the session and its dict survived");
            }
        }
    }

    @Test
    void aClientThatSendsPartOfAFrameWhileItWaitsIsCutOffAndHoldsNobodyElseUp() throws Exception {
        // A call waiting on an event looks at its socket for a withdrawal, holding the event's
        // monitor: a client that sends the start of a frame there and stops must not keep it.
        try (SyncManager m = new SyncManager(new InetSocketAddress("127.0.0.1", 0), KEY).start();
             Connection other = Client.connect(m.address(), KEY);
             Socket raw = new Socket(((InetSocketAddress) m.address()).getAddress(), ((InetSocketAddress) m.address()).getPort())) {
            other.sendBytes(new Wire.Out(17).put(Wire.HELLO).putLong(ProcessHandle.current().pid() + 2_000_000).putLong(0x5eee).toArray());
            assertEquals(Wire.RETURN, other.recvBytes()[0]);
            other.sendBytes(new Wire.Out(16).put(Wire.CREATE).putString("Event").put((byte) 0).toArray());
            Wire.In created = new Wire.In(other.recvBytes());
            assertEquals(Wire.PROXY, created.get());
            long id = created.getLong();

            raw.setSoTimeout(30_000);
            authenticateRaw(raw);
            InputStream in = raw.getInputStream();
            OutputStream out = raw.getOutputStream();
            writeFrame(out, new Wire.Out(17).put(Wire.HELLO).putLong(ProcessHandle.current().pid() + 1_000_000).putLong(0x5eed).toArray());
            assertEquals(Wire.RETURN, readFrame(in)[0]);
            Call await = Call.of(ManagedEvent.class, "await");
            writeFrame(out, new Wire.Out(64).put(Wire.CALL).putLong(id).putRaw(await.signatureBytes()).put((byte) 0).toArray());
            // The header of a 9-byte frame and its first byte, then nothing.
            out.write(new byte[] {0, 0, 0, 9, Wire.CANCEL});
            out.flush();
            // Cut off (no answer, the end of the stream), rather than waited for while it holds the event.
            assertEquals(-1, in.read());

            Call set = Call.of(ManagedEvent.class, "set");
            other.sendBytes(new Wire.Out(64).put(Wire.CALL).putLong(id).putRaw(set.signatureBytes()).put((byte) 0).toArray());
            assertEquals(Wire.RETURN, other.recvBytes(1 << 20, Duration.ofSeconds(20))[0]);
        }
    }

    @Test
    void aClientWhosePidIsTheServersStillHasItsReferencesDroppedWhenItGoes() throws Exception {
        // In containers every JVM may be pid 1: a remote client's pid can equal the server's.
        try (SyncManager m = new SyncManager(new InetSocketAddress("127.0.0.1", 0), KEY).start()) {
            long serverPid = m.process().pid();
            int before = m.numberOfObjects();
            try (Connection c = Client.connect(m.address(), KEY)) {
                c.sendBytes(new Wire.Out(17).put(Wire.HELLO).putLong(serverPid).putLong(0x5eed).toArray());
                assertEquals(Wire.RETURN, c.recvBytes()[0]);
                c.sendBytes(new Wire.Out(16).put(Wire.CREATE).putString("dict").put((byte) 0).toArray());
                assertEquals(Wire.PROXY, c.recvBytes()[0]);
                assertEquals(before + 1, m.numberOfObjects());
            }
            assertTrue(dev.mp4j.testing.Await.until(() -> m.numberOfObjects() == before, Duration.ofSeconds(10)),
                    "the gone client's dict is still held: " + m.numberOfObjects() + " objects");
        }
    }

    @Test
    void aTimedCallToAManagerThatStoppedAnsweringFailsInsteadOfWaitingForEver() throws Exception {
        try (SyncManager m = Multiprocessing.manager()) {
            BlockingQueue<Integer> q = m.queue();
            q.put(1);
            assertEquals(1, q.take());
            long pid = m.process().pid();
            assertEquals(0, new ProcessBuilder("kill", "-STOP", Long.toString(pid)).start().waitFor());
            // Whatever happens here, the server runs again in 20 s: a call that waits for it (the
            // code before) then gets its answer and the test fails, instead of hanging with it.
            Thread deadMan = resumeAfter(pid, Duration.ofSeconds(20));
            try {
                // The wait is bounded in the server, which no longer runs: before, this hung.
                ManagerException e = assertThrows(ManagerException.class, () -> q.poll(200, TimeUnit.MILLISECONDS));
                assertTrue(e.getMessage().contains("overdue"), e.getMessage());
            } finally {
                assertEquals(0, new ProcessBuilder("kill", "-CONT", Long.toString(pid)).start().waitFor());
                deadMan.interrupt();
            }
            // Running again: this thread's next call opens a new channel.
            q.put(2);
            assertEquals(2, q.poll(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void aThreadsFirstTimedCallToAManagerThatStoppedAnsweringFailsWithinItsWaitAndTheLateAnswersGrace() throws Exception {
        // A thread's first call opens its own channel: connecting, proving the key and the
        // greeting all wait for the server. A timed call gives up on them as it gives up on a
        // late answer (its wait, a second overdue, five seconds for a new connection), not
        // after the key handshake's own 20 s, and the greeting after it had no limit at all.
        try (SyncManager m = Multiprocessing.manager()) {
            BlockingQueue<Integer> q = m.queue();
            q.put(1);
            long pid = m.process().pid();
            signal("STOP", pid);
            // Whatever happens here, the server runs again in 40 s: a call that waited for it
            // then takes the item, and the test fails instead of hanging.
            Thread deadMan = resumeAfter(pid, Duration.ofSeconds(40));
            try {
                java.util.concurrent.CompletableFuture<Object> outcome = new java.util.concurrent.CompletableFuture<>();
                long start = System.nanoTime();
                Thread.ofPlatform().start(() -> {
                    try {
                        outcome.complete(q.poll(200, TimeUnit.MILLISECONDS));
                    } catch (Throwable t) {
                        outcome.complete(t);
                    }
                });
                Object got = outcome.get(60, TimeUnit.SECONDS);
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                assertTrue(got instanceof ManagerException, "a stopped manager's queue gave " + got);
                // 6.2 s expected; the handshake's own limit, the code before, is 20 s.
                assertTrue(took.compareTo(Duration.ofSeconds(15)) < 0, "gave up after " + took);
            } finally {
                signal("CONT", pid);
                deadMan.interrupt();
            }
            // The call was never sent: the item is still there.
            assertEquals(1, q.poll(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void aTimedCallWhoseAnswerIsLateButWhoseManagerAnswersWaitsForIt() throws Exception {
        // A barrier's action runs in the server under the barrier's lock: a party's timed wait
        // is answered when the action ends, after its own timeout and the second more that makes
        // it overdue. The manager still answers other connections, so the call waits for its
        // answer instead of failing.
        try (SyncManager m = Multiprocessing.manager()) {
            ManagedBarrier barrier = m.barrier(2, () -> Thread.sleep(4000));
            java.util.concurrent.CompletableFuture<Integer> timed = new java.util.concurrent.CompletableFuture<>();
            Thread first = Thread.ofPlatform().start(() -> {
                try {
                    timed.complete(barrier.await(Duration.ofSeconds(2)));
                } catch (Throwable t) {
                    timed.completeExceptionally(t);
                }
            });
            assertTrue(dev.mp4j.testing.Await.until(() -> barrier.numberWaiting() == 1, Duration.ofSeconds(30)));
            assertEquals(1, barrier.await());   // runs the action, 4 s
            assertEquals(0, timed.get(30, TimeUnit.SECONDS));
            first.join();
        }
    }

    @Test
    void aCallsTimeoutIsItsDeclaredTimeoutParameterNotAnItemThatLooksLikeOne() throws Exception {
        java.lang.reflect.Method offer = BlockingQueue.class.getMethod("offer", Object.class, long.class, TimeUnit.class);
        assertEquals(TimeUnit.SECONDS.toNanos(2), Endpoint.timedWait(offer, new Object[] {5L, 2L, TimeUnit.SECONDS}));
        java.lang.reflect.Method put = ManagedQueue.class.getMethod("put", Object.class, boolean.class, Duration.class);
        assertEquals(-1, Endpoint.timedWait(put, new Object[] {Duration.ofDays(1), true, null}), "an item, not a timeout");
        assertEquals(Duration.ofMillis(30).toNanos(),
                Endpoint.timedWait(put, new Object[] {Duration.ofDays(1), true, Duration.ofMillis(30)}));
        java.lang.reflect.Method take = BlockingQueue.class.getMethod("take");
        assertEquals(-1, Endpoint.timedWait(take, null));
    }
}
