package dev.mp4j.connection;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The pipes this process let go of (closed its last end of) while other processes still held
 * ends, looked at again when a child of this process ends. A pipe's segment goes when the last
 * holder of an end lets go; a holder that exits or is killed without closing its end lets go of
 * nothing, and when everyone else let go before it ended, nobody is left to look: its pipe would
 * stay in {@code /dev/shm} until the process tree ends (a long-running program that hands a pipe
 * to each short-lived child would fill it). Such a holder is usually a child of one of those who
 * let go (or of their children), so each child's exit watcher calls {@link #childEnded()}, which
 * removes each of these pipes no live process holds an end of. Internal plumbing, public for
 * {@code JvmProcess}.
 */
public final class PipesLeftToOthers {
    /** At most this many are kept (the oldest forgotten first); the tree's end removes any left. */
    private static final int KEPT = 1024;
    private static final Set<String> NAMES = new LinkedHashSet<>();

    private PipesLeftToOthers() {
    }

    /** Notes a pipe this process closed an end of while others held ends still. */
    static void note(String name) {
        synchronized (NAMES) {
            NAMES.add(name);
            if (NAMES.size() > KEPT) {
                NAMES.remove(NAMES.iterator().next());
            }
        }
    }

    /** Forgets a pipe whose segment was removed. */
    static void forget(String name) {
        synchronized (NAMES) {
            NAMES.remove(name);
        }
    }

    /** How many pipes are kept for a look (for tests). */
    static int kept() {
        synchronized (NAMES) {
            return NAMES.size();
        }
    }

    /**
     * A child of this process ended: removes each noted pipe no live process holds an end of,
     * through a mapping of its own for the look. Runs on the caller's thread: the child's exit
     * watcher, after the exit is reported.
     */
    public static void childEnded() {
        if (lookAll() && LOOK_AGAIN.compareAndSet(false, true)) {
            // Some are still held: perhaps by the ended child's own children, which notice
            // their parent's death within about 100 ms and go. One more look, a little later.
            try {
                Thread.ofPlatform().daemon().name("mp4j-pipes-look-again").start(() -> {
                    try {
                        Thread.sleep(LOOK_AGAIN_MILLIS);
                    } catch (InterruptedException e) {
                        return;
                    } finally {
                        LOOK_AGAIN.set(false);
                    }
                    lookAll();
                });
            } catch (OutOfMemoryError | RuntimeException noThread) {
                LOOK_AGAIN.set(false);   // the next child's end looks again
            }
        }
    }

    private static final java.util.concurrent.atomic.AtomicBoolean LOOK_AGAIN = new java.util.concurrent.atomic.AtomicBoolean();
    private static final long LOOK_AGAIN_MILLIS = 1_500;

    /** Removes each noted pipe nobody alive holds; returns whether some are still held. */
    private static boolean lookAll() {
        List<String> names;
        synchronized (NAMES) {
            if (NAMES.isEmpty()) {
                return false;
            }
            names = new ArrayList<>(NAMES);
        }
        boolean held = false;
        for (String name : names) {
            try {
                PipeSegment segment;
                try {
                    segment = PipeSegment.attach(name);
                } catch (RuntimeException gone) {
                    forget(name);   // removed by its last holder
                    continue;
                }
                segment.retain();
                try {
                    held |= !segment.unlinkIfUnused();   // forgets it when it removes it
                } finally {
                    segment.release();
                }
            } catch (RuntimeException | Error e) {
                // this one cannot be looked at (the tree's end removes it): the others can
                held = true;
            }
        }
        return held;
    }
}
