package dev.mp4j.shm;

/**
 * Whether a process is alive, for the pid words mp4j keeps in shared memory (lock owners, holders
 * of a pipe end or of a segment). Internal plumbing, public because its users live in several
 * packages.
 *
 * <pre>{@code
 * if (!Pids.alive(ownerPid)) { ... take over what it held ... }
 * }</pre>
 */
public final class Pids {
    private Pids() {
    }

    /**
     * The last pid found alive and when (milliseconds, low 32 bits), in one word: callers that
     * look at the same holder again and again (a waiter on a contended lock, a reader on a quiet
     * pipe) make one system call per {@link #ALIVE_FOR_MILLIS} at most. A death is then noticed
     * that much later, which every caller tolerates (they look again).
     */
    private static volatile long lastAlive;
    private static final long ALIVE_FOR_MILLIS = 20;

    /** Whether {@code pid} names a live process (a zombie, or a reused pid, counts as alive). */
    public static boolean alive(int pid) {
        long seen = lastAlive;
        long nowMillis = System.nanoTime() / 1_000_000;
        if ((int) (seen >>> 32) == pid && pid != 0 && (int) nowMillis - (int) seen < ALIVE_FOR_MILLIS) {
            return true;
        }
        boolean alive;
        if (Futex.processExists(pid) == Boolean.TRUE) {
            alive = true;
        } else {
            // Gone, or the call refused (another user's pid, a sandbox that forbids signals, or
            // not linked yet): ProcessHandle decides. This path is rare once linked: holders are
            // mostly alive.
            // No method reference: a child reaches this first on its own path, where linking
            // one costs milliseconds of method-handle spinning the AOT cache did not record.
            java.util.Optional<ProcessHandle> handle = ProcessHandle.of(pid);
            alive = handle.isPresent() && handle.get().isAlive();
        }
        if (alive) {
            lastAlive = ((long) pid << 32) | (nowMillis & 0xFFFF_FFFFL);
        }
        return alive;
    }
}
