package dev.mp4j.shm;

import java.lang.ref.Cleaner;

/**
 * The one {@link Cleaner} of a process for mp4j's shared-memory objects: what an object that was
 * never closed leaves (a pipe end's holder slot and mapping, a segment's hold) is given back once
 * the object is unreachable, as CPython closes a connection or frees a shared object when it is
 * collected. Internal plumbing, public because its users live in several packages.
 *
 * <pre>{@code
 * Cleanup.register(connection, endRelease);   // endRelease must not refer to connection
 * }</pre>
 */
public final class Cleanup {
    private static volatile Cleaner cleaner;

    private Cleanup() {
    }

    /**
     * Runs {@code action} once {@code owner} is unreachable (or never, if the process ends
     * first). The action must not refer to {@code owner}, or it would keep it reachable.
     */
    public static Cleaner.Cleanable register(Object owner, Runnable action) {
        return cleaner().register(owner, action);
    }

    private static Cleaner cleaner() {
        Cleaner c = cleaner;
        if (c == null) {
            synchronized (Cleanup.class) {
                c = cleaner;
                if (c == null) {
                    c = Cleaner.create(r -> {
                        Thread t = new Thread(r, "mp4j-cleanup");
                        t.setDaemon(true);
                        return t;
                    });
                    cleaner = c;
                }
            }
        }
        return c;
    }
}
