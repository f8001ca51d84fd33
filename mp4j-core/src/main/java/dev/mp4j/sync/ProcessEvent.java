package dev.mp4j.sync;

import static dev.mp4j.sync.SyncLayout.EVENT_FLAG;

import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;

/**
 * A flag processes wait on: Python's {@code multiprocessing.Event}.
 *
 * <pre>{@code
 * ProcessEvent green = ProcessEvent.create();
 * JvmProcess car = new JvmProcess(() -> {
 *     green.await();                 // blocks until someone calls set()
 *     System.out.println("drive");
 * });
 * car.start();
 * green.set();
 * }</pre>
 *
 * <p>{@link #set()} wakes every waiter; waiters arriving while the flag is set pass at once until
 * {@link #clear()}. A waiter returns true once the flag was set while it waited, even if
 * {@code clear()} came before it ran (as Java's and {@code threading.Event}'s waiters do). The
 * futex word holds the flag (bit 0) and the number of times it was set (the bits above), so that
 * a waiter can tell a set it slept through from none.
 */
public final class ProcessEvent implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private final SharedRecord record;

    private ProcessEvent(SharedRecord record) {
        this.record = record;
    }

    /** A new event, not set. */
    public static ProcessEvent create() {
        return new ProcessEvent(SharedRecord.create(SyncLayout.RECORD));
    }

    /** Sets the flag and wakes every waiter. */
    public void set() {
        dev.mp4j.shm.Handoffs.handoff();
        while (true) {
            int w = record.getInt(EVENT_FLAG);
            if ((w & 1) != 0) {
                return;
            }
            if (record.casInt(EVENT_FLAG, w, (((w >>> 1) + 1) << 1) | 1)) {
                record.wake(EVENT_FLAG, Integer.MAX_VALUE);
                return;
            }
        }
    }

    /** Clears the flag. */
    public void clear() {
        while (true) {
            int w = record.getInt(EVENT_FLAG);
            if ((w & 1) == 0 || record.casInt(EVENT_FLAG, w, w & ~1)) {
                return;
            }
        }
    }

    /** Python's {@code is_set()}. */
    public boolean isSet() {
        return (record.getInt(EVENT_FLAG) & 1) != 0;
    }

    /** Waits until the flag is set. */
    public void await() throws InterruptedException {
        await(null);
    }

    /**
     * Waits until the flag is set, at most {@code timeout} (null: forever).
     *
     * @return whether the flag is set (false on timeout), as Python's {@code wait}
     */
    public boolean await(Duration timeout) throws InterruptedException {
        // Interrupted on entry: thrown even when the flag is set, as CountDownLatch.await does.
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        long start = System.nanoTime();
        long limit = timeout == null ? -1 : Math.max(0, java.util.concurrent.TimeUnit.NANOSECONDS.convert(timeout));
        int seen = record.getInt(EVENT_FLAG);
        int w;
        while (((w = record.getInt(EVENT_FLAG)) & 1) == 0) {
            if (w != seen) {
                // Set and cleared again since this wait began.
                return true;
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            long sleep = SharedRecord.SLICE_NANOS;
            if (limit >= 0) {
                long left = limit - (System.nanoTime() - start);
                if (left <= 0) {
                    return false;
                }
                sleep = Math.min(sleep, left);
            }
            record.sleep(EVENT_FLAG, w, sleep);
        }
        return true;
    }

    @Override
    public String toString() {
        return "<Event(" + (isSet() ? "set" : "unset") + ")>";
    }
}
