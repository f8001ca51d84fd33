package dev.mp4j.queue;

import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;
import java.util.AbstractQueue;
import java.util.Collection;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A FIFO queue shared by processes: Python's {@code multiprocessing.Queue}, as a
 * {@link BlockingQueue}.
 *
 * <pre>{@code
 * ProcessQueue<Integer> q = ProcessQueue.create();
 * for (int i = 0; i < 3; i++) {
 *     int n = i;
 *     new JvmProcess(() -> q.put(n * n + 6)).start();
 * }
 * for (int i = 0; i < 3; i++) {
 *     System.out.println(q.take());
 * }
 * }</pre>
 *
 * <h2>Contract</h2>
 * Many producers and consumers, in any processes; items from one producer arrive in the order it
 * put them. Java's names tell the blocking story ({@code put}/{@code take} block, {@code offer}/
 * {@code poll} do not or wait at most a timeout); Python's names are here too: {@link #get(boolean,
 * Duration)} and {@link #put(Object, boolean, Duration)} throw {@link QueueEmptyException} /
 * {@link QueueFullException} when they give up. As with {@code LinkedBlockingQueue}, {@code offer()}
 * and {@code poll()} do not fail only because another thread or process is putting or taking at
 * that moment: they wait for it (at most a second) while the call could still succeed, ignore
 * the thread's interrupt status, and take over a lock whose holder died.
 *
 * <p>Unlike CPython's queue there is no feeder thread: {@code put} serializes the item in the
 * caller (an item that cannot be serialized, or that is over the size limit, fails right there,
 * naming the problem) and copies it into shared memory before it returns. So a process that put
 * items may exit or be joined at once, and its items stay readable (by any process that still
 * holds the queue: see Lifetime below). A consumer killed while it
 * waits in {@code take} leaves the queue working for the others.
 *
 * <p>Backlogs: items go through one shared ring (16 MiB by default). An item of 64 KiB or more
 * that finds no room there within 50 ms (at once, when no consumer has taken anything since this
 * process last had to do this), and any item larger than the ring, is spilled into a
 * shared-memory segment of its own, and only a reference goes through the ring, in order; the
 * consumer that takes it copies it out and removes the segment. So {@code put} waits only when
 * {@code maxsize} items are queued, when the ring is full of smaller items, or when /dev/shm has
 * no room left for a spilled one; a producer of large results can put them all and exit, or be
 * joined, before anyone takes them (CPython's feeder-thread deadlock). A backlog of small items
 * is bounded by the ring: make the queue with a larger ring where one is expected.
 *
 * <p>An item over 128 KiB that does go through the ring is published in steps while it is
 * copied in. A consumer that has begun to receive one reads it to its end while its producer
 * lives, even past its own timeout or an interrupt (kept for afterwards, unless the item makes
 * no progress for 2 s), since giving up would lose the item; if that producer dies,
 * the consumer skips the part sent (within about a tenth of a second) and goes on waiting for the
 * next item within its timeout.
 *
 * <p>Memory consistency: actions before {@code put} happen-before the matching {@code take} in
 * the receiving process, as for any {@link BlockingQueue}. Python code often puts {@code None} as
 * an end marker: {@link #put(Object, boolean, Duration)} accepts null for that, and {@link #get()}
 * returns it; mix it with the {@link BlockingQueue} methods with care, since there {@code poll()}
 * returning null means "empty". The queue travels to other processes
 * (captured by a process target, or inside a message) by name. A queue cannot be iterated or
 * peeked, so the {@link java.util.Collection} methods built on those ({@code element},
 * {@code contains}, {@code remove(Object)}, {@code toArray}, {@code forEach}, {@code stream})
 * throw {@link UnsupportedOperationException} too; {@link #size()} counts items put and not yet
 * taken.
 *
 * <p>Lifetime: the queue's shared memory goes once no process holds it (its queue objects there
 * were garbage-collected, or the process ended) and no copy of it is on its way to another
 * process (in a message not yet read, or a child not yet started); items still in it, spilled
 * ones included, go with it. So a program that makes a queue per job does not fill
 * {@code /dev/shm}. Where that cannot be told (a copy that is never read, a process killed
 * while holding it and nobody noticing, more than 64 processes or 64 unread copies at once),
 * the queue stays until the process tree ends, when the resource tracker removes it. Closing
 * frees nothing: the memory goes when the queue objects are collected. Once this JVM has begun
 * to exit, it can no longer send copies of the queue (in a message, or to a new child).
 *
 * @param <E> the element type (serialized with the default serializer)
 */
public class ProcessQueue<E> extends AbstractQueue<E> implements BlockingQueue<E>, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;
    /** Ring bytes of a queue made without a size. */
    public static final int DEFAULT_RING_BYTES = Integer.getInteger("mp4j.queue.ringBytes", 16 << 20);
    /** Largest serialized item a queue accepts unless told otherwise. */
    public static final long DEFAULT_MAX_MESSAGE_BYTES = Long.getLong("mp4j.queue.maxMessageBytes", 256L << 20);

    private final String name;
    transient QueueCore core;

    ProcessQueue(QueueCore core) {
        this.core = core;
        this.name = core.name();
    }

    /** An unbounded queue. */
    public static <E> ProcessQueue<E> create() {
        return create(0);
    }

    /** A queue of at most {@code maxsize} items (0 or less: unbounded, as in CPython). */
    public static <E> ProcessQueue<E> create(int maxsize) {
        return new ProcessQueue<>(QueueCore.create(maxsize, false, DEFAULT_RING_BYTES, DEFAULT_MAX_MESSAGE_BYTES));
    }

    /**
     * A queue with explicit sizes: {@code ringBytes} of shared ring (a power of two) and a limit
     * on one serialized item.
     */
    public static <E> ProcessQueue<E> create(int maxsize, int ringBytes, long maxMessageBytes) {
        return new ProcessQueue<>(QueueCore.create(maxsize, false, ringBytes, maxMessageBytes));
    }

    /** As {@link #create(int, int, long)}, but items larger than the ring stream through it, never spilled: for tests of streaming. */
    static <E> ProcessQueue<E> createStreaming(int maxsize, int ringBytes, long maxMessageBytes) {
        return new ProcessQueue<>(QueueCore.create(maxsize, false, ringBytes, maxMessageBytes, 0));
    }

    // BlockingQueue

    @Override
    public void put(E e) throws InterruptedException {
        putItem(Objects.requireNonNull(e, "a BlockingQueue holds no null"), -1);
    }

    @Override
    public boolean offer(E e) {
        try {
            return putItem(Objects.requireNonNull(e, "a BlockingQueue holds no null"), 0);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Puts an item, waiting at most {@code timeout} for room. An item of 64 KiB or more that
     * finds no room within 50 ms, and any item larger than the ring, is spilled into a
     * shared-memory segment of its own and does not wait;
     * only when /dev/shm has no room for that does it wait for the ring, and an item larger than
     * the ring then streams through it as a consumer reads, past the timeout once begun (while
     * the consumer keeps reading).
     */
    @Override
    public boolean offer(E e, long timeout, TimeUnit unit) throws InterruptedException {
        return putItem(Objects.requireNonNull(e, "a BlockingQueue holds no null"), Math.max(0, unit.toNanos(timeout)));
    }

    /**
     * Encodes and puts an item ({@code nanos}: negative waits for ever, 0 not at all). What its
     * copy takes for its reader (a segment's token, a pipe end's slot, a manager's ticket) is
     * given back if it does not go in (no room in time, an interrupt, the queue closed), or it
     * would keep those objects until the process tree ends.
     */
    private boolean putItem(Object e, long nanos) throws InterruptedException {
        boolean collect = !dev.mp4j.shm.Cleanup.carriesNothingShared(e);
        Object outer = collect ? dev.mp4j.shm.Cleanup.collectUndos() : null;
        boolean in = false;
        try {
            in = core.put(core.encode(e), nanos);
            return in;
        } finally {
            if (collect) {
                dev.mp4j.shm.Cleanup.stopCollectingUndos(outer, !in);
            }
        }
    }

    @Override
    public E take() throws InterruptedException {
        return cast(core.takeItem(-1));
    }

    @Override
    public E poll() {
        Object item = takeNow();
        return item == QueueCore.NOTHING ? null : cast(item);
    }

    /** An item if one is there now, else {@link QueueCore#NOTHING}; an interrupt is kept for the caller. */
    private Object takeNow() {
        try {
            return core.takeItem(0);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return QueueCore.NOTHING;
        }
    }

    @Override
    public E poll(long timeout, TimeUnit unit) throws InterruptedException {
        Object item = core.takeItem(Math.max(0, unit.toNanos(timeout)));
        return item == QueueCore.NOTHING ? null : cast(item);
    }

    @SuppressWarnings("unchecked")
    private E cast(Object item) {
        return (E) item;
    }

    /** Not supported: looking at the head would need a consumer's turn without taking. */
    @Override
    public E peek() {
        throw new UnsupportedOperationException("a cross-process queue cannot be peeked; use poll()");
    }

    /** Not supported: a queue shared by processes has no stable contents to walk. */
    @Override
    public Iterator<E> iterator() {
        throw new UnsupportedOperationException("a cross-process queue cannot be iterated; take items with poll or take");
    }

    /** Items put and not yet taken (Python's {@code qsize()}). */
    @Override
    public int size() {
        return core.count();
    }

    @Override
    public boolean isEmpty() {
        return core.count() == 0;
    }

    /** Whether {@code maxsize} items are queued (never, for an unbounded queue). */
    public boolean isFull() {
        return core.maxsize() > 0 && core.count() >= core.maxsize();
    }

    @Override
    public int remainingCapacity() {
        return core.maxsize() == 0 ? Integer.MAX_VALUE : Math.max(0, core.maxsize() - core.count());
    }

    @Override
    public int drainTo(Collection<? super E> c) {
        return drainTo(c, Integer.MAX_VALUE);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Drains at most the items queued when it starts, as the JDK's queues do (producers that
     * keep up would otherwise keep it going for ever). An item {@code c} refuses (a {@code None}
     * into an {@code ArrayDeque}, a full bounded collection) goes back to this queue's tail, so
     * no process loses it, and the collection's exception is thrown.
     */
    @Override
    public int drainTo(Collection<? super E> c, int maxElements) {
        Objects.requireNonNull(c, "the collection to drain into");
        // Another object for this same queue (a copy received in a message) counts as itself:
        // each item drained would go back to its tail, for ever.
        if (c == this || c instanceof ProcessQueue<?> other && other.name.equals(name)) {
            throw new IllegalArgumentException("cannot drain a queue into itself");
        }
        int limit = Math.min(maxElements, core.count());
        int n = 0;
        while (n < limit) {
            Object item = takeNow();
            if (item == QueueCore.NOTHING) {
                break;
            }
            // A None put from Python-style code (put(null, ...)) is drained too, not taken for the end.
            try {
                c.add(cast(item));
            } catch (RuntimeException refused) {
                giveBack(item, refused);
                throw refused;
            }
            n++;
        }
        return n;
    }

    /**
     * An item taken that nobody got goes back to the tail, as a put (what its copy takes for its
     * reader given back if it does not go in). Its task, for a joinable queue, stays counted
     * once: the put counts it again, so one count goes; and if it cannot go back it is lost,
     * and the queue finishes its task itself, as for any item no consumer can have.
     */
    private void giveBack(Object item, RuntimeException why) {
        try {
            if (!putItem(item, TimeUnit.SECONDS.toNanos(1))) {
                why.addSuppressed(new IllegalStateException("the item could not go back to the queue (no room within 1 s): it is lost"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            why.addSuppressed(new IllegalStateException("interrupted putting the item back: it is lost", e));
        } catch (RuntimeException e) {
            why.addSuppressed(e);
        } finally {
            if (core.joinable()) {
                core.taskDone();   // counted again by the put, or lost with it
            }
        }
    }

    /** Takes one item, a {@code None} included (AbstractQueue's took a None for "empty", and lost it). */
    @Override
    public E remove() {
        Object item = takeNow();
        if (item == QueueCore.NOTHING) {
            throw new java.util.NoSuchElementException("Queue " + name + " is empty");
        }
        return cast(item);
    }

    /** Takes every item queued now, {@code None}s included (AbstractQueue's stopped at the first). */
    @Override
    public void clear() {
        for (int n = core.count(); n > 0 && takeNow() != QueueCore.NOTHING; n--) {
            // taken and dropped
        }
    }

    // Python's names

    /** Python's {@code get()}: blocks for an item. */
    public E get() throws InterruptedException {
        return take();
    }

    /**
     * Python's {@code get(block, timeout)}.
     *
     * @throws QueueEmptyException if {@code block} is false and nothing is there, or nothing came within {@code timeout}
     */
    public E get(boolean block, Duration timeout) throws InterruptedException, QueueEmptyException {
        long nanos = !block ? 0 : timeout == null ? -1 : Math.max(0, java.util.concurrent.TimeUnit.NANOSECONDS.convert(timeout));
        Object item = core.takeItem(nanos);
        if (item == QueueCore.NOTHING) {
            throw new QueueEmptyException(block ? "no item within " + timeout : "the queue is empty");
        }
        return cast(item);
    }

    /** Python's {@code get_nowait()}. */
    public E getNowait() throws QueueEmptyException, InterruptedException {
        return get(false, null);
    }

    /**
     * Python's {@code put(obj, block, timeout)}. Unlike {@link #put(Object)}, accepts null.
     *
     * @throws QueueFullException if there was no room (at once, or within {@code timeout})
     */
    public void put(E e, boolean block, Duration timeout) throws InterruptedException, QueueFullException {
        long nanos = !block ? 0 : timeout == null ? -1 : Math.max(0, java.util.concurrent.TimeUnit.NANOSECONDS.convert(timeout));
        if (!putItem(e, nanos)) {
            throw new QueueFullException(block ? "no room within " + timeout : "the queue is full");
        }
    }

    /** Python's {@code put_nowait(obj)}. */
    public void putNowait(E e) throws QueueFullException, InterruptedException {
        put(e, false, null);
    }

    /** Python's {@code qsize()}. */
    public int qsize() {
        return size();
    }

    /** Python's {@code empty()}. */
    public boolean empty() {
        return isEmpty();
    }

    /** Python's {@code full()}. */
    public boolean full() {
        return isFull();
    }

    /**
     * This process will use the queue no more: later puts and gets here throw. Other processes are
     * unaffected; the shared memory goes once no process holds the queue (see the class comment).
     */
    public void close() {
        core.close();
    }

    /** Python's {@code join_thread()}: nothing to wait for, there is no feeder thread. */
    public void joinThread() {
        if (!core.isClosed()) {
            throw new IllegalStateException("Queue " + name + " not closed");
        }
    }

    /** Python's {@code cancel_join_thread()}: nothing to cancel, there is no feeder thread. */
    public void cancelJoinThread() {
    }

    /** The shared segment's name. */
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return "<" + getClass().getSimpleName() + " " + name + " size=" + size() + ">";
    }

    /** A copy for another process, with a token that keeps the queue until it is read (see {@link dev.mp4j.shm.HeldSegment}). */
    @Serial
    private void writeObject(java.io.ObjectOutputStream out) throws java.io.IOException {
        out.defaultWriteObject();
        out.writeLong(core.sent());
    }

    @Serial
    private void readObject(java.io.ObjectInputStream in) throws java.io.IOException, ClassNotFoundException {
        in.defaultReadObject();
        long token = in.readLong();
        try {
            core = QueueCore.attach(name);
        } catch (RuntimeException e) {
            java.io.InvalidObjectException failure = new java.io.InvalidObjectException(
                    "cannot attach queue " + name + " here: " + e.getMessage());
            failure.initCause(e);
            throw failure;
        }
        core.received(token);
    }
}
