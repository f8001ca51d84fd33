package dev.mp4j.examples.pool;

import dev.mp4j.examples.PyTime;
import dev.mp4j.pool.ProcessPool;
import dev.mp4j.serial.SerializableCallable;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Six different functions on a pool of four: seed 002, lines 1109-1173 ("python day9 学习整理",
 * section "3.8 进程池", "详解:apply_async与apply").
 *
 * <p>Six named tasks ({@code Lee}, {@code Marlon}, {@code Allen}, {@code Frank}, {@code Egon},
 * {@code Lily}) each print their worker's pid, sleep a random time (up to 10, 40, 30, 20, 20 and
 * 20 seconds) and print how long they ran. The main process prints its own pid, hands the six
 * functions to a {@code Pool(4)} with {@code apply_async} and prints that it is waiting; then
 * {@code close()} and {@code join()}. The comment: the pool keeps four processes busy; when one
 * is done with its task, it takes the next. So at most four tasks run at a time, and all six run
 * in the same four processes: {@code Egon} and {@code Lily} in processes that have finished one
 * of the others.
 *
 * <p>{@code apply_async} is {@link ProcessPool#applyAsync}, {@code close()}
 * {@link ProcessPool#shutdown()}, {@code join()} {@link ProcessPool#join()}. A function given to a
 * pool must be serializable: the list holds method references typed as
 * {@link SerializableCallable}, which is why each function returns {@code Void}. Forty seconds of
 * sleep would be twenty even in {@linkplain PyTime#SECOND scaled seconds}, so here each second of
 * these sleeps lasts a tenth of a scaled second ({@value #SHORTER}): at most two seconds for
 * {@code Marlon}. The reported run times are measured, like {@code time.time()} differences, in
 * real seconds. The seed lost the {@code \n} at the start of each {@code Run task} string (it
 * shows a line break inside the quotes); the twin prints it, as a blank line before each
 * {@code Run task}.
 *
 * <p>The original:
 * <pre>{@code
 * #coding: utf-8
 * import multiprocessing
 * import os, time, random
 *
 * def Lee():
 *     print("\nRun task Lee-%s" %(os.getpid())) #os.getpid()获取当前的进程的ID
 *     start = time.time()
 *     time.sleep(random.random() * 10) #random.random()随机生成0-1之间的小数
 *     end = time.time()
 *     print('Task Lee, runs %0.2f seconds.' %(end - start))
 *
 * def Marlon():
 *     print("\nRun task Marlon-%s" %(os.getpid()))
 *     start = time.time()
 *     time.sleep(random.random() * 40)
 *     end=time.time()
 *     print('Task Marlon runs %0.2f seconds.' %(end - start))
 *
 * def Allen():
 *     print("\nRun task Allen-%s" %(os.getpid()))
 *     start = time.time()
 *     time.sleep(random.random() * 30)
 *     end = time.time()
 *     print('Task Allen runs %0.2f seconds.' %(end - start))
 *
 * def Frank():
 *     print("\nRun task Frank-%s" %(os.getpid()))
 *     start = time.time()
 *     time.sleep(random.random() * 20)
 *     end = time.time()
 *     print('Task Frank runs %0.2f seconds.' %(end - start))
 *
 * def Egon():
 *     print("\nRun task Egon-%s" %(os.getpid()))
 *     start = time.time()
 *     time.sleep(random.random() * 20)
 *     end = time.time()
 *     print('Task Egon runs %0.2f seconds.' %(end - start))
 *
 * def Lily():
 *     print("\nRun task Lily-%s" %(os.getpid()))
 *     start = time.time()
 *     time.sleep(random.random() * 20)
 *     end = time.time()
 *     print('Task Lily runs %0.2f seconds.' %(end - start))
 *
 * if __name__=='__main__':
 *     function_list=  [Lee, Marlon, Allen, Frank, Egon, Lily]
 *     print("parent process %s" %(os.getpid()))
 *
 *     pool=multiprocessing.Pool(4)
 *     for func in function_list:
 *         pool.apply_async(func)     #Pool执行函数,apply执行函数,当有一个进程执行完毕后,会添加一个新的进程到pool中
 *
 *     print('Waiting for all subprocesses done...')
 *     pool.close()
 *     pool.join()    #调用join之前,一定要先调用close() 函数,否则会出错, close()执行后不会有新的进程加入到pool,join函数等待素有子进程结束
 *     print('All subprocesses done.')
 * }</pre>
 * Output (not shown in the tutorial; derived; pids, times and the order of the tasks vary):
 * <pre>
 * parent process 4242
 * Waiting for all subprocesses done...
 *
 * Run task Lee-4250
 *
 * Run task Marlon-4251
 *
 * Run task Allen-4252
 *
 * Run task Frank-4253
 * Task Lee, runs 0.31 seconds.
 *
 * Run task Egon-4250
 * ...
 * Task Marlon runs 1.62 seconds.
 * All subprocesses done.
 * </pre>
 */
public final class SixFunctions {
    /** {@code multiprocessing.Pool(4)}. */
    static final int PROCESSES = 4;
    /** How long a second of these sleeps lasts, in {@linkplain PyTime#SECOND scaled seconds}. */
    static final double SHORTER = 0.1;

    private SixFunctions() {
    }

    static Void lee() throws InterruptedException {
        return task("Lee", "Task Lee, runs", 10);
    }

    static Void marlon() throws InterruptedException {
        return task("Marlon", "Task Marlon runs", 40);
    }

    static Void allen() throws InterruptedException {
        return task("Allen", "Task Allen runs", 30);
    }

    static Void frank() throws InterruptedException {
        return task("Frank", "Task Frank runs", 20);
    }

    static Void egon() throws InterruptedException {
        return task("Egon", "Task Egon runs", 20);
    }

    static Void lily() throws InterruptedException {
        return task("Lily", "Task Lily runs", 20);
    }

    /**
     * The body the six functions share: runs in a worker. {@code done} is the start of the last
     * line, which differs a little between the originals ({@code Lee} has a comma).
     */
    private static Void task(String name, String done, int upToSeconds) throws InterruptedException {
        System.out.println("\nRun task " + name + "-" + ProcessHandle.current().pid());
        long start = System.nanoTime();
        PyTime.sleep(ThreadLocalRandom.current().nextDouble() * upToSeconds * SHORTER); // random.random() * n
        long end = System.nanoTime();
        // '%0.2f', with a decimal point whatever the locale
        System.out.println(String.format(Locale.ROOT, "%s %.2f seconds.", done, (end - start) / 1e9));
        return null;
    }

    public static void main(String[] args) throws InterruptedException {
        List<SerializableCallable<Void>> functionList = List.of(
                SixFunctions::lee, SixFunctions::marlon, SixFunctions::allen,
                SixFunctions::frank, SixFunctions::egon, SixFunctions::lily);
        System.out.println("parent process " + ProcessHandle.current().pid());

        ProcessPool pool = ProcessPool.create(PROCESSES);
        for (SerializableCallable<Void> func : functionList) {
            pool.applyAsync(func); // four run at once; each worker that finishes takes the next
        }

        System.out.println("Waiting for all subprocesses done...");
        pool.shutdown(); // close()
        pool.join(); // only after close(): waits for every task and worker
        System.out.println("All subprocesses done.");
    }
}
