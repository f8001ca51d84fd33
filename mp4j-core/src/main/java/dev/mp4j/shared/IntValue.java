package dev.mp4j.shared;

import dev.mp4j.shm.SharedWords;
import java.io.Serial;

/**
 * A int in shared memory: Python's {@code multiprocessing.Value('i')}.
 *
 * <pre>{@code
 * IntValue v = Value.ofInt(0);
 * JvmProcess p = new JvmProcess(() -> v.set(42));   // the child writes the parent's memory
 * p.start();
 * p.join();
 * System.out.println(v.get());                       // 42
 * }</pre>
 *
 * <p>{@link #get()} and {@link #set} are volatile reads and writes of shared memory;
 * {@link #compareAndSet} is atomic across processes. A read-modify-write made of several calls
 * needs {@link #getLock()} held around it.
 */
public final class IntValue extends SharedCell {
    @Serial
    private static final long serialVersionUID = 1L;

    IntValue(int initial, boolean locked) {
        super(locked);
        set(initial);
    }

    public int get() {
        return SharedWords.getIntVolatile(words, VALUE_OFFSET);
    }

    public void set(int value) {
        SharedWords.setIntVolatile(words, VALUE_OFFSET, value);
    }

    /** Atomically sets {@code update} if the value is {@code expect}. */
    public boolean compareAndSet(int expect, int update) {
        return INT.compareAndSet(words, VALUE_OFFSET, expect, update);
    }

    public int getAndAdd(int delta) {
        return (int) INT.getAndAdd(words, VALUE_OFFSET, delta);
    }

    public int addAndGet(int delta) {
        return getAndAdd(delta) + delta;
    }

    public int incrementAndGet() {
        return addAndGet(1);
    }

    public int getAndIncrement() {
        return getAndAdd(1);
    }

    public int decrementAndGet() {
        return addAndGet(-1);
    }

    @Override
    public String toString() {
        return "<Value('i', " + get() + ")>";
    }
}
