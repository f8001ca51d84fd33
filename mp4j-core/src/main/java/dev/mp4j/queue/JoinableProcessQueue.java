package dev.mp4j.queue;

import java.io.Serial;
import java.time.Duration;

/**
 * A {@link ProcessQueue} that counts unfinished tasks: Python's
 * {@code multiprocessing.JoinableQueue}.
 *
 * <pre>{@code
 * JoinableProcessQueue<String> q = JoinableProcessQueue.create();
 * JvmProcess consumer = new JvmProcess(() -> {
 *     while (true) {
 *         String item = q.take();
 *         handle(item);
 *         q.taskDone();
 *     }
 * });
 * consumer.setDaemon(true);
 * consumer.start();
 * q.put("work");
 * q.join();            // returns once every item put has been marked done
 * }</pre>
 *
 * <p>Every {@code put} adds an unfinished task; {@link #taskDone()} finishes one (one call too
 * many is an error); {@link #join()} waits until none is unfinished. An item no consumer can
 * have is finished by the queue itself, unlike CPython's, whose {@code join()} then waits for
 * ever: one that a {@code get} takes but cannot decode (it throws; a class that process lacks),
 * and one lost with a producer killed half-way through writing it or a consumer killed half-way
 * through reading it off the queue. Do not call {@code taskDone()} for those (a {@code finally}
 * around the work, not around the {@code get}). A consumer killed once it has read an item (its
 * {@code get} still decoding it, or the work begun) has taken it: that task stays unfinished,
 * as in CPython.
 */
public final class JoinableProcessQueue<E> extends ProcessQueue<E> {
    @Serial
    private static final long serialVersionUID = 1L;

    private JoinableProcessQueue(QueueCore core) {
        super(core);
    }

    /** An unbounded joinable queue. */
    public static <E> JoinableProcessQueue<E> create() {
        return create(0);
    }

    /** A joinable queue of at most {@code maxsize} items (0: unbounded). */
    public static <E> JoinableProcessQueue<E> create(int maxsize) {
        return create(maxsize, DEFAULT_RING_BYTES, DEFAULT_MAX_MESSAGE_BYTES);
    }

    /**
     * A joinable queue with explicit sizes, as {@link ProcessQueue#create(int, int, long)}:
     * {@code ringBytes} of shared ring (a power of two) and a limit on one serialized item.
     */
    public static <E> JoinableProcessQueue<E> create(int maxsize, int ringBytes, long maxMessageBytes) {
        return new JoinableProcessQueue<>(QueueCore.create(maxsize, true, ringBytes, maxMessageBytes));
    }

    /** As {@link #create(int, int, long)}, but items larger than the ring stream through it, never spilled: for tests of streaming. */
    static <E> JoinableProcessQueue<E> createStreaming(int maxsize, int ringBytes, long maxMessageBytes) {
        return new JoinableProcessQueue<>(QueueCore.create(maxsize, true, ringBytes, maxMessageBytes, 0));
    }

    /**
     * Marks one item taken from the queue as handled.
     *
     * @throws IllegalStateException if called more times than items were put
     */
    public void taskDone() {
        core.taskDone();
    }

    /** Waits until every item put has been marked done. */
    public void join() throws InterruptedException {
        core.join(-1);
    }

    /** Like {@link #join()}, at most {@code timeout} (null: no limit); returns whether all were done. */
    public boolean join(Duration timeout) throws InterruptedException {
        if (timeout == null) {
            join();
            return true;
        }
        return core.join(Math.max(0, java.util.concurrent.TimeUnit.NANOSECONDS.convert(timeout)));
    }

    /** Items put and not yet marked done. */
    public int unfinishedTasks() {
        return core.unfinished();
    }
}
