package dev.mp4j.examples.thread;

import dev.mp4j.examples.PyTime;
import java.util.concurrent.SynchronousQueue;

/**
 * A producer and a consumer that hand each message over, coroutine style: seed 000, line 45
 * ("三, 协程", coroutines).
 *
 * <p>In the original the consumer is a generator: {@code c.send(n)} jumps into it with a message,
 * it works for one second and jumps back with {@code '200 OK'}; one thread, no lock, the two
 * taking turns. Java has no generators; the same hand-off is two threads meeting at a
 * {@link SynchronousQueue} each way, so that exactly one of them runs at a time, in the same turns
 * (a virtual thread for the consumer, as cheap as a coroutine to start). {@code send(null)} ends
 * the consumer, as {@code c.close()} does.
 *
 * <p>The original (its line numbers removed):
 * <pre>{@code
 * import time
 *
 * def consumer():
 *     r = ''
 *     while True:
 *         n = yield r
 *         if not n:
 *             return
 *         print('[CONSUMER] ←← Consuming %s...' % n)
 *         time.sleep(1)
 *         r = '200 OK'
 * def produce(c):
 *     next(c)
 *     n = 0
 *     while n < 5:
 *         n = n + 1
 *         print('[PRODUCER] →→ Producing %s...' % n)
 *         cr = c.send(n)
 *         print('[PRODUCER] Consumer return: %s' % cr)
 *     c.close()
 * if __name__=='__main__':
 *     c = consumer()
 *     produce(c)
 * }</pre>
 * Output:
 * <pre>
 * [PRODUCER] →→ Producing 1...
 * [CONSUMER] ←← Consuming 1...
 * [PRODUCER] Consumer return: 200 OK
 * ...
 * [PRODUCER] →→ Producing 5...
 * [CONSUMER] ←← Consuming 5...
 * [PRODUCER] Consumer return: 200 OK
 * </pre>
 */
public final class CoroutineProducerConsumer {
    private CoroutineProducerConsumer() {
    }

    /** The generator's two directions: messages in, answers out. */
    static final class Consumer {
        /** What a message of {@code 0} or {@code None} is in the original: the end. */
        private static final Integer END = 0;
        private final SynchronousQueue<Integer> in = new SynchronousQueue<>();
        private final SynchronousQueue<String> out = new SynchronousQueue<>();
        private final Thread thread = Thread.ofVirtual().unstarted(this::body);

        /** The generator's body: runs only between a send and its answer. */
        private void body() {
            try {
                String r = "";
                while (true) {
                    out.put(r);
                    int n = in.take();
                    if (n == END) {
                        return;
                    }
                    System.out.println("[CONSUMER] ←← Consuming " + n + "...");
                    PyTime.sleep(1);
                    r = "200 OK";
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** {@code next(c)}: runs the body to its first {@code yield}. */
        String start() throws InterruptedException {
            thread.start();
            return out.take();
        }

        /** {@code c.send(n)}: hands {@code n} over and waits for the next {@code yield}. */
        String send(int n) throws InterruptedException {
            in.put(n);
            return out.take();
        }

        /** {@code c.close()}: ends the body where it waits, and waits for it to end. */
        void close() throws InterruptedException {
            in.put(END);
            thread.join();
        }
    }

    static void produce(Consumer c) throws InterruptedException {
        c.start();
        int n = 0;
        while (n < 5) {
            n = n + 1;
            System.out.println("[PRODUCER] →→ Producing " + n + "...");
            String cr = c.send(n);
            System.out.println("[PRODUCER] Consumer return: " + cr);
        }
        c.close();
    }

    public static void main(String[] args) throws InterruptedException {
        Consumer c = new Consumer();
        produce(c);
    }
}
