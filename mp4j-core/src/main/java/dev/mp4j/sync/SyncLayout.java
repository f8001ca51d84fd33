package dev.mp4j.sync;

/**
 * Every offset of the synchronization primitives' shared memory, in one place. Each primitive is
 * a small record in shared memory (one of many in a slab, see {@link dev.mp4j.shm.SharedSlabs};
 * a condition's in a held segment of its own, after its holder table; or a region inside a
 * {@code Value}'s):
 *
 * <pre>
 * lock / rlock (64 bytes)
 *   +0  word: owner (pid | a random tag of its JVM &lt;&lt; 22) | WAITERS bit (1 &lt;&lt; 30); 0 when free  (futex word)
 *   +8  owner thread id within the owner process (long)
 *   +16 hold count (rlock re-entries)
 *
 * semaphore (64 bytes)
 *   +0  count                                                     (futex word)
 *   +4  sleepers
 *   +8  maximum (bounded semaphores; -1 = unbounded)
 *
 * event (64 bytes)
 *   +0  flag (bit 0) | times set (the bits above)                  (futex word)
 *
 * condition (64 + 8 * 1024 bytes; all but the first two words change only with its lock held)
 *   +0  sequence, bumped by signal/signalAll                      (futex word)
 *   +4  sleepers (on the futex word)
 *   +8  next ticket
 *   +12 slots in use: no slot at or past this index is
 *   +64 1024 slots of 8 bytes: a wait's ticket | its process, named as a lock word names its
 *       owner (0 free, positive waiting, negated granted)
 *
 * barrier (128 bytes)
 *   +0  internal lock (as a lock record, 64 bytes)
 *   +64 sequence, bumped on every state change                    (futex word)
 *   +68 arrived in this generation
 *   +72 generation
 *   +76 broken generation (-1 none)
 *   +80 parties
 *   +88 outcomes of the last 64 generations: bit (g mod 64) set when g tripped, clear when it
 *       was broken and reset (long)
 * </pre>
 * The owner's pid in a lock word is what lets waiters notice that the owner died and take over;
 * the tag beside it, that it was an earlier process with this pid.
 */
final class SyncLayout {
    static final long RECORD = 64;

    static final long LOCK_WORD = 0;
    static final long LOCK_OWNER_THREAD = 8;
    static final long LOCK_HOLDS = 16;
    static final int WAITERS = 1 << 30;
    /** The owner in a lock word: a pid in the low 22 bits (Linux pids are below 2^22), a tag above. */
    static final int PID_MASK = WAITERS - 1;
    /** The pid in a lock word's owner. */
    static final int PID_BITS = dev.mp4j.shm.Pids.PID_BITS;

    static final long SEM_COUNT = 0;
    static final long SEM_SLEEPERS = 4;
    static final long SEM_MAX = 8;

    static final long EVENT_FLAG = 0;

    static final long COND_SEQ = 0;
    static final long COND_SLEEPERS = 4;
    static final long COND_NEXT = 8;
    static final long COND_USED = 12;
    static final long COND_SLOTS = 64;
    static final int COND_SLOT_COUNT = 1024;
    static final long COND_SIZE = COND_SLOTS + 8L * COND_SLOT_COUNT;

    static final long BARRIER_LOCK = 0;
    static final long BARRIER_SEQ = 64;
    static final long BARRIER_ARRIVED = 68;
    static final long BARRIER_GENERATION = 72;
    static final long BARRIER_BROKEN = 76;
    static final long BARRIER_PARTIES = 80;
    static final long BARRIER_TRIPPED = 88;
    static final long BARRIER_SIZE = 128;

    private SyncLayout() {
    }
}
