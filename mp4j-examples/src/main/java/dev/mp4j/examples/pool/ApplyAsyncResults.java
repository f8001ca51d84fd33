package dev.mp4j.examples.pool;

import dev.mp4j.examples.PyTime;
import dev.mp4j.pool.AsyncResult;
import dev.mp4j.pool.ProcessPool;
import java.util.ArrayList;
import java.util.List;

/**
 * Ten tasks with {@code apply_async} on a pool of three, their results collected with
 * {@code get()}: seed 002, lines 1058-1082 ("python day9 学习整理", section "3.8 进程池",
 * "一:使用进程池(非阻塞,apply_async)").
 *
 * <p>{@code func(msg)} prints {@code msg: hello i}, sleeps a second and returns {@code msg}. The
 * main process submits ten of them, keeping the {@code AsyncResult} of each, and prints its line of
 * {@code =} at once: {@code apply_async} does not wait (the comment: without the {@code join} or
 * {@code get} below, the program would end and take the unfinished tasks with it). The pool keeps
 * three tasks running; as one finishes, the next starts. After {@code close()} and {@code join()}
 * the main process prints the list of result objects, not results ("but it is printed after
 * join, which proves the results are computed; what is left is to call get on each"), then each
 * result through {@code get()}.
 *
 * <p>{@code apply_async} is {@link ProcessPool#applyAsync}, returning an {@link AsyncResult};
 * {@code close()} is {@link ProcessPool#shutdown()}; {@code join()} is {@link ProcessPool#join()}.
 * The list prints as Java prints objects without a {@code toString}, class name and hash, where
 * Python shows {@code <multiprocessing.pool.ApplyResult object at 0x10357c4e0>}. The sleep is
 * one {@linkplain PyTime#SECOND scaled second}.
 *
 * <p>The original:
 * <pre>{@code
 * #一:使用进程池(非阻塞,apply_async)
 * #coding: utf-8
 * from multiprocessing import Process,Pool
 * import time
 *
 * def func(msg):
 *     print( "msg:", msg)
 *     time.sleep(1)
 *     return msg
 *
 * if __name__ == "__main__":
 *     pool = Pool(processes = 3)
 *     res_l=[]
 *     for i in range(10):
 *         msg = "hello %d" %(i)
 *         res=pool.apply_async(func, (msg, ))   #维持执行的进程总数为processes,当一个进程执行完毕后会添加新的进程进去
 *         res_l.append(res)
 *     print("==============================>") #没有后面的join,或get,则程序整体结束,进程池中的任务还没来得及全部执行完也都跟着主进程一起结束了
 *
 *     pool.close() #关闭进程池,防止进一步操作。如果所有操作持续挂起,它们将在工作进程终止前完成
 *     pool.join()   #调用join之前,先调用close函数,否则会出错。执行完close后不会有新的进程加入到pool,join函数等待所有子进程结束
 *
 *     print(res_l) #看到的是<multiprocessing.pool.ApplyResult object at 0x10357c4e0>对象组成的列表,而非最终的结果,但这一步是在join后执行的,证明结果已经计算完毕,剩下的事情就是调用每个对象下的get方法去获取结果
 *     for i in res_l:
 *         print(i.get()) #使用get来获取apply_aync的结果,如果是apply,则没有get方法,因为apply是同步执行,立刻获取结果,也根本无需get
 * }</pre>
 * Output (not shown in the tutorial; derived): the line of {@code =} before the tasks are
 * through, their {@code msg:} lines three a second, the list, then the ten results in order:
 * <pre>
 * ==============================&gt;
 * msg: hello 0
 * msg: hello 1
 * msg: hello 2
 * msg: hello 3
 * ...
 * msg: hello 9
 * [dev.mp4j.pool.AsyncResult@1b6d3586, dev.mp4j.pool.AsyncResult@4554617c, ...]
 * hello 0
 * ...
 * hello 9
 * </pre>
 */
public final class ApplyAsyncResults {
    /** {@code Pool(processes = 3)}. */
    static final int PROCESSES = 3;
    /** {@code range(10)}. */
    static final int TASKS = 10;

    private ApplyAsyncResults() {
    }

    /** {@code func(msg)}: runs in a worker. */
    static String func(String msg) throws InterruptedException {
        System.out.println("msg: " + msg);
        PyTime.sleep(1);
        return msg;
    }

    public static void main(String[] args) throws Exception {
        ProcessPool pool = ProcessPool.create(PROCESSES);
        List<AsyncResult<String>> resL = new ArrayList<>();
        for (int i = 0; i < TASKS; i++) {
            String msg = "hello " + i;
            // Keeps three tasks running; when one finishes, the next queued one starts.
            AsyncResult<String> res = pool.applyAsync(() -> func(msg));
            resL.add(res);
        }
        // Printed at once: apply_async only queued the tasks.
        System.out.println("==============================>");

        pool.shutdown(); // close()
        pool.join(); // waits for every task and worker

        // The result objects, not the results; but the tasks are all done by now.
        System.out.println(resL);
        for (AsyncResult<String> i : resL) {
            System.out.println(i.get());
        }
    }
}
