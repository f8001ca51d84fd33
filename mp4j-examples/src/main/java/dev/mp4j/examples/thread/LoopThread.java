package dev.mp4j.examples.thread;

import dev.mp4j.examples.PyTime;

/**
 * A named thread: seed 003, lines 155-172 ("#theading_test").
 *
 * <p>The main thread starts a thread named {@code LoopThread} that counts to five, one
 * {@linkplain PyTime#SECOND scaled second} apart, and joins it. Java names the main thread
 * {@code main} where Python says {@code MainThread}; the rest of the output is the original's.
 *
 * <p>The original (Python 2):
 * <pre>{@code
 * #theading_test
 * import time, threading
 *
 * # 新线程执行的代码:
 * def loop():
 *     print 'thread %s is running...' % threading.current_thread().name #返回当前线程的实例
 *     n = 0
 *     while n < 5:
 *         n = n + 1
 *         print 'thread %s >>> %s' % (threading.current_thread().name, n)
 *         time.sleep(1)
 *     print 'thread %s ended.' % threading.current_thread().name
 *
 * print 'thread %s is running...' % threading.current_thread().name
 * t = threading.Thread(target=loop, name='LoopThread')  #在创建线程时指定名字LoopThread,否则默认为Thread-1,Thread-2....
 * t.start()
 * t.join()
 * print 'thread %s ended.' % threading.current_thread().name
 * }</pre>
 * Output:
 * <pre>
 * thread main is running...
 * thread LoopThread is running...
 * thread LoopThread >>> 1
 * thread LoopThread >>> 2
 * thread LoopThread >>> 3
 * thread LoopThread >>> 4
 * thread LoopThread >>> 5
 * thread LoopThread ended.
 * thread main ended.
 * </pre>
 */
public final class LoopThread {
    private LoopThread() {
    }

    /** The code the new thread runs. */
    static void loop() {
        String name = Thread.currentThread().getName();
        System.out.println("thread " + name + " is running...");
        try {
            int n = 0;
            while (n < 5) {
                n = n + 1;
                System.out.println("thread " + name + " >>> " + n);
                PyTime.sleep(1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        System.out.println("thread " + name + " ended.");
    }

    public static void main(String[] args) throws InterruptedException {
        System.out.println("thread " + Thread.currentThread().getName() + " is running...");
        // Named when made, as the original does; unnamed it would be Thread-0, Thread-1, ...
        Thread t = new Thread(LoopThread::loop, "LoopThread");
        t.start();
        t.join();
        System.out.println("thread " + Thread.currentThread().getName() + " ended.");
    }
}
