package dev.mp4j.examples.pool;

import dev.mp4j.examples.PyTime;
import dev.mp4j.pool.ProcessPool;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Five {@code long_time_task}s on a pool: seed 003, lines 71-111 ("python基础-线程和进程", section
 * "一、多进程 / 2、Pool").
 *
 * <p>"To start a lot of child processes, create them in batches with a pool": the main process
 * prints its pid, hands five calls of {@code long_time_task(i)} to a {@code Pool()} with
 * {@code apply_async}, says it is waiting, closes the pool and joins it. Each task prints its
 * number and its worker's pid, sleeps up to three seconds at random and prints how long it ran.
 * {@code join()} must come after {@code close()}, and after {@code close()} no task can be added.
 * The pool's default size is the number of CPUs; {@code Pool(5)} would change it.
 *
 * <p>{@code apply_async} is {@link ProcessPool#applyAsync}, {@code close()}
 * {@link ProcessPool#shutdown()}, {@code join()} {@link ProcessPool#join()}. The twin's pool has
 * {@value #PROCESSES} workers, the four CPUs the tutorial this section copies had (Liao Xuefeng's
 * Python course: "task 4 waits for one of tasks 0-3 to finish, because the pool's default size is
 * 4 on my computer"); with five tasks, one of them starts only when another has finished, in the
 * same worker. The sleep is up to three {@linkplain PyTime#SECOND scaled seconds}; the reported
 * run time is measured in real seconds, as {@code time.time()} differences are. The original is
 * Python 2 ({@code print} statements); the twin prints the same lines, typos included.
 *
 * <p>The original:
 * <pre>{@code
 * from multiprocessing import Pool
 * import os, time, random
 *
 * def long_time_task(name):
 *     print 'Run task %s (%s)...' % (name,os.getpid())
 *     start = time.time()
 *     time.sleep(random.random() * 3)  #随机暂停
 *     end = time.time()
 *     print 'Task %s runs %0.2f seconds.' % (name,(end-start))
 *
 * if __name__=='__main__':
 *     print 'Parent process %s.' % os.getpid()
 *     p = Pool()      #创建一个进程池.
 *     for i in range(5):
 *         p.apply_async(long_time_task,args=(i,))  #将要执行的函数加入进程池
 *     print 'Waiting for all subprocesses done....'
 *     p.close()
 *     p.join()    #等待所有子进程执行完毕,之前必须先调用close(),然后不能添加新的Process.
 *     print 'All subprocessesdone.'
 * }</pre>
 * Output (from the tutorial, whose Windows console printed each task's lines together):
 * <pre>
 * Parent process 1356.
 * Waiting for all subprocesses done....
 * Run task 3 (6296)...
 * Task 3 runs 0.52 seconds.
 * Run task 2 (4244)...
 * Task 2 runs 1.58 seconds.
 * Run task 0 (5720)...
 * Task 0 runs 1.48 seconds.
 * Run task 1 (7692)...
 * Task 1 runs 2.55 seconds.
 * Run task 4 (1860)...
 * Task 4 runs 2.96 seconds.
 * All subprocessesdone.
 * [Finished in 3.3s]
 * </pre>
 */
public final class LongTimeTask {
    /** {@code Pool()}: one worker per CPU; four here (see the class comment). */
    static final int PROCESSES = 4;
    /** {@code range(5)}. */
    static final int TASKS = 5;

    private LongTimeTask() {
    }

    /** {@code long_time_task(name)}: runs in a worker. */
    static Void longTimeTask(int name) throws InterruptedException {
        System.out.println("Run task " + name + " (" + ProcessHandle.current().pid() + ")...");
        long start = System.nanoTime();
        PyTime.sleep(ThreadLocalRandom.current().nextDouble() * 3); // random pause
        long end = System.nanoTime();
        System.out.println(String.format(Locale.ROOT, "Task %s runs %.2f seconds.", name, (end - start) / 1e9));
        return null;
    }

    public static void main(String[] args) throws InterruptedException {
        System.out.println("Parent process " + ProcessHandle.current().pid() + ".");
        ProcessPool p = ProcessPool.create(PROCESSES);
        for (int i = 0; i < TASKS; i++) {
            int name = i;
            p.applyAsync(() -> longTimeTask(name)); // queue the call in the pool
        }
        System.out.println("Waiting for all subprocesses done....");
        p.shutdown(); // close(): from here on no task can be added
        p.join(); // waits for every task; only allowed after close()
        System.out.println("All subprocessesdone.");
    }
}
