package dev.mp4j.examples.queue;

import dev.mp4j.examples.PyTime;
import dev.mp4j.process.JvmProcess;
import dev.mp4j.queue.JoinableProcessQueue;
import java.util.Iterator;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;

/**
 * A joinable queue, three daemon consumers and a producer that joins the queue: seed 002, lines
 * 648-681 ("python day9 学习整理", "JoinableQueue([maxsize])").
 *
 * <p>{@link JoinableConsumer} with three consumers, {@code 消费者1} to {@code 消费者3}, and with its
 * naps back: the main process makes a bun every second ({@code random.randrange(1,2)} is always
 * 1), puts it and says so ({@code 生产者做好了}); each consumer naps 1-2 seconds before each
 * {@code get()}, then says which bun it got ({@code 拿到了}) and marks it done. The consumers share
 * the buns, each bun going to one of them. {@code q.join()} at the end of {@code producer} returns
 * once all ten are done, whoever handled them; then the main process prints {@code 主线程} and
 * ends, and its three daemon consumers, looping for ever, end with it.
 *
 * <p>Seconds are {@linkplain PyTime#SECOND scaled}. The colour codes ({@code \033[46m} cyan,
 * {@code \033[45m} magenta backgrounds) are printed as the original means them; the seed lost
 * their backslashes ({@code 33[45m}).
 *
 * <p>The original:
 * <pre>{@code
 * from multiprocessing import Process,JoinableQueue
 * import time,random
 * def consumer(name,q):
 *     while True:
 *         time.sleep(random.randint(1,2))
 *         res=q.get()
 *         print('\033[45m%s拿到了 %s\033[0m' %(name,res))
 *         q.task_done()
 *
 *
 * def producer(seq,q):
 *     for item in seq:
 *         time.sleep(random.randrange(1,2))
 *         q.put(item)
 *         print('\033[46m生产者做好了 %s\033[0m' %item)
 *     q.join()
 *
 * if __name__ == '__main__':
 *     q=JoinableQueue()
 *     seq=('包子%s' %i for i in range(10))
 *
 *     p1=Process(target=consumer,args=('消费者1',q,))
 *     p2=Process(target=consumer,args=('消费者2',q,))
 *     p3=Process(target=consumer,args=('消费者3',q,))
 *     p1.daemon=True
 *     p2.daemon=True
 *     p3.daemon=True
 *     p1.start()
 *     p2.start()
 *     p3.start()
 *
 *     producer(seq,q)
 *
 *     print('主线程')
 * }</pre>
 * Output (not shown in the tutorial; derived): a bun made every second and got soon after by one
 * of the consumers, {@code 主线程} once the last is got:
 * <pre>
 * 生产者做好了 包子0
 * 消费者2拿到了 包子0
 * 生产者做好了 包子1
 * 消费者1拿到了 包子1
 * ...
 * 生产者做好了 包子9
 * 消费者3拿到了 包子9
 * 主线程
 * </pre>
 */
public final class JoinableConsumers {
    static final String MAGENTA = "\033[45m";
    static final String CYAN = "\033[46m";
    static final String RESET = "\033[0m";

    private JoinableConsumers() {
    }

    /** {@code consumer(name, q)}: each daemon child; never returns. */
    static void consumer(String name, JoinableProcessQueue<String> q) throws InterruptedException {
        while (true) {
            PyTime.sleep(ThreadLocalRandom.current().nextInt(1, 3)); // randint(1,2)
            String res = q.get();
            System.out.println(MAGENTA + name + "拿到了 " + res + RESET);
            q.taskDone();
        }
    }

    /** {@code producer(seq, q)}: the main process; returns once every item is done. */
    static void producer(Iterator<String> seq, JoinableProcessQueue<String> q) throws InterruptedException {
        while (seq.hasNext()) {
            String item = seq.next();
            PyTime.sleep(ThreadLocalRandom.current().nextInt(1, 2)); // randrange(1,2): always 1
            q.put(item);
            System.out.println(CYAN + "生产者做好了 " + item + RESET);
        }
        q.join();
    }

    public static void main(String[] args) throws InterruptedException {
        JoinableProcessQueue<String> q = JoinableProcessQueue.create();
        Iterator<String> seq = IntStream.range(0, 10).mapToObj(i -> "包子" + i).iterator(); // ('包子%s' %i for i in range(10))

        JvmProcess p1 = new JvmProcess(() -> consumer("消费者1", q));
        JvmProcess p2 = new JvmProcess(() -> consumer("消费者2", q));
        JvmProcess p3 = new JvmProcess(() -> consumer("消费者3", q));
        p1.setDaemon(true);
        p2.setDaemon(true);
        p3.setDaemon(true);
        p1.start();
        p2.start();
        p3.start();

        producer(seq, q);

        System.out.println("主线程");
    }
}
