package dev.mp4j.examples.queue;

import dev.mp4j.process.JvmProcess;
import dev.mp4j.queue.ProcessQueue;

/**
 * Three children put into one queue, the main process gets: seed 000, line 24 ("Day 32
 * process&amp;threading_4", section "2、1 进程队列queue").
 *
 * <p>Each of three children puts {@code n*n+6} (6, 7 and 10) into the queue it was given and
 * prints {@code id(q)}; the main process prints its own {@code id(q)} first, then gets and prints
 * three items, in the order they arrive. The tutorial's note: it set out to show that although
 * the queue connects the processes, each process has the queue object in memory of its own; its
 * output shows one and the same id everywhere, which it puts down to Linux (a forked child's copy
 * of the object sits at the parent's address), adding that a Mac shows the same.
 *
 * <p>A JVM has no object addresses; {@link System#identityHashCode} is the closest thing to
 * {@code id()}. mp4j starts each child as a fresh JVM (Python's {@code spawn}, the default on a
 * Mac since Python 3.8), so each child deserializes a {@link ProcessQueue} object of its own,
 * attached to the same shared memory: separate objects, one queue. Numbers from different JVMs
 * say nothing about each other (each JVM draws them from the same seeded generator, so they may
 * even coincide). The seed lost the quotes around {@code '__main__'}; they are restored below.
 *
 * <p>The original:
 * <pre>{@code
 * from multiprocessing import Process,Queue
 *
 * def xx(q,n):
 *     q.put(n*n+6)
 *     # 测试子线程队列的位置
 *     print("son process of:",id(q))
 *
 * if __name__ == '__main__':
 *     q = Queue()
 *     # 测试主线程队列的位置
 *     print("main process of: ",id(q))
 *
 *     for i in range(3):
 *         p = Process(target=xx,args=(q,i,))
 *         p.start()
 *
 *     print(q.get())
 *     print(q.get())
 *     print(q.get())
 *
 * '''
 * # 事实是为了证明:Queue虽然实现了线程间的交流,但是实际是在不同线程开辟了不一样的内存空间。然而linux优化,结果就如下了:mac是一样的
 * main process of:  4319925192
 * son process of: 4319925192
 * 6
 * son process of: 4319925192
 * 7
 * son process of: 4319925192
 * 10
 * '''
 * }</pre>
 * Output (the three numbers in the order the children put them, each child's line near its
 * number, every id its own JVM's):
 * <pre>
 * main process of:  231685785
 * 7
 * son process of: 1451043227
 * 6
 * son process of: 783286238
 * 10
 * son process of: 392292416
 * </pre>
 */
public final class QueuePutGet {
    private QueuePutGet() {
    }

    /** {@code xx(q, n)}: runs in each child. */
    static void xx(ProcessQueue<Integer> q, int n) throws InterruptedException {
        q.put(n * n + 6);
        // Where the child's queue object is (see the class comment for what a JVM can tell).
        System.out.println("son process of: " + System.identityHashCode(q));
    }

    public static void main(String[] args) throws InterruptedException {
        ProcessQueue<Integer> q = ProcessQueue.create();
        // Where the main process's queue object is. Python's print puts a space after the
        // string's own trailing space, hence two.
        System.out.println("main process of:  " + System.identityHashCode(q));

        for (int i = 0; i < 3; i++) {
            int n = i;
            JvmProcess p = new JvmProcess(() -> xx(q, n));
            p.start();
        }

        System.out.println(q.get());
        System.out.println(q.get());
        System.out.println(q.get());
    }
}
