package dev.mp4j.shared;

import dev.mp4j.shm.SharedWords;
import java.io.Serial;

/**
 * A char in shared memory: Python's {@code multiprocessing.Value('u')}.
 *
 * <pre>{@code
 * CharValue v = Value.ofChar('a');
 * JvmProcess p = new JvmProcess(() -> v.set('z'));   // the child writes the parent's memory
 * p.start();
 * p.join();
 * System.out.println(v.get());                       // z
 * }</pre>
 *
 * <p>{@link #get()} and {@link #set} are volatile reads and writes of shared memory;
 * {@link #compareAndSet} is atomic across processes. A read-modify-write made of several calls
 * needs {@link #getLock()} held around it.
 */
public final class CharValue extends SharedCell {
    @Serial
    private static final long serialVersionUID = 1L;

    CharValue(char initial, boolean locked) {
        super(locked);
        set(initial);
    }

    public char get() {
        return (char) SharedWords.getIntVolatile(words, VALUE_OFFSET);
    }

    public void set(char value) {
        SharedWords.setIntVolatile(words, VALUE_OFFSET, value);
    }

    /** Atomically sets {@code update} if the value is {@code expect}. */
    public boolean compareAndSet(char expect, char update) {
        return INT.compareAndSet(words, VALUE_OFFSET, expect, update);
    }

    @Override
    public String toString() {
        return "<Value('u', " + get() + ")>";
    }
}
