package dev.mp4j.shm;

/**
 * A point where something leaves the current thread for another process: a message sent, a
 * lock released, an event set, a process started. Work the thread began earlier but has not
 * finished (a manager put sent without waiting for its answer) is finished first, so that the
 * other process, once it knows of this, also sees that. Nothing is registered until such work
 * exists, and a check costs the read of a plain static field.
 */
public final class Handoffs {
    /*
     * Not volatile, on purpose: the work to finish is the current thread's own, and the thread
     * that registered it sees its own write; another thread may see null for a while, and it
     * has nothing to finish. A volatile read here cost lock_ops' tight loops about a third.
     */
    private static Runnable settle;

    private Handoffs() {
    }

    /** Registers what finishes the thread's outstanding work (idempotent; one kind exists). */
    public static void onHandoff(Runnable r) {
        if (settle == null) {
            settle = r;
        }
    }

    /** Called by mp4j before anything leaves the current thread for another process. */
    public static void handoff() {
        Runnable r = settle;
        if (r != null) {
            r.run();
        }
    }
}
