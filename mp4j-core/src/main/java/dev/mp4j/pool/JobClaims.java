package dev.mp4j.pool;

import dev.mp4j.shm.SharedSegment;
import dev.mp4j.shm.SharedWords;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Which of the jobs sent to a worker it has started, and which the pool has taken back: two words
 * per worker slot, in one segment the pool and its workers share.
 *
 * <p>A slot keeps jobs queued in its worker's pipe behind the one running (see
 * {@link WorkerSlot}'s window). When that one runs long while another slot is idle, the idle slot
 * takes the queued jobs back and runs them itself; a job must then run in exactly one place. Jobs
 * are counted from 1 for each worker, in the order sent, which is the order its pipe delivers them,
 * so no count needs to travel with a job. Before running job {@code n} the worker publishes
 * {@code STARTED = n} and then reads {@code REVOKED}; taking back, the pool publishes
 * {@code REVOKED = m} (every job it has sent so far) and then reads {@code STARTED}. Each side
 * writes, fences, then reads the other's word (Dekker's pairing), so at least one of them sees the
 * other's write:
 * <ul>
 *   <li>the pool saw {@code STARTED = s}: it takes back the jobs after {@code s} only. Job
 *       {@code s} stays with the worker, which either runs it or, having seen the revocation too,
 *       answers that it skipped it; the slot then puts it back in the pool's queue.
 *   <li>the pool did not see {@code n}: the worker sees {@code n <= REVOKED} and skips job
 *       {@code n}, which the pool took back.
 * </ul>
 * A skipped job is still answered (with {@link Codec#skipped}), so a slot's answers stay one per
 * job sent, in order.
 *
 * <p>Layout, per slot, on a cache line of its own so one worker's claims never slow another's:
 * <pre>
 *   0  long STARTED  the last job the worker started (0: none yet)
 *   8  long REVOKED  jobs up to this one that have not started are not to be run
 * </pre>
 */
final class JobClaims {
    /** Bytes per slot: a cache line. */
    static final int SLOT_BYTES = 64;
    private static final int STARTED = 0;
    private static final int REVOKED = 8;

    private final SharedSegment segment;
    private final ByteBuffer words;

    private JobClaims(SharedSegment segment) {
        this.segment = segment;
        this.words = segment.memory().asByteBuffer().order(ByteOrder.nativeOrder());
    }

    /**
     * A fresh segment for a pool of {@code slots} workers. The mapping is released by the
     * garbage collector: a slot thread may still look at it while the pool shuts down.
     */
    static JobClaims create(int slots) {
        return new JobClaims(SharedSegment.create((long) slots * SLOT_BYTES, true));
    }

    /** The pool's segment, seen from a worker (which never unlinks it). */
    static JobClaims attach(String name) {
        return new JobClaims(SharedSegment.attach(name, true));
    }

    String name() {
        return segment.name();
    }

    /** Removes the segment's name once the pool is done with it. */
    void unlink() {
        segment.unlink();
    }

    // ---- the worker's side ----

    /**
     * Claims job {@code n} for the worker of {@code slot}: false if the pool took it back, and the
     * worker must skip it.
     */
    boolean claim(int slot, long n) {
        int at = slot * SLOT_BYTES;
        SharedWords.setLongVolatile(words, at + STARTED, n);
        return n > SharedWords.getLongVolatile(words, at + REVOKED);
    }

    // ---- the pool's side ----

    /** A new worker for {@code slot}: nothing started, nothing taken back. */
    void reset(int slot) {
        int at = slot * SLOT_BYTES;
        SharedWords.setLongVolatile(words, at + STARTED, 0);
        SharedWords.setLongVolatile(words, at + REVOKED, 0);
    }

    /** The last job the worker of {@code slot} started. */
    long started(int slot) {
        return SharedWords.getLongVolatile(words, slot * SLOT_BYTES + STARTED);
    }

    /**
     * Takes back every job up to {@code upTo} that the worker of {@code slot} has not started.
     *
     * @return the last job it started: the ones after it are taken back
     */
    long revoke(int slot, long upTo) {
        int at = slot * SLOT_BYTES;
        SharedWords.setLongVolatile(words, at + REVOKED, upTo);
        return SharedWords.getLongVolatile(words, at + STARTED);
    }
}
