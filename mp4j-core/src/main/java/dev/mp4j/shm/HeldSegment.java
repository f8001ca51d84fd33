package dev.mp4j.shm;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A segment that goes away once no process holds it, for objects that travel between processes
 * by name (queues, shared arrays, slabs of primitives' records, conditions): without this, a program that makes a queue per job would
 * leave a file in {@code /dev/shm} per job until its process tree ends. Internal plumbing of
 * mp4j's shared objects, public because they live in several packages.
 *
 * <p>The segment keeps a table in its header. Each process that maps it takes a holder slot with
 * its owner word ({@link Pids#MY_OWNER}; one per process, however many objects use the segment
 * there), and gives it back when the last of those objects is garbage-collected or the process
 * ends normally. Each serialized copy on its way to another process carries a token, kept in the
 * table until a process reads that copy; reading the same bytes again (a pool sends one function
 * to every worker) finds its token gone and changes nothing. Whoever gives back a slot and finds
 * no live holder (dead ones are forgotten on the way, an earlier process with this one's pid
 * too) and no token removes the segment, after {@code beforeRemove} has discarded what it refers
 * to (a queue's spilled items). Every change to the table also counts up a generation in its
 * first word, and removal is a compare-and-set of that word from the generation the remover
 * looked at: a holder or token that came meanwhile stops it.
 *
 * <p>Errs towards keeping: a copy that is never read (a message lost with a killed process, a
 * put that timed out after serializing, a task the pool never ran) keeps its token, a process
 * killed by a signal gives nothing back (until someone notices it is dead), and a table with no
 * free slot or token pins the segment. Such a segment is left to the resource tracker, which
 * removes it when the process tree ends.
 *
 * <pre>{@code
 * HeldSegment held = HeldSegment.create(size, TABLE_AT, MyType::discard); // held by this process
 * long token = held.sent();                         // a copy is on its way (in writeObject)
 * HeldSegment there = HeldSegment.attach(name, TABLE_AT, MyType::check, MyType::discard); // in the receiver...
 * there.received(token);                            // ...and the copy has arrived
 * }</pre>
 */
public final class HeldSegment {
    /** The {@code beforeRemove} of a segment that refers to nothing else. */
    public static final Consumer<SharedSegment> NOTHING_TO_DISCARD = segment -> { };

    /** Bytes the holder table takes at its offset in a segment's header (64-byte aligned). */
    public static final long TABLE_BYTES = 832;
    private static final int HOLDER_SLOTS = 64;
    private static final int TOKEN_SLOTS = 64;
    /** State in the low two bits, generation above. */
    private static final int STATE = 0;
    private static final int FIRST_HOLDER = 64;
    private static final int FIRST_TOKEN = FIRST_HOLDER + 4 * HOLDER_SLOTS;

    private static final long LIVE = 0;
    /** Ran out of slots or tokens: left to the tree's end. */
    private static final long PINNED = 1;
    private static final long REMOVED = 2;
    private static final long STATE_BITS = 3;
    private static final long ONE_GENERATION = 4;

    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());
    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    /** How a holder slot names this process (see {@link Pids#MY_OWNER}: a pid alone could be a dead holder's). */
    private static final int MY_OWNER = Pids.MY_OWNER;

    /** This process's holds, by segment name. */
    private static final ConcurrentHashMap<String, WeakReference<HeldSegment>> HELD = new ConcurrentHashMap<>();
    /**
     * Every hold not yet given back, strongly: at exit even those whose objects are gone but
     * whose cleaner has not run yet (a daemon thread, stopped by the exit) give their slot back.
     */
    private static final java.util.Set<Release> UNRELEASED = ConcurrentHashMap.newKeySet();

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
        if (held != null && !held.release.isDone()) {
            // Held here already, but the copy being read may still claim something else.
            check.accept(held.segment);
            return held;
        }
        // Under the map's lock for this name: two threads receiving the segment at once map it once.
        HeldSegment[] result = new HeldSegment[1];
        HELD.compute(name, (n, ref) -> {
            HeldSegment live = ref == null ? null : ref.get();
            if (live == null || live.release.isDone()) {
                SharedSegment segment = attachNamed(n);
                check.accept(segment);
                live = hold(segment, tableOffset, beforeRemove);
            } else {
                check.accept(live.segment);
            }
            result[0] = live;
            return ref != null && ref.get() == live ? ref : new WeakReference<>(live);
        });
        return result[0];
    }

    private static SharedSegment attachNamed(String name) {
        if (!SharedSegment.exists(name)) {
            throw new IllegalStateException("no shared-memory segment named '" + name + "': it was removed once no"
                    + " process held it and no copy was on its way (keep an object that refers to it while"
                    + " copies may still be read), or its process tree ended");
        }
        return SharedSegment.attach(name, true);
    }

    private static HeldSegment hold(SharedSegment segment, long tableOffset, Consumer<SharedSegment> beforeRemove) {
        if (tableOffset < 0 || tableOffset % 64 != 0 || tableOffset + TABLE_BYTES > segment.size()) {
            throw new IllegalArgumentException("a holder table at " + tableOffset + " does not fit segment '"
                    + segment.name() + "' of " + segment.size() + " bytes");
        }
        ByteBuffer table = segment.memory().asSlice(tableOffset, TABLE_BYTES).asByteBuffer().order(ByteOrder.nativeOrder());
        int slot = takeSlot(table);
        if (!changed(table)) {
            // Removed by a process that saw no holder and no token: this copy's token was taken
            // by an earlier reading of the same bytes, and there is nothing left to attach to.
            giveBack(table, slot);
            throw new IllegalStateException("shared-memory segment '" + segment.name()
                    + "' was removed: no process held it any more");
        }
        Release release = new Release(segment, table, slot, beforeRemove);
        HeldSegment held = new HeldSegment(segment, release);
        register(held, release);
        return held;
    }

    /** Registers {@code release} to run once {@code held} is unreachable, and at a normal exit. */
    private static void register(HeldSegment held, Release release) {
        if (!exitHookAdded) {
            addExitHook();
        }
        UNRELEASED.add(release);
        Cleanup.register(held, release);
    }

    private static volatile boolean exitHookAdded;

    private static synchronized void addExitHook() {
        if (exitHookAdded) {
            return;
        }
        try {
            // A normal exit gives back what this process still holds (a signal or a halt does
            // not: the next one to look forgets the dead pid).
            Runtime.getRuntime().addShutdownHook(new Thread(HeldSegment::releaseAll, "mp4j-segment-release"));
        } catch (IllegalStateException exiting) {
            // first hold taken while the JVM exits: its slot is forgotten once this pid is dead
        }
        exitHookAdded = true;
    }

    private static void releaseAll() {
        for (Release release : UNRELEASED) {
            release.run();
        }
    }

    /** The mapped segment. */
    public SharedSegment segment() {
        return segment;
    }

    /**
     * Records a serialized copy on its way to another process (call it when writing one) and
     * returns the token to write with it; 0 when the table has no room for it (the segment is
     * then kept until the tree's end).
     *
     * @throws IllegalStateException if this process gave its hold back already (it is exiting)
     */
    public long sent() {
        if (dev.mp4j.serial.SafeSerializer.probing()) {
            return 0;   // a dry run: no copy will travel
        }
        if (release.isDone()) {
            throw new IllegalStateException("shared-memory segment '" + segment.name()
                    + "' cannot be sent: this process has let go of it (it is exiting)");
        }
        // One token per copy: the first part of the copy read takes the hold, the others find it.
        java.util.Map<Object, Object> copy = dev.mp4j.serial.SafeSerializer.copyMemo();
        if (copy != null && copy.get(this) instanceof Long issued) {
            noteSent();
            return issued;
        }
        long token = issue();
        if (copy != null) {
            copy.put(this, token);
        }
        return token;
    }

    private long issue() {
        ByteBuffer table = release.table;
        long token;
        do {
            token = java.util.concurrent.ThreadLocalRandom.current().nextLong();
        } while (token == 0);
        for (int i = 0; i < TOKEN_SLOTS; i++) {
            if (LONG.compareAndSet(table, FIRST_TOKEN + 8 * i, 0L, token)) {
                if (!changed(table)) {
                    // removed meanwhile (the exit's release ran as this thread sent)
                    LONG.compareAndSet(table, FIRST_TOKEN + 8 * i, token, 0L);
                    throw new IllegalStateException("shared-memory segment '" + segment.name()
                            + "' cannot be sent: no process holds it any more (this one is exiting)");
                }
                noteSent();
                // A copy that is never sent gives its token back (see Cleanup.collectUndos).
                long issued = token;
                Cleanup.noteUndo(() -> withdraw(issued));
                return token;
            }
        }
        pin(table);
        noteSent();
        return 0;
    }

    /** Whoever keeps the bytes keeps this hold (see {@link Cleanup#noting}). */
    private void noteSent() {
        Cleanup.noteSent(this);
    }

    /**
     * Records that the copy carrying {@code token} has arrived (call it when reading one, after
     * {@link #attach}, so that the hold is taken before the token goes). A token read before
     * changes nothing.
     */
    public void received(long token) {
        if (token == 0) {
            return;
        }
        ByteBuffer table = release.table;
        for (int i = 0; i < TOKEN_SLOTS; i++) {
            if (LONG.compareAndSet(table, FIRST_TOKEN + 8 * i, token, 0L)) {
                changed(table);
                return;
            }
        }
    }

    /**
     * Gives back the token of a copy that was never sent (its message was refused, or timed
     * out): no reader will come for it. A token already taken changes nothing.
     */
    void withdraw(long token) {
        received(token);
    }

    /**
     * The processes holding a segment now, by the table at {@code tableOffset}: dead ones count
     * until some process notices. For diagnostics and tests.
     */
    public static int holders(SharedSegment segment, long tableOffset) {
        return holderCount(segment.memory().asSlice(tableOffset, TABLE_BYTES).asByteBuffer().order(ByteOrder.nativeOrder()));
    }

    private static int holderCount(ByteBuffer table) {
        int n = 0;
        for (int slot = 0; slot < HOLDER_SLOTS; slot++) {
            if ((int) INT.getVolatile(table, FIRST_HOLDER + 4 * slot) != 0) {
                n++;
            }
        }
        return n;
    }

    /** Counts a change to the table; false if the segment was removed already. */
    private static boolean changed(ByteBuffer table) {
        while (true) {
            long s = (long) LONG.getVolatile(table, STATE);
            if ((s & STATE_BITS) == REMOVED) {
                return false;
            }
            if (LONG.compareAndSet(table, STATE, s, s + ONE_GENERATION)) {
                return true;
            }
        }
    }

    private static void pin(ByteBuffer table) {
        while (true) {
            long s = (long) LONG.getVolatile(table, STATE);
            if ((s & STATE_BITS) != LIVE || LONG.compareAndSet(table, STATE, s, (s & ~STATE_BITS) | PINNED)) {
                return;
            }
        }
    }

    private static int takeSlot(ByteBuffer table) {
        for (int pass = 0; pass < 2; pass++) {
            for (int slot = 0; slot < HOLDER_SLOTS; slot++) {
                if (INT.compareAndSet(table, FIRST_HOLDER + 4 * slot, 0, MY_OWNER)) {
                    return slot;
                }
            }
            forgetDead(table, false);
        }
        pin(table);
        return -1;
    }

    private static void giveBack(ByteBuffer table, int slot) {
        if (slot >= 0 && INT.compareAndSet(table, FIRST_HOLDER + 4 * slot, MY_OWNER, 0)) {
            changed(table);
        }
    }

    /**
     * Frees the slots of dead processes; returns how many. {@code now}: liveness asked of the
     * system, not of the last answer (see {@link Pids#aliveNow}).
     */
    private static int forgetDead(ByteBuffer table, boolean now) {
        int forgotten = 0;
        for (int slot = 0; slot < HOLDER_SLOTS; slot++) {
            int at = FIRST_HOLDER + 4 * slot;
            int owner = (int) INT.getVolatile(table, at);
            if (owner != 0 && owner != MY_OWNER && !(now ? Pids.ownerAliveNow(owner) : Pids.ownerAlive(owner))
                    && INT.compareAndSet(table, at, owner, 0)) {
                changed(table);
                forgotten++;
            }
        }
        return forgotten;
    }

    private static boolean anyToken(ByteBuffer table) {
        for (int i = 0; i < TOKEN_SLOTS; i++) {
            if ((long) LONG.getVolatile(table, FIRST_TOKEN + 8 * i) != 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * What a hold does when its objects are gone (a {@link Cleanup} action, so it refers to the
     * segment but not to the {@link HeldSegment}), or when the process exits: gives back the
     * slot, and removes the segment if nobody else holds it and no copy is on its way.
     */
    private static final class Release extends Cleanup.Once {
        private final SharedSegment segment;
        private final ByteBuffer table;
        private final int slot;
        private final Consumer<SharedSegment> beforeRemove;

        Release(SharedSegment segment, ByteBuffer table, int slot, Consumer<SharedSegment> beforeRemove) {
            this.segment = segment;
            this.table = table;
            this.slot = slot;
            this.beforeRemove = beforeRemove;
        }

        @Override
        protected void act() {
            UNRELEASED.remove(this);
            HELD.computeIfPresent(segment.name(), (n, ref) -> ref.get() == null ? null : ref);
            giveBack(table, slot);
            while (true) {
                // The generation first: whatever changes the table after this read (a holder
                // coming, a token added) makes the removal's compare-and-set fail.
                long s = (long) LONG.getVolatile(table, STATE);
                if ((s & STATE_BITS) != LIVE || anyToken(table)) {
                    return;
                }
                if (holderCount(table) > 0) {
                    // The last look anyone takes: a holder that died a moment ago is dead.
                    if (forgetDead(table, true) == 0) {
                        return;
                    }
                    continue;
                }
                if (LONG.compareAndSet(table, STATE, s, (s & ~STATE_BITS) | REMOVED)) {
                    break;
                }
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
