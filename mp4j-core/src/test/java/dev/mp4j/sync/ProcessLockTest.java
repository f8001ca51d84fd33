package dev.mp4j.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.connection.Connection;
import dev.mp4j.connection.Pipe;
import dev.mp4j.process.JvmProcess;
import dev.mp4j.shared.IntValue;
import dev.mp4j.shared.Value;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ProcessLockTest {

    @Test
    void lockExcludesOtherProcessesSoNoIncrementIsLost() {
        ProcessLock lock = ProcessLock.create();
        IntValue counter = Value.ofInt(0, false);
        List<JvmProcess> ps = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            JvmProcess p = new JvmProcess(() -> {
                for (int k = 0; k < 20_000; k++) {
                    lock.lock();
                    try {
                        counter.set(counter.get() + 1);
                    } finally {
                        lock.unlock();
                    }
                }
            });
            p.start();
            ps.add(p);
        }
        ps.forEach(JvmProcess::join);
        ps.forEach(p -> assertEquals(0, p.exitCode()));
        assertEquals(60_000, counter.get());
    }

    @Test
    void tryLockAndTimedAcquireFailWhileAnotherProcessHoldsIt() throws Exception {
        ProcessLock lock = ProcessLock.create();
        Pipe pipe = Pipe.open();
        Connection child = pipe.right();
        JvmProcess holder = new JvmProcess(() -> {
            lock.lock();
            child.send("locked");
            child.recv();
            lock.unlock();
        });
        holder.start();
        assertEquals("locked", pipe.left().recv());
        assertFalse(lock.tryLock());
        assertFalse(lock.acquire(true, Duration.ofMillis(100)));
        assertFalse(lock.acquire(false, null));
        assertTrue(lock.isLocked());
        assertEquals(holder.pid().intValue(), lock.ownerPid());
        pipe.left().send("go");
        assertTrue(lock.tryLock(20, TimeUnit.SECONDS));
        lock.unlock();
        holder.join();
    }

    @Test
    void releasingAFreeLockIsAClearError() {
        ProcessLock lock = ProcessLock.create();
        IllegalMonitorStateException e = assertThrows(IllegalMonitorStateException.class, lock::unlock);
        assertTrue(e.getMessage().contains("released too many times"), e.getMessage());
    }

    @Test
    void aWaiterTakesOverALockWhoseOwnerDiedAndIsToldSo() throws Exception {
        ProcessLock lock = ProcessLock.create();
        Pipe pipe = Pipe.open();
        Connection child = pipe.right();
        JvmProcess owner = new JvmProcess(() -> {
            lock.lock();
            child.send("locked");
            Thread.sleep(60_000);
        });
        owner.start();
        assertEquals("locked", pipe.left().recv());
        CompletableFuture<Long> waited = new CompletableFuture<>();
        Thread.ofPlatform().name("lock-waiter").start(() -> {
            long t0 = System.nanoTime();
            lock.lock();
            waited.complete(System.nanoTime() - t0);
        });
        assertTrue(dev.mp4j.testing.Threads.awaitAsleep("lock-waiter", java.time.Duration.ofSeconds(10)), "the waiter never blocked");
        long killedAt = System.nanoTime();
        owner.kill();
        owner.join();
        waited.get(10, TimeUnit.SECONDS);
        long afterKill = System.nanoTime() - killedAt;
        assertTrue(afterKill < TimeUnit.SECONDS.toNanos(1), "took " + afterKill / 1_000_000 + " ms after the owner died");
        assertTrue(lock.ownerDied());
        lock.unlock();
        lock.lock();
        assertFalse(lock.ownerDied(), "a normal acquisition after recovery");
        lock.unlock();
    }

    @Test
    void rLockCountsReentriesAndRefusesReleaseByANonOwner() throws Exception {
        ReentrantProcessLock lock = ReentrantProcessLock.create();
        lock.lock();
        lock.lock();
        assertEquals(2, lock.getHoldCount());
        Thread other = new Thread(() -> assertThrows(IllegalMonitorStateException.class, lock::unlock));
        other.start();
        other.join();
        lock.unlock();
        assertTrue(lock.isLocked());
        lock.unlock();
        assertFalse(lock.isLocked());
        IllegalMonitorStateException e = assertThrows(IllegalMonitorStateException.class, lock::unlock);
        assertEquals("cannot release un-acquired lock", e.getMessage());
    }

    @Test
    void rLockHeldByAKilledProcessIsRecovered() throws Exception {
        ReentrantProcessLock lock = ReentrantProcessLock.create();
        Pipe pipe = Pipe.open();
        Connection child = pipe.right();
        JvmProcess owner = new JvmProcess(() -> {
            lock.lock();
            lock.lock();
            child.send("locked");
            Thread.sleep(60_000);
        });
        owner.start();
        assertEquals("locked", pipe.left().recv());
        owner.kill();
        owner.join();
        assertTrue(lock.tryLock(5, TimeUnit.SECONDS));
        assertTrue(lock.ownerDied());
        assertEquals(1, lock.getHoldCount());
        lock.unlock();
        assertFalse(lock.isLocked());
    }
}
