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

    /**
     * Starts {@code call} on a platform thread of its own named {@code name} (so that
     * {@link Threads#awaitAsleep} can find it; a daemon, so a call that never ends keeps no JVM
     * alive); the future gives what it threw, or null if it returned.
     */
    public static CompletableFuture<Throwable> onThread(String name, Call call) {
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread.ofPlatform().name(name).daemon().start(() -> {
            try {
                call.run();
                outcome.complete(null);
            } catch (Throwable t) {
                outcome.complete(t);
            }
        });
        return outcome;
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
