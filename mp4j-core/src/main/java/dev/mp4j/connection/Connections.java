package dev.mp4j.connection;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;

/** Python's {@code multiprocessing.connection.wait}. */
public final class Connections {
    private Connections() {
    }

    /**
     * Waits until at least one of {@code objects} is ready and returns the ready ones, in input
     * order: a {@link Connection} that can be read without blocking (or has reached EOF), or a
     * {@link Future} (such as a process's {@code onExit()}) that is done.
     *
     * @param timeout null waits forever; on timeout the result is empty
     */
    public static List<Object> wait(List<?> objects, Duration timeout) {
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + Math.max(0, timeout.toNanos());
        long nap = 1_000;
        while (true) {
            List<Object> ready = new ArrayList<>();
            for (Object o : objects) {
                if (isReady(o)) {
                    ready.add(o);
                }
            }
            if (!ready.isEmpty() || System.nanoTime() - deadline >= 0) {
                return ready;
            }
            // Back off from 1 µs to 1 ms: quick answers stay quick, long waits stay cheap.
            LockSupport.parkNanos(Math.min(nap, Math.max(1, deadline - System.nanoTime())));
            nap = Math.min(nap * 2, 1_000_000);
        }
    }

    private static boolean isReady(Object o) {
        return switch (o) {
            case Connection c -> {
                if (c.isClosed() || !c.isReadable()) {
                    yield true;
                }
                try {
                    yield c.poll(Duration.ZERO);
                } catch (IOException e) {
                    yield true;
                }
            }
            case Future<?> f -> f.isDone();
            case null -> throw new NullPointerException("null in the wait list");
            default -> throw new IllegalArgumentException("cannot wait on a " + o.getClass().getName()
                    + ": pass Connections or Futures (for a process, its onExit())");
        };
    }

}
