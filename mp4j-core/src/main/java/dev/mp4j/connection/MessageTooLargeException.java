package dev.mp4j.connection;

import java.io.IOException;

/** A message exceeds the connection's size limit; both sizes are named. */
public final class MessageTooLargeException extends IOException {
    @java.io.Serial
    private static final long serialVersionUID = 1L;

    private final long size;
    private final long limit;

    public MessageTooLargeException(long size, long limit, String action) {
        super("cannot " + action + " a message of " + size + " bytes: the limit is " + limit + " bytes" + hint(limit));
        this.size = size;
        this.limit = limit;
    }

    /** Where the limit comes from, so the message says what would raise it. */
    private static String hint(long limit) {
        if (limit == Integer.MAX_VALUE - 8) {
            return " (a message is read into one Java array)";
        }
        if (limit == AbstractConnection.DEFAULT_MAX_MESSAGE_BYTES) {
            return " (raise it with -Dmp4j.connection.maxMessageBytes)";
        }
        return " (the limit this connection was opened with)";
    }

    public long size() {
        return size;
    }

    public long limit() {
        return limit;
    }
}
