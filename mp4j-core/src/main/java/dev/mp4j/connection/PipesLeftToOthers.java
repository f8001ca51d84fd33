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

    /**
     * A child of this process ended: removes each noted pipe no live process holds an end of,
     * through a mapping of its own for the look. Runs on the caller's thread: the child's exit
     * watcher, after the exit is reported.
     */
    public static void childEnded() {
        if (!lookAll()) {
            return;
        }
        // Some are still held: perhaps by the ended child's own children, which notice their
        // parent's death within about 100 ms and go within a second or two more. Looked at
        // again every half second, for 10 s after the latest child's end, while some are held.
        lookUntil = System.nanoTime() + LOOK_FOR_NANOS;
        ENDS.incrementAndGet();
        startLooker();
    }

    /** Counts the ends that asked for more looks: one that came as the looker stopped restarts it. */
    private static final java.util.concurrent.atomic.AtomicLong ENDS = new java.util.concurrent.atomic.AtomicLong();

    private static final long LOOK_FOR_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    private static final long LOOK_EVERY_MILLIS = 500;
    private static volatile long lookUntil;
    private static final java.util.concurrent.atomic.AtomicBoolean LOOKING = new java.util.concurrent.atomic.AtomicBoolean();

    private static void startLooker() {
        if (!LOOKING.compareAndSet(false, true)) {
            return;   // the one looking goes on until the new end's time is up too
        }
        try {
            Thread.ofPlatform().daemon().name("mp4j-pipes-look-again").start(PipesLeftToOthers::lookWhileHeld);
        } catch (OutOfMemoryError | RuntimeException noThread) {
            LOOKING.set(false);   // the next child's end looks again
        }
    }

    private static void lookWhileHeld() {
        while (true) {
            long seen = ENDS.get();
            try {
                while (System.nanoTime() - lookUntil < 0) {
                    Thread.sleep(LOOK_EVERY_MILLIS);
                    if (!lookAll()) {
                        break;
                    }
                }
            } catch (InterruptedException e) {
                // nothing interrupts this thread; stop looking
            } finally {
                LOOKING.set(false);
            }
            // A child that ended as this one stopped asked for more: go on then.
            if (ENDS.get() == seen || !LOOKING.compareAndSet(false, true)) {
                return;
            }
        }
    }

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
                } catch (RuntimeException cannot) {
                    if (!dev.mp4j.shm.SharedSegment.exists(name)) {
                        forget(name);   // removed by its last holder
                    } else {
                        held = true;    // there, but not to be mapped now (out of files, say): later
                    }
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
