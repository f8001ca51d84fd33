package dev.mp4j.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.Multiprocessing;
import dev.mp4j.process.JvmProcess;
import dev.mp4j.queue.QueueEmptyException;
import dev.mp4j.queue.QueueFullException;
import dev.mp4j.serial.NotSerializableValueException;
import dev.mp4j.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BrokenBarrierException;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class SyncManagerTest {
    private static SyncManager manager;

    @BeforeAll
    static void startManager() {
        manager = Multiprocessing.manager();
    }

    @AfterAll
    static void stopManager() {
        manager.shutdown();
    }

    @Test
    void aDictThatHoldsItselfOrAnotherThatHoldsItPrintsWithoutRecursingOrDeadlocking() throws Exception {
        // Inside the manager a stored proxy describes itself (as CPython's repr), rather than
        // asking the manager for the very dict being printed.
        ManagedMap<String, Object> d = manager.dict();
        d.put("self", d);
        String printed = d.toString();
        assertTrue(printed.startsWith("{self=<") && printed.contains("proxy"), printed);

        ManagedMap<String, Object> one = manager.dict();
        ManagedMap<String, Object> two = manager.dict();
        one.put("two", two);
        two.put("one", one);
        java.util.concurrent.CompletableFuture<Throwable> a = dev.mp4j.testing.Outcome.onThread("print-one", () -> {
            for (int i = 0; i < 200; i++) {
                one.toString();
            }
        });
        java.util.concurrent.CompletableFuture<Throwable> b = dev.mp4j.testing.Outcome.onThread("print-two", () -> {
            for (int i = 0; i < 200; i++) {
                two.toString();
            }
        });
        assertEquals(null, a.get(30, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(null, b.get(30, java.util.concurrent.TimeUnit.SECONDS));
    }

    private static void runAll(List<JvmProcess> ps) {
        ps.forEach(JvmProcess::start);
        for (JvmProcess p : ps) {
            p.join();
            assertEquals(0, p.exitCode(), p + " failed");
        }
    }

    @Test
    void anInitializerRunsInTheServerBeforeItServesAndOneThatThrowsFailsStart() {
        dev.mp4j.shared.IntValue ranIn = dev.mp4j.shared.Value.ofInt(0, false);
        try (SyncManager m = new SyncManager().start(() -> ranIn.set((int) ProcessHandle.current().pid()))) {
            assertNotEquals(0, ranIn.get(), "the initializer did not run before start returned");
            assertNotEquals((int) ProcessHandle.current().pid(), ranIn.get(), "it ran here, not in the server");
            ManagedMap<String, Integer> d = m.dict();
            d.put("a", 1);
            assertEquals(1, d.get("a"));
        }
        ManagerException e = assertThrows(ManagerException.class, () -> new SyncManager().start(() -> {
            throw new IllegalStateException("no config here");
        }));
        assertTrue(e.getMessage().contains("exit"), e.getMessage());
    }

    @Test
    void aServerThatDoesNotListenWithinTheStartTimeoutIsKilledAndStartSaysSo() throws Exception {
        dev.mp4j.shared.IntValue serverPid = dev.mp4j.shared.Value.ofInt(0, false);
        SyncManager m = new SyncManager();
        m.withStartTimeout(java.time.Duration.ofSeconds(2));
        long t0 = System.nanoTime();
        ManagerException e = assertThrows(ManagerException.class, () -> m.start(() -> {
            serverPid.set((int) ProcessHandle.current().pid());
            Thread.sleep(120_000);
        }));
        long tookMillis = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(e.getMessage().contains("PT2S"), e.getMessage());
        assertTrue(tookMillis < 60_000, "start gave up only after " + tookMillis + " ms (its default is 60 s)");
        assertNotEquals(0, serverPid.get(), "the initializer never ran");
        assertTrue(dev.mp4j.testing.Await.until(() -> ProcessHandle.of(serverPid.get()).map(h -> !h.isAlive()).orElse(true),
                java.time.Duration.ofSeconds(10)), "the server process is still running");
        assertThrows(IllegalArgumentException.class, () -> new SyncManager().withStartTimeout(java.time.Duration.ZERO));
    }

    @Test
    void aListAppendedByFiveChildrenHoldsEveryItem() {
        ManagedList<Object> list = manager.list(List.of(1, "a"));
        List<JvmProcess> ps = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int n = i;
            ps.add(new JvmProcess(() -> list.add(n)));
        }
        runAll(ps);
        assertEquals(7, list.size());
        assertEquals(List.of(1, "a"), list.subList(0, 2));
        assertEquals(Set.of(0, 1, 2, 3, 4), new HashSet<>(list.subList(2, 7)));
    }

    @Test
    void mapMergeFromManyChildrenLosesNoUpdate() {
        ManagedMap<String, Integer> counts = manager.dict();
        List<JvmProcess> ps = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ps.add(new JvmProcess(() -> {
                for (int k = 0; k < 200; k++) {
                    counts.merge("hits", 1, Integer::sum);
                }
            }));
        }
        runAll(ps);
        assertEquals(800, counts.get("hits"));
    }

    @Test
    void computeRunsInTheManagerAndANonSerializableFunctionIsRefusedInTheCaller() {
        ManagedMap<String, List<Integer>> d = manager.dict();
        d.computeIfAbsent("k", k -> new ArrayList<>());
        d.compute("k", (k, v) -> {
            v.add(1);
            return v;
        });
        assertEquals(List.of(1), d.get("k"));
        // Mutating the fetched copy changes only the copy.
        d.get("k").add(99);
        assertEquals(List.of(1), d.get("k"));
        BiFunction<String, List<Integer>, List<Integer>> plain = (k, v) -> v;
        assertThrows(NotSerializableValueException.class, () -> d.compute("k", plain));
    }

    @Test
    void mapKeepsInsertionOrderNullValuesAndSnapshotsViews() {
        ManagedMap<Object, Object> d = manager.dict(Map.of("name", "egon"));
        d.put(2, "1");
        d.put(0.25, null);
        assertTrue(d.containsKey(0.25));
        assertEquals(List.of("name", 2, 0.25), new ArrayList<>(d.keySet()));
        Map<Object, Object> copy = new LinkedHashMap<>();
        d.forEach(copy::put);
        assertEquals(3, copy.size());
        assertEquals("{name=egon, 2=1, 0.25=null}", d.toString());
        assertNotEquals(d, new LinkedHashMap<>(copy), "proxies compare by identity, as in CPython");
    }

    @Test
    void remoteExceptionsArriveAsTheirOwnType() {
        ManagedList<Integer> list = manager.list();
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> list.get(5));
        assertTrue(e.getSuppressed().length > 0 && e.getSuppressed()[0].getMessage().contains("raised in the manager"));
        ManagedQueue<Integer> q = manager.queue();
        assertThrows(QueueEmptyException.class, () -> q.get(false, null));
    }

    @Test
    void aQueueInsideADictTravelsToAChildAsAReference() throws Exception {
        ManagedMap<String, Object> d = manager.dict();
        ManagedQueue<String> q = manager.queue();
        d.put("q", q);
        JvmProcess p = new JvmProcess(() -> {
            @SuppressWarnings("unchecked")
            ManagedQueue<String> inner = (ManagedQueue<String>) d.get("q");
            inner.put("from child");
        });
        runAll(List.of(p));
        assertEquals("from child", q.get(true, Duration.ofSeconds(10)));
    }

    @Test
    void putsOfAChildThatExitedAreInTheQueueOnceItIsJoined() {
        ManagedQueue<Integer> q = manager.queue();
        JvmProcess p = new JvmProcess(() -> {
            for (int i = 0; i < 1000; i++) {
                q.put(i);
            }
        });
        runAll(List.of(p));
        assertEquals(1000, q.qsize(), "a producer's puts are all processed before it is gone");
        assertEquals(0, q.poll());
    }

    @Test
    void aChildWhoseDaemonThreadIsBlockedInGetStillExits() {
        ManagedQueue<Integer> never = manager.queue();
        ManagedQueue<Integer> out = manager.queue();
        ManagedEvent blocked = manager.event();
        JvmProcess p = new JvmProcess(() -> {
            Thread t = new Thread(() -> {
                try {
                    blocked.set();
                    never.get();
                } catch (InterruptedException ignored) {
                    // exit
                }
            });
            t.setDaemon(true);
            t.start();
            blocked.await(Duration.ofSeconds(20));
            out.put(1);
        });
        p.start();
        assertTrue(p.join(Duration.ofSeconds(30)), "the exit flush must not wait for a thread blocked in a call");
        assertEquals(0, p.exitCode());
        assertEquals(1, out.qsize());
    }

    @Test
    void theServerIgnoresCtrlCSoItsStarterCanStillUseAndStopIt() throws Exception {
        // A terminal's Ctrl-C signals the whole process group, the server too (CPython's
        // server ignores it since bpo-36368).
        SyncManager m = new SyncManager();
        m.start();
        try {
            ManagedMap<String, Integer> d = m.dict();
            d.put("a", 1);
            long pid = m.process().pid();
            assertTrue(dev.mp4j.testing.Await.until(() -> ignoresSigint(pid), Duration.ofSeconds(20)),
                    "the server does not ignore SIGINT");
            assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(pid)).start().waitFor());
            d.put("b", 2);
            assertEquals(3, d.get("a") + d.get("b"));
            assertTrue(m.process().isAlive());
        } finally {
            m.shutdown();
        }
    }

    @Test
    void aLockWhoseTakerDiesHoldingItIsReleasedButOneHandedOverIsNot() throws Exception {
        ManagedLock lock = manager.lock();
        ManagedEvent taken = manager.event();
        JvmProcess taker = new JvmProcess(() -> {
            lock.acquire();
            taken.set();
            Thread.sleep(60_000);
        });
        taker.start();
        assertTrue(taken.await(Duration.ofSeconds(30)));
        taker.kill();
        taker.join();
        // CPython's would stay locked for ever.
        assertTrue(lock.acquire(true, Duration.ofSeconds(10)), "a dead process's lock was never released");
        lock.release();

        // Taken by a child, released by this process (a hand-over), taken again here: the
        // child's end must not release this process's hold.
        taken.clear();
        // A second lock the child keeps: once the server has released it, it has handled the
        // child's end, and what it did to the first lock is settled.
        ManagedLock marker = manager.lock();
        JvmProcess handsOver = new JvmProcess(() -> {
            lock.acquire();
            marker.acquire();
            taken.set();
            Thread.sleep(60_000);
        });
        handsOver.start();
        assertTrue(taken.await(Duration.ofSeconds(30)));
        lock.release();
        assertTrue(lock.acquire(true, Duration.ofSeconds(5)));
        handsOver.kill();
        handsOver.join();
        assertTrue(Await.until(() -> !marker.isLocked(), Duration.ofSeconds(10)), "the child's end was never handled");
        assertTrue(lock.isLocked(), "the lock this process took was released at another's end");
        lock.release();
    }

    @Test
    void aBarrierWithAnActionAndATimeoutRunsTheActionInTheManagerAndBreaksWhenTheTimeoutRunsOut() throws Exception {
        ManagedValue<Integer> rounds = manager.value(0);
        ManagedBarrier barrier = manager.barrier(2, () -> rounds.set(rounds.get() + 1), Duration.ofSeconds(30));
        JvmProcess other = new JvmProcess(() -> barrier.await());
        other.start();
        barrier.await();
        other.join();
        assertEquals(0, other.exitCode());
        assertEquals(1, rounds.get(), "the action ran once, before the parties went on");
        // Alone at a barrier of two whose timeout runs out: it breaks, as CPython's does.
        ManagedBarrier brief = manager.barrier(2, null, Duration.ofMillis(200));
        assertThrows(BrokenBarrierException.class, brief::await);
        assertTrue(brief.isBroken());
        // await(null) is Python's wait(None): the barrier's own timeout, not for ever.
        ManagedBarrier briefToo = manager.barrier(2, null, Duration.ofMillis(200));
        assertThrows(java.util.concurrent.TimeoutException.class, () -> briefToo.await(null));
        assertTrue(briefToo.isBroken());
        // An action that throws: its error reaches the arrival that ran it, and the barrier breaks.
        ManagedBarrier failing = manager.barrier(1, () -> {
            throw new IllegalStateException("the action failed");
        }, null);
        IllegalStateException e = assertThrows(IllegalStateException.class, failing::await);
        assertEquals("the action failed", e.getMessage());
        assertTrue(failing.isBroken());
    }

    @Test
    void aChildWithAnAuthkeyOfItsOwnUsesTheProxiesItWasGiven() throws Exception {
        // Its manager's key must travel with the proxies: the child does not have it.
        ManagedMap<String, Integer> d = manager.dict();
        JvmProcess child = new JvmProcess(() -> d.put("from", 1));
        child.setAuthkey("the child's own key".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        child.start();
        child.join();
        assertEquals(0, child.exitCode());
        assertEquals(1, d.get("from"));
    }

    /** Whether /proc says the process ignores SIGINT (bit 1 of its SigIgn mask). */
    private static boolean ignoresSigint(long pid) {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("SigIgn:")) {
                    return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & 0x2) != 0;
                }
            }
        } catch (java.io.IOException gone) {
            return false;
        }
        return false;
    }


    @Test
    void aRefusedPutSurfacesOnTheNextPutAndNothingElseFails() throws Exception {
        ManagedQueue<Object> q = manager.queue();
        // A class no receiver takes is refused in the caller, at once.
        NotSerializableValueException early = assertThrows(NotSerializableValueException.class,
                () -> q.put(new java.text.SimpleDateFormat()));
        assertEquals("java.text.SimpleDateFormat", early.offendingClass());
        // One only the server can judge (it fails to read it) goes out with the put, which does
        // not wait for an answer: its refusal comes with the next put.
        q.put(new Unreadable());
        assertEquals(0, q.qsize(), "other calls go on as usual");
        ManagerException e = assertThrows(ManagerException.class, () -> q.put(1));
        assertTrue(e.getMessage().contains("refused"), e.getMessage());
        q.put(2);
        assertEquals(List.of(2), List.of(q.toArray()));
    }

    @Test
    void aSignalSentWhileTheSignallerKeepsTheLockIsNotLost() throws Exception {
        ManagedCondition cond = manager.condition();
        ManagedEvent waiting = manager.event();
        ManagedValue<Boolean> woken = manager.value(false);
        JvmProcess waiter = new JvmProcess(() -> {
            cond.acquire();
            try {
                waiting.set();
                woken.set(cond.await(Duration.ofSeconds(30)));
            } finally {
                cond.release();
            }
        });
        waiter.start();
        assertTrue(waiting.await(Duration.ofSeconds(30)));
        cond.acquire();
        try {
            cond.signal();
            // Keep the lock past the end of the waiter's 100 ms wait slice.
            Thread.sleep(300);
        } finally {
            cond.release();
        }
        assertTrue(waiter.join(Duration.ofSeconds(30)), "the waiter must have been woken");
        assertEquals(0, waiter.exitCode());
        assertTrue(woken.get());
    }

    @Test
    void resettingABarrierBreaksItsWaiters() throws Exception {
        ManagedBarrier barrier = manager.barrier(2);
        java.util.concurrent.CompletableFuture<Throwable> outcome = new java.util.concurrent.CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                barrier.await(Duration.ofSeconds(30));
                outcome.complete(null);
            } catch (Throwable e) {
                outcome.complete(e);
            }
        });
        t.start();
        while (barrier.numberWaiting() == 0) {
            Thread.onSpinWait();
        }
        barrier.reset();
        assertInstanceOf(BrokenBarrierException.class, outcome.get(30, java.util.concurrent.TimeUnit.SECONDS));
        assertFalse(barrier.isBroken(), "after reset the barrier is usable again");
    }

    @Test
    void threadsThatComeAndGoEachGetAChannelAndLeaveNoneBroken() throws Exception {
        ManagedList<Integer> list = manager.list();
        for (int round = 0; round < 20; round++) {
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                int n = round * 5 + i;
                threads.add(Thread.ofVirtual().start(() -> list.add(n)));
            }
            for (Thread t : threads) {
                t.join();
            }
        }
        assertEquals(100, list.size());
        assertEquals(100, new HashSet<>(list).size());
    }

    @Test
    void timedQueueWaitsFollowTheBlockingQueueContract() throws Exception {
        ManagedQueue<Integer> q = manager.queue();
        assertEquals(null, q.poll(-5, java.util.concurrent.TimeUnit.SECONDS), "a negative timeout does not wait");
        java.util.concurrent.CompletableFuture<Integer> taken = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return q.poll(Long.MAX_VALUE, java.util.concurrent.TimeUnit.DAYS);
            } catch (InterruptedException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, r -> Thread.ofPlatform().start(r));
        // Still waiting after several of the server's 100 ms wait slices: a huge timeout waits.
        assertThrows(java.util.concurrent.TimeoutException.class, () -> taken.get(300, java.util.concurrent.TimeUnit.MILLISECONDS));
        q.put(7);
        assertEquals(7, taken.get(30, java.util.concurrent.TimeUnit.SECONDS));
    }

    @Test
    void boundedJoinableQueueCountsTasks() throws Exception {
        ManagedQueue<Integer> q = manager.joinableQueue(2);
        q.put(1);
        q.putNowait(2);
        assertTrue(q.full());
        assertThrows(QueueFullException.class, () -> q.put(3, true, Duration.ofMillis(50)));
        assertFalse(q.join(Duration.ofMillis(20)));
        JvmProcess worker = new JvmProcess(() -> {
            for (int i = 0; i < 2; i++) {
                q.get();
                q.taskDone();
            }
        });
        worker.start();
        q.join();
        worker.join();
        assertEquals(0, q.qsize());
        assertThrows(IllegalStateException.class, q::taskDone);
    }

    @Test
    void namespaceSharesPublicNamesAndKeepsUnderscoreNamesLocal() {
        Namespace ns = manager.namespace();
        ns.set("x", 10);
        ns.set("_local", "mine");
        JvmProcess p = new JvmProcess(() -> {
            ns.set("y", (Integer) ns.get("x") + 1);
            if (ns.has("_local")) {
                throw new AssertionError("underscore names must stay local");
            }
        });
        runAll(List.of(p));
        assertEquals("Namespace(x=10, y=11)", ns.toString());
        assertEquals("mine", ns.get("_local"));
        assertThrows(IllegalArgumentException.class, () -> ns.get("missing"));
    }

    @Test
    void aNamespacePrintsAsCPythonsDoesSortedAndWithoutUnderscoreNames() {
        Namespace ns = manager.namespace(java.util.Map.of("b", 2, "a", 1, "_hidden", 3));
        assertEquals("Namespace(a=1, b=2)", ns.toString());
        assertEquals(java.util.Set.of("a", "b"), ns.attributes().keySet());
    }

    @Test
    void lockIsExclusiveAcrossProcessesAndRefusesAnUnlockedRelease() throws Exception {
        ManagedLock lock = manager.lock();
        ManagedValue<Integer> counter = manager.value(0);
        List<JvmProcess> ps = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ps.add(new JvmProcess(() -> {
                for (int k = 0; k < 50; k++) {
                    lock.acquire();
                    try {
                        counter.set(counter.get() + 1);
                    } finally {
                        lock.release();
                    }
                }
            }));
        }
        runAll(ps);
        assertEquals(150, counter.get());
        assertThrows(IllegalStateException.class, lock::release);
        assertTrue(lock.acquire(false, null));
        assertFalse(lock.acquire(true, Duration.ofMillis(20)));
        lock.release();
    }

    @Test
    void rLockBelongsToItsThread() throws Exception {
        ManagedLock rlock = manager.rLock();
        assertTrue(rlock.acquire());
        assertTrue(rlock.acquire());
        Thread other = new Thread(() -> assertThrows(IllegalMonitorStateException.class, rlock::release));
        other.start();
        other.join();
        rlock.release();
        rlock.release();
        assertFalse(rlock.isLocked());
    }

    @Test
    void aConditionOverAManagersPlainLockGivesThatLockUpWhileItWaits() throws Exception {
        ManagedLock lock = manager.lock();
        ManagedCondition cond = manager.condition(lock);
        ManagedValue<Integer> state = manager.value(0);
        JvmProcess p = new JvmProcess(() -> {
            // Blocks until the parent waits on the condition, which gives the lock up.
            lock.acquire();
            try {
                state.set(1);
                cond.signalAll();
            } finally {
                lock.release();
            }
        });
        lock.acquire();
        try {
            assertFalse(cond.acquire(false, null), "the condition's lock is the lock just taken");
            p.start();
            assertTrue(cond.awaitFor(() -> state.get() == 1, Duration.ofSeconds(30)));
            assertTrue(lock.isLocked(), "the wait takes the lock back");
        } finally {
            lock.release();
        }
        assertTrue(p.join(Duration.ofSeconds(30)));
        assertEquals(0, p.exitCode());
        assertFalse(lock.isLocked());
    }

    @Test
    void aConditionOverAManagersRLockGivesUpAndTakesBackEveryHold() throws Exception {
        ManagedLock rlock = manager.rLock();
        ManagedCondition cond = manager.condition(rlock);
        ManagedEvent waiting = manager.event();
        ManagedValue<Boolean> tookIt = manager.value(false);
        JvmProcess p = new JvmProcess(() -> {
            waiting.await(Duration.ofSeconds(30));
            tookIt.set(rlock.acquire(true, Duration.ofSeconds(30)));
            try {
                cond.signal();
            } finally {
                rlock.release();
            }
        });
        p.start();
        rlock.acquire();
        rlock.acquire();
        waiting.set();
        assertTrue(cond.await(Duration.ofSeconds(30)), "woken by the child, which could take the lock held twice here");
        assertTrue(p.join(Duration.ofSeconds(30)));
        assertEquals(0, p.exitCode());
        assertTrue(tookIt.get());
        rlock.release();
        assertTrue(rlock.isLocked(), "both holds were taken back");
        rlock.release();
        assertFalse(rlock.isLocked());
    }

    @Test
    void aWaitEndedByAnInterruptTakesTheLockBackBeforeItThrowsSoItsReleaseIsItsOwn() throws Exception {
        ManagedLock lock = manager.lock();
        ManagedCondition cond = manager.condition(lock);
        ManagedEvent waiting = manager.event();
        java.util.concurrent.CompletableFuture<Throwable> waiterEnded = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.atomic.AtomicLong endedAt = new java.util.concurrent.atomic.AtomicLong();
        Thread waiter = new Thread(() -> {
            try {
                lock.acquire();
                try {
                    waiting.set(); // the lock is held until the wait below gives it up
                    cond.await(Duration.ofSeconds(30));
                    waiterEnded.complete(null);
                } finally {
                    endedAt.set(System.nanoTime());
                    lock.release();
                }
            } catch (Throwable t) {
                waiterEnded.complete(t);
            }
        });
        waiter.start();
        // Once the waiter gave the lock up: take it, then interrupt the wait and keep the lock a while.
        assertTrue(waiting.await(Duration.ofSeconds(30)));
        assertTrue(lock.acquire(true, Duration.ofSeconds(30)));
        waiter.interrupt();
        Thread.sleep(300);
        long releasedAt = System.nanoTime();
        lock.release(); // must still be ours: the waiter's release came only after it took the lock back
        Throwable ended = waiterEnded.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertInstanceOf(InterruptedException.class, ended);
        assertTrue(endedAt.get() - releasedAt > 0, "the waiter left its wait before it had the lock back");
        waiter.join(30_000);
        assertFalse(lock.isLocked());
    }

    @Test
    void aWaiterWhoseProcessDiesDoesNotWaitForTheLockBackSoWhatItHeldIsReleased() throws Exception {
        ManagedLock held = manager.lock();
        ManagedLock lock = manager.lock();
        ManagedCondition cond = manager.condition(lock);
        ManagedEvent waiting = manager.event();
        JvmProcess waiter = new JvmProcess(() -> {
            held.acquire();
            lock.acquire();
            waiting.set();
            cond.await(Duration.ofSeconds(60));
        });
        waiter.start();
        assertTrue(waiting.await(Duration.ofSeconds(30)));
        assertTrue(lock.acquire(true, Duration.ofSeconds(30)), "the waiter gave the condition's lock up");
        try {
            waiter.kill();
            assertTrue(waiter.join(Duration.ofSeconds(30)));
            // Its server thread must not wait to take back the lock held here: its session's end
            // is what releases the other lock, which this process now asks for.
            assertTrue(held.acquire(true, Duration.ofSeconds(20)), "the dead waiter's lock was never released");
            held.release();
        } finally {
            lock.release();
        }
    }

    @Test
    void aConditionRefusesALockOfAnotherManager() {
        assertThrows(NullPointerException.class, () -> manager.condition(null));
        try (SyncManager other = Multiprocessing.manager()) {
            ManagedLock foreign = other.lock();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> manager.condition(foreign));
            assertTrue(e.getMessage().contains("same manager"), e.getMessage());
        }
    }

    @Test
    void eventConditionSemaphoreAndBarrierWorkAcrossProcesses() throws Exception {
        ManagedEvent ready = manager.event();
        ManagedSemaphore sem = manager.boundedSemaphore(1);
        ManagedBarrier barrier = manager.barrier(2);
        ManagedCondition cond = manager.condition();
        ManagedValue<Integer> state = manager.value(0);
        JvmProcess p = new JvmProcess(() -> {
            barrier.await(Duration.ofSeconds(20));
            cond.acquire();
            try {
                state.set(1);
                cond.signalAll();
            } finally {
                cond.release();
            }
            ready.set();
        });
        p.start();
        cond.acquire();
        try {
            barrier.await(Duration.ofSeconds(20));
            assertTrue(cond.awaitFor(() -> state.get() == 1, Duration.ofSeconds(20)));
        } finally {
            cond.release();
        }
        assertTrue(ready.await(Duration.ofSeconds(20)));
        p.join();
        assertEquals(0, p.exitCode());
        assertTrue(sem.acquire(false, null));
        assertFalse(sem.acquire(true, Duration.ofMillis(10)));
        // A negative timeout is no wait, as threading.Semaphore and ProcessSemaphore take it
        // (before, an IllegalArgumentException).
        assertFalse(sem.acquire(true, Duration.ofMillis(-5)));
        sem.release();
        assertThrows(IllegalStateException.class, sem::release);
        barrier.abort();
        assertThrows(BrokenBarrierException.class, barrier::await);
    }

    @Test
    void valueUpdatesAtomicallyAndArrayChecksBoundsAndType() {
        ManagedValue<Integer> v = manager.value(41);
        assertEquals(42, v.updateAndGet(x -> x + 1));
        ManagedArray<Integer> a = manager.array(new int[] {1, 2, 3});
        a.set(0, 10);
        assertEquals(List.of(10, 2, 3), a.toList());
        assertEquals(3, a.length());
        assertThrows(IndexOutOfBoundsException.class, () -> a.get(3));
        @SuppressWarnings({"unchecked", "rawtypes"})
        ManagedArray<Object> raw = (ManagedArray) a;
        assertThrows(ClassCastException.class, () -> raw.set(1, "text"));
    }

    @Test
    void iterationWorksOnASnapshot() {
        ManagedList<Integer> list = manager.list(List.of(3, 1, 2));
        List<Integer> seen = new ArrayList<>();
        for (Integer x : list) {
            seen.add(x);
            list.add(x * 10);
        }
        assertEquals(List.of(3, 1, 2), seen);
        assertEquals(6, list.stream().count());
        list.removeIf(x -> x >= 10);
        list.sort(null);
        assertEquals(List.of(1, 2, 3), new ArrayList<>(list));
    }

    @Test
    void aProxyThatNobodyHoldsIsFreed() throws Exception {
        try (SyncManager own = Multiprocessing.manager()) {
            addFromAChildThenDrop(own, own.list());
            Await.until(() -> {
                System.gc();
                return own.numberOfObjects() == 0;
            }, Duration.ofSeconds(20));
            assertEquals(0, own.numberOfObjects(), "the list should be freed once no proxy names it");
        }
    }

    @Test
    void aCallWhoseArgumentCannotTravelDoesNotKeepTheProxiesBeforeItAlive() throws Exception {
        // The proxy, written first, takes a ticket on the manager; the value after it cannot be
        // written, so the call never goes: the ticket must be given back, or the list lives on.
        try (SyncManager own = Multiprocessing.manager()) {
            ManagedMap<Object, Object> d = own.dict();
            putAProxyBesideAValueThatCannotTravel(d, own.list());
            assertOnlyTheDictIsLeft(own, d);
        }
    }

    @Test
    void aCallThatNeverReachesItsManagerDoesNotKeepTheProxiesInItAlive() throws Exception {
        // The list is another manager's: passing it takes a ticket there; the call then cannot
        // go to its own manager, which has shut down, and nobody would ever claim that ticket.
        try (SyncManager lists = Multiprocessing.manager()) {
            SyncManager dicts = Multiprocessing.manager();
            ManagedMap<Object, Object> d = dicts.dict();
            dicts.shutdown();
            putIntoAManagerThatIsGone(d, lists.list());
            assertTrue(Await.until(() -> {
                System.gc();
                return lists.numberOfObjects() == 0;
            }, Duration.ofSeconds(20)), "objects left: " + lists.numberOfObjects() + " (the list)");
        }
    }

    private static void putIntoAManagerThatIsGone(ManagedMap<Object, Object> d, ManagedList<Integer> list) {
        assertThrows(RuntimeException.class, () -> d.put("list", list));
    }

    @Test
    void aCallWhoseArgumentTheManagerRefusesToReadDoesNotKeepTheProxiesAfterItAlive() throws Exception {
        // The key is a class outside the manager's allow-list: the manager refuses the call at its
        // first argument; the proxy after it carries a ticket the client took for this call.
        try (SyncManager own = Multiprocessing.manager()) {
            ManagedMap<Object, Object> d = own.dict();
            putBesideAKeyTheManagerRefuses(d, own.list());
            assertOnlyTheDictIsLeft(own, d);
        }
    }

    private static void putBesideAKeyTheManagerRefuses(ManagedMap<Object, Object> d, ManagedList<Integer> list) throws Exception {
        javax.management.ObjectName refused = new javax.management.ObjectName("mp4j:type=test");
        assertThrows(RuntimeException.class, () -> d.put(refused, list));
    }

    /** The list, whose proxy is gone, freed (a ticket given back): only the empty dict is left. */
    private static void assertOnlyTheDictIsLeft(SyncManager own, ManagedMap<Object, Object> d) throws Exception {
        assertTrue(Await.until(() -> {
            System.gc();
            return own.numberOfObjects() == 1;
        }, Duration.ofSeconds(20)), "objects left: " + own.numberOfObjects() + " (the dict, and the list?)");
        assertEquals(0, d.size());
    }

    private static void putAProxyBesideAValueThatCannotTravel(ManagedMap<Object, Object> d, ManagedList<Integer> list) {
        assertThrows(dev.mp4j.serial.NotSerializableValueException.class, () -> d.put(list, new Object()));
    }

    private static void addFromAChildThenDrop(SyncManager own, ManagedList<Integer> list) {
        JvmProcess p = new JvmProcess(() -> list.add(1));
        runAll(List.of(p));
        assertEquals(1, list.size());
        // The child's reference went with its connections; the creator's is the only one left.
        assertEquals(1, own.numberOfObjects());
    }

    @Test
    void aProxyIsNotAClassOfItsOwnAndPrintsItsReferent() {
        ManagedMap<String, Integer> d = manager.dict(Map.of("a", 1));
        assertInstanceOf(java.util.concurrent.ConcurrentMap.class, d);
        assertEquals("{a=1}", String.valueOf(d));
    }
}
