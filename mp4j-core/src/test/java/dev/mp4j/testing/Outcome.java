package dev.mp4j.testing;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a call that might block for ever on another thread and returns what it threw (null if it
 * returned), failing with a {@link java.util.concurrent.TimeoutException} instead of hanging the
 * test when it does not end within a bound.
 */
public final class Outcome {
    /** A call that may throw anything. */
    @FunctionalInterface
    public interface Call {
        void run() throws Exception;
    }

    private Outcome() {
    }

    public static Throwable of(Call call, Duration within) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            try {
                call.run();
                return (Throwable) null;
            } catch (Throwable t) {
                return t;
            }
        }).get(within.toMillis(), TimeUnit.MILLISECONDS);
    }
}
