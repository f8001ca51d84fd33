package dev.mp4j.examples.pool;

import dev.mp4j.examples.PyRepr;
import dev.mp4j.examples.PyTime;
import dev.mp4j.pool.ProcessPool;
import java.util.ArrayList;
import java.util.List;

/**
 * Ten tasks with the blocking {@code apply} on a pool of three: seed 002, lines 1084-1107
 * ("python day9 学习整理", section "3.8 进程池", "二:使用进程池(阻塞,apply)").
 *
 * <p>The same ten calls of {@code func(msg)} as {@link ApplyAsyncResults}, with a tenth of a second's
 * sleep, but submitted with {@code apply}: each call waits for its task and returns the result
 * itself ("synchronous: run one, get its result, then run the next"). So the {@code msg:} lines
 * come one at a time, in order, though the pool has three workers; the line of {@code =} comes
 * only after all ten; the list holds the results themselves, and there is no {@code get()} to call.
 *
 * <p>{@code apply} is {@link ProcessPool#apply}, {@code close()} {@link ProcessPool#shutdown()},
 * {@code join()} {@link ProcessPool#join()}. The list prints as Python prints it
 * ({@link dev.mp4j.examples.PyRepr}), {@code ['hello 0', 'hello 1', ...]}. The sleep is a tenth of a
 * {@linkplain PyTime#SECOND scaled second}.
 *
 * <p>The original:
 * <pre>{@code
 * #二:使用进程池(阻塞,apply)
 * #coding: utf-8
 * from multiprocessing import Process,Pool
 * import time
 *
 * def func(msg):
 *     print( "msg:", msg)
 *     time.sleep(0.1)
 *     return msg
 *
 * if __name__ == "__main__":
 *     pool = Pool(processes = 3)
 *     res_l=[]
 *     for i in range(10):
 *         msg = "hello %d" %(i)
 *         res=pool.apply(func, (msg, ))   #维持执行的进程总数为processes,当一个进程执行完毕后会添加新的进程进去
 *         res_l.append(res) #同步执行,即执行完一个拿到结果,再去执行另外一个
 *     print("==============================>")
 *     pool.close()
 *     pool.join()   #调用join之前,先调用close函数,否则会出错。执行完close后不会有新的进程加入到pool,join函数等待所有子进程结束
 *
 *     print(res_l) #看到的就是最终的结果组成的列表
 *     for i in res_l: #apply是同步的,所以直接得到结果,没有get()方法
 *         print(i)
 * }</pre>
 * Output (not shown in the tutorial; derived):
 * <pre>
 * msg: hello 0
 * msg: hello 1
 * ...
 * msg: hello 9
 * ==============================&gt;
 * ['hello 0', 'hello 1', 'hello 2', 'hello 3', 'hello 4', 'hello 5', 'hello 6', 'hello 7', 'hello 8', 'hello 9']
 * hello 0
 * ...
 * hello 9
 * </pre>
 */
public final class ApplyResults {
    /** {@code Pool(processes = 3)}. */
    static final int PROCESSES = 3;
    /** {@code range(10)}. */
    static final int TASKS = 10;

    private ApplyResults() {
    }

    /** {@code func(msg)}: runs in a worker. */
    static String func(String msg) throws InterruptedException {
        System.out.println("msg: " + msg);
        PyTime.sleep(0.1);
        return msg;
    }

    public static void main(String[] args) throws Exception {
        ProcessPool pool = ProcessPool.create(PROCESSES);
        List<String> resL = new ArrayList<>();
        for (int i = 0; i < TASKS; i++) {
            String msg = "hello " + i;
            String res = pool.apply(() -> func(msg)); // waits for the task: one at a time
            resL.add(res);
        }
        System.out.println("==============================>");
        pool.shutdown(); // close()
        pool.join();

        System.out.println(PyRepr.repr(resL)); // the results themselves, as Python prints a list
        for (String i : resL) {
            System.out.println(i);
        }
    }
}
