package dev.mp4j.examples.queue;

import dev.mp4j.queue.ProcessQueue;

/**
 * A queue of three, filled and emptied in one process: seed 002, lines 516-535 ("python day9
 * 学习整理", "3.4进程之间通信(IPC)方式之一:队列", 应用).
 *
 * <p>The tutorial's first look at {@code Queue([maxsize])}: a queue of at most three items takes
 * three puts, then {@code full()} says {@code True} (满了, full); three gets return the items in
 * order, then {@code empty()} says {@code True} (空了, empty). No process is started: the queue is
 * used by the main process alone, as any queue could be. The tutorial warns that {@code full()},
 * {@code empty()} and {@code qsize()} are unreliable while other processes use the queue, since
 * the answer may be stale by the time it is read; here nobody else does, so they are exact.
 * Booleans print as Python's {@code True} and {@code False}.
 *
 * <p>The original:
 * <pre>{@code
 * '''
 * multiprocessing模块支持进程间通信的两种主要形式:管道和队列
 * 都是基于消息传递实现的,但是队列接口
 * '''
 *
 * from multiprocessing import Process,Queue
 * import time
 * q=Queue(3)
 *
 *
 * #put ,get ,put_nowait,get_nowait,full,empty
 * q.put(3)
 * q.put(3)
 * q.put(3)
 * print(q.full()) #满了
 *
 * print(q.get())
 * print(q.get())
 * print(q.get())
 * print(q.empty()) #空了
 * }</pre>
 * Output (not shown in the tutorial; derived from its comments):
 * <pre>
 * True
 * 3
 * 3
 * 3
 * True
 * </pre>
 */
public final class QueueFullEmpty {
    private QueueFullEmpty() {
    }

    public static void main(String[] args) throws InterruptedException {
        ProcessQueue<Integer> q = ProcessQueue.create(3);

        // put, get, put_nowait, get_nowait, full, empty
        q.put(3);
        q.put(3);
        q.put(3);
        System.out.println(pythonBool(q.full())); // full

        System.out.println(q.get());
        System.out.println(q.get());
        System.out.println(q.get());
        System.out.println(pythonBool(q.empty())); // empty
    }

    /** How Python's {@code print} shows a bool. */
    private static String pythonBool(boolean b) {
        return b ? "True" : "False";
    }
}
