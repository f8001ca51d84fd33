package dev.mp4j.connection;

import java.io.IOException;

/** {@link Connection#recvBytesInto} was given a buffer smaller than the message; the message is consumed and kept here. */
public final class BufferTooShortException extends IOException {
    @java.io.Serial
    private static final long serialVersionUID = 1L;

    private final transient byte[] message;

    public BufferTooShortException(byte[] message, int room) {
        super("buffer too short: the message has " + message.length + " bytes, the buffer has room for " + room);
        this.message = message;
    }

    /** The whole message that did not fit. */
    public byte[] message() {
        return message;
    }
}
