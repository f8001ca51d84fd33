package dev.mp4j.manager;

import dev.mp4j.queue.QueueEmptyException;
import dev.mp4j.queue.QueueFullException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;

/**
 * A queue living in a manager's server process: Python's {@code manager.Queue()} and
 * {@code manager.JoinableQueue()}, reachable over the network when the manager listens on TCP.
 *
 * <pre>{@code
 * ManagedQueue<Integer> tasks = manager.queue();
 * tasks.put(42);
 * Integer n = tasks.get(true, Duration.ofSeconds(1));   // QueueEmptyException after a second
 * }</pre>
 *
 * <p>It is also a {@link BlockingQueue}. There is no feeder thread and nothing to flush: a
 * {@code put} into an unbounded queue returns once the item is on its way, in order, without
 * waiting for the manager's answer (so a producer streams instead of paying a round trip per
 * item). The answers are collected before the thread's next call to any manager, and before
 * anything else leaves the thread through mp4j: a message on a pipe, socket or queue, a lock
 * released, an event set, a semaphore released, a condition signalled, a barrier reached, a
 * process started, a pool task's result; and before the process exits. So whoever learns of the
 * puts by any of these finds the items in the queue, as after CPython's put. (A plain shared
 * value written without its lock, or a file, is not such a point.) If the manager refused an
 * item (its class is not allowed there, say), the thread's next such put throws that error; a
 * process that exits with one unreported prints it. Another thread of the same process is not
 * ordered after these puts: to hand an item over within a process, use one thread. A
 * {@code put} into a bounded queue waits for room, in the manager.
 * Iteration works on a read-only snapshot.
 */
public interface ManagedQueue<E> extends BlockingQueue<E> {
    /** Python's {@code get()}: waits for an item. */
    E get() throws InterruptedException;

    /**
     * Python's {@code get(block, timeout)}.
     *
     * @param timeout how long to wait when {@code block}; null means forever
     * @throws QueueEmptyException if no item came in time (at once when not {@code block})
     */
    E get(boolean block, Duration timeout) throws QueueEmptyException, InterruptedException;

    /** Python's {@code get_nowait()}. */
    E getNowait() throws QueueEmptyException;

    /**
     * Python's {@code put(item, block, timeout)} for a bounded queue.
     *
     * @throws QueueFullException if there was no room in time (at once when not {@code block})
     */
    void put(E item, boolean block, Duration timeout) throws QueueFullException, InterruptedException;

    /** Python's {@code put_nowait(item)}. */
    void putNowait(E item) throws QueueFullException;

    /** Python's {@code qsize()}: the number of items now. */
    int qsize();

    /** Python's {@code empty()}. */
    boolean empty();

    /** Python's {@code full()}. */
    boolean full();

    /**
     * Python's {@code task_done()}: one item taken earlier is fully processed.
     *
     * @throws IllegalStateException if called more times than there were items
     */
    void taskDone();

    /**
     * Python's {@code join()}: waits until every item put has been marked done. An item taken
     * ({@code get}, {@code poll}, {@code take}, {@code drainTo}) is done once {@link #taskDone()}
     * says so, as in CPython; one removed without being taken ({@code clear}, {@code remove},
     * {@code removeIf}, {@code removeAll}, {@code retainAll}, which CPython's queue does not
     * have) is done as it goes, since nobody will process it.
     */
    void join() throws InterruptedException;

    /** {@link #join()} that gives up after {@code timeout}; returns whether all were done. */
    boolean join(Duration timeout) throws InterruptedException;
}
