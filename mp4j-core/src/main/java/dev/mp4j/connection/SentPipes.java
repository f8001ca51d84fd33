package dev.mp4j.connection;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pipes this process sent an end of (to a child, through a queue, in a pool's task), looked
 * at again when a child of this process ends. A pipe's segment goes when the last holder of an
 * end lets go; a holder killed by a signal lets go of nothing, and when everyone else let go
 * before it died, nobody is left to look: its pipe would stay in {@code /dev/shm} until the
 * process tree ends (a long-running program that hands a pipe to each short-lived worker, and
 * terminates some, would fill it). A child's death is when such a holder dies, so the exit
 * watcher calls {@link #childEnded()}, which removes each of these pipes nobody alive holds.
 * Internal plumbing, public for {@code JvmProcess}.
 */
public final class SentPipes {
    /** The most recent pipes kept (an older one still open here is looked at by its own close). */
    private static final int KEPT = 64;
    private static final Map<String, Boolean> NAMES = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > KEPT;
        }
    };

    private SentPipes() {
    }

    /** Notes that an end of the pipe {@code name} left this process. */
    static void noteSent(String name) {
        synchronized (NAMES) {
            NAMES.put(name, Boolean.TRUE);
        }
    }

    /** Forgets a pipe whose segment this process removed. */
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
     * A child of this process ended: removes each noted pipe no live process holds an end of (a
     * mapping of its own for the look, as this process may have let go of it). Runs on the
     * caller's thread: the child's exit watcher, after the exit is reported.
     */
    public static void childEnded() {
        List<String> names;
        synchronized (NAMES) {
            if (NAMES.isEmpty()) {
                return;
            }
            names = new ArrayList<>(NAMES.keySet());
        }
        for (String name : names) {
            PipeSegment segment;
            try {
                segment = PipeSegment.attach(name);
            } catch (RuntimeException gone) {
                forget(name);   // removed by its last holder, or not a pipe of ours any more
                continue;
            }
            segment.retain();
            try {
                if (segment.unlinkIfUnused()) {
                    forget(name);
                }
            } finally {
                segment.release();
            }
        }
    }
}
