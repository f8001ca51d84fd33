package dev.mp4j.connection;

import dev.mp4j.shm.ByteRing;

import dev.mp4j.shm.SharedSegment;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * This process's mapping of one pipe's segment, shared by the ends open here, and the holder
 * bookkeeping that turns "every holder of an end is closed or dead" into EOF for the peer.
 */
final class PipeSegment {
    /** A view of a ByteBuffer, not of a layout: see ByteRing on what a layout's first var handle costs a JVM. */
    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());
    /** How a holder slot names this process (see {@link dev.mp4j.shm.Pids#MY_OWNER}: a pid alone could be a dead holder's). */
    private static final int MY_OWNER = dev.mp4j.shm.Pids.MY_OWNER;
    private final SharedSegment shm;
    private final MemorySegment memory;
    /** The segment's header words, native order, for {@link #INT}. */
    private final ByteBuffer words;
    private final boolean duplex;
    private final int capacity;
    private final ByteRing[] rings;
    private int localUsers;

    private PipeSegment(SharedSegment shm) {
        this.shm = shm;
        this.memory = shm.memory();
        if (memory.byteSize() < PipeLayout.RINGS_OFFSET) {
            shm.close();
            throw new IllegalStateException("shared-memory segment '" + shm.name() + "' is not an mp4j pipe");
        }
        this.words = header(memory);
        if ((int) INT.getVolatile(words, (int) PipeLayout.MAGIC_OFFSET) != PipeLayout.MAGIC) {
            shm.close();
            throw new IllegalStateException("shared-memory segment '" + shm.name() + "' is not an mp4j pipe");
        }
        this.duplex = words.getInt((int) PipeLayout.DUPLEX_OFFSET) != 0;
        this.capacity = words.getInt((int) PipeLayout.CAPACITY_OFFSET);
        this.rings = new ByteRing[duplex ? 2 : 1];
        for (int i = 0; i < rings.length; i++) {
            rings[i] = new ByteRing(memory, PipeLayout.ringOffset(i, capacity), capacity);
        }
    }

    static PipeSegment create(boolean duplex, int capacity) {
        if (Integer.bitCount(capacity) != 1 || capacity < 4096) {
            throw new IllegalArgumentException("pipe capacity must be a power of two of at least 4096, got " + capacity);
        }
        SharedSegment shm = SharedSegment.create(PipeLayout.segmentSize(duplex, capacity));
        ByteBuffer m = header(shm.memory());
        m.putInt((int) PipeLayout.VERSION_OFFSET, PipeLayout.VERSION);
        m.putInt((int) PipeLayout.DUPLEX_OFFSET, duplex ? 1 : 0);
        m.putInt((int) PipeLayout.CAPACITY_OFFSET, capacity);
        INT.setRelease(m, (int) PipeLayout.MAGIC_OFFSET, PipeLayout.MAGIC);
        return new PipeSegment(shm);
    }

    /** The words before the first ring (counts, holders, locks), as a native-order buffer. */
    private static ByteBuffer header(MemorySegment memory) {
        return memory.asSlice(0, PipeLayout.RINGS_OFFSET).asByteBuffer().order(ByteOrder.nativeOrder());
    }

    static PipeSegment attach(String name) {
        return new PipeSegment(SharedSegment.attach(name));
    }

    String name() {
        return shm.name();
    }

    SharedSegment shm() {
        return shm;
    }

    boolean duplex() {
        return duplex;
    }

    /** The ring whose bytes flow to {@code end}, or null if there is none (the read-only end of a one-way pipe). */
    ByteRing ringTo(int end) {
        return end < rings.length ? rings[end] : null;
    }

    synchronized void retain() {
        localUsers++;
    }

    /** Ends of this process open on this mapping (not closed yet; a closed one may still map it). */
    private int openHere;

    synchronized void endOpened() {
        openHere++;
    }

    /** An end of this process on this mapping was closed; returns whether it was the last one open. */
    synchronized boolean endClosedWasLast() {
        return --openHere == 0;
    }

    /** Drops one local user; unmaps when none is left. */
    synchronized void release() {
        if (--localUsers == 0) {
            shm.close();
        }
    }

    /**
     * Marks a slot reserved for a copy on its way (serialized, not yet read), in its sender's
     * name: taken over only by a receiver of that copy, never by this process's own handles,
     * so a slot freed and reused meanwhile is never mistaken for it. Above the owner word's bits.
     */
    static final int RESERVED = dev.mp4j.shm.Pids.OWNER_BITS + 1;

    /** Reserves a slot of {@code end} for a copy of it this process is sending; returns the slot. */
    int reserveSlot(int end) {
        return acquireSlot(end, RESERVED | MY_OWNER);
    }

    /** Records {@code holder} (an owner word, or a reservation, see {@link #RESERVED}) as a holder of {@code end}; returns the slot. */
    int acquireSlot(int end, int holder) {
        for (int slot = 0; slot < PipeLayout.HOLDER_SLOTS; slot++) {
            if (INT.compareAndSet(words, (int) PipeLayout.holderOffset(end, slot), 0, holder)) {
                INT.getAndAdd(words, (int) PipeLayout.openCountOffset(end), 1);
                return slot;
            }
        }
        reapDeadHolders(end);
        for (int slot = 0; slot < PipeLayout.HOLDER_SLOTS; slot++) {
            if (INT.compareAndSet(words, (int) PipeLayout.holderOffset(end, slot), 0, holder)) {
                INT.getAndAdd(words, (int) PipeLayout.openCountOffset(end), 1);
                return slot;
            }
        }
        throw new IllegalStateException("pipe end is held open by more than " + PipeLayout.HOLDER_SLOTS + " handles");
    }

    /**
     * Moves a slot reserved by {@code sender} (the owner word of this end's sender) to this
     * process; one the sender has already put in this process's name by its pid (see
     * {@link EndHandover}) is taken as it is.
     */
    int takeOverSlot(int end, int slot, int sender) {
        if (slot >= 0 && slot < PipeLayout.HOLDER_SLOTS) {
            int offset = (int) PipeLayout.holderOffset(end, slot);
            // Reserved by the sender, or already put in this process's name by it: this copy's.
            // Or in the name of the program between it and this JVM, which is what its parent
            // knows for its pid: taken over elsewhere, that slot stayed held for the program's
            // life, and the peer saw no end of file when this JVM closed its end.
            int between = dev.mp4j.shm.Pids.programBetween();
            if (INT.compareAndSet(words, offset, RESERVED | sender, MY_OWNER)
                    || INT.compareAndSet(words, offset, RESERVED | dev.mp4j.shm.Pids.myPid(), MY_OWNER)
                    || between != 0 && INT.compareAndSet(words, offset, RESERVED | between, MY_OWNER)) {
                return slot;
            }
        }
        // Its reservation is gone (this same copy read twice, or its sender died and the slot
        // was reaped): a slot of its own.
        return acquireSlot(end, MY_OWNER);
    }

    /** What slot {@code slot} of {@code end} holds (an owner word, a reservation, or 0), for tests. */
    int holder(int end, int slot) {
        return (int) INT.getVolatile(words, (int) PipeLayout.holderOffset(end, slot));
    }

    /**
     * Puts a slot this process reserved in the name of the child with {@code pid} (by its pid
     * alone: the child's tag is its own).
     */
    void moveSlotTo(int end, int slot, int pid) {
        INT.compareAndSet(words, (int) PipeLayout.holderOffset(end, slot), RESERVED | MY_OWNER, RESERVED | pid);
    }

    /** Gives back a slot this process reserved, for a copy nobody will read. */
    void releaseReserved(int end, int slot) {
        if (INT.compareAndSet(words, (int) PipeLayout.holderOffset(end, slot), RESERVED | MY_OWNER, 0)) {
            INT.getAndAdd(words, (int) PipeLayout.openCountOffset(end), -1);
        }
    }

    void releaseSlot(int end, int slot) {
        if (INT.compareAndSet(words, (int) PipeLayout.holderOffset(end, slot), MY_OWNER, 0)) {
            INT.getAndAdd(words, (int) PipeLayout.openCountOffset(end), -1);
        }
    }

    /** One volatile read: false only when every holder of {@code end} closed it properly. */
    boolean hasLiveHolderCheap(int end) {
        return openCount(end) > 0;
    }

    int openCount(int end) {
        return (int) INT.getVolatile(words, (int) PipeLayout.openCountOffset(end));
    }

    /**
     * Whether some live process still holds {@code end} open; forgets dead holders on the way.
     * A holder seen alive a moment ago counts as alive (the reader that asks looks again).
     */
    boolean hasLiveHolder(int end) {
        return hasLiveHolder(end, false);
    }

    private boolean hasLiveHolder(int end, boolean now) {
        if (openCount(end) <= 0) {
            return false;
        }
        reapDeadHolders(end, now);
        return openCount(end) > 0;
    }

    private void reapDeadHolders(int end) {
        reapDeadHolders(end, false);
    }

    private void reapDeadHolders(int end, boolean now) {
        for (int slot = 0; slot < PipeLayout.HOLDER_SLOTS; slot++) {
            long offset = PipeLayout.holderOffset(end, slot);
            int holder = (int) INT.getVolatile(words, (int) offset);
            int owner = holder & dev.mp4j.shm.Pids.OWNER_BITS;
            if (holder != 0 && owner != MY_OWNER
                    && !(now ? dev.mp4j.shm.Pids.ownerAliveNow(owner) : dev.mp4j.shm.Pids.ownerAlive(owner))
                    && INT.compareAndSet(words, (int) offset, holder, 0)) {
                INT.getAndAdd(words, (int) PipeLayout.openCountOffset(end), -1);
            }
        }
    }

    /** Wakes every sleeper on both rings so they re-check after an end closed. */
    void wakeAll() {
        for (ByteRing ring : rings) {
            ring.wakeAll();
        }
    }

    /**
     * Unlinks the name once no end is held anywhere. Nobody looks again after this (the caller
     * let go of its end): a holder that died a moment ago must count as dead, so its liveness is
     * asked of the system, not of the last answer (a child that sent its reply and exited was
     * still "alive" for 20 ms, and its pipe stayed in /dev/shm until the tree ended).
     *
     * @return whether the name was removed (nobody holds an end)
     */
    boolean unlinkIfUnused() {
        if (!hasLiveHolder(0, true) && !hasLiveHolder(1, true)) {
            shm.unlink();
            PipesLeftToOthers.forget(shm.name());
            return true;
        }
        return false;
    }

    /** This process's owner word, for the copies of an end it sends. */
    static int myOwner() {
        return MY_OWNER;
    }
}
