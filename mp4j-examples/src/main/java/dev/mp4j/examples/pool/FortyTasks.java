package dev.mp4j.examples.pool;

import dev.mp4j.examples.PyTime;
import dev.mp4j.pool.ProcessPool;

/**
 * Forty half-second tasks on a pool of default size: seed 004, lines 160-218 ("多进程", section
 * "进程池").
 *
 * <p>{@code zx(i)} sleeps half a second and prints {@code i}; the main process hands forty of them
 * to a pool with {@code apply_async}, then closes and joins it, and prints {@code 搬砖结束} ("done
 * moving bricks": the work is over). The comment's point: by default the pool has as many
 * processes as the computer has CPUs, so the forty tasks run that many at a time.
 *
 * <p>{@code apply_async} is {@link ProcessPool#applyAsync}, {@code close()} is
 * {@link ProcessPool#shutdown()}, {@code join()} is {@link ProcessPool#join()}. The twin fixes
 * {@value #PROCESSES} workers, the four CPUs such tutorials assume, rather than
 * {@code ProcessPool.create()}'s one per CPU, so that its output and run time do not depend on the
 * machine: ten rounds of half a {@linkplain PyTime#SECOND scaled second}.
 *
 * <p>The original:
 * <pre>{@code
 * import multiprocessing
 * import time
 *
 * def zx(i):
 *     time.sleep(0.5)
 *     print(i)
 * if __name__ == '__main__':
 *     #默认进程池的数量为你电脑的cpu数量
 *     pool=multiprocessing.Pool()
 *
 *     for i in range(40):
 *         pool.apply_async(zx,args=(i,))
 *     pool.close()
 *     pool.join()
 *     print("搬砖结束")
 * }</pre>
 * Output (from the tutorial; here the numbers come four at a time, in an order that may vary
 * within a round):
 * <pre>
 * 0
 * 1
 * 2
 * ...
 * 39
 * 搬砖结束
 * </pre>
 */
public final class FortyTasks {
    /** {@code multiprocessing.Pool()}: one worker per CPU there, four here (see the class comment). */
    static final int PROCESSES = 4;
    /** {@code range(40)}. */
    static final int TASKS = 40;

    private FortyTasks() {
    }

    /** {@code zx(i)}: runs in a worker. */
    static Void zx(int i) throws InterruptedException {
        PyTime.sleep(0.5);
        System.out.println(i);
        return null;
    }

    public static void main(String[] args) throws InterruptedException {
        ProcessPool pool = ProcessPool.create(PROCESSES);

        for (int i = 0; i < TASKS; i++) {
            int n = i;
            pool.applyAsync(() -> zx(n));
        }
        pool.shutdown(); // close()
        pool.join();
        System.out.println("搬砖结束");
    }
}
