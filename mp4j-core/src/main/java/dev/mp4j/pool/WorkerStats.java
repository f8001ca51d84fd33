package dev.mp4j.pool;

import java.time.Duration;

/**
 * What one worker slot has done so far (across the processes that filled it): Python has no
 * such insight into its pool.
 *
 * @param slot        the worker slot (0..processes-1)
 * @param pid         the current worker process, or 0 while none runs
 * @param tasksDone   jobs finished in this slot (a map chunk counts once)
 * @param restarts    workers replaced (death, timeout kill, maxTasksPerChild, memory ceiling)
 * @param starting    time spent starting workers
 * @param waiting     time the worker spent idle, waiting for its next job
 * @param working     time spent running jobs
 * @param serializing time spent decoding jobs in the worker (the function and the items)
 * @param takenOver   jobs sent to this slot's worker that another worker ran instead, because
 *                    they waited behind a job that ran long while that worker was idle
 */
public record WorkerStats(int slot, long pid, long tasksDone, int restarts, Duration starting, Duration waiting,
                          Duration working, Duration serializing, long takenOver) {
}
