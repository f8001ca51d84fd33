package dev.mp4j.examples.queue;

import dev.mp4j.process.JvmProcess;
import dev.mp4j.queue.JoinableProcessQueue;
import java.util.Iterator;
import java.util.stream.IntStream;

/**
 * A joinable queue, a daemon consumer and a producer that joins the queue: seed 002, lines
 * 607-647 ("python day9 学习整理", "创建队列的另外一个类: JoinableQueue([maxsize])").
 *
 * <p>A {@code JoinableQueue} counts the items put and not yet handled: a consumer calls
 * {@code task_done()} after each item it got, and {@code join()} waits until the count is back
 * to zero. Here the main process puts ten buns, announcing each ({@code 生产者做好了}: "the
 * producer has made"), and joins the queue; the consumer child prints each bun it gets
 * ({@code 消费者拿到了}: "the consumer got") and marks it done. So when {@code producer} returns,
 * every bun has been handled, and the consumer, which loops for ever, is no longer needed: it is
 * a daemon, ended when the main process ends after printing {@code 主线程}. The tutorial's
 * comment on {@code p.daemon=True}: the consumer stops when the main process stops, and there is
 * no need to worry, since {@code q.join()} in {@code producer} guarantees it has handled every item
 * in the queue. The naps the original has commented out are left out.
 *
 * <p>The original:
 * <pre>{@code
 * from multiprocessing import Process,JoinableQueue
 * import time,random
 * def consumer(q):
 *     while True:
 *         # time.sleep(random.randint(1,2))
 *         res=q.get()
 *         print('消费者拿到了 %s' %res)
 *         q.task_done()
 *
 *
 * def producer(seq,q):
 *     for item in seq:
 *         # time.sleep(random.randrange(1,2))
 *         q.put(item)
 *         print('生产者做好了 %s' %item)
 *     q.join()
 *
 * if __name__ == '__main__':
 *     q=JoinableQueue()
 *     seq=('包子%s' %i for i in range(10))
 *
 *     p=Process(target=consumer,args=(q,))
 *     p.daemon=True #设置为守护进程,在主线程停止时p也停止,但是不用担心,producer内调用q.join保证了consumer已经处理完队列中的所有元素
 *     p.start()
 *
 *     producer(seq,q)
 *
 *     print('主线程')
 * }</pre>
 * Output (not shown in the tutorial; derived): the producer's ten lines (it need not wait for the
 * consumer, which is still starting), the consumer's ten, then {@code 主线程}:
 * <pre>
 * 生产者做好了 包子0
 * ...
 * 生产者做好了 包子9
 * 消费者拿到了 包子0
 * ...
 * 消费者拿到了 包子9
 * 主线程
 * </pre>
 */
public final class JoinableConsumer {
    private JoinableConsumer() {
    }

    /** {@code consumer(q)}: the daemon child; never returns. */
    static void consumer(JoinableProcessQueue<String> q) throws InterruptedException {
        while (true) {
            String res = q.get();
            System.out.println("消费者拿到了 " + res);
            q.taskDone();
        }
    }

    /** {@code producer(seq, q)}: the main process; returns once every item is done. */
    static void producer(Iterator<String> seq, JoinableProcessQueue<String> q) throws InterruptedException {
        while (seq.hasNext()) {
            String item = seq.next();
            q.put(item);
            System.out.println("生产者做好了 " + item);
        }
        q.join();
    }

    public static void main(String[] args) throws InterruptedException {
        JoinableProcessQueue<String> q = JoinableProcessQueue.create();
        Iterator<String> seq = IntStream.range(0, 10).mapToObj(i -> "包子" + i).iterator(); // ('包子%s' %i for i in range(10))

        JvmProcess p = new JvmProcess(() -> consumer(q));
        // A daemon: ended when the main process ends. No need to worry about its work: q.join()
        // in producer() has made sure it handled every item in the queue.
        p.setDaemon(true);
        p.start();

        producer(seq, q);

        System.out.println("主线程");
    }
}
