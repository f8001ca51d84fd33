package dev.mp4j.shared;

import dev.mp4j.shm.SharedWords;
import java.io.Serial;

/**
 * A double in shared memory: Python's {@code multiprocessing.Value('d')}.
 *
 * <pre>{@code
 * DoubleValue v = Value.ofDouble(0.0);
 * JvmProcess p = new JvmProcess(() -> v.set(3.14));   // the child writes the parent's memory
 * p.start();
 * p.join();
 * System.out.println(v.get());                       // 3.14
 * }</pre>
 *
 * <p>{@link #get()} and {@link #set} are volatile reads and writes of shared memory;
 * {@link #compareAndSet} is atomic across processes. A read-modify-write made of several calls
 * needs {@link #getLock()} held around it.
 */
public final class DoubleValue extends SharedCell {
    @Serial
    private static final long serialVersionUID = 1L;

    DoubleValue(double initial, boolean locked) {
        super(locked);
        set(initial);
    }

    public double get() {
        return Double.longBitsToDouble(SharedWords.getLongVolatile(words, VALUE_OFFSET));
    }

    public void set(double value) {
        SharedWords.setLongVolatile(words, VALUE_OFFSET, Double.doubleToRawLongBits(value));
    }

    /** Atomically sets {@code update} if the value is {@code expect}. */
    public boolean compareAndSet(double expect, double update) {
        return LONG.compareAndSet(words, VALUE_OFFSET, Double.doubleToRawLongBits(expect), Double.doubleToRawLongBits(update));
    }

    /** Atomically adds {@code delta} (a compare-and-set loop) and returns the new value. */
    public double addAndGet(double delta) {
        while (true) {
            long raw = SharedWords.getLongVolatile(words, VALUE_OFFSET);
            double next = Double.longBitsToDouble(raw) + delta;
            if (LONG.compareAndSet(words, VALUE_OFFSET, raw, Double.doubleToRawLongBits(next))) {
                return next;
            }
        }
    }

    @Override
    public String toString() {
        return "<Value('d', " + get() + ")>";
    }
}
