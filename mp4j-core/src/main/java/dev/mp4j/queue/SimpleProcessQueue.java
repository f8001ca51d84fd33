package dev.mp4j.queue;

import java.io.Serial;
import java.io.Serializable;

/**
 * The plain queue: Python's {@code multiprocessing.SimpleQueue} ({@code put}, {@code get},
 * {@code empty}, {@code close}), on the same shared-memory engine as {@link ProcessQueue}.
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

    /** Waits for an item. */
    public E get() throws InterruptedException {
        try {
            return queue.get(true, null);
        } catch (QueueEmptyException e) {
            throw new AssertionError("a blocking get without timeout does not give up", e);
        }
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
