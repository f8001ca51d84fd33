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
     * order: a {@link Connection} that can be read without blocking (or has reached EOF; a
     * write-only pipe end once its reader is gone), or a {@link Future} (such as a process's
     * {@code onExit()}) that is done.
     *
     * <p>An interrupt ends the wait as a timeout does (the result holds what was ready, often
     * nothing), and the thread's interrupt status stays set.
     *
     * @param timeout null waits forever; on timeout the result is empty
     * @throws IllegalStateException if a connection in the list is closed (CPython: OSError)
     */
    public static List<Object> wait(List<?> objects, Duration timeout) {
        for (Object o : objects) {
            if (o instanceof Connection c && c.isClosed()) {
                throw new IllegalStateException("cannot wait on a closed connection: " + c);
            }
        }
        long deadline = timeout == null ? Long.MAX_VALUE
                : System.nanoTime() + Math.max(0, java.util.concurrent.TimeUnit.NANOSECONDS.convert(timeout));
        long nap = 1_000;
        while (true) {
            List<Object> ready = new ArrayList<>();
            for (Object o : objects) {
                if (isReady(o)) {
                    ready.add(o);
                }
            }
            // An interrupted thread's park returns at once, every time: without the look at the
            // status, the loop spun a core until the deadline (or for ever).
            if (!ready.isEmpty() || System.nanoTime() - deadline >= 0 || Thread.currentThread().isInterrupted()) {
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
                if (c.isClosed()) {
                    yield true;   // closed meanwhile: recv says so
                }
                if (c instanceof PipeConnection p && !p.readableEnd()) {
                    // A write-only end is "ready" as its fd is in CPython: once its reader is gone.
                    yield !p.peerAlive();
                }
                if (!c.isReadable()) {
                    yield true;   // no longer readable (a message over maxlength): recv says why
                }
                try {
                    yield c.poll(Duration.ZERO);
                } catch (java.io.InterruptedIOException e) {
                    // The waiting thread's interrupt, not the connection's state: not ready.
                    Thread.currentThread().interrupt();
                    yield false;
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
