package dev.mp4j.shared;

import dev.mp4j.shm.SharedWords;
import java.io.Serial;

/**
 * A float (32 bits) in shared memory: Python's {@code multiprocessing.Value('f')}.
 *
 * <pre>{@code
 * FloatValue v = Value.ofFloat(0f);
 * JvmProcess p = new JvmProcess(() -> v.set(2.5f));   // the child writes the parent's memory
 * p.start();
 * p.join();
 * System.out.println(v.get());                        // 2.5
 * }</pre>
 *
 * <p>{@link #get()} and {@link #set} are volatile reads and writes of shared memory;
 * {@link #compareAndSet} is atomic across processes. A read-modify-write made of several calls
 * needs {@link #getLock()} held around it.
 */
public final class FloatValue extends SharedCell {
    @Serial
    private static final long serialVersionUID = 1L;

    FloatValue(float initial, boolean locked) {
        super(locked);
        set(initial);
    }

    public float get() {
        return Float.intBitsToFloat(SharedWords.getIntVolatile(words, VALUE_OFFSET));
    }

    public void set(float value) {
        SharedWords.setIntVolatile(words, VALUE_OFFSET, Float.floatToRawIntBits(value));
    }

    /** Atomically sets {@code update} if the value is {@code expect} (compared bit for bit). */
    public boolean compareAndSet(float expect, float update) {
        return INT.compareAndSet(words, VALUE_OFFSET, Float.floatToRawIntBits(expect), Float.floatToRawIntBits(update));
    }

    /** Atomically adds {@code delta} (a compare-and-set loop) and returns the new value. */
    public float addAndGet(float delta) {
        while (true) {
            int raw = SharedWords.getIntVolatile(words, VALUE_OFFSET);
            float next = Float.intBitsToFloat(raw) + delta;
            if (INT.compareAndSet(words, VALUE_OFFSET, raw, Float.floatToRawIntBits(next))) {
                return next;
            }
        }
    }

    @Override
    public String toString() {
        return "<Value('f', " + get() + ")>";
    }
}
