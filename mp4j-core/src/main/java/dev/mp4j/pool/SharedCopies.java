package dev.mp4j.pool;

import java.util.ArrayList;
import java.util.List;

/**
 * What the copies in bytes that several tasks share took for their readers (a map's function
 * holding a queue, a segment, a pipe end or a manager proxy: segment tokens, pipe end slots,
 * manager tickets; see {@link dev.mp4j.shm.Cleanup#collectUndos}), given back once none of those
 * tasks was sent and none can be any more.
 *
 * <p>Each task carries a share among its own undos ({@link #withShare}): a task given back unsent
 * runs it, a task sent drops it, so the copies are given back only if every share was run. The
 * one who builds the tasks holds a share of its own until it has made the last of them
 * ({@link #tasksMade}); before that, the tasks given back so far cannot decide it.
 */
final class SharedCopies {
    private List<Runnable> undos;
    private int shares = 1;

    private SharedCopies(List<Runnable> undos) {
        this.undos = undos;
    }

    /** Copies sharing {@code taken}; null when nothing was taken (nothing to track). */
    static SharedCopies of(List<Runnable> taken) {
        return taken == null ? null : new SharedCopies(taken);
    }

    /** {@code own} (may be null) plus a new share of {@code shared} (may be null). */
    static List<Runnable> withShare(List<Runnable> own, SharedCopies shared) {
        if (shared == null) {
            return own;
        }
        synchronized (shared) {
            shared.shares++;
        }
        List<Runnable> all = own == null ? new ArrayList<>(1) : new ArrayList<>(own);
        all.add(shared::release);
        return all;
    }

    private boolean builderDone;

    /** The builder's share: all tasks are made (or none will be). Once only; later calls do nothing. */
    void tasksMade() {
        synchronized (this) {
            if (builderDone) {
                return;
            }
            builderDone = true;
        }
        release();
    }

    /** Gives up one share; the last one gives the copies back. A task's share runs at most once (see {@link Task}). */
    private void release() {
        List<Runnable> u;
        synchronized (this) {
            if (--shares > 0 || undos == null) {
                return;
            }
            u = undos;
            undos = null;
        }
        dev.mp4j.shm.Cleanup.undoAll(u);
    }
}
