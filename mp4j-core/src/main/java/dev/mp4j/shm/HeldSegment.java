package dev.mp4j.shm;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Cleaner;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A segment that goes away once no process holds it, for objects that travel between processes
 * by name (queues): without this, a program that makes a queue per job would leave a file in
 * {@code /dev/shm} per job until its process tree ends. Internal plumbing of mp4j's shared
 * objects, public because they live in several packages.
 *
 * <p>The segment keeps a table of holders in its header: each process that maps it takes one
 * slot with its pid (one per process, however many objects use the segment there), and gives it
 * back when the last of those objects is garbage-collected or the process ends normally. Each
 * serialized copy on its way to another process is counted as in flight until it is read there.
 * Whoever gives back a slot and finds no live holder (dead pids are forgotten on the way) and no
 * copy in flight removes the segment, after {@code beforeRemove} has discarded what it refers to
 * (a queue's spilled items).
 *
 * <p>Errs towards keeping: a copy that is never read (a message lost with a killed process, a
 * task the pool never ran, a function a pool worker kept from an earlier copy) stays in flight,
 * a process killed by a signal gives nothing back, and a table with no free slot pins the
 * segment. Such a segment is left to the resource tracker, which removes it when the process
 * tree ends, as before.
 *
 * <pre>{@code
 * HeldSegment held = HeldSegment.create(size, TABLE_AT, MyType::discard); // held by this process
 * held.sent();                                      // a copy is on its way (in writeObject)
 * HeldSegment there = HeldSegment.attach(name, TABLE_AT, MyType::check, MyType::discard); // in the receiver...
 * there.received();                                 // ...and the copy has arrived
 * }</pre>
 */
public final class HeldSegment {
    /** Bytes the holder table takes at its offset in a segment's header (64-byte aligned). */
    public static final long TABLE_BYTES = 320;
    private static final int SLOTS = 64;
    private static final int HOLDERS = 0;
    private static final int STATE = 4;
    private static final int IN_FLIGHT = 8;
    private static final int FIRST_SLOT = 64;

    private static final int LIVE = 0;
    /** More holders at once than slots: left to the tree's end. */
    private static final int PINNED = 1;
    private static final int REMOVED = 2;

    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());
    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final int MY_PID = (int) ProcessHandle.current().pid();

    /** This process's holds, by segment name. */
    private static final ConcurrentHashMap<String, WeakReference<HeldSegment>> HELD = new ConcurrentHashMap<>();
    private static volatile Cleaner cleaner;

    private final SharedSegment segment;
    private final Release release;

    private HeldSegment(SharedSegment segment, Release release) {
        this.segment = segment;
        this.release = release;
    }

    /**
     * A new segment of {@code size} bytes, zero-filled, held by this process.
     *
     * @param tableOffset where the holder table lies in the segment ({@link #TABLE_BYTES} long)
     * @param beforeRemove run on the segment by whichever process removes it; must not refer to
     *     the objects using it
     */
    public static HeldSegment create(long size, long tableOffset, Consumer<SharedSegment> beforeRemove) {
        SharedSegment segment = SharedSegment.create(size, true);
        HeldSegment held = hold(segment, tableOffset, beforeRemove);
        HELD.put(segment.name(), new WeakReference<>(held));
        return held;
    }

    /**
     * This process's hold on the named segment: the one it has, or a new mapping and slot.
     *
     * @param check throws if the segment is not of the expected kind, before anything is written to it
     * @throws IllegalStateException if the segment does not exist, or was removed as unheld
     */
    public static HeldSegment attach(String name, long tableOffset, Consumer<SharedSegment> check,
            Consumer<SharedSegment> beforeRemove) {
        WeakReference<HeldSegment> known = HELD.get(name);
        HeldSegment held = known == null ? null : known.get();
        if (held != null) {
            // Held here already, but the copy being read may still claim something else.
            check.accept(held.segment);
            return held;
        }
        // Under the map's lock for this name: two threads receiving the segment at once map it once.
        HeldSegment[] result = new HeldSegment[1];
        HELD.compute(name, (n, ref) -> {
            HeldSegment live = ref == null ? null : ref.get();
            if (live == null) {
                SharedSegment segment = SharedSegment.attach(n, true);
                check.accept(segment);
                live = hold(segment, tableOffset, beforeRemove);
            }
            result[0] = live;
            return ref != null && ref.get() == live ? ref : new WeakReference<>(live);
        });
        return result[0];
    }

    private static HeldSegment hold(SharedSegment segment, long tableOffset, Consumer<SharedSegment> beforeRemove) {
        if (tableOffset < 0 || tableOffset % 64 != 0 || tableOffset + TABLE_BYTES > segment.size()) {
            throw new IllegalArgumentException("a holder table at " + tableOffset + " does not fit segment '"
                    + segment.name() + "' of " + segment.size() + " bytes");
        }
        ByteBuffer table = segment.memory().asSlice(tableOffset, TABLE_BYTES).asByteBuffer().order(ByteOrder.nativeOrder());
        int slot = takeSlot(table);
        if ((int) INT.getVolatile(table, STATE) == REMOVED) {
            // Removed by a process that saw no holder and nothing in flight: this copy was not
            // counted (read twice, say), and there is nothing left to attach to.
            giveBack(table, slot);
            throw new IllegalStateException("shared-memory segment '" + segment.name()
                    + "' was removed: no process held it any more");
        }
        Release release = new Release(segment, table, slot, beforeRemove);
        HeldSegment held = new HeldSegment(segment, release);
        cleaner().register(held, release);
        return held;
    }

    private static Cleaner cleaner() {
        Cleaner c = cleaner;
        if (c == null) {
            synchronized (HeldSegment.class) {
                c = cleaner;
                if (c == null) {
                    c = Cleaner.create(r -> {
                        Thread t = new Thread(r, "mp4j-segment-cleaner");
                        t.setDaemon(true);
                        return t;
                    });
                    // A normal exit gives back what this process still holds (a signal or a
                    // halt does not: the next one to look forgets the dead pid).
                    Runtime.getRuntime().addShutdownHook(new Thread(HeldSegment::releaseAll, "mp4j-segment-release"));
                    cleaner = c;
                }
            }
        }
        return c;
    }

    private static void releaseAll() {
        for (WeakReference<HeldSegment> ref : HELD.values()) {
            HeldSegment held = ref.get();
            if (held != null) {
                held.release.run();
            }
        }
    }

    /** The mapped segment. */
    public SharedSegment segment() {
        return segment;
    }

    /** Counts a serialized copy on its way to another process (call it when writing one). */
    public void sent() {
        LONG.getAndAdd(release.table, IN_FLIGHT, 1L);
    }

    /**
     * Counts a copy as arrived (call it when reading one, after {@link #attach}, so that the
     * hold is taken before the copy stops counting).
     */
    public void received() {
        while (true) {
            long n = (long) LONG.getVolatile(release.table, IN_FLIGHT);
            // A copy read twice (a task run again) finds nothing left to count down.
            if (n <= 0 || LONG.compareAndSet(release.table, IN_FLIGHT, n, n - 1)) {
                return;
            }
        }
    }

    /** Slots holding a pid now (dead ones included until someone looks); for tests. */
    int holders() {
        return (int) INT.getVolatile(release.table, HOLDERS);
    }

    /** Copies counted in flight; for tests. */
    long inFlight() {
        return (long) LONG.getVolatile(release.table, IN_FLIGHT);
    }

    private static int takeSlot(ByteBuffer table) {
        for (int pass = 0; pass < 2; pass++) {
            for (int slot = 0; slot < SLOTS; slot++) {
                if (INT.compareAndSet(table, FIRST_SLOT + 4 * slot, 0, MY_PID)) {
                    INT.getAndAdd(table, HOLDERS, 1);
                    return slot;
                }
            }
            forgetDead(table);
        }
        // Never removed early: the tree's end removes it.
        INT.compareAndSet(table, STATE, LIVE, PINNED);
        return -1;
    }

    private static void giveBack(ByteBuffer table, int slot) {
        if (slot >= 0 && INT.compareAndSet(table, FIRST_SLOT + 4 * slot, MY_PID, 0)) {
            INT.getAndAdd(table, HOLDERS, -1);
        }
    }

    private static void forgetDead(ByteBuffer table) {
        for (int slot = 0; slot < SLOTS; slot++) {
            int at = FIRST_SLOT + 4 * slot;
            int pid = (int) INT.getVolatile(table, at);
            if (pid != 0 && pid != MY_PID && !alive(pid) && INT.compareAndSet(table, at, pid, 0)) {
                INT.getAndAdd(table, HOLDERS, -1);
            }
        }
    }

    private static boolean alive(int pid) {
        java.util.Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        return handle.isPresent() && handle.get().isAlive();
    }

    /**
     * What a hold does when its objects are gone (a {@link Cleaner} action, so it refers to the
     * segment but not to the {@link HeldSegment}): gives back the slot, and removes the segment
     * if nobody else holds it.
     */
    private static final class Release implements Runnable {
        private final SharedSegment segment;
        private final ByteBuffer table;
        private final int slot;
        private final Consumer<SharedSegment> beforeRemove;
        private final java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();

        Release(SharedSegment segment, ByteBuffer table, int slot, Consumer<SharedSegment> beforeRemove) {
            this.segment = segment;
            this.table = table;
            this.slot = slot;
            this.beforeRemove = beforeRemove;
        }

        @Override
        public void run() {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            HELD.computeIfPresent(segment.name(), (n, ref) -> ref.get() == null ? null : ref);
            giveBack(table, slot);
            // In flight first: a receiver takes its slot before it counts its copy as arrived,
            // so once no copy is in flight, every process that will hold the segment is counted.
            if ((int) INT.getVolatile(table, STATE) != LIVE || (long) LONG.getVolatile(table, IN_FLIGHT) > 0) {
                return;
            }
            if ((int) INT.getVolatile(table, HOLDERS) > 0) {
                forgetDead(table);
                if ((int) INT.getVolatile(table, HOLDERS) > 0) {
                    return;
                }
            }
            if (!INT.compareAndSet(table, STATE, LIVE, REMOVED)) {
                return;
            }
            try {
                beforeRemove.accept(segment);
            } catch (RuntimeException | Error e) {
                // what it refers to is left to the tree's end
            } finally {
                segment.unlink();
            }
        }
    }
}
