package dev.mp4j.pool;

import java.io.Serializable;
import java.util.List;

/** What the parent and a worker say to each other over the worker's pipe. */
final class Messages {
    private Messages() {
    }

    /** Kinds of job. */
    static final int CALL = 0;
    static final int MAP = 1;
    static final int STAR = 2;

    /** Run {@code function} (serialized in the caller) over {@code items} (or call it, for CALL). */
    record Job(long id, int kind, byte[] function, List<?> items) implements Serializable {
    }

    /** Interrupt job {@code id} if it is still running (the soft timeout). */
    record Cancel(long id) implements Serializable {
    }

    /** The worker has run its initializer and waits for jobs. */
    record Ready(long pid) implements Serializable {
    }

    /**
     * The outcome of job {@code id}: a value (a list for MAP and STAR) or an error, with the
     * worker's timings in nanoseconds.
     */
    record Done(long id, Object value, Throwable error, long waitNanos, long workNanos, long decodeNanos)
            implements Serializable {
    }
}
