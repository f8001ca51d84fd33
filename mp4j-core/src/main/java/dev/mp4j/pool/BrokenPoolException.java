package dev.mp4j.pool;

/**
 * The pool cannot start workers, so it stopped: every task not finished fails with this, and
 * new tasks are refused with a {@link java.util.concurrent.RejectedExecutionException} that has it
 * as its cause. Python's {@code BrokenProcessPool}; CPython's {@code Pool} retries for ever here.
 *
 * <p>The usual cause is an initializer that throws: the cause is then the initializer's own
 * exception (or a {@link RemoteTaskException} with its class, message and stack trace, when it
 * cannot travel). A worker JVM that cannot start at all (a bad JVM option, say) is given up after
 * {@value #START_ATTEMPTS} attempts in a row.
 *
 * <pre>{@code
 * try (ProcessPool pool = ProcessPool.create(Options.defaults().withInitializer(() -> connectTo(db)))) {
 *     pool.apply(() -> work());
 * } catch (BrokenPoolException e) {
 *     System.err.println("workers could not start: " + e.getCause());
 * }
 * }</pre>
 */
public final class BrokenPoolException extends RuntimeException {
    @java.io.Serial
    private static final long serialVersionUID = 1L;

    /** Failed starts in a row, with no initializer error to go by, after which a pool gives up. */
    public static final int START_ATTEMPTS = 3;

    BrokenPoolException(String message, Throwable cause) {
        super(message, cause);
    }
}
