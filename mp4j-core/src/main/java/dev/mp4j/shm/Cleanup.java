package dev.mp4j.shm;

import java.lang.ref.Cleaner;

/**
 * The one {@link Cleaner} of a process for mp4j's shared-memory objects: what an object that was
 * never closed leaves (a pipe end's holder slot and mapping, a socket's channel and selectors, a
 * segment's hold) is given back once
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

    /**
     * A cleaner action that acts once, whoever runs it first: the cleaner, or an explicit
     * close that runs it too. It must not refer to the object it cleans up after.
     */
    public abstract static class Once implements Runnable {
        private final java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();

        @Override
        public final void run() {
            if (done.compareAndSet(false, true)) {
                act();
            }
        }

        /** Whether it has run (or is running). */
        public final boolean isDone() {
            return done.get();
        }

        /** What to do, once. */
        protected abstract void act();
    }

    /**
     * Where {@link #noteSent} notes, on threads inside {@link #noting}: {@link #NOTHING_YET} until
     * something is noted (most encodings carry no shared object, and make no map), then a map by
     * identity; null outside.
     */
    private static final ThreadLocal<Object> NOTED = new ThreadLocal<>();
    private static final Object NOTHING_YET = new Object();

    /**
     * Runs {@code encoding} and returns its result with the objects whose copies it wrote (a
     * hold of a queue, array, slab of records or condition, a pipe end, a manager proxy): whoever
     * keeps the bytes to send later, maybe several times (a pool's task), keeps those objects
     * reachable too, so what the copies refer to stays open while any reader may still come,
     * without keeping the whole object graph the bytes came from.
     */
    public static <T> Noted<T> noting(java.util.function.Supplier<T> encoding) {
        Object outer = NOTED.get();
        NOTED.set(NOTHING_YET);
        T value;
        Object mine;
        try {
            value = encoding.get();
        } finally {
            mine = NOTED.get();
            // set, not removed: a removed entry is made again by the next call
            NOTED.set(outer);
        }
        if (!(mine instanceof java.util.Map<?, ?> noted)) {
            return new Noted<>(value, java.util.List.of());
        }
        java.util.List<Object> keep = java.util.List.copyOf(noted.keySet());
        if (outer != null) {
            // an enclosing encoding keeps them too
            for (Object o : keep) {
                noteSent(o);
            }
        }
        return new Noted<>(value, keep);
    }

    /** Notes, inside {@link #noting}, that a copy of {@code sentFrom} was written. */
    @SuppressWarnings("unchecked")
    public static void noteSent(Object sentFrom) {
        Object noted = NOTED.get();
        if (noted == null) {
            return;
        }
        java.util.Map<Object, Boolean> map;
        if (noted == NOTHING_YET) {
            map = new java.util.IdentityHashMap<>(4);
            NOTED.set(map);
        } else {
            map = (java.util.Map<Object, Boolean>) noted;
        }
        map.put(sentFrom, Boolean.TRUE);
    }

    /** What {@link #noting} returns: the encoding's result, and the objects to keep with it. */
    public record Noted<T>(T value, java.util.List<Object> keep) {
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
