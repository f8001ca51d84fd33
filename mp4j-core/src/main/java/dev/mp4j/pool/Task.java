package dev.mp4j.pool;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** One job as the parent tracks it: what to send, where its result goes, how it is timed. */
final class Task {
    final long id;
    final int kind;
    final byte[] function;
    final int functionId;
    final byte[] items;
    final String description;
    final Duration timeout;
    final Future future = new Future();
    int attempts;
    /** It ran, in part at least, on a worker that died (so it is not listed as never started). */
    volatile boolean started;
    /** Workers that died as it was sent to them or read by them, before it started. */
    int sendFailures;
    volatile boolean interruptedForTimeout;
    volatile boolean killedForTimeout;
    /**
     * What the function's and items' bytes carry copies of (the hold of a queue, array, slab of records or condition, a pipe
     * end, a manager proxy; see {@link dev.mp4j.shm.Cleanup#noting}): kept while the task is, so
     * those stay open while any worker may still read these bytes (a second worker, a retry),
     * even if the caller has let go of them. (A settled task is soon unreachable: the pool's
     * lists drop it, and its future does not refer to it.)
     */
    @SuppressWarnings("unused")
    private final Object holds;

    /**
     * What the job's copies took for their readers (segment tokens, pipe end slots, manager
     * tickets; see {@link dev.mp4j.shm.Cleanup#collectUndos}) until a worker is sent the job;
     * null when nothing was taken, or once sent or given back. Guarded by this task.
     */
    private java.util.List<Runnable> undos;
    /** Whether the undos were run: the job must then never be sent. Guarded by this task. */
    private boolean givenBack;
    /** What {@link #undosForSend} answers for a task whose copies were given back. */
    static final java.util.List<Runnable> GIVEN_BACK = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(0));

    /** Keeps {@code taken} (may be null) until the job is sent; gives it back if the task settles first. */
    void keepUndos(java.util.List<Runnable> taken) {
        if (taken == null) {
            return;
        }
        synchronized (this) {
            undos = taken;
        }
        tracked = true;
        future.whenComplete((v, e) -> giveBackUnsent());
    }

    /** Whether {@link #keepUndos} kept any: most tasks' copies take nothing, and their sends skip the lock. */
    private volatile boolean tracked;

    /**
     * Taken by the sender just before it writes the job: from then on a worker may read it.
     * {@link #GIVEN_BACK} (compare by identity) when the task settled meanwhile and its copies
     * were given back: the job must not be sent.
     */
    java.util.List<Runnable> undosForSend() {
        if (!tracked) {
            return null;
        }
        synchronized (this) {
            if (givenBack) {
                return GIVEN_BACK;
            }
            java.util.List<Runnable> u = undos;
            undos = null;
            return u;
        }
    }

    /** A send that did not go: the undos go back to the task, or are run now if it has settled meanwhile. */
    void sendFailed(java.util.List<Runnable> u) {
        if (u == null || u == GIVEN_BACK) {
            return;
        }
        synchronized (this) {
            if (!future.isDone()) {
                undos = u;
                return;
            }
            givenBack = true;
        }
        dev.mp4j.shm.Cleanup.undoAll(u);
    }

    /** The task will never be sent: gives back what its copies took (if not sent already). */
    void giveBackUnsent() {
        java.util.List<Runnable> u;
        synchronized (this) {
            u = undos;
            undos = null;
            if (u != null) {
                givenBack = true;
            }
        }
        dev.mp4j.shm.Cleanup.undoAll(u);
    }

    Task(long id, int kind, int functionId, byte[] function, byte[] items, String description, Duration timeout) {
        this(id, kind, functionId, function, items, description, timeout, null);
    }

    Task(long id, int kind, int functionId, byte[] function, byte[] items, String description, Duration timeout,
            Object holds) {
        this.id = id;
        this.kind = kind;
        this.functionId = functionId;
        this.function = function;
        this.items = items;
        this.description = description;
        this.timeout = timeout;
        this.holds = holds;
    }

    /**
     * A task's future. {@code cancel(true)} also stops the task where a worker is running it
     * (the hook the pool sets: interrupt, then kill after the grace), as an executor's
     * {@code cancel(true)} interrupts its thread; {@code invokeAll} and {@code invokeAny} cancel
     * this way too. Derived stages are plain futures.
     */
    static final class Future extends CompletableFuture<Object> {
        /** Set by the pool; dropped once the future is done, so a kept future keeps no task. */
        private volatile Runnable onCancel;

        void onCancel(Runnable hook) {
            onCancel = hook;
        }

        // The pool settles a task with these two (no stage per task just to drop the hook).
        @Override
        public boolean complete(Object value) {
            onCancel = null;
            return super.complete(value);
        }

        @Override
        public boolean completeExceptionally(Throwable failure) {
            onCancel = null;
            return super.completeExceptionally(failure);
        }

        /** Cancelled with {@code mayInterruptIfRunning}: a worker that starts it after all stops it at once. */
        private volatile boolean stopRequested;

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            Runnable hook = onCancel;
            onCancel = null;
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            if (cancelled && mayInterruptIfRunning) {
                stopRequested = true;
                if (hook != null) {
                    hook.run();
                }
            }
            return cancelled;
        }

        /** Whether it was cancelled with {@code mayInterruptIfRunning} (see {@link #cancel}). */
        boolean stopRequested() {
            return stopRequested;
        }

        @Override
        public <U> CompletableFuture<U> newIncompleteFuture() {
            return new CompletableFuture<>();
        }
    }

    /** The job message, with the function's bytes only if the worker does not have it yet. */
    byte[] job(boolean withFunction) {
        return Codec.job(id, kind, functionId, withFunction ? function : null, items);
    }
}
