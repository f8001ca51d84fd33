package dev.mp4j.shm;

/**
 * Whether an interrupt ends a wait for shared-memory or socket I/O, per thread. Normally it does
 * (the wait throws {@link java.io.InterruptedIOException}). Inside {@link #hold()} it does not: a
 * manager call, say, whose request and answer must go whole or the channel falls out of step,
 * keeps waiting, and the interrupt is given back to the thread when the outermost hold ends.
 *
 * <pre>{@code
 * IoInterrupts.hold();
 * try {
 *     connection.sendBytes(request);
 *     answer = connection.recvBytes();     // an interrupt meanwhile does not cut the frame
 * } finally {
 *     IoInterrupts.release();              // the interrupt, if any, is the thread's again
 * }
 * }</pre>
 */
public final class IoInterrupts {
    /** Per thread: [holds open, interrupts held back]. */
    private static final ThreadLocal<int[]> STATE = ThreadLocal.withInitial(() -> new int[2]);

    private IoInterrupts() {
    }

    /** From here until the matching {@link #release()}, interrupts do not end this thread's I/O waits. */
    public static void hold() {
        STATE.get()[0]++;
    }

    /** Ends a {@link #hold()}; the outermost one sets the thread's interrupt status again if one came meanwhile. */
    public static void release() {
        int[] s = STATE.get();
        if (--s[0] == 0 && s[1] != 0) {
            s[1] = 0;
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the current thread has an interrupt, held back by a {@link #hold()} or not. */
    public static boolean pending() {
        return Thread.currentThread().isInterrupted() || STATE.get()[1] != 0;
    }

    /**
     * For a waiting loop: whether the current thread's interrupt should end its wait now. Inside a
     * {@link #hold()} the interrupt is taken off the thread and kept for later, and the wait goes on.
     */
    public static boolean endsWait() {
        if (!Thread.currentThread().isInterrupted()) {
            return false;
        }
        int[] s = STATE.get();
        if (s[0] > 0) {
            Thread.interrupted();
            s[1] = 1;
            return false;
        }
        return true;
    }
}
