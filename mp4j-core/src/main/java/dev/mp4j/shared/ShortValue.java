package dev.mp4j.shared;

import dev.mp4j.shm.SharedWords;
import java.io.Serial;

/**
 * A short (16 bits) in shared memory: Python's {@code multiprocessing.Value('h')}.
 *
 * <pre>{@code
 * ShortValue v = Value.ofShort((short) 0);
 * JvmProcess p = new JvmProcess(() -> v.addAndGet((short) 7));
 * p.start();
 * p.join();
 * System.out.println(v.get());                        // 7
 * }</pre>
 *
 * <p>The short is kept in a 32-bit word, so that it has the same atomic operations as the
 * other values; {@link #addAndGet} wraps around at 16 bits, as a C {@code short} does.
 */
public final class ShortValue extends SharedCell {
    @Serial
    private static final long serialVersionUID = 1L;

    ShortValue(short initial, boolean locked) {
        super(locked);
        set(initial);
    }

    public short get() {
        return (short) SharedWords.getIntVolatile(words, VALUE_OFFSET);
    }

    public void set(short value) {
        SharedWords.setIntVolatile(words, VALUE_OFFSET, value);
    }

    /** Atomically sets {@code update} if the value is {@code expect}. */
    public boolean compareAndSet(short expect, short update) {
        return INT.compareAndSet(words, VALUE_OFFSET, (int) expect, (int) update);
    }

    /** Atomically adds {@code delta}, wrapping at 16 bits, and returns the new value. */
    public short addAndGet(short delta) {
        while (true) {
            int raw = SharedWords.getIntVolatile(words, VALUE_OFFSET);
            short next = (short) (raw + delta);
            if (INT.compareAndSet(words, VALUE_OFFSET, raw, (int) next)) {
                return next;
            }
        }
    }

    @Override
    public String toString() {
        return "<Value('h', " + get() + ")>";
    }
}
