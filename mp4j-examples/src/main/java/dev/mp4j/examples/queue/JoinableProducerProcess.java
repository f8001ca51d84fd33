package dev.mp4j.examples.queue;

import dev.mp4j.process.JvmProcess;
import dev.mp4j.queue.JoinableProcessQueue;
import java.util.ArrayList;
import java.util.List;

/**
 * One producer process and three daemon consumers on a joinable queue: seed 002, lines 683-721
 * ("python day9 学习整理", 一个生产者+多个消费者: one producer and several consumers).
 *
 * <p>{@link JoinableConsumers} without the naps, and with the producer in a child process of its
 * own, {@code p4}, instead of the main process (也可以开启一个新的子进程当生产者,不用主线程当生产者:
 * a new child can be the producer, rather than the main thread). {@code p4} puts the ten buns and
 * joins the queue, so it ends once the three consumers have handled them all; the main process
 * joins {@code p4}, prints {@code 主线程} and ends, and the three daemon consumers with it. The
 * buns go to the producer as a list rather than a generator: the tutorial notes that on Windows
 * (which, like mp4j, starts a child afresh and sends it its arguments) a generator cannot be
 * passed; a Java {@link ArrayList} is serializable as a Python list is picklable.
 *
 * <p>The colour codes are printed as the original means them; the seed lost their backslashes.
 * Without naps the consumers are fast: one or two of them may handle every bun while the last is
 * still starting its JVM, in which case it is ended before it ever runs.
 *
 * <p>The original:
 * <pre>{@code
 * from multiprocessing import Process,JoinableQueue
 * import time,random
 * def consumer(name,q):
 *     while True:
 *         # time.sleep(random.randint(1,2))
 *         res=q.get()
 *         print('\033[45m%s拿到了 %s\033[0m' %(name,res))
 *         q.task_done()
 *
 *
 * def producer(seq,q):
 *     for item in seq:
 *         # time.sleep(random.randrange(1,2))
 *         q.put(item)
 *         print('\033[46m生产者做好了 %s\033[0m' %item)
 *     q.join()
 *
 * if __name__ == '__main__':
 *     q=JoinableQueue()
 *     seq=['包子%s' %i for i in range(10)] #在windows下无法传入生成器,我们可以用列表解析测试
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
 *     # producer(seq,q) #也可以是下面三行的形式,开启一个新的子进程当生产者,不用主线程当生产者
 *     p4=Process(target=producer,args=(seq,q))
 *     p4.start()
 *     p4.join()
 *     print('主线程')
 * }</pre>
 * Output (not shown in the tutorial; derived): the producer's and the consumers' lines in any
 * interleaving, each bun got by one consumer, {@code 主线程} last:
 * <pre>
 * 生产者做好了 包子0
 * ...
 * 消费者1拿到了 包子0
 * 消费者2拿到了 包子1
 * ...
 * 主线程
 * </pre>
 */
public final class JoinableProducerProcess {
    static final String MAGENTA = "\033[45m";
    static final String CYAN = "\033[46m";
    static final String RESET = "\033[0m";

    private JoinableProducerProcess() {
    }

    /** {@code consumer(name, q)}: each daemon child; never returns. */
    static void consumer(String name, JoinableProcessQueue<String> q) throws InterruptedException {
        while (true) {
            String res = q.get();
            System.out.println(MAGENTA + name + "拿到了 " + res + RESET);
            q.taskDone();
        }
    }

    /** {@code producer(seq, q)}: the child {@code p4}; returns once every item is done. */
    static void producer(List<String> seq, JoinableProcessQueue<String> q) throws InterruptedException {
        for (String item : seq) {
            q.put(item);
            System.out.println(CYAN + "生产者做好了 " + item + RESET);
        }
        q.join();
    }

    public static void main(String[] args) {
        JoinableProcessQueue<String> q = JoinableProcessQueue.create();
        // A list, not a generator, since it travels to the producer's process.
        List<String> seq = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            seq.add("包子" + i);
        }

        JvmProcess p1 = new JvmProcess(() -> consumer("消费者1", q));
        JvmProcess p2 = new JvmProcess(() -> consumer("消费者2", q));
        JvmProcess p3 = new JvmProcess(() -> consumer("消费者3", q));
        p1.setDaemon(true);
        p2.setDaemon(true);
        p3.setDaemon(true);
        p1.start();
        p2.start();
        p3.start();

        // A child as the producer, rather than the main process.
        JvmProcess p4 = new JvmProcess(() -> producer(seq, q));
        p4.start();
        p4.join();
        System.out.println("主线程");
    }
}
