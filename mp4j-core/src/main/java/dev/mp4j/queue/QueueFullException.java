package dev.mp4j.queue;

/** Python's {@code queue.Full}: a non-blocking or timed {@code put} found no room. */
public final class QueueFullException extends Exception {
    public QueueFullException(String message) {
        super(message);
    }
}
