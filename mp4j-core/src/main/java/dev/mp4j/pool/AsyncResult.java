package dev.mp4j.pool;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The pending result of an asynchronous pool call: Python's {@code AsyncResult}, backed by a
 * {@link CompletableFuture} ({@link #future()}) for composition.
 *
 * <pre>{@code
 * AsyncResult<Integer> r = pool.applyAsync(() -> slowSquare(7));
 * ...
 * int v = r.get(Duration.ofSeconds(10));   // the task's own exception is thrown as itself
 * }</pre>
 */
public final class AsyncResult<R> {
    private final CompletableFuture<R> future;

    AsyncResult(CompletableFuture<R> future) {
        this.future = future;
    }

    /** Waits for the result; a task that failed throws its own exception. */
    public R get() throws Exception {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw unwrap(e);
        }
    }

    /**
     * Waits at most {@code timeout} (null: no limit, as Python's {@code get(None)}).
     *
     * @throws TimeoutException if the result is not ready in time (the task goes on)
     */
    public R get(Duration timeout) throws Exception {
        if (timeout == null) {
            return get();
        }
        try {
            return future.get(Math.max(0, java.util.concurrent.TimeUnit.NANOSECONDS.convert(timeout)), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw unwrap(e);
        }
    }

    static Exception unwrap(ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof Exception ex) {
            return ex;
        }
        if (cause instanceof Error err) {
            throw err;
        }
        return e;
    }

    /** Python's {@code wait()}: waits until the result is ready (or the task failed). */
    public void await() throws InterruptedException {
        try {
            future.get();
        } catch (ExecutionException | CancellationException e) {
            // ready: get() says how it ended
        }
    }

    /**
     * Python's {@code wait(timeout)}: waits at most {@code timeout} (null: no limit); returns
     * whether it is ready.
     */
    public boolean await(Duration timeout) throws InterruptedException {
        if (timeout == null) {
            await();
            return true;
        }
        try {
            future.get(Math.max(0, java.util.concurrent.TimeUnit.NANOSECONDS.convert(timeout)), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | CancellationException e) {
            return true;
        } catch (TimeoutException e) {
            return false;
        }
        return true;
    }

    /** Whether the call has completed (either way). */
    public boolean ready() {
        return future.isDone();
    }

    /**
     * Whether the call completed without an exception.
     *
     * @throws IllegalStateException if it is not ready yet (Python's ValueError)
     */
    public boolean successful() {
        if (!future.isDone()) {
            throw new IllegalStateException("the result is not ready");
        }
        return !future.isCompletedExceptionally();
    }

    /** The underlying future. */
    public CompletableFuture<R> future() {
        return future;
    }
}
