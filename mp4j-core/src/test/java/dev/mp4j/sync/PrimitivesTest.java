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
import dev.mp4j.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class PrimitivesTest {

    @Test
    @org.junit.jupiter.api.Timeout(90)
    void virtualThreadsWaitingOnAnEventDoNotHoldTheCarriersTheSetterNeeds() throws Exception {
        // Two carrier threads, two virtual threads waiting on the event, and a third virtual
        // thread that sets it: a wait that sleeps in the futex system call holds its carrier,
        // and the setter never ran.
        dev.mp4j.Context twoCarriers = dev.mp4j.Multiprocessing.getContext("spawn").withJvmOptions(
                dev.mp4j.process.JvmOptions.defaults().systemProperty("jdk.virtualThreadScheduler.parallelism", "2")
                        .systemProperty("jdk.virtualThreadScheduler.maxPoolSize", "2"));
        ProcessEvent event = ProcessEvent.create();
        JvmProcess child = twoCarriers.process(() -> {
            // linked first, so the waits below would use the system call
            dev.mp4j.shm.Futex.prepare();
            long linkDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!dev.mp4j.shm.Futex.available() && System.nanoTime() - linkDeadline < 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
            List<Thread> waiters = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                waiters.add(Thread.ofVirtual().start(() -> {
                    try {
                        event.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            Thread setter = Thread.ofVirtual().start(() -> {
                // Once both waiters wait (parked; in the system call they would hold both
                // carriers, and this thread would never run at all).
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (waiters.stream().anyMatch(w -> w.getState() == Thread.State.RUNNABLE || w.getState() == Thread.State.NEW)
                        && System.nanoTime() - deadline < 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                }
                event.set();
            });
            setter.join();
            for (Thread w : waiters) {
                w.join();
            }
        });
        child.start();
        try {
            assertTrue(child.join(Duration.ofSeconds(30)), "the virtual threads never got past the event");
            assertEquals(0, child.exitCode());
        } finally {
            child.kill();
        }
    }

    @Test
    void semaphoreNeverLetsMoreThanItsValueIn() {
        ProcessSemaphore sem = ProcessSemaphore.create(2);
        IntValue inside = Value.ofInt(0);
        IntValue maxInside = Value.ofInt(0);
        List<JvmProcess> ps = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            JvmProcess p = new JvmProcess(() -> {
                for (int k = 0; k < 50; k++) {
                    sem.acquire();
                    try {
                        int now = inside.incrementAndGet();
                        int max;
                        while ((max = maxInside.get()) < now && !maxInside.compareAndSet(max, now)) {
                            Thread.onSpinWait();
                        }
                        Thread.sleep(1);
                        inside.decrementAndGet();
                    } finally {
                        sem.release();
                    }
                }
            });
            p.start();
            ps.add(p);
        }
        ps.forEach(JvmProcess::join);
        ps.forEach(p -> assertEquals(0, p.exitCode()));
        assertTrue(maxInside.get() <= 2, "max inside " + maxInside.get());
        assertEquals(2, sem.value());
    }

    @Test
    void semaphoreAcquireTimesOutAndBoundedOneRefusesExtraReleases() {
        ProcessSemaphore sem = ProcessSemaphore.create(0);
        assertFalse(sem.acquire(true, Duration.ofMillis(50)));
        assertFalse(sem.acquire(false, null));
        sem.release(3);
        assertEquals(3, sem.value());
        ProcessSemaphore bounded = ProcessSemaphore.bounded(1);
        IllegalStateException e = assertThrows(IllegalStateException.class, bounded::release);
        assertTrue(e.getMessage().contains("released too many times"));
        bounded.acquire();
        bounded.release();
        assertThrows(IllegalArgumentException.class, () -> ProcessSemaphore.create(-1));
    }

    @Test
    void anInterruptDoesNotEndAPythonStyleSemaphoreWaitButEndsAnInterruptibleOne() throws Exception {
        // As the locks' acquire(block, timeout) and Python's: a port's
        // acquire(true, null); try {...} finally {release();} must not enter without a permit.
        ProcessSemaphore sem = ProcessSemaphore.create(0);
        for (Duration timeout : java.util.Arrays.asList(Duration.ofSeconds(30), null)) {
            CompletableFuture<boolean[]> waiter = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                boolean took = sem.acquire(true, timeout);
                waiter.complete(new boolean[] {took, Thread.currentThread().isInterrupted()});
            }, "sem-python-style");
            t.start();
            assertTrue(dev.mp4j.testing.Threads.awaitAsleep("sem-python-style", Duration.ofSeconds(10)), "the waiter never blocked");
            t.interrupt();
            assertFalse(t.join(Duration.ofMillis(300)), "the interrupt ended the wait (timeout " + timeout + ")");
            sem.release();
            boolean[] got = waiter.get(10, TimeUnit.SECONDS);
            assertTrue(got[0], "no permit after the interrupt");
            assertTrue(got[1], "the interrupt status was lost");
            assertEquals(0, sem.value());
        }
        CompletableFuture<Boolean> interruptible = new CompletableFuture<>();
        Thread u = new Thread(() -> {
            try {
                sem.acquireInterruptibly();
                interruptible.complete(true);
            } catch (InterruptedException e) {
                interruptible.complete(false);
            }
        }, "sem-interruptible");
        u.start();
        assertTrue(dev.mp4j.testing.Threads.awaitAsleep("sem-interruptible", Duration.ofSeconds(10)), "the waiter never blocked");
        u.interrupt();
        assertFalse(interruptible.get(5, TimeUnit.SECONDS));
        assertEquals(0, sem.value());
    }

    @Test
    void eventWakesAWaitingProcessAndTimesOutWithFalse() throws Exception {
        ProcessEvent event = ProcessEvent.create();
        assertFalse(event.await(Duration.ofMillis(50)));
        Pipe pipe = Pipe.open();
        Connection child = pipe.right();
        JvmProcess waiter = new JvmProcess(() -> {
            child.send("waiting");
            child.send(event.await(Duration.ofSeconds(20)));
        });
        waiter.start();
        assertEquals("waiting", pipe.left().recv());
        event.set();
        assertTrue(event.isSet());
        assertEquals(true, pipe.left().recv());
        waiter.join();
        event.clear();
        assertFalse(event.isSet());
    }

    @Test
    void conditionSignalsAcrossProcessesAndAwaitForChecksThePredicate() throws Exception {
        ProcessCondition cond = ProcessCondition.create();
        IntValue box = Value.ofInt(0, false);
        Pipe pipe = Pipe.open();
        Connection child = pipe.right();
        JvmProcess consumer = new JvmProcess(() -> {
            cond.lock().lock();
            try {
                child.send("ready");
                boolean ok = cond.awaitFor(() -> box.get() == 3, Duration.ofSeconds(20));
                child.send(ok ? box.get() : -1);
            } finally {
                cond.lock().unlock();
            }
        });
        consumer.start();
        assertEquals("ready", pipe.left().recv());
        for (int i = 1; i <= 3; i++) {
            cond.lock().lock();
            try {
                box.set(i);
                cond.signalAll();
            } finally {
                cond.lock().unlock();
            }
            Thread.sleep(20);
        }
        assertEquals(3, pipe.left().recv());
        consumer.join();
        cond.lock().lock();
        try {
            assertFalse(cond.await(Duration.ofMillis(50)));
        } finally {
            cond.lock().unlock();
        }
        assertThrows(IllegalMonitorStateException.class, () -> cond.await(Duration.ofMillis(1)));
    }

    @Test
    void signalWakesOneWaiterAndSignalOfNWakesN() throws Exception {
        // Python's notify() wakes one waiter and notify(n) n of them; three child processes wait.
        ProcessCondition cond = ProcessCondition.create();
        Pipe pipe = Pipe.open();
        Connection report = pipe.right();
        List<JvmProcess> waiters = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            waiters.add(startWaiter(cond, report, ""));
        }
        for (int i = 0; i < 3; i++) {
            assertEquals("waiting", pipe.left().recv());
        }
        // Each waiter sent "waiting" with the lock held and gives it up only inside await: once
        // this process has the lock, all three are waiting.
        signalWithTheLock(cond, 1);
        assertEquals("woken", pipe.left().recv());
        // The other two stay asleep (a wrong condition wakes them all within its 50 ms slice).
        assertFalse(pipe.left().poll(Duration.ofMillis(300)), "one signal woke more than one waiter");
        signalWithTheLock(cond, 2);
        assertEquals("woken", pipe.left().recv());
        assertEquals("woken", pipe.left().recv());
        for (JvmProcess waiter : waiters) {
            waiter.join();
            assertEquals(0, waiter.exitCode());
        }
        // A signal with nobody waiting is not kept for a later waiter.
        signalWithTheLock(cond, 1);
        cond.lock().lock();
        try {
            assertFalse(cond.await(Duration.ofMillis(50)));
        } finally {
            cond.lock().unlock();
        }
        assertThrows(IllegalMonitorStateException.class, cond::signal);
    }

    @Test
    void signalsWakeWaitersInTheOrderTheyBeganToWait() throws Exception {
        // Three child processes wait, one after another; each signal wakes the oldest waiter.
        ProcessCondition cond = ProcessCondition.create();
        Pipe pipe = Pipe.open();
        Connection report = pipe.right();
        List<JvmProcess> waiters = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            waiters.add(startWaiter(cond, report, " " + i));
            // It says so with the lock held, and gives it up only inside await: the next one
            // can only begin to wait after it.
            assertEquals("waiting " + i, pipe.left().recv());
        }
        for (int i = 0; i < 3; i++) {
            signalWithTheLock(cond, 1);
            assertEquals("woken " + i, pipe.left().recv());
        }
        for (JvmProcess waiter : waiters) {
            waiter.join();
            assertEquals(0, waiter.exitCode());
        }
    }

    @Test
    void aWaiterKilledWhileWaitingIsPassedOverAndManyShortWaitsBesideALongOneNeverFillTheCondition() throws Exception {
        ProcessCondition cond = ProcessCondition.create();
        Pipe pipe = Pipe.open(false);
        Connection tell = pipe.right();
        JvmProcess doomed = new JvmProcess(() -> {
            cond.lock().lock();
            try {
                tell.send("waiting");
                cond.await(Duration.ofSeconds(60));
            } finally {
                cond.lock().unlock();
            }
        });
        doomed.start();
        assertEquals("waiting", pipe.left().recv());
        // Killed inside its wait, not before: it gives the lock up only there, after taking its place.
        ReentrantProcessLock lock = (ReentrantProcessLock) cond.lock();
        assertTrue(Await.until(() -> !lock.isLocked(), Duration.ofSeconds(30)), "the child never began to wait");
        doomed.kill();
        doomed.join();
        // A thread here waits long, after the dead child (whose wait is older).
        CompletableFuture<Boolean> longWait = new CompletableFuture<>();
        Thread waiter = new Thread(() -> {
            cond.lock().lock();
            try {
                longWait.complete(cond.await(Duration.ofSeconds(60)));
            } catch (Throwable t) {
                longWait.completeExceptionally(t);
            } finally {
                cond.lock().unlock();
            }
        }, "long-waiter");
        waiter.start();
        assertTrue(dev.mp4j.testing.Threads.awaitAsleep("long-waiter", Duration.ofSeconds(30)));
        // Many short waits beside it, each timing out: their places are taken and given back.
        cond.lock().lock();
        try {
            for (int i = 0; i < 600; i++) {
                assertFalse(cond.await(Duration.ofNanos(1)));
            }
        } finally {
            cond.lock().unlock();
        }
        // One signal: not spent on the dead child's older wait, but on the living one.
        signalWithTheLock(cond, 1);
        assertTrue(longWait.get(30, TimeUnit.SECONDS));
    }

    @Test
    void aSignalGrantedToAWaiterThatDiesBeforeTakingItIsPassedOnWithoutAnotherSignal() throws Exception {
        // The oldest waiter, a child, is granted the one signal and killed before it can take
        // the lock back; the other waiter, a thread here, must not sleep on for want of a
        // second signal.
        ProcessCondition cond = ProcessCondition.create();
        ReentrantProcessLock lock = (ReentrantProcessLock) cond.lock();
        Pipe pipe = Pipe.open(false);
        Connection tell = pipe.right();
        JvmProcess oldest = new JvmProcess(() -> {
            lock.lock();
            try {
                tell.send("waiting");
                cond.await(Duration.ofSeconds(60));
            } finally {
                lock.unlock();
            }
        });
        oldest.start();
        assertEquals("waiting", pipe.left().recv());
        assertTrue(Await.until(() -> !lock.isLocked(), Duration.ofSeconds(30)), "the child never began to wait");
        CompletableFuture<Boolean> younger = new CompletableFuture<>();
        Thread waiter = new Thread(() -> {
            lock.lock();
            try {
                younger.complete(cond.await(Duration.ofSeconds(20)));
            } catch (Throwable t) {
                younger.completeExceptionally(t);
            } finally {
                lock.unlock();
            }
        }, "younger-waiter");
        waiter.start();
        assertTrue(dev.mp4j.testing.Threads.awaitAsleep("younger-waiter", Duration.ofSeconds(30)));
        assertTrue(Await.until(() -> !lock.isLocked(), Duration.ofSeconds(30)));
        lock.lock();
        try {
            cond.signal();
            oldest.kill();
            oldest.join();
        } finally {
            lock.unlock();
        }
        assertTrue(younger.get(30, TimeUnit.SECONDS), "the signal died with the waiter it was granted to");
    }

    @Test
    void aWaiterThatTakesTheLockOverFromADeadOwnerTellsItsCaller() throws Exception {
        // While a thread here waits, a child takes the condition's lock and is killed holding
        // it. The waiter, taking the lock back when its wait ends, takes it over from the dead
        // child: its caller must be told (ownerDied), not find a lock that looks clean.
        ProcessCondition cond = ProcessCondition.create();
        ReentrantProcessLock lock = (ReentrantProcessLock) cond.lock();
        CompletableFuture<boolean[]> outcome = new CompletableFuture<>();
        Thread waiter = new Thread(() -> {
            lock.lock();
            try {
                boolean signalled = cond.await(Duration.ofSeconds(2));
                outcome.complete(new boolean[] {signalled, lock.ownerDied()});
            } catch (Throwable t) {
                outcome.completeExceptionally(t);
            } finally {
                lock.unlock();
            }
        }, "condition-waiter");
        waiter.start();
        assertTrue(dev.mp4j.testing.Threads.awaitAsleep("condition-waiter", Duration.ofSeconds(30)));
        Pipe pipe = Pipe.open(false);
        Connection tell = pipe.right();
        JvmProcess holder = new JvmProcess(() -> {
            lock.lock();
            tell.send("holding");
            Thread.sleep(Long.MAX_VALUE);
        });
        holder.start();
        assertEquals("holding", pipe.left().recv());
        holder.kill();
        holder.join();
        boolean[] got = outcome.get(30, TimeUnit.SECONDS);
        assertFalse(got[0], "nobody signalled");
        assertTrue(got[1], "the waiter took the lock over from the dead child without saying so");
    }

    @Test
    void aTimedWaitWokenEarlyToTakeOverADeadOwnersLockSaysItWasNotATimeout() throws Exception {
        // Condition.await(time, unit) and Python's wait(timeout) return false only when the time
        // is up. A wait woken by a signal granted to an older waiter, that then takes the lock
        // over from the signaller killed holding it, returns early: that is not a timeout.
        ProcessCondition cond = ProcessCondition.create();
        AbstractProcessLock lock = (AbstractProcessLock) cond.lock();
        Pipe pipe = Pipe.open(false);
        Connection tell = pipe.right();
        // The oldest waiter, frozen once asleep: the signal is granted to it, and it cannot take
        // the lock back before the waiter here does.
        JvmProcess oldest = new JvmProcess(() -> {
            cond.lock().lock();
            cond.await(Duration.ofSeconds(60));
        });
        JvmProcess signaller = new JvmProcess(() -> {
            cond.lock().lock();
            cond.signal();
            tell.send("signalled");
            Thread.sleep(Long.MAX_VALUE);
        });
        try {
            oldest.start();
            assertTrue(Await.until(() -> cond.toString().contains(" 1 waiting"), Duration.ofSeconds(30)), cond::toString);
            assertEquals(0, new ProcessBuilder("kill", "-STOP", Long.toString(oldest.pid())).start().waitFor());
            CompletableFuture<Object[]> outcome = new CompletableFuture<>();
            Thread waiter = new Thread(() -> {
                lock.lock();
                try {
                    long start = System.nanoTime();
                    boolean result = cond.await(10, TimeUnit.SECONDS);
                    outcome.complete(new Object[] {result, Duration.ofNanos(System.nanoTime() - start), lock.ownerDied()});
                } catch (Throwable t) {
                    outcome.completeExceptionally(t);
                } finally {
                    lock.unlock();
                }
            }, "timed-condition-waiter");
            waiter.start();
            assertTrue(Await.until(() -> cond.toString().contains(" 2 waiting"), Duration.ofSeconds(30)), cond::toString);
            signaller.start();
            assertEquals("signalled", pipe.left().recv(Duration.ofSeconds(30)));
            signaller.kill();
            Object[] got = outcome.get(30, TimeUnit.SECONDS);
            assertTrue((Boolean) got[2], "the waiter took the lock over from the dead signaller without saying so");
            assertTrue((Boolean) got[0], "false after " + got[1] + " of a 10 s wait");
        } finally {
            oldest.kill();
            signaller.kill();
            oldest.join();
            signaller.join();
        }
    }

    /**
     * Starts a child that, with the condition's lock held, reports "waiting" + {@code label},
     * then waits up to 30 s and reports "woken" + label (or "timed out" + label).
     */
    private static JvmProcess startWaiter(ProcessCondition cond, Connection report, String label) {
        JvmProcess waiter = new JvmProcess(() -> {
            cond.lock().lock();
            try {
                report.send("waiting" + label);
                report.send((cond.await(Duration.ofSeconds(30)) ? "woken" : "timed out") + label);
            } finally {
                cond.lock().unlock();
            }
        });
        waiter.start();
        return waiter;
    }

    private static void signalWithTheLock(ProcessCondition cond, int n) {
        cond.lock().lock();
        try {
            cond.signal(n);
        } finally {
            cond.lock().unlock();
        }
    }

    @Test
    void aBarrierAwaitOfNullUsesTheBarriersOwnTimeoutAsPythonsWaitOfNone() throws Exception {
        ProcessBarrier brief = ProcessBarrier.create(2, null, Duration.ofMillis(200));
        assertThrows(TimeoutException.class, () -> brief.await(null));
        assertTrue(brief.isBroken());
    }

    @Test
    void barrierReleasesAllPartiesWithDistinctIndicesAndRunsTheAction() throws Exception {
        IntValue actions = Value.ofInt(0);
        ProcessBarrier barrier = ProcessBarrier.create(3, actions::incrementAndGet, Duration.ofSeconds(20));
        Pipe pipe = Pipe.open();
        Connection out = pipe.right();
        List<JvmProcess> ps = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            JvmProcess p = new JvmProcess(() -> out.send(barrier.await()));
            p.start();
            ps.add(p);
        }
        int mine = barrier.await();
        Set<Integer> indices = new HashSet<>(Set.of(mine, (Integer) pipe.left().recv(), (Integer) pipe.left().recv()));
        assertEquals(Set.of(0, 1, 2), indices);
        assertEquals(1, actions.get());
        ps.forEach(JvmProcess::join);
    }

    @Test
    void barrierTimeoutBreaksItAndResetMendsIt() throws Exception {
        ProcessBarrier barrier = ProcessBarrier.create(2);
        assertThrows(TimeoutException.class, () -> barrier.await(Duration.ofMillis(50)));
        assertTrue(barrier.isBroken());
        assertThrows(BrokenBarrierException.class, () -> barrier.await(Duration.ofMillis(50)));
        barrier.reset();
        assertFalse(barrier.isBroken());
        CompletableFuture<Integer> other = CompletableFuture.supplyAsync(() -> {
            try {
                return barrier.await(Duration.ofSeconds(10));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        int mine = barrier.await(Duration.ofSeconds(10));
        assertEquals(Set.of(0, 1), Set.of(mine, other.get(10, TimeUnit.SECONDS)));
    }

    @Test
    void abortBreaksWaitersAndResetBreaksCurrentWaiters() throws Exception {
        ProcessBarrier barrier = ProcessBarrier.create(3);
        CompletableFuture<Throwable> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                barrier.await(Duration.ofSeconds(20));
                return null;
            } catch (Exception e) {
                return e;
            }
        });
        assertTrue(Await.until(() -> barrier.numberWaiting() != 0, Duration.ofSeconds(10)),
                "the waiter never reached the barrier: " + waiter);
        barrier.reset();
        assertTrue(waiter.get(10, TimeUnit.SECONDS) instanceof BrokenBarrierException);
        barrier.abort();
        assertThrows(BrokenBarrierException.class, () -> barrier.await(Duration.ofSeconds(1)));
    }
}
