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

    /**
     * Where {@link #noteUndo} collects on a thread inside {@link #collectUndos}:
     * {@link #NOTHING_TAKEN} until something is noted, then a list; {@link #NOT_COLLECTING}
     * outside (set, never removed: see {@link #noting}).
     */
    private static final ThreadLocal<Object> UNDOS = ThreadLocal.withInitial(() -> Cleanup.NOT_COLLECTING);
    private static final Object NOT_COLLECTING = new Object();
    private static final Object NOTHING_TAKEN = new Object();

    /**
     * Starts noting, on this thread, what writing a message takes for the copy it writes: a
     * token that keeps a segment for its reader, a pipe end's holder slot reserved for its
     * reader, a manager's ticket for a proxy. A message that is then never sent (too large,
     * timed out, its connection closed, refused by a pool) gives them back with
     * {@link #stopCollectingUndos}; else nobody would ever take them, and what they keep would
     * stay until the process tree ends. Returns what to pass to that call.
     */
    public static Object collectUndos() {
        Object outer = UNDOS.get();
        UNDOS.set(NOTHING_TAKEN);
        return outer;
    }

    /** Notes, inside {@link #collectUndos}, how to give back something a copy being written took. */
    @SuppressWarnings("unchecked")
    public static void noteUndo(Runnable undo) {
        Object c = UNDOS.get();
        if (c == NOT_COLLECTING) {
            return;
        }
        java.util.List<Runnable> list;
        if (c == NOTHING_TAKEN) {
            list = new java.util.ArrayList<>(2);
            UNDOS.set(list);
        } else {
            list = (java.util.List<Runnable>) c;
        }
        list.add(new Once() {
            @Override
            protected void act() {
                undo.run();
            }
        });
    }

    /**
     * Stops noting. With {@code undo} (the message will not be sent), gives back what was noted
     * and returns null. Otherwise returns how to give it back later (null if nothing was
     * taken), each action running at most once: the caller's alone.
     *
     * @param outer what {@link #collectUndos} returned
     */
    @SuppressWarnings("unchecked")
    public static java.util.List<Runnable> stopCollectingUndos(Object outer, boolean undo) {
        Object mine = UNDOS.get();
        UNDOS.set(outer);
        if (!(mine instanceof java.util.List<?> noted)) {
            return null;
        }
        java.util.List<Runnable> taken = (java.util.List<Runnable>) noted;
        if (undo) {
            undoAll(taken);
            return null;
        }
        // Not handed to an enclosing collection: if its message failed after this one went, it
        // would give back what this one's reader may be taking.
        return taken;
    }

    /**
     * Whether {@code message} is one of the common values that cannot hold a shared object (a
     * boxed number, a string, a byte array, null): its sender need not collect undos, which
     * costs two thread-local lookups on each side of a send a few hundred nanoseconds long.
     */
    public static boolean carriesNothingShared(Object message) {
        return message == null || message instanceof Integer || message instanceof byte[] || message instanceof String
                || message instanceof Long || message instanceof Double || message instanceof Boolean;
    }

    /** Runs each action; one that fails does not stop the others (nor hide the caller's own failure). */
    public static void undoAll(java.util.List<Runnable> undos) {
        if (undos == null) {
            return;
        }
        for (Runnable r : undos) {
            try {
                r.run();
            } catch (RuntimeException ignored) {
                // what it would have given back is kept until the tree ends, as before
            }
        }
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
