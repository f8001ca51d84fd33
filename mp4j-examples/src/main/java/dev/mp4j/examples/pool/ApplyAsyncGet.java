package dev.mp4j.examples.pool;

import dev.mp4j.examples.PyTime;
import dev.mp4j.pool.AsyncResult;
import dev.mp4j.pool.ProcessPool;

/**
 * One task with {@code apply_async}, then {@code close()}, {@code join()} and {@code get()}: seed
 * 002, lines 1039-1057 ("python day9 学习整理", section "3.8 进程池", "应用").
 *
 * <p>{@code work(n)} prints {@code 开工啦...} ("starting work..."), sleeps three seconds and returns
 * {@code n**2}. The tutorial's comment: a task submitted with {@code apply_async} runs in the
 * background, so the main process must wait for the pool (close it, then join it) before it
 * collects the result with {@code get()}; otherwise the main process could end before the pool had
 * even run the task, and take the pool with it. The commented-out lines show the synchronous
 * alternative: {@code apply} blocks until the task is done and returns its result directly.
 *
 * <p>{@code apply_async} is {@link ProcessPool#applyAsync}, which returns an {@link AsyncResult};
 * {@code close()} is {@link ProcessPool#shutdown()}; {@code join()} is {@link ProcessPool#join()};
 * the commented-out {@code apply} would be {@link ProcessPool#apply}. The twin's pool has
 * {@value #PROCESSES} workers, the four CPUs such tutorials assume, where {@code Pool()} has one
 * per CPU. The sleep is three {@linkplain PyTime#SECOND scaled seconds}.
 *
 * <p>The original:
 * <pre>{@code
 * from multiprocessing import Pool
 * import time
 * def work(n):
 *     print('开工啦...')
 *     time.sleep(3)
 *     return n**2
 *
 * if __name__ == '__main__':
 *     q=Pool()
 *
 *     #异步apply_async用法:如果使用异步提交的任务,主进程需要使用jion,等待进程池内任务都处理完,然后可以用get收集结果,否则,主进程结束,进程池可能还没来得及执行,也就跟着一起结束了
 *     res=q.apply_async(work,args=(2,))
 *     q.close()
 *     q.join() #join在close之后调用
 *     print(res.get())
 *
 *     #同步apply用法:主进程一直等apply提交的任务结束后才继续执行后续代码
 *     # res=q.apply(work,args=(2,))
 *     # print(res)
 * }</pre>
 * Output (not shown in the tutorial; derived), the result three seconds after the first line:
 * <pre>
 * 开工啦...
 * 4
 * </pre>
 */
public final class ApplyAsyncGet {
    /** {@code Pool()}: one worker per CPU there, four here (see the class comment). */
    static final int PROCESSES = 4;

    private ApplyAsyncGet() {
    }

    /** {@code work(n)}: runs in a worker. */
    static int work(int n) throws InterruptedException {
        System.out.println("开工啦...");
        PyTime.sleep(3);
        return n * n;
    }

    public static void main(String[] args) throws Exception {
        ProcessPool q = ProcessPool.create(PROCESSES);

        // Asynchronous: returns at once; the main process must wait for the pool before it reads
        // the result, or it could end before the task has even run.
        AsyncResult<Integer> res = q.applyAsync(() -> work(2));
        q.shutdown(); // close()
        q.join(); // join() comes after close()
        System.out.println(res.get());

        // Synchronous: apply waits for the task and returns its result itself.
        // int res = q.apply(() -> work(2));
        // System.out.println(res);
    }
}
