package dev.mp4j.shm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class FutexTest {
    /**
     * The call links on a background thread; once it has, a sleeper whose slice is a minute is
     * woken by a wake, not by its timeout.
     */
    @Test
    @Timeout(30)
    void linksInTheBackgroundThenWakesASleeper() throws Exception {
        Futex.prepare();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Futex.available() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(Futex.available(), "the futex call was not linked within 20 s");
        Futex.forgetNewPeers();
        try (Arena arena = Arena.ofShared()) {
            MemorySegment word = arena.allocate(4, 4);
            Thread sleeper = Thread.ofPlatform().name("futex-sleeper").start(() -> {
                while (word.get(ValueLayout.JAVA_INT, 0) == 0) {
                    Futex.await(word, 0, TimeUnit.MINUTES.toNanos(1));
                }
            });
            // Only a sleeper already in the kernel shows that the wake works.
            assertTrue(sleepsInKernel("futex-sleeper", TimeUnit.SECONDS.toNanos(10)), "the sleeper never went to sleep");
            word.set(ValueLayout.JAVA_INT, 0, 1);
            Futex.wake(word, Integer.MAX_VALUE);
            sleeper.join(TimeUnit.SECONDS.toMillis(10));
            assertFalse(sleeper.isAlive(), "the sleeper was not woken");
            assertEquals(1, word.get(ValueLayout.JAVA_INT, 0));
        }
    }

    /** Whether the thread named {@code name} sleeps in the kernel (Linux's /proc), polled up to {@code nanos}. */
    private static boolean sleepsInKernel(String name, long nanos) throws Exception {
        long deadline = System.nanoTime() + nanos;
        while (System.nanoTime() < deadline) {
            try (var tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/task"))) {
                for (java.nio.file.Path task : tasks.toList()) {
                    if (!java.nio.file.Files.readString(task.resolve("comm")).strip().equals(name)) {
                        continue;
                    }
                    String stat = java.nio.file.Files.readString(task.resolve("stat"));
                    char state = stat.charAt(stat.lastIndexOf(')') + 2);
                    String wchan = java.nio.file.Files.readString(task.resolve("wchan")).strip();
                    if (state == 'S' && (wchan.contains("futex") || wchan.equals("0") || wchan.isEmpty())) {
                        return true;
                    }
                }
            } catch (java.io.IOException | RuntimeException raced) {
                // a task ended while we looked: look again
            }
            Thread.sleep(2);
        }
        return false;
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
