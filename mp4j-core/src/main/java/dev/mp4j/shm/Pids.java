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

    /** Whether {@code pid} names a live process (a zombie, or a pid reused by another process of this user, counts as alive). */
    public static boolean alive(int pid) {
        Boolean exists = Futex.processExists(pid);
        if (exists != null) {
            return exists;
        }
        // No method reference: a child reaches this first on its own path, where linking one
        // costs milliseconds of method-handle spinning the AOT cache did not record.
        java.util.Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        return handle.isPresent() && handle.get().isAlive();
    }
}
