package dev.mp4j.manager;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.Multiprocessing;
import dev.mp4j.pool.ProcessPool;
import dev.mp4j.process.JvmProcess;
import dev.mp4j.sync.ProcessEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a manager call promises about order and interrupts. */
@Timeout(120)
class ManagerOrderingTest {

    @Test
    void putsFromAPoolTaskAreInTheQueueWhenTheTasksResultArrives() throws Exception {
        try (SyncManager m = Multiprocessing.manager(); ProcessPool pool = ProcessPool.create(2)) {
            ManagedQueue<byte[]> q = m.queue();
            pool.map(i -> {
                for (int j = 0; j < 200; j++) {
                    q.put(new byte[64 << 10]);
                }
                return 0;
            }, List.of(0, 1, 2, 3), 1);
            // As after CPython's put, which returns once the manager has the item.
            assertEquals(800, q.qsize());
        }
    }

    @Test
    void putsBeforeAnEventIsSetAreInTheQueueWhenItIsSeen() throws Exception {
        try (SyncManager m = Multiprocessing.manager()) {
            ManagedQueue<Integer> q = m.queue();
            ProcessEvent done = ProcessEvent.create();
            JvmProcess child = new JvmProcess(() -> {
                for (int i = 0; i < 500; i++) {
                    q.put(i);
                }
                done.set();
                Thread.sleep(60_000);
            });
            child.start();
            try {
                assertTrue(done.await(Duration.ofSeconds(60)));
                assertEquals(500, q.qsize());
            } finally {
                child.kill();
                child.join();
            }
        }
    }

    @Test
    void interruptsDuringCallsWithLargeValuesLeaveTheConnectionInStep() throws Exception {
        try (SyncManager m = Multiprocessing.manager()) {
            ManagedMap<String, byte[]> d = m.dict();
            byte[] big = new byte[1 << 20];
            for (int i = 0; i < big.length; i++) {
                big[i] = (byte) (i * 31);
            }
            d.put("big", big);
            // Pre-emptive: the calls hold interrupts back, so a hang here would also hold back
            // the interrupt with which @Timeout ends a test.
            org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                Thread caller = Thread.currentThread();
                AtomicBoolean stop = new AtomicBoolean();
                Thread interrupter = Thread.ofPlatform().start(() -> {
                    while (!stop.get()) {
                        caller.interrupt();
                        LockSupport.parkNanos(200_000);
                    }
                });
                try {
                    for (int i = 0; i < 50; i++) {
                        assertArrayEquals(big, d.get("big"), "answer " + i + " out of step");
                        d.put("k" + i, big);
                    }
                } finally {
                    stop.set(true);
                    while (interrupter.isAlive()) {
                        try {
                            interrupter.join();
                        } catch (InterruptedException lastOne) {
                            // the interrupter's last interrupt, before it saw stop
                        }
                    }
                    Thread.interrupted();
                }
            });
            assertEquals(51, d.size());
        }
    }

    /** An item the manager cannot read back: its long error must not clog the channel. */
    static final class Unreadable implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        final byte[] payload = new byte[4096];

        @java.io.Serial
        private void readObject(java.io.ObjectInputStream in) {
            // Three bytes a character in UTF-8: the answer's budget is counted in bytes.
            throw new IllegalStateException("cannot read this item: " + "\u6f22".repeat(4000));
        }
    }

    @Test
    void manyPutsThatTheManagerRefusesDoNotClogTheChannel() {
        try (SyncManager m = Multiprocessing.manager()) {
            ManagedQueue<Object> q = m.queue();
            org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                ManagerException refused = null;
                for (int i = 0; i < 200 && refused == null; i++) {
                    try {
                        q.put(new Unreadable());
                    } catch (ManagerException e) {
                        refused = e;
                    }
                }
                assertTrue(refused != null && refused.getMessage().contains("cannot read this item"),
                        String.valueOf(refused));
                assertEquals(0, q.qsize());
            });
        }
    }

    @Test
    void putsBeforeAConditionWaitAreInTheQueueForWhoeverTakesTheLock() throws Exception {
        try (SyncManager m = Multiprocessing.manager()) {
            ManagedQueue<Integer> q = m.queue();
            dev.mp4j.sync.ReentrantProcessLock lock = dev.mp4j.sync.ReentrantProcessLock.create();
            dev.mp4j.sync.ProcessCondition cond = dev.mp4j.sync.ProcessCondition.create(lock);
            ProcessEvent putting = ProcessEvent.create();
            JvmProcess child = new JvmProcess(() -> {
                lock.lock();
                try {
                    putting.set();
                    for (int i = 0; i < 300; i++) {
                        q.put(i);
                    }
                    cond.await(60, java.util.concurrent.TimeUnit.SECONDS);
                } finally {
                    lock.unlock();
                }
            });
            child.start();
            try {
                assertTrue(putting.await(Duration.ofSeconds(60)));
                lock.lock();
                try {
                    // The child released the lock by waiting: its puts were settled first.
                    assertEquals(300, q.qsize());
                    cond.signalAll();
                } finally {
                    lock.unlock();
                }
                assertTrue(child.join(Duration.ofSeconds(60)));
                assertEquals(0, child.exitCode());
            } finally {
                if (child.isAlive()) {
                    child.kill();
                }
            }
        }
    }

    @Test
    void aBriefAnswerIsCutToItsBudgetInBytesAtACodePoint() {
        String cut = ManagerServer.cutToBytes("\u6f22".repeat(1000) + "\uD83D\uDE00", 800);
        assertTrue(cut.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 800, cut.length() + " chars");
        assertTrue(cut.endsWith("..."));
        assertEquals("short", ManagerServer.cutToBytes("short", 800));
        // a surrogate pair is never split
        String emoji = ManagerServer.cutToBytes("\uD83D\uDE00".repeat(300), 800);
        assertTrue(emoji.codePoints().allMatch(cp -> cp == 0x1F600 || cp == '.'), "split a surrogate pair");
    }
}
