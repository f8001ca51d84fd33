package dev.mp4j.manager;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Blocking inside the server in slices, checking between slices that the caller is still
 * connected: a client that dies while blocked in {@code get()} must not, when an item finally
 * arrives, take it with it into a closed socket.
 */
final class Waits {
    /** How often a blocked call checks that its caller is still there. */
    static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private Waits() {
    }

    /** Thrown inside the server when the caller of a blocked call has gone; nobody gets a reply. */
    static final class CallerGoneException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CallerGoneException() {
            super("the caller disconnected while the call was blocked", null, false, false);
        }
    }

    /**
     * Waits on {@code monitor} (held by the caller) until {@code ready} holds or {@code nanos}
     * pass (negative: forever). Returns whether {@code ready} holds.
     */
    static boolean await(Object monitor, BooleanSupplier ready, long nanos) throws InterruptedException {
        long deadline = nanos < 0 ? Long.MAX_VALUE : System.nanoTime() + nanos;
        while (!ready.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (nanos >= 0 && left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(monitor, Math.min(left, SLICE_NANOS));
            checkCaller();
        }
        return true;
    }

    /** The length of the next slice of a wait that ends at {@code deadline} (MAX_VALUE: never). */
    static long slice(long deadline) {
        return Math.min(SLICE_NANOS, Math.max(0, deadline - System.nanoTime()));
    }

    static long deadline(long nanos) {
        return nanos < 0 ? Long.MAX_VALUE : System.nanoTime() + nanos;
    }

    static void checkCaller() {
        if (ManagerServer.callerGone()) {
            throw new CallerGoneException();
        }
    }

    /** Nanoseconds of a Python-style {@code (block, timeout)} pair: 0 for no block, -1 for forever. */
    static long nanos(boolean block, java.time.Duration timeout) {
        if (!block) {
            return 0;
        }
        if (timeout == null) {
            return -1;
        }
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("'timeout' must be a non-negative number, got " + timeout);
        }
        return timeout.toNanos();
    }
}
