package dev.mp4j.connection;

import java.io.InterruptedIOException;

/**
 * A send ended by an interrupt, or by its timeout, after part of its message had gone out: the
 * stream is out of step, so the end refuses further sends (see {@link AbstractConnection}).
 */
final class MessageCutException extends InterruptedIOException {
    @java.io.Serial
    private static final long serialVersionUID = 1L;

    MessageCutException(InterruptedIOException cause) {
        this("interrupted", cause);
    }

    /** {@code why}: what ended the send, as in "interrupted" or "timed out". */
    MessageCutException(String why, Throwable cause) {
        super(why + " half-way through sending a message: this end can send no more"
                + " (the peer would read the rest of the stream out of step)");
        initCause(cause);
    }
}
