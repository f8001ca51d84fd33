package dev.mp4j.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Waits, without guessing a sleep, until a thread of this JVM is asleep in the kernel (in a
 * futex wait, a park, a blocking read): what a test needs before it signals, interrupts or kills
 * whatever that thread waits on. Reads Linux's {@code /proc/<pid>/task}, where a thread is known
 * by the first 15 characters of its name.
 */
public final class Threads {
    private Threads() {
    }

    /** Whether the thread named {@code name} was seen asleep within {@code patience}. */
    public static boolean awaitAsleep(String name, Duration patience) throws InterruptedException {
        return awaitAsleep(Path.of("/proc/self/task"), name, patience);
    }

    /** Whether the thread named {@code name} of process {@code pid} was seen asleep within {@code patience}. */
    public static boolean awaitAsleep(long pid, String name, Duration patience) throws InterruptedException {
        return awaitAsleep(Path.of("/proc", Long.toString(pid), "task"), name, patience);
    }

    /**
     * Whether the thread named {@code name} of process {@code pid} was seen asleep in ten
     * consecutive looks (2 ms apart) within {@code patience}: blocked for good, not passing
     * through a short wait (a lock taken on the way, a safepoint).
     */
    public static boolean awaitSettledAsleep(long pid, String name, Duration patience) throws InterruptedException {
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        long deadline = System.nanoTime() + patience.toNanos();
        int settled = 0;
        while (settled < 10) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            settled = isAsleep(tasks, name) ? settled + 1 : 0;
            Thread.sleep(2);
        }
        return true;
    }

    private static boolean awaitAsleep(Path taskDirectory, String name, Duration patience) throws InterruptedException {
        return Await.until(() -> isAsleep(taskDirectory, name), patience);
    }

    /** One look: whether a thread of that name is asleep now. */
    private static boolean isAsleep(Path taskDirectory, String name) {
        String comm = name.length() > 15 ? name.substring(0, 15) : name;
        try (var tasks = Files.list(taskDirectory)) {
            for (Path task : tasks.toList()) {
                if (!Files.readString(task.resolve("comm")).strip().equals(comm)) {
                    continue;
                }
                String stat = Files.readString(task.resolve("stat"));
                if (stat.charAt(stat.lastIndexOf(')') + 2) == 'S') {
                    return true;
                }
            }
        } catch (IOException | RuntimeException raced) {
            // a task ended while we looked: look again
        }
        return false;
    }
}
