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
        List<String> names;
        synchronized (NAMES) {
            if (NAMES.isEmpty()) {
                return;
            }
            names = new ArrayList<>(NAMES);
        }
        for (String name : names) {
            PipeSegment segment;
            try {
                segment = PipeSegment.attach(name);
            } catch (RuntimeException gone) {
                forget(name);   // removed by its last holder
                continue;
            }
            segment.retain();
            try {
                segment.unlinkIfUnused();   // forgets it when it removes it
            } finally {
                segment.release();
            }
        }
    }
}
