package dev.mp4j.connection;

import java.io.IOException;

/** A message exceeds the connection's size limit; both sizes are named. */
public final class MessageTooLargeException extends IOException {
    @java.io.Serial
    private static final long serialVersionUID = 1L;

    private final long size;
    private final long limit;

    public MessageTooLargeException(long size, long limit, String action) {
        super("cannot " + action + " a message of " + size + " bytes: the limit is " + limit
                + " bytes (raise it with -Dmp4j.connection.maxMessageBytes)");
        this.size = size;
        this.limit = limit;
    }

    public long size() {
        return size;
    }

    public long limit() {
        return limit;
    }
}
