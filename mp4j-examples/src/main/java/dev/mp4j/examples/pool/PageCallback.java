package dev.mp4j.examples.pool;

import dev.mp4j.examples.PyTime;
import dev.mp4j.pool.AsyncResult;
import dev.mp4j.pool.ProcessPool;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Pages "downloaded" in the pool and parsed by a callback in the main process: seed 002, lines
 * 1252-1323 ("python day9 学习整理", section "回调函数(apply_async的扩展用法)", case 2).
 *
 * <p>"When any task in the pool is done, it tells the main process at once: I am ready, handle
 * my result. The main process then calls a function on that result: the callback." The slow,
 * blocking part (here {@code get_page}, which stands in for a download by sleeping one to three
 * seconds and returning its url) runs in the pool; {@code parse_page} is given as
 * {@code callback} and runs in the main process, which so gets the results without doing the
 * I/O. After {@code close()} and {@code join()}, which the comment says waits for every task,
 * callbacks included, the main process prints its pid and then, redundantly as the comment
 * notes, each task's result by {@code get()}: the url {@code get_page} returned, not what the
 * callback returned.
 *
 * <p>The comment claims the callbacks run in a dedicated process, a single one. Its own output
 * says otherwise: the parsing lines carry the main process's pid (52345). CPython runs callbacks
 * on a thread of the main process, one at a time; so does {@link ProcessPool}, on its callback
 * thread.
 *
 * <p>{@code apply_async(func, args, callback=cb)} is
 * {@link ProcessPool#applyAsync(dev.mp4j.serial.SerializableCallable, java.util.function.Consumer,
 * java.util.function.Consumer) applyAsync(task, callback, errorCallback)}; the callback is a plain
 * {@code Consumer}, since it never leaves the main process (what it returns is dropped, in Python
 * too). {@code close()} is {@link ProcessPool#shutdown()}, {@code join()} {@link ProcessPool#join()}.
 * As in CPython, {@code join()} returns once the workers have exited and every callback has run,
 * so all the parsing comes before the main process's line. The pool has {@value #PROCESSES} workers, the four CPUs such tutorials assume (the output
 * below shows four); sleeps are {@linkplain PyTime#SECOND scaled seconds}.
 *
 * <p>The original:
 * <pre>{@code
 * from multiprocessing import Pool
 * import time,random,os
 *
 * def get_page(url):
 *     print('(进程 %s) 正在下载页面 %s' %(os.getpid(),url))
 *     time.sleep(random.randint(1,3))
 *     return url #用url充当下载后的结果
 *
 * def parse_page(page_content):
 *     print('<进程 %s> 正在解析页面: %s' %(os.getpid(),page_content))
 *     time.sleep(1)
 *     return '{%s 回调函数处理结果:%s}' %(os.getpid(),page_content)
 *
 *
 * if __name__ == '__main__':
 *     urls=[
 *         'http://maoyan.com/board/1',
 *         'http://maoyan.com/board/2',
 *         'http://maoyan.com/board/3',
 *         'http://maoyan.com/board/4',
 *         'http://maoyan.com/board/5',
 *         'http://maoyan.com/board/7',
 *
 *     ]
 *     p=Pool()
 *     res_l=[]
 *
 *     #异步的方式提交任务,然后把任务的结果交给callback处理
 *     #注意:会专门开启一个进程来处理callback指定的任务(单独的一个进程,而且只有一个)
 *     for url in urls:
 *         res=p.apply_async(get_page,args=(url,),callback=parse_page)
 *         res_l.append(res)
 *
 *     #异步提交完任务后,主进程先关闭p(必须先关闭),然后再用p.join()等待所有任务结束(包括callback)
 *     p.close()
 *     p.join()
 *     print('{主进程 %s}' %os.getpid())
 *
 *     #收集结果,发现收集的是get_page的结果
 *     #所以需要注意了:
 *     #1. 当我们想要在将get_page的结果传给parse_page处理,那么就不需要i.get(),通过指定callback,就可以将i.get()的结果传给callback执行的任务
 *     #2. 当我们想要在主进程中处理get_page的结果,那就需要使用i.get()获取后,再进一步处理
 *     for i in res_l: #本例中,下面这两步是多余的
 *         callback_res=i.get()
 *         print(callback_res)
 * }</pre>
 * Output (from the tutorial):
 * <pre>{@code
 * (进程 52346) 正在下载页面 http://maoyan.com/board/1
 * (进程 52347) 正在下载页面 http://maoyan.com/board/2
 * (进程 52348) 正在下载页面 http://maoyan.com/board/3
 * (进程 52349) 正在下载页面 http://maoyan.com/board/4
 * (进程 52348) 正在下载页面 http://maoyan.com/board/5
 * <进程 52345> 正在解析页面: http://maoyan.com/board/3
 * (进程 52346) 正在下载页面 http://maoyan.com/board/7
 * <进程 52345> 正在解析页面: http://maoyan.com/board/1
 * <进程 52345> 正在解析页面: http://maoyan.com/board/2
 * <进程 52345> 正在解析页面: http://maoyan.com/board/4
 * <进程 52345> 正在解析页面: http://maoyan.com/board/5
 * <进程 52345> 正在解析页面: http://maoyan.com/board/7
 * {主进程 52345}
 * http://maoyan.com/board/1
 * http://maoyan.com/board/2
 * http://maoyan.com/board/3
 * http://maoyan.com/board/4
 * http://maoyan.com/board/5
 * http://maoyan.com/board/7
 * }</pre>
 */
public final class PageCallback {
    /** {@code Pool()}: one worker per CPU there, four here (see the class comment). */
    static final int PROCESSES = 4;
    static final List<String> URLS = List.of(
            "http://maoyan.com/board/1",
            "http://maoyan.com/board/2",
            "http://maoyan.com/board/3",
            "http://maoyan.com/board/4",
            "http://maoyan.com/board/5",
            "http://maoyan.com/board/7");

    private PageCallback() {
    }

    /** {@code get_page(url)}: runs in a worker. */
    static String getPage(String url) throws InterruptedException {
        System.out.println("(进程 " + ProcessHandle.current().pid() + ") 正在下载页面 " + url);
        PyTime.sleep(ThreadLocalRandom.current().nextInt(1, 4)); // randint(1,3)
        return url; // the url stands in for the downloaded page
    }

    /** {@code parse_page(page_content)}: the callback, run in the main process. */
    static String parsePage(String pageContent) {
        System.out.println("<进程 " + ProcessHandle.current().pid() + "> 正在解析页面: " + pageContent);
        try {
            PyTime.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "{" + ProcessHandle.current().pid() + " 回调函数处理结果:" + pageContent + "}";
    }

    public static void main(String[] args) throws Exception {
        ProcessPool p = ProcessPool.create(PROCESSES);
        List<AsyncResult<String>> resL = new ArrayList<>();

        // Submitted asynchronously; each task's result goes to the callback.
        for (String url : URLS) {
            AsyncResult<String> res = p.applyAsync(() -> getPage(url), PageCallback::parsePage, null);
            resL.add(res);
        }

        // close() first, then join() to wait for every task.
        p.shutdown();
        p.join();
        System.out.println("{主进程 " + ProcessHandle.current().pid() + "}");

        // get() gives get_page's result; with the callback doing the work, this is redundant.
        for (AsyncResult<String> i : resL) {
            String callbackRes = i.get();
            System.out.println(callbackRes);
        }
    }
}
