package dev.mp4j.shared;

import dev.mp4j.shm.SharedWords;
import java.io.Serial;

/**
 * A byte in shared memory: Python's {@code multiprocessing.Value('b')}.
 *
 * <pre>{@code
 * ByteValue v = Value.ofByte((byte) 0);
 * JvmProcess p = new JvmProcess(() -> v.set((byte) 7));   // the child writes the parent's memory
 * p.start();
 * p.join();
 * System.out.println(v.get());                       // 7
 * }</pre>
 *
 * <p>{@link #get()} and {@link #set} are volatile reads and writes of shared memory;
 * {@link #compareAndSet} is atomic across processes. A read-modify-write made of several calls
 * needs {@link #getLock()} held around it.
 */
public final class ByteValue extends SharedCell {
    @Serial
    private static final long serialVersionUID = 1L;

    ByteValue(byte initial, boolean locked) {
        super(locked);
        set(initial);
    }

    public byte get() {
        return (byte) SharedWords.getIntVolatile(words, VALUE_OFFSET);
    }

    public void set(byte value) {
        SharedWords.setIntVolatile(words, VALUE_OFFSET, value);
    }

    /** Atomically sets {@code update} if the value is {@code expect}. */
    public boolean compareAndSet(byte expect, byte update) {
        return INT.compareAndSet(words, VALUE_OFFSET, expect, update);
    }

    @Override
    public String toString() {
        return "<Value('b', " + get() + ")>";
    }
}
