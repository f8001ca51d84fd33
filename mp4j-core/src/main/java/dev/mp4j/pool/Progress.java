package dev.mp4j.pool;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** An opt-in progress bar on stderr (the progressbar library), or nothing. */
final class Progress implements AutoCloseable {
    private static final Progress NONE = new Progress(null);
    private final ProgressBar bar;
    /** Closed once, whichever of a map's result and its cancel comes first. */
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    /** A bar for {@code total} items (-1: unknown), or a no-op when not asked for. */
    static Progress start(boolean show, String task, long total) {
        if (!show) {
            return NONE;
        }
        ProgressBar bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(100).continuousUpdate()
                .showSpeed().setMaxRenderedLength(100)
                // Write to System.err as it is now (the library's default binds the stream of JVM start).
                .setConsumer(new ConsoleProgressBarConsumer(System.err, 100)).build();
        return new Progress(bar);
    }

    void step(long n) {
        if (bar != null) {
            bar.stepBy(n);
        }
    }

    /** Run once when the bar closes (the pool forgets it then). */
    private volatile Runnable onClose;

    void onClose(Runnable action) {
        onClose = action;
    }

    @Override
    public void close() {
        if (bar != null && closed.compareAndSet(false, true)) {
            bar.close();
            Runnable action = onClose;
            if (action != null) {
                action.run();
            }
        }
    }

    /** Whether this bar has been closed (for tests). */
    boolean isClosed() {
        return closed.get();
    }

}
