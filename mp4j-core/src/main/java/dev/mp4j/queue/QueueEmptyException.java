package dev.mp4j.queue;

/** Python's {@code queue.Empty}: a non-blocking or timed {@code get} found nothing. */
public final class QueueEmptyException extends Exception {
    @java.io.Serial
    private static final long serialVersionUID = 1L;

    public QueueEmptyException(String message) {
        super(message);
    }
}
