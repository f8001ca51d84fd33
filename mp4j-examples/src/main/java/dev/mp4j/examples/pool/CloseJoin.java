package dev.mp4j.examples.pool;

import dev.mp4j.examples.PyTime;
import dev.mp4j.pool.ProcessPool;

/**
 * Twenty tasks on a pool, then {@code close()} and {@code join()}: seed 000, line 36 ("Day 32
 * process&amp;threading_4", section "2,4 Pool 进程池").
 *
 * <p>The tutorial's idea of a pool: it keeps a set of processes; a task takes one of them, and
 * when none is free the task waits until one is. Twenty calls of {@code xl(n)} (print {@code n},
 * sleep two seconds, print {@code END!}) go to the pool with {@code apply_async}, which returns at
 * once. {@code close()} then says no more tasks will come, and {@code join()}, which is only
 * allowed after {@code close()} ("套路,牢记!!!": the routine, remember it), waits until the
 * workers have run every queued task and exited. Only then does {@code ALL IS OVER!} appear.
 *
 * <p>In Java: {@code apply_async} is {@link ProcessPool#applyAsync}, {@code close()} is
 * {@link ProcessPool#shutdown()} and {@code join()} is {@link ProcessPool#join()}.
 * {@code Pool()} has as many workers as CPUs; the twin fixes {@value #PROCESSES}, the four CPUs
 * such tutorials assume, so that the output and the run time are the same on every machine:
 * twenty two-second tasks, four at a time, take five rounds. A second lasts
 * {@linkplain PyTime#SECOND a scaled second}. The seed lost the quotes around {@code '__main__'}
 * and its line breaks; both are restored below.
 *
 * <p>The original:
 * <pre>{@code
 * ############## Pool
 * """
 * 进程池内部维护一个进程序列,当使用时,则去进程池中获取一个进程,
 * 如果进程池序列中没有可供使用的进进程,那么程序就会等待,
 * 直到进程池中有可用进程为止。
 * """
 * from multiprocessing import Pool
 * import time
 *
 * def xl(n):
 *     print(n)
 *     time.sleep(2)
 *     print("END!")
 *
 * if __name__ == '__main__':
 *     pool_obj = Pool()  # 进程池,默认进程数是cpu核数,其中os.cpu_count()查看
 *     for i in range(20):
 *         pool_obj.apply_async(func=xl,args=(i,))
 *     pool_obj.close()  # 执行后,不会有新等进程进入进程池
 *     pool_obj.join()  # join()在close()之后,套路,牢记!!!
 *
 *     print("ALL IS OVER!")
 * }</pre>
 * Output (not shown in the tutorial; derived): the numbers four at a time, each round's
 * {@code END!} lines two seconds later, and the last line once all twenty are done:
 * <pre>
 * 0
 * 1
 * 2
 * 3
 * END!
 * END!
 * END!
 * END!
 * 4
 * ...
 * END!
 * ALL IS OVER!
 * </pre>
 */
public final class CloseJoin {
    /** {@code Pool()}: one worker per CPU there, four here (see the class comment). */
    static final int PROCESSES = 4;
    /** {@code range(20)}. */
    static final int TASKS = 20;

    private CloseJoin() {
    }

    /** {@code xl(n)}: runs in a worker. */
    static Void xl(int n) throws InterruptedException {
        System.out.println(n);
        PyTime.sleep(2);
        System.out.println("END!");
        return null;
    }

    public static void main(String[] args) throws InterruptedException {
        ProcessPool poolObj = ProcessPool.create(PROCESSES);
        for (int i = 0; i < TASKS; i++) {
            int n = i;
            poolObj.applyAsync(() -> xl(n));
        }
        poolObj.shutdown(); // close(): no new tasks from here on; the twenty queued ones still run
        poolObj.join(); // only allowed after close() (or terminate()): waits for the workers to finish and exit

        System.out.println("ALL IS OVER!");
    }
}
