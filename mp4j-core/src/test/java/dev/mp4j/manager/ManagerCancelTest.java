package dev.mp4j.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.Multiprocessing;
import dev.mp4j.testing.Threads;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An interrupt withdraws a manager call that waits in the server (one whose method declares
 * {@link InterruptedException}), taking no effect, and the thread's connection stays in step.
 */
@Timeout(120)
class ManagerCancelTest {
    private static final byte[] KEY = "cancel".getBytes();

    /** Runs {@code body} on a thread of its own named {@code name}; its outcome (what it returned or threw). */
    private static CompletableFuture<Object> onThread(String name, ThrowingSupplier body) {
        CompletableFuture<Object> outcome = new CompletableFuture<>();
        Thread.ofPlatform().name(name).start(() -> {
            try {
                outcome.complete(body.get());
            } catch (Throwable t) {
                outcome.complete(t);
            }
        });
        return outcome;
    }

    private interface ThrowingSupplier {
        Object get() throws Exception;
    }

    /**
     * On its own thread: a take() that waits in the manager is interrupted, then the same thread
     * (the same connection) puts and takes again. Returns what happened, in order.
     */
    private static void interruptedTakeLeavesTheQueueAndTheConnectionWhole(ManagedQueue<String> q, String name) throws Exception {
        Thread[] taker = new Thread[1];
        CompletableFuture<Object> outcome = onThread(name, () -> {
            taker[0] = Thread.currentThread();
            Object first;
            try {
                first = q.take();
            } catch (InterruptedException e) {
                first = e;
            }
            boolean stillInterrupted = Thread.currentThread().isInterrupted();
            q.put("after");
            return new Object[] {first, stillInterrupted, q.take(), q.qsize()};
        });
        assertTrue(Threads.awaitAsleep(name, Duration.ofSeconds(30)), "the taker never waited");
        taker[0].interrupt();
        Object[] got = (Object[]) outcome.get(60, TimeUnit.SECONDS);
        assertTrue(got[0] instanceof InterruptedException, "take() returned " + got[0]);
        assertTrue(((Throwable) got[0]).getMessage().contains("withdrawn"), ((Throwable) got[0]).getMessage());
        assertFalse((Boolean) got[1], "the interrupt status survived the InterruptedException");
        assertEquals("after", got[2], "the connection fell out of step");
        assertEquals(0, got[3]);
        // The withdrawn take took nothing: an item put now is there for another taker.
        q.put("for someone else");
        assertEquals("for someone else", q.poll(10, TimeUnit.SECONDS));
    }

    @Test
    void anInterruptWithdrawsATakeWaitingInALocalManager() throws Exception {
        try (SyncManager m = Multiprocessing.manager()) {
            interruptedTakeLeavesTheQueueAndTheConnectionWhole(m.queue(), "local-taker");
        }
    }

    @Test
    void anInterruptWithdrawsATakeWaitingInAManagerReachedOverTcp() throws Exception {
        // Without a shared-memory pipe: calls, answers and the cancel share one socket.
        try (SyncManager m = new SyncManager(new InetSocketAddress("127.0.0.1", 0), KEY).start()) {
            interruptedTakeLeavesTheQueueAndTheConnectionWhole(m.queue(), "tcp-taker");
        }
    }

    @Test
    void interruptedWaitsOnALockAnEventAndABarrierEndWithInterruptedException() throws Exception {
        try (SyncManager m = Multiprocessing.manager()) {
            ManagedLock lock = m.lock();
            ManagedEvent event = m.event();
            ManagedBarrier barrier = m.barrier(2);
            assertTrue(lock.acquire());
            for (String what : new String[] {"lock", "event", "barrier"}) {
                Thread[] waiter = new Thread[1];
                CompletableFuture<Object> outcome = onThread("waiter-" + what, () -> {
                    waiter[0] = Thread.currentThread();
                    try {
                        return switch (what) {
                            case "lock" -> lock.acquire();
                            case "event" -> {
                                event.await();
                                yield "set";
                            }
                            default -> barrier.await();
                        };
                    } catch (InterruptedException e) {
                        return e;
                    }
                });
                assertTrue(Threads.awaitAsleep("waiter-" + what, Duration.ofSeconds(30)), what + ": never waited");
                waiter[0].interrupt();
                Object got = outcome.get(60, TimeUnit.SECONDS);
                assertTrue(got instanceof InterruptedException, what + ": " + got);
            }
            // The withdrawn acquire took nothing: the lock is still this thread's, and free after.
            lock.release();
            assertTrue(lock.acquire(false, null));
            lock.release();
            // An interrupted barrier wait breaks the barrier, as CyclicBarrier's does.
            assertTrue(barrier.isBroken());
            assertTrue(onThread("after-break", () -> {
                try {
                    return barrier.await();
                } catch (BrokenBarrierException e) {
                    return e;
                }
            }).get(60, TimeUnit.SECONDS) instanceof BrokenBarrierException);
        }
    }

    @Test
    void cancelsThatComeAfterTheirCallWasAnsweredCancelNothingLater() throws Exception {
        // Each timed get is interrupted about when its own time runs out, so its cancel races
        // its answer; a cancel that lost the race stays unread until a later call waits, which
        // must not be withdrawn by it.
        try (SyncManager m = new SyncManager(new InetSocketAddress("127.0.0.1", 0), KEY).start()) {
            ManagedQueue<String> q = m.queue();
            java.util.concurrent.ScheduledExecutorService interrupter = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
            Object last = onThread("racing-getter", () -> {
                Thread me = Thread.currentThread();
                for (int i = 0; i < 20; i++) {
                    // The client looks for an interrupt every 50 ms; the get times out at 60-117 ms.
                    java.util.concurrent.ScheduledFuture<?> interrupt = interrupter.schedule(me::interrupt, 20 + 4 * i, TimeUnit.MILLISECONDS);
                    try {
                        q.get(true, Duration.ofMillis(60 + 3 * i));
                    } catch (InterruptedException | dev.mp4j.queue.QueueEmptyException either) {
                        // withdrawn, or timed out first
                    }
                    interrupt.get();
                    Thread.interrupted();
                }
                // Put once this get waits in the manager, where a stale cancel would withdraw it.
                Thread.ofPlatform().start(() -> {
                    try {
                        if (Threads.awaitSettledAsleep(ProcessHandle.current().pid(), "racing-getter", Duration.ofSeconds(30))) {
                            q.put("late");
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                return q.get(true, Duration.ofSeconds(30));
            }).get(90, TimeUnit.SECONDS);
            interrupter.shutdown();
            assertEquals("late", last);
        }
    }

    @Test
    void aPoolTaskWaitingInTheManagerIsStoppedByItsTimeoutsInterruptNotByAKill() throws Exception {
        try (SyncManager m = Multiprocessing.manager();
             dev.mp4j.pool.ProcessPool pool = dev.mp4j.pool.ProcessPool.create(dev.mp4j.pool.ProcessPool.Options.defaults()
                     .withProcesses(1).withTaskTimeout(Duration.ofMillis(300)).withKillGrace(Duration.ofSeconds(60)))) {
            ManagedQueue<String> q = m.queue();
            long worker = pool.apply(() -> ProcessHandle.current().pid());
            dev.mp4j.pool.AsyncResult<String> waiting = pool.applyAsync(() -> q.take());
            dev.mp4j.pool.TaskTimeoutException soft = org.junit.jupiter.api.Assertions.assertThrows(
                    dev.mp4j.pool.TaskTimeoutException.class, () -> waiting.get(Duration.ofSeconds(30)));
            assertTrue(soft.getMessage().contains("interrupted"), soft.getMessage());
            assertEquals(worker, pool.apply(() -> ProcessHandle.current().pid()), "the worker was killed and replaced");
            q.put("untaken");
            assertEquals("untaken", q.poll(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void anInterruptedThreadsCallTakesWhatIsThereAndIsWithdrawnWhereItWouldWait() throws Exception {
        try (SyncManager m = Multiprocessing.manager()) {
            ManagedQueue<String> q = m.queue();
            ManagedBarrier barrier = m.barrier(2);
            q.put("there");
            Object[] got = (Object[]) onThread("pre-interrupted", () -> {
                Thread.currentThread().interrupt();
                // An item that is there is taken, as a non-blocking get would take it; the
                // interrupt stays for the caller.
                Object first = q.take();
                boolean kept = Thread.currentThread().isInterrupted();
                Object second;
                try {
                    second = q.take();
                } catch (InterruptedException e) {
                    second = e;
                }
                boolean cleared = !Thread.currentThread().isInterrupted();
                Thread.currentThread().interrupt();
                Object third;
                try {
                    third = barrier.await();
                } catch (InterruptedException e) {
                    third = e;
                }
                return new Object[] {first, kept, second, cleared, third};
            }).get(60, TimeUnit.SECONDS);
            assertEquals("there", got[0]);
            assertTrue((Boolean) got[1], "the interrupt was lost");
            assertTrue(got[2] instanceof InterruptedException, "take() on an empty queue returned " + got[2]);
            assertTrue((Boolean) got[3], "the interrupt status survived the InterruptedException");
            assertTrue(got[4] instanceof InterruptedException, "barrier.await() returned " + got[4]);
            // As CyclicBarrier's: the party that gave up broke the barrier for the others.
            assertTrue(barrier.isBroken(), "an interrupted party left the barrier whole");
        }
    }

    @Test
    void anInterruptedConditionWaitEndsHoldingTheConditionsLockAsJavasDoes() throws Exception {
        try (SyncManager m = Multiprocessing.manager()) {
            ManagedCondition cond = m.condition();
            Thread[] waiter = new Thread[1];
            CompletableFuture<Object> outcome = onThread("condition-waiter", () -> {
                waiter[0] = Thread.currentThread();
                assertTrue(cond.acquire());
                try {
                    cond.await();
                    return "signalled";
                } catch (InterruptedException e) {
                    // Still the lock's owner: releasing works, and a second release would not.
                    cond.release();
                    try {
                        cond.release();
                        return "released twice";
                    } catch (RuntimeException notHeld) {
                        return e;
                    }
                }
            });
            assertTrue(Threads.awaitAsleep("condition-waiter", Duration.ofSeconds(30)));
            waiter[0].interrupt();
            assertTrue(outcome.get(60, TimeUnit.SECONDS) instanceof InterruptedException, String.valueOf(outcome.getNow(null)));
            assertTrue(cond.acquire(false, null), "the condition's lock was left held");
            cond.release();
        }
    }

    @Test
    void aBarrierWaitInterruptedAsTheBarrierTripsEitherPassesOrBreaksItForAll() throws Exception {
        // The waiter is interrupted as the last party arrives: it may pass (the trip came first)
        // or be withdrawn, but withdrawn only by breaking the barrier for the last party too,
        // never told it did not pass while the others went through with it.
        try (SyncManager m = Multiprocessing.manager()) {
            ManagedBarrier barrier = m.barrier(2);
            for (int round = 0; round < 24; round++) {
                Thread[] waiter = new Thread[1];
                CompletableFuture<Object> first = onThread("barrier-waiter-" + round, () -> {
                    waiter[0] = Thread.currentThread();
                    try {
                        return barrier.await();
                    } catch (InterruptedException | BrokenBarrierException e) {
                        return e;
                    }
                });
                assertTrue(Threads.awaitAsleep("barrier-waiter-" + round, Duration.ofSeconds(30)));
                // The waiter's client sends its cancel within 50 ms of the interrupt; the server
                // reads it when its wait wakes, every 100 ms or at the trip. Arriving 0-110 ms
                // after the interrupt, the last party meets the cancel before, with or after the trip.
                if (round % 2 == 0) {
                    waiter[0].interrupt();
                    java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10 * round));
                }
                Object last;
                try {
                    last = barrier.await(Duration.ofSeconds(30));
                } catch (BrokenBarrierException e) {
                    last = e;
                }
                if (round % 2 == 1) {
                    waiter[0].interrupt();
                }
                Object firstOutcome = first.get(60, TimeUnit.SECONDS);
                if (firstOutcome instanceof InterruptedException) {
                    assertTrue(last instanceof BrokenBarrierException,
                            "round " + round + ": the waiter was withdrawn but the last party passed (" + last + ")");
                } else {
                    assertTrue(firstOutcome instanceof Integer && last instanceof Integer,
                            "round " + round + ": " + firstOutcome + " / " + last);
                }
                barrier.reset();
            }
        }
    }

    @Test
    void aCallThatDoesNotWaitIsNotWithdrawnAndKeepsTheInterrupt() throws Exception {
        try (SyncManager m = Multiprocessing.manager()) {
            ManagedMap<String, Integer> d = m.dict();
            Object[] got = (Object[]) onThread("interrupted-caller", () -> {
                Thread.currentThread().interrupt();
                d.put("k", 1);
                Integer v = d.get("k");
                return new Object[] {v, Thread.interrupted()};
            }).get(60, TimeUnit.SECONDS);
            assertEquals(1, got[0]);
            assertTrue((Boolean) got[1], "the interrupt was lost");
        }
    }
}
