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

    /**
     * Thrown inside the server when the caller of a blocked call has gone (nobody gets a reply)
     * or withdrew the call (it is answered {@link Wire#CANCELLED}; see {@link ManagerServer#callerGone}).
     */
    static final class CallerGoneException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CallerGoneException() {
            super("the caller disconnected or withdrew the call while it was blocked", null, false, false);
        }
    }

    /** A wait without a time limit. */
    static final long FOREVER = Long.MAX_VALUE;

    /**
     * Waits on {@code monitor} (held by the caller) until {@code ready} holds or {@code nanos}
     * pass ({@link #FOREVER}: no limit; zero or less: no wait). Returns whether {@code ready} holds.
     */
    static boolean await(Object monitor, BooleanSupplier ready, long nanos) throws InterruptedException {
        long deadline = deadline(nanos);
        while (!ready.getAsBoolean()) {
            if (!before(deadline)) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(monitor, slice(deadline));
            if (ManagerServer.callerGone()) {
                if (ManagerServer.callerWithdrew() && ready.getAsBoolean()) {
                    // Ready by the time the withdrawal was read (a barrier tripped with this
                    // party, the notify of a release taken): the call stands and is answered as
                    // done, as CyclicBarrier returns; a caller that is gone gets nothing, though.
                    return true;
                }
                throw new CallerGoneException();
            }
        }
        return true;
    }

    /** The deadline of a wait of {@code nanos}: saturating, so a huge wait is a wait forever. */
    static long deadline(long nanos) {
        long now = System.nanoTime();
        if (nanos <= 0) {
            return now;
        }
        if (nanos >= FOREVER / 4) {
            return FOREVER;
        }
        return now + nanos;
    }

    /** Whether a wait with this deadline may still go on. */
    static boolean before(long deadline) {
        return deadline == FOREVER || deadline - System.nanoTime() > 0;
    }

    /** The length of the next slice of a wait that ends at {@code deadline}. */
    static long slice(long deadline) {
        if (deadline == FOREVER) {
            return SLICE_NANOS;
        }
        return Math.min(SLICE_NANOS, Math.max(0, deadline - System.nanoTime()));
    }

    static void checkCaller() {
        if (ManagerServer.callerGone()) {
            throw new CallerGoneException();
        }
    }

    /** Nanoseconds of a Python-style {@code (block, timeout)} pair: 0 for no block, {@link #FOREVER} for none. */
    static long nanos(boolean block, java.time.Duration timeout) {
        if (!block) {
            return 0;
        }
        if (timeout == null) {
            return FOREVER;
        }
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("'timeout' must be a non-negative number, got " + timeout);
        }
        return TimeUnit.NANOSECONDS.convert(timeout);
    }

    /** Nanoseconds of an optional timeout: null is {@link #FOREVER}, a negative one is zero. */
    static long nanos(java.time.Duration timeout) {
        return timeout == null ? FOREVER : Math.max(0, TimeUnit.NANOSECONDS.convert(timeout));
    }
}
