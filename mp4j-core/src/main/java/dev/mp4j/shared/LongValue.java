package dev.mp4j.shared;

import dev.mp4j.shm.SharedWords;
import java.io.Serial;

/**
 * A long in shared memory: Python's {@code multiprocessing.Value('q')}.
 *
 * <pre>{@code
 * LongValue v = Value.ofLong(0L);
 * JvmProcess p = new JvmProcess(() -> v.set(42L));   // the child writes the parent's memory
 * p.start();
 * p.join();
 * System.out.println(v.get());                       // 42
 * }</pre>
 *
 * <p>{@link #get()} and {@link #set} are volatile reads and writes of shared memory;
 * {@link #compareAndSet} is atomic across processes. A read-modify-write made of several calls
 * needs {@link #getLock()} held around it.
 */
public final class LongValue extends SharedCell {
    @Serial
    private static final long serialVersionUID = 1L;

    LongValue(long initial, boolean locked) {
        super(locked);
        set(initial);
    }

    public long get() {
        return SharedWords.getLongVolatile(words, VALUE_OFFSET);
    }

    public void set(long value) {
        SharedWords.setLongVolatile(words, VALUE_OFFSET, value);
    }

    /** Atomically sets {@code update} if the value is {@code expect}. */
    public boolean compareAndSet(long expect, long update) {
        return LONG.compareAndSet(words, VALUE_OFFSET, expect, update);
    }

    public long getAndAdd(long delta) {
        return (long) LONG.getAndAdd(words, VALUE_OFFSET, delta);
    }

    public long addAndGet(long delta) {
        return getAndAdd(delta) + delta;
    }

    public long incrementAndGet() {
        return addAndGet(1);
    }

    public long getAndIncrement() {
        return getAndAdd(1);
    }

    public long decrementAndGet() {
        return addAndGet(-1);
    }

    @Override
    public String toString() {
        return "<Value('q', " + get() + ")>";
    }
}
