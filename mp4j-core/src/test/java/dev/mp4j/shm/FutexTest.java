package dev.mp4j.shm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.testing.Await;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class FutexTest {
    /**
     * A wait without the system call naps longer the longer it goes on (so that waiting threads
     * of a JVM still linking do not look at their rings every 50 µs for 100 ms), up to its cap;
     * another word, another value or a pause between naps starts again short.
     */
    @Test
    void napsGrowWhileOneWaitGoesOnAndStartShortForAnother() {
        long[] last = new long[4];
        long now = 1_000_000_000L;
        long first = 50_000;
        long max = 1_000_000;
        long[] expected = {50_000, 100_000, 200_000, 400_000, 800_000, 1_000_000, 1_000_000};
        for (long want : expected) {
            long nap = Futex.napLength(last, 4096, 7, now, first, max);
            assertEquals(want, nap);
            now += nap;
            last[0] = 4096;
            last[1] = 7;
            last[2] = nap;
            last[3] = now;
        }
        assertEquals(first, Futex.napLength(last, 8192, 7, now, first, max), "another word");
        assertEquals(first, Futex.napLength(last, 4096, 8, now, first, max), "another value");
        assertEquals(first, Futex.napLength(last, 4096, 7, now + 2 * max + 1, first, max), "a wait that ended a while ago");
        last[2] = 0;
        assertEquals(first, Futex.napLength(last, 4096, 7, now, first, max), "a nap after which the word had changed (recorded as 0)");
    }

    /**
     * The call links on a background thread; once it has, a sleeper whose slice is a minute is
     * woken by a wake, not by its timeout.
     */
    @Test
    @Timeout(30)
    void linksInTheBackgroundThenWakesASleeper() throws Exception {
        linkedWithFullSlices();
        try (Arena arena = Arena.ofShared()) {
            MemorySegment word = arena.allocate(4, 4);
            Thread sleeper = Thread.ofPlatform().name("futex-sleeper").start(() -> {
                while (word.get(ValueLayout.JAVA_INT, 0) == 0) {
                    Futex.await(word, 0, TimeUnit.MINUTES.toNanos(1));
                }
            });
            // Only a sleeper already in the kernel shows that the wake works.
            assertTrue(dev.mp4j.testing.Threads.awaitAsleep("futex-sleeper", java.time.Duration.ofSeconds(10)), "the sleeper never went to sleep");
            word.set(ValueLayout.JAVA_INT, 0, 1);
            Futex.wake(word, Integer.MAX_VALUE);
            sleeper.join(TimeUnit.SECONDS.toMillis(10));
            assertFalse(sleeper.isAlive(), "the sleeper was not woken");
            assertEquals(1, word.get(ValueLayout.JAVA_INT, 0));
        }
    }

    /**
     * A fresh child wakes a sleeper here before its own futex call is linked: the wake is noted
     * and delivered once the child's link is done, so the sleeper (in the kernel with a minute to
     * go) wakes within seconds, not at the end of its sleep.
     */
    @Test
    @Timeout(90)
    void aWakeSkippedBeforeTheLinkIsDeliveredAfterIt() throws Exception {
        linkedWithFullSlices();
        SharedSegment segment = SharedSegment.create(4096);
        try {
            MemorySegment word = segment.memory();
            Thread sleeper = Thread.ofPlatform().name("futex-sleeper2").start(() -> {
                while (word.get(ValueLayout.JAVA_INT, 0) == 0) {
                    Futex.await(word, 0, TimeUnit.MINUTES.toNanos(1));
                }
            });
            assertTrue(dev.mp4j.testing.Threads.awaitAsleep("futex-sleeper2", java.time.Duration.ofSeconds(10)),
                    "the sleeper never went to sleep");
            String name = segment.name();
            dev.mp4j.process.JvmProcess child = new dev.mp4j.process.JvmProcess(() -> {
                SharedSegment mine = SharedSegment.attach(name);
                MemorySegment w = mine.memory();
                w.set(ValueLayout.JAVA_INT, 0, 1);
                java.lang.invoke.VarHandle.fullFence();
                Futex.wake(w, Integer.MAX_VALUE);
                Thread.sleep(5_000); // keep the mapping while the link completes and replays the wake
            });
            child.start();
            sleeper.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(sleeper.isAlive(), "the sleeper was not woken: the child's early wake was lost");
            child.terminate();
            child.join();
        } finally {
            segment.close();
            segment.unlink();
        }
    }

    /** Waits until this JVM has linked the call, and ends any short-sleep window. */
    private static void linkedWithFullSlices() throws InterruptedException {
        Futex.prepare();
        Await.until(Futex::available, Duration.ofSeconds(20));
        assertTrue(Futex.available(), "the futex call was not linked within 20 s");
        Futex.forgetNewPeers();
    }

    /** A wait on a word that already differs returns at once, linked or not. */
    @Test
    @Timeout(30)
    void aChangedWordDoesNotSleep() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment word = arena.allocate(4, 4);
            word.set(ValueLayout.JAVA_INT, 0, 7);
            Futex.await(word, 0, TimeUnit.MINUTES.toNanos(5));
            assertEquals(7, word.get(ValueLayout.JAVA_INT, 0));
        }
    }
}
