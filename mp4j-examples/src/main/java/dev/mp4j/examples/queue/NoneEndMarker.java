package dev.mp4j.examples.queue;

import dev.mp4j.examples.PyTime;
import dev.mp4j.process.JvmProcess;
import dev.mp4j.queue.ProcessQueue;
import java.util.Iterator;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;

/**
 * A producer and a consumer on a queue, ended by a {@code None}: seed 002, lines 576-605
 * ("python day9 学习整理", "基于队列实现生产者消费者模型"; 主线程等待消费者结束(生产者发送结束信号给消费者):
 * the main thread waits for the consumer to end, the producer sending it an end signal).
 *
 * <p>The producer-consumer model of {@link ConsumerNeverEnds}, fixed: after the ten buns the main
 * process puts {@code None} into the queue, the consumer stops when it gets {@code None}, and the
 * main process joins it before it prints {@code 主线程}. The queue is first in, first out, so the
 * {@code None}, put last, is got last, after every bun.
 *
 * <p>Python's {@code None} is Java's {@code null}. A {@link java.util.concurrent.BlockingQueue}
 * refuses null, so the marker goes in with Python's {@code put(item, block, timeout)}, which takes
 * it; {@code get()} gives it back as null. Seconds are {@linkplain PyTime#SECOND scaled}. The
 * colour codes are printed as the original means them; the seed lost their backslashes.
 *
 * <p>The original:
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
 *     c=Process(target=consumer,args=(q,))
 *     c.start()
 *
 *     producer(('包子%s' %i for i in range(10)),q)
 *     q.put(None)
 *     c.join()
 *     print('主线程')
 * }</pre>
 * Output (not shown in the tutorial; derived): the producer's and the consumer's lines
 * interleaved, each bun got after it was made, and {@code 主线程} last:
 * <pre>
 * 生产者生产了:包子0
 * 生产者生产了:包子1
 * 消费者拿到了:包子0
 * ...
 * 生产者生产了:包子9
 * 消费者拿到了:包子8
 * 消费者拿到了:包子9
 * 主线程
 * </pre>
 */
public final class NoneEndMarker {
    static final String MAGENTA = "\033[45m";
    static final String CYAN = "\033[46m";
    static final String RESET = "\033[0m";

    private NoneEndMarker() {
    }

    /** {@code consumer(q)}: the child; ends at the {@code None}. */
    static void consumer(ProcessQueue<String> q) throws InterruptedException {
        while (true) {
            PyTime.sleep(ThreadLocalRandom.current().nextInt(1, 4)); // randint(1,3)
            String res = q.get();
            if (res == null) {
                break;
            }
            System.out.println(MAGENTA + "消费者拿到了:" + res + RESET);
        }
    }

    /** {@code producer(seq, q)}: the main process. */
    static void producer(Iterator<String> seq, ProcessQueue<String> q) throws InterruptedException {
        while (seq.hasNext()) {
            String item = seq.next();
            PyTime.sleep(ThreadLocalRandom.current().nextInt(1, 4)); // randint(1,3)
            System.out.println(CYAN + "生产者生产了:" + item + RESET);

            q.put(item);
        }
    }

    public static void main(String[] args) throws Exception {
        ProcessQueue<String> q = ProcessQueue.create();

        JvmProcess c = new JvmProcess(() -> consumer(q));
        c.start();

        producer(IntStream.range(0, 10).mapToObj(i -> "包子" + i).iterator(), q);
        q.put(null, true, null); // q.put(None): the end marker
        c.join();
        System.out.println("主线程");
    }
}
