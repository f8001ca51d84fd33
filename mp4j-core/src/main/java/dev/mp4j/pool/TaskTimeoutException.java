package dev.mp4j.pool;

import java.time.Duration;

/**
 * A task ran longer than its timeout. The worker was interrupted and, if the task did not stop
 * within the grace period, killed and replaced: the work really stopped.
 */
public final class TaskTimeoutException extends RuntimeException {
    @java.io.Serial
    private static final long serialVersionUID = 1L;

    TaskTimeoutException(String task, Duration timeout, boolean killed) {
        super(task + " exceeded its timeout of " + timeout + (killed
                ? "; it ignored the interrupt, so its worker was killed and replaced"
                : "; it was interrupted"));
    }
}
