package dev.mp4j.pool;

/**
 * A task failed with an exception that could not travel back from the worker (it was not
 * serializable); this carries its class, message and the worker's stack trace as text.
 */
public final class RemoteTaskException extends RuntimeException {
    @java.io.Serial
    private static final long serialVersionUID = 1L;

    private final String remoteClass;
    private final String remoteStackTrace;

    public RemoteTaskException(String remoteClass, String message, String remoteStackTrace) {
        super(remoteClass + (message != null ? ": " + message : "") + "\n--- in the worker ---\n" + remoteStackTrace);
        this.remoteClass = remoteClass;
        this.remoteStackTrace = remoteStackTrace;
    }

    /** The binary name of the exception thrown in the worker. */
    public String remoteClass() {
        return remoteClass;
    }

    /** The worker's stack trace, as text. */
    public String remoteStackTrace() {
        return remoteStackTrace;
    }
}
