package dev.mp4j.queue;

import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;

/**
 * The plain queue: Python's {@code multiprocessing.SimpleQueue} ({@code put}, {@code get},
 * {@code empty}, {@code close}), on the same shared-memory engine as {@link ProcessQueue}; with
 * timeout forms of {@code put} and {@code get}, which Python's lacks.
 *
 * <pre>{@code
 * SimpleProcessQueue<String> q = SimpleProcessQueue.create();
 * new JvmProcess(() -> q.put("hello")).start();
 * System.out.println(q.get());
 * }</pre>
 */
public final class SimpleProcessQueue<E> implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private final ProcessQueue<E> queue;

    private SimpleProcessQueue(ProcessQueue<E> queue) {
        this.queue = queue;
    }

    public static <E> SimpleProcessQueue<E> create() {
        return new SimpleProcessQueue<>(ProcessQueue.create());
    }

    /** Puts an item (null allowed), serialized in the caller. */
    public void put(E item) throws InterruptedException {
        try {
            queue.put(item, true, null);
        } catch (QueueFullException e) {
            throw new AssertionError("an unbounded queue is never full", e);
        }
    }

    /**
     * Puts an item, waiting at most {@code timeout} for room (Python's SimpleQueue has no such
     * form). Items under 64 KiB are held by the queue's ring (16 MiB by default) and wait for a
     * consumer when it is full. A larger item that finds no room within 50 ms, and any item larger
     * than the ring, is spilled into a shared-memory segment of its own and does not wait; only
     * when /dev/shm has no room for that does it wait for the ring (an item larger than the ring
     * then streams through it as a consumer reads, without a limit once begun).
     *
     * @throws QueueFullException if there was no room within {@code timeout}
     */
    public void put(E item, Duration timeout) throws InterruptedException, QueueFullException {
        queue.put(item, true, java.util.Objects.requireNonNull(timeout, "timeout"));
    }

    /** Waits for an item. */
    public E get() throws InterruptedException {
        try {
            return queue.get(true, null);
        } catch (QueueEmptyException e) {
            throw new AssertionError("a blocking get without timeout does not give up", e);
        }
    }

    /**
     * Waits at most {@code timeout} for an item (Python's SimpleQueue has no such form; its
     * {@code Queue.get(True, timeout)}).
     *
     * @throws QueueEmptyException if no item came within {@code timeout}
     */
    public E get(Duration timeout) throws InterruptedException, QueueEmptyException {
        return queue.get(true, java.util.Objects.requireNonNull(timeout, "timeout"));
    }

    public boolean empty() {
        return queue.isEmpty();
    }

    public void close() {
        queue.close();
    }

    @Override
    public String toString() {
        return "<SimpleQueue " + queue.name() + ">";
    }
}
