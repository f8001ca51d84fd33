package dev.mp4j.shared;

import dev.mp4j.shm.SharedWords;
import java.io.Serial;

/**
 * A boolean in shared memory: Python's {@code multiprocessing.Value('?')}.
 *
 * <pre>{@code
 * BooleanValue v = Value.ofBoolean(false);
 * JvmProcess p = new JvmProcess(() -> v.set(true));   // the child writes the parent's memory
 * p.start();
 * p.join();
 * System.out.println(v.get());                       // true
 * }</pre>
 *
 * <p>{@link #get()} and {@link #set} are volatile reads and writes of shared memory;
 * {@link #compareAndSet} is atomic across processes. A read-modify-write made of several calls
 * needs {@link #getLock()} held around it.
 */
public final class BooleanValue extends SharedCell {
    @Serial
    private static final long serialVersionUID = 1L;

    BooleanValue(boolean initial, boolean locked) {
        super(locked);
        set(initial);
    }

    public boolean get() {
        return SharedWords.getIntVolatile(words, VALUE_OFFSET) != 0;
    }

    public void set(boolean value) {
        SharedWords.setIntVolatile(words, VALUE_OFFSET, (value ? 1 : 0));
    }

    /** Atomically sets {@code update} if the value is {@code expect}. */
    public boolean compareAndSet(boolean expect, boolean update) {
        return INT.compareAndSet(words, VALUE_OFFSET, (expect ? 1 : 0), (update ? 1 : 0));
    }

    @Override
    public String toString() {
        return "<Value('?', " + get() + ")>";
    }
}
