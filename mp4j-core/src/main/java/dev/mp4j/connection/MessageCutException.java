package dev.mp4j.connection;

import java.io.InterruptedIOException;

/**
 * A send ended by an interrupt after part of its message had gone out: the stream is out of
 * step, so the end refuses further sends (see {@link AbstractConnection}). A send cut by its
 * timeout ends with {@link AbstractConnection#cutSend}'s plain {@link java.io.IOException}.
 */
final class MessageCutException extends InterruptedIOException {
    @java.io.Serial
    private static final long serialVersionUID = 1L;

    MessageCutException(InterruptedIOException cause) {
        super(AbstractConnection.cutMessage("interrupted"));
        initCause(cause);
    }
}
