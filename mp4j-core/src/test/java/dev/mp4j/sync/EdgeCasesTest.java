package dev.mp4j.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.testing.Await;
import dev.mp4j.testing.Outcome;
import java.time.Duration;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Corners of the primitives where a state changes twice before a waiter looks. */
@Timeout(60)
class EdgeCasesTest {

    @Test
    void anInterruptOnEntryIsThrownEvenWhereTheCallNeedNotWait() throws Exception {
        ReentrantProcessLock lock = ReentrantProcessLock.create();
        lock.lock();
        try {
            Thread.currentThread().interrupt();
            assertThrows(InterruptedException.class, lock::lockInterruptibly, "as ReentrantLock: held, but interrupted");
            Thread.currentThread().interrupt();
            assertThrows(InterruptedException.class, () -> lock.tryLock(1, TimeUnit.SECONDS));
        } finally {
            Thread.interrupted();
            lock.unlock();
        }
        assertFalse(lock.isHeldByCurrentThread(), "an interrupted call counted a hold");
        // Python's RLock.acquire(timeout) by its owner returns True, interrupted or not.
        lock.lock();
        Thread.currentThread().interrupt();
        try {
            assertTrue(lock.acquire(true, Duration.ofSeconds(1)));
        } finally {
            Thread.interrupted();
            lock.unlock();
            lock.unlock();
        }
        assertFalse(lock.isHeldByCurrentThread());
        ProcessEvent event = ProcessEvent.create();
        event.set();
        Thread.currentThread().interrupt();
        try {
            assertThrows(InterruptedException.class, event::await, "as CountDownLatch: set, but interrupted");
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void aTimeoutTooLargeForNanosecondsWaitsAsLongAsItCan() throws Exception {
        Duration forever = Duration.ofSeconds(Long.MAX_VALUE);
        ProcessEvent event = ProcessEvent.create();
        event.set();
        assertTrue(event.await(forever));
        ProcessLock lock = ProcessLock.create();
        assertTrue(lock.acquire(true, forever));
        lock.release();
        ProcessSemaphore sem = ProcessSemaphore.create(1);
        assertTrue(sem.acquire(true, forever));
        dev.mp4j.process.JvmProcess p = new dev.mp4j.process.JvmProcess(() -> { });
        p.start();
        assertTrue(p.join(forever));
    }

    @Test
    void aWaiterOfABarrierResetAndThenAbortedIsToldItBroke() throws Exception {
        for (int round = 0; round < 20; round++) {
            ProcessBarrier barrier = ProcessBarrier.create(2);
            CompletableFuture<Object> waiter = CompletableFuture.supplyAsync(() -> {
                try {
                    return barrier.await(Duration.ofSeconds(30));
                } catch (Exception e) {
                    return e;
                }
            });
            assertTrue(Await.until(() -> barrier.numberWaiting() == 1, Duration.ofSeconds(10)));
            // Both before the waiter runs again: the break of the next generation must not
            // make the reset one look tripped.
            barrier.reset();
            barrier.abort();
            assertInstanceOf(BrokenBarrierException.class, waiter.get(20, TimeUnit.SECONDS), "round " + round);
        }
    }

    @Test
    void aBrokenBarrierHasNobodyWaitingEvenWithAKilledPartyAsCPythonsNWaiting() throws Exception {
        ProcessBarrier barrier = ProcessBarrier.create(3);
        dev.mp4j.process.JvmProcess party = new dev.mp4j.process.JvmProcess(() -> barrier.await(Duration.ofSeconds(60)));
        party.start();
        try {
            assertTrue(Await.until(() -> barrier.numberWaiting() == 1, Duration.ofSeconds(60)));
        } finally {
            party.kill();
            party.join();
        }
        // Killed while waiting, it never leaves; broken, the barrier counts no one.
        barrier.abort();
        assertEquals(0, barrier.numberWaiting());
        barrier.reset();
        assertEquals(0, barrier.numberWaiting());
    }

    @Test
    void aBarrierWaiterThatTimesOutNoLongerCountsAsWaiting() throws Exception {
        ProcessBarrier barrier = ProcessBarrier.create(2);
        assertThrows(TimeoutException.class, () -> barrier.await(Duration.ofMillis(50)));
        assertEquals(0, barrier.numberWaiting());
        assertTrue(barrier.isBroken());
        barrier.reset();
        assertFalse(barrier.isBroken());
    }

    @Test
    void aBarrierActionsFailureReachesItsRunnerAsItselfAndBreaksTheBarrier() {
        // As CPython and CyclicBarrier: the arrival that ran the action gets its exception.
        ProcessBarrier barrier = ProcessBarrier.create(1, () -> {
            throw new IllegalStateException("action failed");
        }, null);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> barrier.await(Duration.ofSeconds(5)));
        assertEquals("action failed", e.getMessage());
        assertTrue(barrier.isBroken());
        assertEquals(0, barrier.numberWaiting());
        // A checked exception cannot pass await's signature: it is the cause of the break.
        ProcessBarrier checked = ProcessBarrier.create(1, () -> {
            throw new java.io.IOException("disk full");
        }, null);
        BrokenBarrierException broken = assertThrows(BrokenBarrierException.class, () -> checked.await(Duration.ofSeconds(5)));
        assertInstanceOf(java.io.IOException.class, broken.getCause());
    }

    @Test
    void aBarrierWhoseActionCannotTravelIsRefusedWhenMade() {
        Thread notSerializable = new Thread(() -> { });
        var e = assertThrows(dev.mp4j.serial.NotSerializableValueException.class,
                () -> ProcessBarrier.create(2, () -> notSerializable.getName(), null));
        assertEquals("java.lang.Thread", e.offendingClass());
    }

    @Test
    void anEventSetAndClearedAtOnceStillWakesItsWaiters() throws Exception {
        ProcessEvent event = ProcessEvent.create();
        CompletableFuture<Boolean> waiter = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().name("event-waiter").start(() -> {
            try {
                waiter.complete(event.await(Duration.ofSeconds(30)));
            } catch (InterruptedException e) {
                waiter.completeExceptionally(e);
            }
        });
        assertTrue(dev.mp4j.testing.Threads.awaitSettledAsleep(ProcessHandle.current().pid(), "event-waiter", Duration.ofSeconds(10)));
        event.set();
        event.clear();
        // Woken by the set: true, though the flag is clear again (as threading.Event's waiters).
        assertTrue(waiter.get(5, TimeUnit.SECONDS));
        assertFalse(event.isSet());
        t.join();
    }

    @Test
    void boundedSemaphoresKeepTheirBoundAndNoSemaphoreOverflows() {
        ProcessSemaphore zero = ProcessSemaphore.bounded(0);
        assertThrows(IllegalStateException.class, zero::release);
        assertEquals(0, zero.value());
        ProcessSemaphore two = ProcessSemaphore.bounded(2);
        assertThrows(IllegalStateException.class, () -> two.release(Integer.MAX_VALUE));
        assertEquals(2, two.value());
        ProcessSemaphore full = ProcessSemaphore.create(Integer.MAX_VALUE);
        assertThrows(IllegalStateException.class, full::release);
        assertEquals(Integer.MAX_VALUE, full.value());
        assertTrue(zero.toString().startsWith("<BoundedSemaphore"), zero.toString());
        assertTrue(full.toString().startsWith("<Semaphore"), full.toString());
    }

    @Test
    void anInterruptedBarrierWaiterBreaksOnlyItsOwnGeneration() throws Exception {
        ProcessBarrier barrier = ProcessBarrier.create(2);
        CompletableFuture<Object> waiter = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().name("barrier-waiter").start(() -> {
            try {
                waiter.complete(barrier.await(Duration.ofSeconds(30)));
            } catch (Exception e) {
                waiter.complete(e);
            }
        });
        assertTrue(Await.until(() -> barrier.numberWaiting() == 1, Duration.ofSeconds(10)));
        t.interrupt();
        assertInstanceOf(InterruptedException.class, waiter.get(10, TimeUnit.SECONDS));
        assertTrue(barrier.isBroken());
        assertEquals(0, barrier.numberWaiting());
        t.join();
        // The next generation is whole.
        barrier.reset();
        CompletableFuture<Integer> other = CompletableFuture.supplyAsync(() -> {
            try {
                return barrier.await(Duration.ofSeconds(20));
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        int mine = barrier.await(Duration.ofSeconds(20));
        assertEquals(1, mine + other.get(20, TimeUnit.SECONDS));
    }


    @Test
    void anRLockTakenOverFromADeadProcessIsNotHeldByAThreadWithTheDeadOwnersThreadId() throws Exception {
        ReentrantProcessLock lock = ReentrantProcessLock.create();
        // A child takes the lock in its main thread and dies holding it.
        dev.mp4j.process.JvmProcess child = new dev.mp4j.process.JvmProcess(() -> {
            lock.lock();
            Runtime.getRuntime().halt(0);
        });
        child.start();
        child.join();
        // The moment after this process took the word over, before it recorded its own
        // thread: the owner field is still the dead child's. Thread ids repeat across JVMs
        // (each main thread is 1, and JUnit runs this on main), so a bare id could match.
        lock.record.setInt(SyncLayout.LOCK_WORD, SharedRecord.MY_OWNER);
        assertFalse(lock.isHeldByCurrentThread(), "a dead process's thread was taken for this one");
        lock.record.setInt(SyncLayout.LOCK_WORD, 0);
        lock.lock();
        assertTrue(lock.isHeldByCurrentThread());
        lock.unlock();
    }

    /** A lock word as an earlier process with this pid, now dead, left it: this pid, another JVM's tag. */
    private static int earlierProcessWithMyPid() {
        int tag = (SharedRecord.MY_OWNER >>> 22) % 255 + 1;
        return SharedRecord.MY_PID | (tag << 22);
    }

    @Test
    void aLockWhoseDeadOwnersPidIsNowAThreadsIdIsTakenOver() throws Exception {
        // Thread ids come from the pids' numbers: a dead owner's pid may be a live thread's id
        // now (of this JVM here), and kill(tid, 0) succeeds for a thread too.
        long me = ProcessHandle.current().pid();
        int tid;
        try (var tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/task"))) {
            tid = tasks.map(t -> Integer.parseInt(t.getFileName().toString())).filter(t -> t != me).findFirst().orElseThrow();
        }
        for (AbstractProcessLock lock : java.util.List.of(ProcessLock.create(), ReentrantProcessLock.create())) {
            lock.record.setInt(SyncLayout.LOCK_WORD, tid | (7 << 22));
            assertTrue(lock.tryLock(5, TimeUnit.SECONDS), "a thread's id was taken for a live owner: " + tid);
            assertTrue(lock.ownerDied());
            lock.unlock();
        }
    }

    @Test
    void aLockLeftHeldByAnEarlierProcessWithThisPidIsTakenOverNotTakenForThisOnes() throws Exception {
        // Pids come back (32768 of them by default): a process that died holding a lock may
        // have had this process's pid.
        ProcessLock plain = ProcessLock.create();
        plain.record.setInt(SyncLayout.LOCK_WORD, earlierProcessWithMyPid());
        assertTrue(plain.tryLock(10, TimeUnit.SECONDS), "a dead process's hold was taken for this one's");
        assertTrue(plain.ownerDied());
        plain.unlock();
        ReentrantProcessLock reentrant = ReentrantProcessLock.create();
        reentrant.record.setInt(SyncLayout.LOCK_WORD, earlierProcessWithMyPid());
        // Its owner field as that process's main thread (id 1, as this one's) would have left it.
        reentrant.record.setLongPlain(SyncLayout.LOCK_OWNER_THREAD,
                ((long) earlierProcessWithMyPid() << 34) | Thread.currentThread().threadId());
        reentrant.record.setInt(SyncLayout.LOCK_HOLDS, 3);
        assertFalse(reentrant.isHeldByCurrentThread());
        assertTrue(reentrant.tryLock(10, TimeUnit.SECONDS));
        assertTrue(reentrant.ownerDied());
        assertEquals(1, reentrant.getHoldCount(), "the dead process's holds were inherited");
        reentrant.unlock();
        assertFalse(reentrant.isLocked());
    }

    @Test
    void aSecondCopyOfMp4jInThisJvmNamesLockOwnersAsTheFirstDoes() throws Exception {
        // Were the tag drawn per copy, each copy would take the other's live locks for those of
        // an earlier process with this pid.
        java.net.URL classes = SharedRecord.class.getProtectionDomain().getCodeSource().getLocation();
        try (java.net.URLClassLoader other = new java.net.URLClassLoader(new java.net.URL[] {classes}, null)) {
            Class<?> copy = Class.forName("dev.mp4j.sync.SharedRecord", true, other);
            assertTrue(copy != SharedRecord.class, "not a second copy");
            java.lang.reflect.Field owner = copy.getDeclaredField("MY_OWNER");
            owner.setAccessible(true);
            assertEquals(SharedRecord.MY_OWNER, owner.getInt(null));
        }
    }

    @Test
    void aNotifyPassesOverAWaitLeftByAnEarlierProcessWithThisPid() throws Exception {
        ReentrantProcessLock lock = ReentrantProcessLock.create();
        ProcessCondition cond = ProcessCondition.create(lock);
        // The oldest wait in the table: a process with this pid that died waiting.
        int ticket = cond.record.getInt(SyncLayout.COND_NEXT);
        cond.record.setInt(SyncLayout.COND_SLOTS, ticket);
        cond.record.setInt(SyncLayout.COND_SLOTS + 4, earlierProcessWithMyPid());
        cond.record.setInt(SyncLayout.COND_NEXT, ticket + 1);
        cond.record.setInt(SyncLayout.COND_USED, 1);
        CompletableFuture<Boolean> woken = new CompletableFuture<>();
        Thread.ofPlatform().name("live-waiter").start(() -> {
            lock.lock();
            try {
                woken.complete(cond.await(Duration.ofSeconds(20)));
            } catch (Throwable t) {
                woken.completeExceptionally(t);
            } finally {
                lock.unlock();
            }
        });
        assertTrue(dev.mp4j.testing.Threads.awaitAsleep("live-waiter", Duration.ofSeconds(30)));
        lock.lock();
        try {
            cond.signal(1);
        } finally {
            lock.unlock();
        }
        assertTrue(woken.get(30, TimeUnit.SECONDS), "the notify went to the dead wait");
    }

    @Test
    void aThreadThatDoesNotHoldAPlainLockCannotWaitOrSignalOnItsCondition() throws Exception {
        ProcessLock lock = ProcessLock.create();
        ProcessCondition cond = ProcessCondition.create(lock);
        lock.lock();
        try {
            // Another thread of the same process: the lock is this process's, but not that thread's.
            CompletableFuture<Throwable> waiter = Outcome.onThread("condition-waiter", () -> cond.await(Duration.ofMillis(200)));
            assertInstanceOf(IllegalMonitorStateException.class, waiter.get(10, TimeUnit.SECONDS));
            // Its wait did not give up this thread's hold.
            assertTrue(lock.isLocked());
            CompletableFuture<Throwable> signaller = Outcome.onThread("condition-signaller", () -> cond.signal());
            assertInstanceOf(IllegalMonitorStateException.class, signaller.get(10, TimeUnit.SECONDS));
            // The holder itself may.
            cond.signal();
            assertFalse(cond.await(Duration.ofMillis(10)));
            assertTrue(lock.isLocked());
        } finally {
            lock.unlock();
        }
        // Any thread may still release a plain lock, as in Python.
        lock.lock();
        CompletableFuture.runAsync(lock::unlock).get(10, TimeUnit.SECONDS);
        assertFalse(lock.isLocked());
    }

    /** The barrier, for the tests below that reach into its record. */
    private static SharedRecord recordOf(ProcessBarrier b) throws ReflectiveOperationException {
        java.lang.reflect.Field f = ProcessBarrier.class.getDeclaredField("record");
        f.setAccessible(true);
        return (SharedRecord) f.get(b);
    }

    @Test
    void aBarrierActionMayAbortItsOwnBarrier() throws Exception {
        java.util.concurrent.atomic.AtomicReference<ProcessBarrier> self = new java.util.concurrent.atomic.AtomicReference<>();
        ProcessBarrier b = ProcessBarrier.create(1, () -> self.get().abort(), null);
        self.set(b);
        // Before: the action waited for the guard its own thread held, for ever (on a thread of
        // its own, not the common pool's only one on two cores).
        CompletableFuture<Throwable> outcome = Outcome.onThread("barrier-waiter", () -> b.await(Duration.ofSeconds(5)));
        assertInstanceOf(BrokenBarrierException.class, outcome.get(20, TimeUnit.SECONDS));
        assertTrue(b.isBroken());
        b.reset();
        assertFalse(b.isBroken());
    }

    @Test
    void aBarrierActionMayResetItsOwnBarrierAndTheWaitersAreBroken() throws Exception {
        java.util.concurrent.atomic.AtomicReference<ProcessBarrier> self = new java.util.concurrent.atomic.AtomicReference<>();
        ProcessBarrier b = ProcessBarrier.create(2, () -> self.get().reset(), null);
        self.set(b);
        // A thread each: the common pool has a single thread on two cores, which the waiter holds.
        java.util.concurrent.Executor ownThread = r -> Thread.ofPlatform().start(r);
        CompletableFuture<Throwable> waiter = Outcome.onThread("barrier-waiter", () -> b.await(Duration.ofSeconds(20)));
        assertTrue(Await.until(() -> b.numberWaiting() == 1, Duration.ofSeconds(20)));
        CompletableFuture<Object> last = CompletableFuture.supplyAsync(() -> {
            try {
                return b.await(Duration.ofSeconds(20));
            } catch (Throwable t) {
                return t;
            }
        }, ownThread);
        // As CyclicBarrier's reset() from its command: the waiter is broken, the last arrival returns.
        assertEquals(1, last.get(20, TimeUnit.SECONDS));
        assertInstanceOf(BrokenBarrierException.class, waiter.get(20, TimeUnit.SECONDS));
        assertFalse(b.isBroken());
        assertEquals(0, b.numberWaiting());
    }

    @Test
    void aBarrierStillWorksWhenItsGenerationCounterWraps() throws Exception {
        ProcessBarrier b = ProcessBarrier.create(1);
        // As after 2^32 - 2 trips: the next generations would be -1, the "never broken" mark.
        recordOf(b).setInt(SyncLayout.BARRIER_GENERATION, -2);
        for (int i = 0; i < 3; i++) {
            assertEquals(0, b.await(Duration.ofSeconds(5)));
            assertFalse(b.isBroken());
        }
    }

    @Test
    void aTimedAcquireOfAFreeLockSucceedsWhateverTheInterruptStatus() throws Exception {
        ProcessLock lock = ProcessLock.create();
        Thread.currentThread().interrupt();
        try {
            // Python's acquire is not cut short by an interrupt; false would read as a timeout.
            assertTrue(lock.acquire(true, Duration.ofSeconds(1)));
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt status stays set");
        } finally {
            Thread.interrupted();
            lock.release();
        }
        ReentrantProcessLock rlock = ReentrantProcessLock.create();
        Thread.currentThread().interrupt();
        try {
            assertTrue(rlock.acquire(true, Duration.ofSeconds(1)));
        } finally {
            Thread.interrupted();
            rlock.release();
        }
    }

    @Test
    void awaitUntilADateLongPastReturnsAtOnce() throws Exception {
        ProcessLock lock = ProcessLock.create();
        ProcessCondition cond = ProcessCondition.create(lock);
        lock.lock();
        try {
            assertFalse(cond.awaitUntil(new java.util.Date(Long.MIN_VALUE)));
            assertFalse(cond.awaitUntil(new java.util.Date(0)));
        } finally {
            lock.unlock();
        }
    }

    @Test
    void signalAllPassesOverTheWaitOfAProcessThatDiedSoALaterWaitIsNotSignalled() throws Exception {
        ProcessLock lock = ProcessLock.create();
        ProcessCondition cond = ProcessCondition.create(lock);
        dev.mp4j.process.JvmProcess waiter = new dev.mp4j.process.JvmProcess(() -> {
            lock.lock();
            try {
                cond.await(Duration.ofSeconds(60));
            } finally {
                lock.unlock();
            }
        });
        waiter.start();
        assertTrue(Await.until(() -> cond.toString().contains(" 1 waiting"), Duration.ofSeconds(30)), cond::toString);
        waiter.kill();
        waiter.join();
        lock.lock();
        try {
            cond.signalAll();
            // The only signal went out before this wait began: it is not this wait's.
            assertFalse(cond.await(Duration.ofMillis(300)));
        } finally {
            lock.unlock();
        }
    }

    @Test
    void aBarrierActionMayAbortItThroughAnotherCopyOfTheBarrier() throws Exception {
        java.util.concurrent.atomic.AtomicReference<ProcessBarrier> copy = new java.util.concurrent.atomic.AtomicReference<>();
        ProcessBarrier b = ProcessBarrier.create(1, () -> copy.get().abort(), null);
        // A second object for the same barrier, as one received in another message would be.
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(b);
        }
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            copy.set((ProcessBarrier) in.readObject());
        }
        CompletableFuture<Throwable> outcome = Outcome.onThread("barrier-waiter", () -> b.await(Duration.ofSeconds(5)));
        assertInstanceOf(BrokenBarrierException.class, outcome.get(20, TimeUnit.SECONDS));
        assertTrue(copy.get().isBroken());
    }

    @Test
    void aLockAndItsConditionReceivedSeparatelyAreOneLockInTheChild() throws Exception {
        // Two messages give a child two copies of the lock: its condition's and the caller's.
        // They must agree who holds it: a wait through the condition, then an unlock through the
        // other copy, left the condition's copy naming a thread that no longer held it, and the
        // next holder's signal was refused.
        ProcessLock lock = ProcessLock.create();
        ProcessCondition cond = ProcessCondition.create(lock);
        dev.mp4j.connection.Pipe pipe = dev.mp4j.connection.Pipe.open();
        dev.mp4j.connection.Connection there = pipe.right();
        dev.mp4j.process.JvmProcess child = new dev.mp4j.process.JvmProcess(() -> {
            ProcessLock l = (ProcessLock) there.recv();
            ProcessCondition c = (ProcessCondition) there.recv();
            there.send(l == c.lock());
            Thread waiter = Thread.ofPlatform().start(() -> {
                l.lock();
                try {
                    c.await(Duration.ofMillis(10));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    l.unlock();
                }
            });
            waiter.join();
            l.lock();
            try {
                c.signal();
                there.send("signalled");
            } catch (IllegalMonitorStateException e) {
                there.send("refused: " + e.getMessage());
            } finally {
                l.unlock();
            }
        });
        child.start();
        try {
            pipe.left().send(lock);
            pipe.left().send(cond);
            Object same = pipe.left().recv(Duration.ofSeconds(30));
            assertEquals("signalled", pipe.left().recv(Duration.ofSeconds(30)));
            assertEquals(true, same, "two objects for one lock in the child");
            assertTrue(child.join(Duration.ofSeconds(30)));
            assertEquals(0, child.exitCode());
        } finally {
            child.kill();
        }
    }

    /** What {@code call} throws (null if nothing), run on a thread of its own: the common pool may have a single thread. */
}
