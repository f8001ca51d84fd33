package dev.mp4j.examples.queue;

import dev.mp4j.examples.PyTime;
import dev.mp4j.process.JvmProcess;
import dev.mp4j.queue.ProcessQueue;

/**
 * A child that puts a greeting into a queue every half second, for ever, and a main process that
 * prints whatever it gets, for ever: seed 004, lines 86-107 ("多进程", section "进程间通讯", 进程队列
 * Queue).
 *
 * <p>{@code 来啊客官} is a shop's call to passers-by ("come on in, sir"). The tutorial's remark on
 * the section: a queue, like a pipe, lets processes exchange data, but does not let them share
 * it, that is, let one process change another's data. The queue holds at most three items; the
 * main process takes each as soon as it comes, so it never holds more than one and the bound
 * never bites.
 *
 * <p>Both loops are endless in the original, which runs until it is killed. The twin is bounded:
 * its main process prints {@link #SHOWN} greetings, then terminates the child (not a daemon, so
 * the program would otherwise wait for it for ever) and ends. The queue is a module global in the
 * original, made again by every child that imports the module but used only as the argument
 * passed to the child; the twin makes it in {@code main}. The half second is half a
 * {@linkplain PyTime#SECOND scaled second}.
 *
 * <p>The original:
 * <pre>{@code
 * import multiprocessing
 * import time
 *
 * q=multiprocessing.Queue(3)
 * def zx(q):
 *     while 1:
 *         time.sleep(0.5)
 *         q.put("来啊客官")
 *
 * if __name__ == '__main__':
 *     j=multiprocessing.Process(target=zx,args=(q,))
 *     j.start()
 *     while 1:
 *         print(q.get())
 * }</pre>
 * Output (not shown in the tutorial; derived): a line every half second, without end (in the
 * twin, ten lines):
 * <pre>
 * 来啊客官
 * 来啊客官
 * 来啊客官
 * ...
 * </pre>
 */
public final class EndlessProducer {
    /** How many greetings the twin's main process prints before it stops the endless child. */
    static final int SHOWN = 10;

    private EndlessProducer() {
    }

    /** {@code zx(q)}: the child; puts a greeting every half second, for ever. */
    static void zx(ProcessQueue<String> q) throws InterruptedException {
        while (true) {
            Thread.sleep(PyTime.SECOND.dividedBy(2)); // time.sleep(0.5)
            q.put("来啊客官");
        }
    }

    public static void main(String[] args) throws InterruptedException {
        ProcessQueue<String> q = ProcessQueue.create(3);
        JvmProcess j = new JvmProcess(() -> zx(q));
        j.start();
        // while 1: print(q.get()), bounded (see the class comment)
        for (int n = 0; n < SHOWN; n++) {
            System.out.println(q.get());
        }
        j.terminate();
        j.join();
    }
}
