package dev.mp4j.examples.queue;

import dev.mp4j.examples.PyTime;
import dev.mp4j.process.JvmProcess;
import dev.mp4j.queue.ProcessQueue;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * {@link NoneEndMarker} with three consumers, so three {@code None}s: seed 002, lines 576-605
 * ("python day9 学习整理", "基于队列实现生产者消费者模型"), extended.
 *
 * <p>The seed ends its queue section with the one-consumer program of {@link NoneEndMarker} and
 * goes on to {@code JoinableQueue} for several consumers; this twin is not in the seed. It keeps
 * that program's {@code consumer} and {@code producer} as they are and starts three consumers, to
 * show the rule that comes with an end marker: each consumer stops at the first {@code None} it
 * gets and takes no more, so it takes one {@code None} per consumer to stop them all. The main
 * process puts three after the ten buns (the queue being first in, first out, every bun is got
 * before any {@code None}), joins the three consumers and prints {@code 主线程}. With one
 * {@code None}, two consumers would wait in {@code get()} for ever, and the main process in
 * {@code join()} with them.
 *
 * <p>The program, as Python (the lines that differ from the seed's are marked):
 * <pre>{@code
 * from multiprocessing import Process,Queue
 * import time,random,os
 *
 *
 * def consumer(q):
 *     while True:
 *         time.sleep(random.randint(1,3))
 *         res=q.get()
 *         if res is None:break
 *         print('\033[45m消费者拿到了:%s\033[0m' %res)
 *
 * def producer(seq,q):
 *     for item in seq:
 *         time.sleep(random.randint(1,3))
 *         print('\033[46m生产者生产了:%s\033[0m' %item)
 *
 *         q.put(item)
 *
 * if __name__ == '__main__':
 *     q=Queue()
 *
 *     cs=[Process(target=consumer,args=(q,)) for _ in range(3)]   # three consumers
 *     for c in cs:                                                 #
 *         c.start()                                                #
 *
 *     producer(('包子%s' %i for i in range(10)),q)
 *     for c in cs:                                                 # one None each
 *         q.put(None)                                              #
 *     for c in cs:                                                 #
 *         c.join()                                                 #
 *     print('主线程')
 * }</pre>
 * Output: as {@link NoneEndMarker}'s, with the buns shared among three consumers that print the
 * same line, so a bun may be got soon after the one before; {@code 主线程} last.
 */
public final class NoneEndMarkers {
    /** How many consumers, and so how many {@code None}s. */
    static final int CONSUMERS = 3;

    private NoneEndMarkers() {
    }

    public static void main(String[] args) throws Exception {
        ProcessQueue<String> q = ProcessQueue.create();

        List<JvmProcess> cs = new ArrayList<>();
        for (int i = 0; i < CONSUMERS; i++) {
            cs.add(new JvmProcess(() -> NoneEndMarker.consumer(q)));
        }
        for (JvmProcess c : cs) {
            c.start();
        }

        NoneEndMarker.producer(IntStream.range(0, 10).mapToObj(i -> "包子" + i).iterator(), q);
        for (int i = 0; i < CONSUMERS; i++) {
            q.put(null, true, null); // one None for each consumer: each stops at the first it gets
        }
        for (JvmProcess c : cs) {
            c.join();
        }
        System.out.println("主线程");
    }
}
