package dev.mp4j.examples.queue;

import dev.mp4j.examples.PyTime;
import dev.mp4j.process.JvmProcess;
import dev.mp4j.queue.ProcessQueue;
import java.util.Iterator;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;

/**
 * A producer and a consumer on a queue, and a consumer that never ends: seed 002, lines 549-575
 * ("python day9 学习整理", "基于队列实现生产者消费者模型", a producer-consumer model on a queue).
 *
 * <p>The main process is the producer: ten times it takes 1-3 seconds to make a bun
 * ({@code 包子0} to {@code 包子9}), says so ({@code 生产者生产了}: "the producer made") and puts it
 * into the queue. The consumer child takes 1-3 seconds over each bun it gets
 * ({@code 消费者拿到了}: "the consumer got"). Neither waits for the other; the queue between them
 * is the buffer. Once all ten are put, the main process prints {@code 主线程} ("main thread").
 *
 * <p>The flaw the tutorial fixes next ({@link NoneEndMarker}): nothing tells the consumer that
 * production is over. After the last bun it waits in {@code q.get()} for ever, and since it is not
 * a daemon, the program never ends. The twin is bounded: where Python would wait for ever, the
 * main process waits until the consumer has taken every bun, then {@link #PATIENCE} more seconds
 * (longer than any of the consumer's naps, so it is surely back in {@code get()}), and, the
 * consumer still being there, terminates it. Seconds are {@linkplain PyTime#SECOND scaled}. The
 * colour codes ({@code \033[46m} cyan, {@code \033[45m} magenta backgrounds) are printed as the
 * original means them; the seed lost their backslashes ({@code 33[45m}).
 *
 * <p>The original:
 * <pre>{@code
 * from multiprocessing import Process,Queue
 * import time,random,os
 *
 * def consumer(q):
 *     while True:
 *         time.sleep(random.randint(1,3))
 *         res=q.get()
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
 *     seq=('包子%s' %i for i in range(10))
 *     c=Process(target=consumer,args=(q,))
 *     c.start()
 *     producer(seq,q)
 *
 *     print('主线程')
 * }</pre>
 * Output (not shown in the tutorial; derived): the producer's and the consumer's lines
 * interleaved, each bun got after it was made, {@code 主线程} after the last bun was made, and
 * then no end:
 * <pre>
 * 生产者生产了:包子0
 * 生产者生产了:包子1
 * 消费者拿到了:包子0
 * ...
 * 生产者生产了:包子9
 * 主线程
 * 消费者拿到了:包子8
 * 消费者拿到了:包子9
 * </pre>
 */
public final class ConsumerNeverEnds {
    static final String MAGENTA = "\033[45m";
    static final String CYAN = "\033[46m";
    static final String RESET = "\033[0m";
    /**
     * How many seconds the twin's main process lets the consumer wait on the empty queue before it
     * ends it, where Python would wait for ever: more than the consumer's longest nap (3).
     */
    static final int PATIENCE = 4;

    private ConsumerNeverEnds() {
    }

    /** {@code consumer(q)}: the child; it has no way to learn that no more buns will come. */
    static void consumer(ProcessQueue<String> q) throws InterruptedException {
        while (true) {
            PyTime.sleep(ThreadLocalRandom.current().nextInt(1, 4)); // randint(1,3)
            String res = q.get();
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

    public static void main(String[] args) throws InterruptedException {
        ProcessQueue<String> q = ProcessQueue.create();

        Iterator<String> seq = IntStream.range(0, 10).mapToObj(i -> "包子" + i).iterator(); // ('包子%s' %i for i in range(10))
        JvmProcess c = new JvmProcess(() -> consumer(q));
        c.start();
        producer(seq, q);

        System.out.println("主线程");

        // The original ends here and never exits: the consumer waits in get() for ever and the
        // interpreter waits for it. The twin waits until the queue is empty, that is until the
        // consumer has taken the last bun, and then some, before it gives up on the consumer.
        while (!q.empty()) {
            Thread.sleep(PyTime.SECOND.dividedBy(10));
        }
        c.join(PyTime.SECOND.multipliedBy(PATIENCE));
        c.terminate();
        c.join();
    }
}
