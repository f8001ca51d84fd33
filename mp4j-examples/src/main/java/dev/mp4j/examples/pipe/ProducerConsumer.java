package dev.mp4j.examples.pipe;

import dev.mp4j.connection.Connection;
import dev.mp4j.connection.Pipe;
import dev.mp4j.process.JvmProcess;
import java.io.EOFException;
import java.io.IOException;
import java.util.Iterator;
import java.util.stream.IntStream;

/**
 * A producer and a consumer on a pipe, ended by EOF: seed 002, lines 751-790 ("python day9
 * 学习整理", "基于管道实现进程间通信").
 *
 * <p>The main process produces 0 to 9 into one end ({@code left}) and closes it; the consumer
 * child prints each item ({@code 收到包子}: "received bun") until {@code recv()} raises EOF, then
 * the main process joins it and prints {@code 主进程} ("main process").
 *
 * <p>The tutorial's point: each process must close the ends it does not use. EOF comes only once
 * <em>every</em> copy of the writing end is closed in every process; the child has a copy of
 * {@code left} too, so unless it closes it, its {@code recv()} waits forever. The producer closes
 * {@code right}, the consumer closes {@code left}.
 *
 * <p>The original:
 * <pre>{@code
 * from multiprocessing import Process,Pipe
 *
 * import time,os
 * def consumer(p,name):
 *     left,right=p
 *     left.close()
 *     while True:
 *         try:
 *             baozi=right.recv()
 *             print('%s 收到包子:%s' %(name,baozi))
 *         except EOFError:
 *             right.close()
 *             break
 * def producer(seq,p):
 *     left,right=p
 *     right.close()
 *     for i in seq:
 *         left.send(i)
 *         # time.sleep(1)
 *     else:
 *         left.close()
 * if __name__ == '__main__':
 *     left,right=Pipe()
 *
 *     c1=Process(target=consumer,args=((left,right),'c1'))
 *     c1.start()
 *
 *
 *     seq=(i for i in range(10))
 *     producer(seq,(left,right))
 *
 *     right.close()
 *     left.close()
 *
 *     c1.join()
 *     print('主进程')
 * }</pre>
 * Output (not shown in the tutorial; derived):
 * <pre>
 * c1 收到包子:0
 * c1 收到包子:1
 * ...
 * c1 收到包子:9
 * 主进程
 * </pre>
 */
public final class ProducerConsumer {
    private ProducerConsumer() {
    }

    /** {@code consumer(p, name)}: the child, reading until EOF. */
    static void consumer(Connection left, Connection right, String name) throws IOException {
        left.close(); // this process never writes: without this close, EOF could never come
        while (true) {
            try {
                Object baozi = right.recv();
                System.out.println(name + " 收到包子:" + baozi);
            } catch (EOFException e) {
                right.close();
                break;
            }
        }
    }

    /** {@code producer(seq, p)}: the main process, writing. */
    static void producer(Iterator<Integer> seq, Connection left, Connection right) throws IOException {
        right.close();
        while (seq.hasNext()) {
            left.send(seq.next());
        }
        // The original's for ... else: the else branch runs whenever the loop ends without break.
        left.close();
    }

    public static void main(String[] args) throws IOException {
        Pipe pipe = Pipe.open();
        Connection left = pipe.left();
        Connection right = pipe.right();

        // The child gets its own copies of both ends, as the forked child of the original does.
        JvmProcess c1 = new JvmProcess(() -> consumer(left, right, "c1"));
        c1.start();

        Iterator<Integer> seq = IntStream.range(0, 10).iterator(); // (i for i in range(10))
        producer(seq, left, right);

        right.close();
        left.close();

        c1.join();
        System.out.println("主进程");
    }
}
