package dev.mp4j.connection;

import java.io.IOException;

/** The authkey handshake failed: Python's {@code multiprocessing.AuthenticationError}. */
public final class AuthenticationException extends IOException {
    @java.io.Serial
    private static final long serialVersionUID = 1L;

    public AuthenticationException(String message) {
        super(message);
    }
}
