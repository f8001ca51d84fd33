package dev.mp4j.pool;

/**
 * The worker running a task died before finishing it (killed, {@code System.exit}, out of memory,
 * native crash). The pool replaced the worker and goes on; this task failed (or, with retries,
 * failed every time).
 */
public final class WorkerDiedException extends RuntimeException {
    @java.io.Serial
    private static final long serialVersionUID = 1L;

    private final long pid;
    private final Integer exitCode;
    private final boolean outOfMemory;

    WorkerDiedException(String task, long pid, Integer exitCode) {
        super(describe(task, pid, exitCode));
        this.pid = pid;
        this.exitCode = exitCode;
        this.outOfMemory = exitCode != null && exitCode == OOM_EXIT;
    }

    /** Exit status of a worker JVM that ran out of heap (-XX:+ExitOnOutOfMemoryError). */
    static final int OOM_EXIT = 3;

    private static String describe(String task, long pid, Integer code) {
        String how;
        if (code == null) {
            how = "exit status unknown";
        } else if (code == OOM_EXIT) {
            how = "it ran out of memory (OutOfMemoryError; exit code 3)";
        } else if (code < 0) {
            how = "killed by signal " + (-code) + (code == -9 ? " (SIGKILL; also what the kernel's OOM killer sends)" : code == -11 ? " (SIGSEGV, a native crash)" : code == -6 ? " (SIGABRT, a native crash)" : code == -15 ? " (SIGTERM)" : "");
        } else {
            how = "it exited with code " + code;
        }
        return "worker pid " + pid + " died while running " + task + ": " + how;
    }

    public long pid() {
        return pid;
    }

    /** Python-style exit code of the worker (negative: killed by that signal), or null if unknown. */
    public Integer exitCode() {
        return exitCode;
    }

    /** Whether the worker ran out of Java heap. */
    public boolean outOfMemory() {
        return outOfMemory;
    }
}
