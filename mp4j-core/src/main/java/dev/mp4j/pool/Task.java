package dev.mp4j.pool;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** One job as the parent tracks it: what to send, where its result goes, how it is timed. */
final class Task {
    final long id;
    final int kind;
    final byte[] function;
    final List<?> items;
    final String description;
    final Duration timeout;
    final CompletableFuture<Object> future = new CompletableFuture<>();
    int attempts;
    volatile boolean interruptedForTimeout;
    volatile boolean killedForTimeout;

    Task(long id, int kind, byte[] function, List<?> items, String description, Duration timeout) {
        this.id = id;
        this.kind = kind;
        this.function = function;
        this.items = items;
        this.description = description;
        this.timeout = timeout;
    }

    Messages.Job job() {
        return new Messages.Job(id, kind, function, items);
    }
}
