package dev.mp4j.manager;

import java.io.Serial;

/**
 * A manager could not be reached or could not carry out a call: its server is gone or shut down,
 * a value could not travel, or the server failed with an error that cannot travel back as itself
 * (Python's {@code RemoteError}; the server's stack trace is then in the message). Errors thrown
 * by the managed object itself, such as {@link IndexOutOfBoundsException}, arrive as their own
 * type instead.
 */
public class ManagerException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    public ManagerException(String message) {
        super(message);
    }

    public ManagerException(String message, Throwable cause) {
        super(message, cause);
    }
}
