package dev.mp4j.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition, within a bound, instead of sleeping a guessed time: checked at once,
 * then after pauses that start at 1 ms and grow to 20 ms, so a condition that comes quickly is
 * seen quickly and a slow one does not keep two cores busy.
 */
public final class Await {
    private static final long MAX_PAUSE_MILLIS = 20;

    private Await() {
    }

    /** Whether {@code condition} held within {@code within} (its last check is made at or after the bound). */
    public static boolean until(BooleanSupplier condition, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        long pause = 1;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(pause);
            pause = Math.min(MAX_PAUSE_MILLIS, pause * 2);
        }
        return true;
    }
}
