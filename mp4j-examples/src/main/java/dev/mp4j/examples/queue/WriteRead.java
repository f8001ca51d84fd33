package dev.mp4j.examples.queue;

import dev.mp4j.examples.PyTime;
import dev.mp4j.process.JvmProcess;
import dev.mp4j.queue.ProcessQueue;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A writer process and a reader process on one queue, the reader giving up when the queue is
 * empty: seed 003, lines 113-147 ("python基础-线程和进程", section "3、进程间通信").
 *
 * <p>The parent makes the queue and hands it to both children. The writer puts {@code A},
 * {@code B} and {@code C}, announcing each ({@code Put A to queue...}), then sleeps up to a second
 * ({@code random.random()}). The reader loops: if the queue is empty it returns, otherwise it gets
 * an item and prints it ({@code A from Queue}). The main process starts the writer, then the
 * reader, joins the writer and terminates the reader, which may well have returned by then.
 *
 * <p>The tutorial's source has the reader wait in {@code q.get(True)} for ever, hence the
 * {@code terminate()}; this version returns at the first empty queue instead, so what it reads
 * depends on when it starts. A reader that starts before the first put reads nothing; one that
 * starts after the third reads all three; one that overtakes the writer reads what was there and
 * stops. The twin's children are JVMs that take tens of milliseconds to come up, in either order,
 * while the writer's three puts take well under one: in practice the reader reads nothing (it
 * came up first) or all three, both often. Whatever it reads it reads in order, {@code A} first. The writer's sleep is {@code random()}
 * {@linkplain PyTime#SECOND scaled seconds}. The program is Python 2, as the seed: {@code print}
 * separates its arguments with a space.
 *
 * <p>The original:
 * <pre>{@code
 * from multiprocessing import Process,Queue
 * import os, time, random
 *
 * #写数据进程执行的代码:
 * def write(q):
 *     for value in ['A','B','C']:
 *         print 'Put %s to queue...'  % value
 *         q.put(value)
 *     time.sleep(random.random())
 *
 * #读数据进程执行的代码:
 * def read(q):
 *     while True:
 *         if q.empty():
 *             return
 *         else:
 *             value = q.get()
 *             print value,'from Queue'
 *
 * if __name__=='__main__':
 *     #父进程创建Queue,并传给各个子进程:
 *     q = Queue()
 *     pw = Process(target=write,args=(q,))
 *     pr = Process(target=read,args=(q,))
 *     #启动子进程pw,写入:
 *     pw.start()
 *     #启动子进程pr,读取:
 *     pr.start()
 *     #等待pw,pr结束:
 *     pw.join()
 *     pr.terminate()
 * }</pre>
 * Output (not shown in the tutorial; derived), when the reader comes up after the writer's puts:
 * <pre>
 * Put A to queue...
 * Put B to queue...
 * Put C to queue...
 * A from Queue
 * B from Queue
 * C from Queue
 * </pre>
 */
public final class WriteRead {
    private WriteRead() {
    }

    /** {@code write(q)}: the code the writing child runs. */
    static void write(ProcessQueue<String> q) throws InterruptedException {
        for (String value : List.of("A", "B", "C")) {
            System.out.println("Put " + value + " to queue...");
            q.put(value);
        }
        // time.sleep(random.random()): up to one scaled second
        Thread.sleep(Duration.ofNanos((long) (ThreadLocalRandom.current().nextDouble() * PyTime.SECOND.toNanos())));
    }

    /** {@code read(q)}: the code the reading child runs; returns at the first empty queue. */
    static void read(ProcessQueue<String> q) throws InterruptedException {
        while (true) {
            if (q.empty()) {
                return;
            } else {
                String value = q.get();
                System.out.println(value + " from Queue");
            }
        }
    }

    public static void main(String[] args) {
        // The parent makes the queue and passes it to each child.
        ProcessQueue<String> q = ProcessQueue.create();
        JvmProcess pw = new JvmProcess(() -> write(q));
        JvmProcess pr = new JvmProcess(() -> read(q));
        // Start the writer, pw:
        pw.start();
        // Start the reader, pr:
        pr.start();
        // Wait for pw to end (and end pr):
        pw.join();
        pr.terminate();
    }
}
