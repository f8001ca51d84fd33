package dev.mp4j.pool;

import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.TimeoutException;

/**
 * The results of {@link ProcessPool#imap} and {@link ProcessPool#imapUnordered}, as they come:
 * Python's {@code IMapIterator}, whose {@code next(timeout)} is {@link #next(Duration)} here.
 *
 * <pre>{@code
 * ResultIterator<Integer> results = pool.imap(x -> slowSquare(x), inputs);
 * while (results.hasNext()) {
 *     try {
 *         show(results.next(Duration.ofSeconds(1)));
 *     } catch (TimeoutException stillWorking) {
 *         showSpinner();   // nothing is lost: the next call gets that result
 *     }
 * }
 * }</pre>
 *
 * <p>A task that failed throws its exception from the call that reaches its result (a checked
 * one wrapped in a {@link java.util.concurrent.CompletionException}); the results after it can
 * still be read.
 *
 * @param <R> the type of a result
 */
public interface ResultIterator<R> extends Iterator<R> {
    /**
     * The next result, waiting at most {@code timeout} for it (null: no limit, as
     * {@link #next()}). The wait is for the workers: the
     * next items of the input are read on the calling thread, as {@link #hasNext()} does, and
     * an input whose own iterator blocks holds the call for as long as it does.
     *
     * @throws TimeoutException if it is not ready in time: the work goes on, and a later call
     *                          returns it
     * @throws java.util.NoSuchElementException if there are no more results
     */
    R next(Duration timeout) throws TimeoutException;
}
