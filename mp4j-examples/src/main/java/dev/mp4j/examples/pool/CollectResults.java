package dev.mp4j.examples.pool;

import dev.mp4j.examples.PyTime;
import dev.mp4j.pool.AsyncResult;
import dev.mp4j.pool.ProcessPool;
import java.util.ArrayList;
import java.util.List;

/**
 * Results collected after the pool is done, no callback needed: seed 002, lines 1229-1250
 * ("python day9 学习整理", section "回调函数(apply_async的扩展用法)", case 1).
 *
 * <p>"When the main process waits until every task in the pool is done and then handles the
 * results all together, it needs no callback": ten calls of {@code work(n)} (sleep a second,
 * return {@code n**2}) go to the pool with {@code apply_async}; after {@code close()} and
 * {@code join()} the main process gets every result and prints the list. The next program,
 * {@link PageCallback}, shows the other case.
 *
 * <p>{@code apply_async} is {@link ProcessPool#applyAsync}, {@code get()} {@link AsyncResult#get()},
 * {@code close()} {@link ProcessPool#shutdown()}, {@code join()} {@link ProcessPool#join()}. The
 * twin's pool has {@value #PROCESSES} workers, the four CPUs such tutorials assume, where
 * {@code Pool()} has one per CPU. The sleep is a {@linkplain PyTime#SECOND scaled second}.
 *
 * <p>The original:
 * <pre>{@code
 * from multiprocessing import Pool
 * import time,random,os
 *
 * def work(n):
 *     time.sleep(1)
 *     return n**2
 * if __name__ == '__main__':
 *     p=Pool()
 *
 *     res_l=[]
 *     for i in range(10):
 *         res=p.apply_async(work,args=(i,))
 *         res_l.append(res)
 *
 *     p.close()
 *     p.join() #等待进程池中所有进程执行完毕
 *
 *     nums=[]
 *     for res in res_l:
 *         nums.append(res.get()) #拿到所有结果
 *     print(nums) #主进程拿到所有的处理结果,可以在主进程中进行统一进行处理
 * }</pre>
 * Output (not shown in the tutorial; derived):
 * <pre>
 * [0, 1, 4, 9, 16, 25, 36, 49, 64, 81]
 * </pre>
 */
public final class CollectResults {
    /** {@code Pool()}: one worker per CPU there, four here (see the class comment). */
    static final int PROCESSES = 4;
    /** {@code range(10)}. */
    static final int TASKS = 10;

    private CollectResults() {
    }

    /** {@code work(n)}: runs in a worker. */
    static int work(int n) throws InterruptedException {
        PyTime.sleep(1);
        return n * n;
    }

    public static void main(String[] args) throws Exception {
        ProcessPool p = ProcessPool.create(PROCESSES);

        List<AsyncResult<Integer>> resL = new ArrayList<>();
        for (int i = 0; i < TASKS; i++) {
            int n = i;
            AsyncResult<Integer> res = p.applyAsync(() -> work(n));
            resL.add(res);
        }

        p.shutdown(); // close()
        p.join(); // waits until every task in the pool is done

        List<Integer> nums = new ArrayList<>();
        for (AsyncResult<Integer> res : resL) {
            nums.add(res.get()); // every result
        }
        System.out.println(nums); // the main process has them all, to handle together
    }
}
