package dev.mp4j.queue;

/** Python's {@code queue.Full}: a non-blocking or timed {@code put} found no room. */
public final class QueueFullException extends Exception {
    @java.io.Serial
    private static final long serialVersionUID = 1L;

    public QueueFullException(String message) {
        super(message);
    }
}
