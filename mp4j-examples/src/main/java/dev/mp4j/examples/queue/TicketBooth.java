package dev.mp4j.examples.queue;

import dev.mp4j.examples.PyTime;
import dev.mp4j.process.JvmProcess;
import dev.mp4j.queue.ProcessQueue;
import dev.mp4j.sync.ProcessLock;
import java.util.ArrayList;
import java.util.List;

/**
 * Five ticket booths pass the ticket count around in a queue, under a lock: seed 001, lines 43-77
 * ("Python multiprocessing", "Pipe和Queue", part 2, Queue).
 *
 * <p>The queue holds one item, the number of tickets left, 10 to begin with. Each of five booth
 * processes loops: if the queue is empty it exits ({@code os._exit(0)}); otherwise it gets the
 * count and takes the lock; if a ticket is left it sells one, puts the new count back, prints
 * {@code Left n tickets!} and does some work ({@code doChorme}, 0.1 seconds) still holding the
 * lock; with no ticket left it prints {@code No more tickets!} and exits. Then it releases the lock,
 * works again and loops. Whoever holds the count is the only one who can sell, so the counts come
 * out 9 down to 0, each once, and the booth that gets 0 says there are none left. Being
 * first-in-first-out, the queue hands the count to whichever booth waits in {@code get()} first;
 * a booth that finds the queue empty because another holds the count goes home. The tutorial
 * introduces the program with: a Queue, like a Pipe, is first in, first out, but lets several
 * processes put and several get; {@code Queue(maxsize)} bounds how many objects it holds.
 *
 * <p>The seed lost the program's indentation; the twin reads it the one way the lines make sense:
 * the {@code doChorme()} after each sale inside the {@code if} branch, {@code lock.release()} and
 * the last {@code doChorme()} at the level of the loop body. Python's {@code os._exit(0)}, which
 * ends the process at once, skipping clean-up, is {@link Runtime#halt(int) halt(0)}. The queue, the
 * lock and the count are module globals in the original, made when the main module runs; here
 * they are made in {@code main}, which is where a forked child's copies would come from anyway.
 * {@code queue.close()} says only that the main process will not use the queue again. The
 * {@code 0.1} second is a tenth of a {@linkplain PyTime#SECOND scaled second}; the PIDs printed are
 * the booth JVMs'.
 *
 * <p>The original can hang: two booths that both see the count in the queue both call
 * {@code get()}; one gets it, the other waits for the next put. A booth still waiting in
 * {@code get()} when the last count (0) is taken waits for ever, and the main process in
 * {@code join()} with it. It is rare (each sale hands the count to a waiting booth first, so only
 * a booth that arrives in the last moments stays stuck), but on a busy machine it happens. The
 * twin's one change: a booth waits for the count at most a (scaled) second, ten times the longest
 * it takes to come round, and then goes home as one that found the queue empty.
 *
 * <p>The original (indentation restored):
 * <pre>{@code
 * import multiprocessing
 * import os
 * import time
 * def doChorme():
 *     time.sleep(0.1)
 * def booth(queue,lock):
 *     while True:
 *         if queue.empty():
 *             os._exit(0)
 *         i = queue.get()
 *         lock.acquire()
 *         if i > 0:
 *             i = i - 1
 *             queue.put(i)
 *             print("Process:",os.getpid(),"Left %d tickets!" %i)
 *             doChorme()
 *         else:
 *             print("Process:",os.getpid(),"No more tickets!")
 *             os._exit(0)
 *         lock.release()
 *         doChorme()
 * i = 10
 * record = []
 * lock = multiprocessing.Lock()
 * queue = multiprocessing.Queue(100)
 * queue.put(i)
 * if __name__ == "__main__":
 *     for n in range(5):
 *         process = multiprocessing.Process(target=booth, args=(queue, lock))
 *         process.start()
 *         record.append(process)
 *     queue.close()
 *     for m in record:
 *         m.join()
 * }</pre>
 * Output (not shown in the tutorial; derived): the counts 9 down to 0, from whichever booths held
 * the count, then the booth that got 0:
 * <pre>
 * Process: 51234 Left 9 tickets!
 * Process: 51234 Left 8 tickets!
 * Process: 51236 Left 7 tickets!
 * ...
 * Process: 51236 Left 0 tickets!
 * Process: 51240 No more tickets!
 * </pre>
 */
public final class TicketBooth {
    /** How many tickets there are, {@code i = 10}. */
    static final int TICKETS = 10;
    /** How many booths, {@code range(5)}. */
    static final int BOOTHS = 5;

    private TicketBooth() {
    }

    /** {@code doChorme()}: some work, {@code time.sleep(0.1)}. */
    static void doChorme() throws InterruptedException {
        Thread.sleep(PyTime.SECOND.dividedBy(10));
    }

    /** {@code booth(queue, lock)}: runs in each booth's child. */
    static void booth(ProcessQueue<Integer> queue, ProcessLock lock) throws InterruptedException {
        long pid = ProcessHandle.current().pid();
        while (true) {
            if (queue.empty()) {
                Runtime.getRuntime().halt(0); // os._exit(0)
            }
            int i;
            try {
                i = queue.get(true, PyTime.SECOND); // the original: queue.get(), which may wait for ever
            } catch (dev.mp4j.queue.QueueEmptyException countIsGone) {
                Runtime.getRuntime().halt(0); // os._exit(0), as for an empty queue
                return;
            }
            lock.acquire();
            if (i > 0) {
                i = i - 1;
                queue.put(i);
                System.out.println("Process: " + pid + " Left " + i + " tickets!");
                doChorme();
            } else {
                System.out.println("Process: " + pid + " No more tickets!");
                // Still holding the lock, as in the original: nobody needs it any more, as there
                // is no count left to hand on.
                Runtime.getRuntime().halt(0); // os._exit(0)
            }
            lock.release();
            doChorme();
        }
    }

    public static void main(String[] args) throws InterruptedException {
        int i = TICKETS;
        List<JvmProcess> record = new ArrayList<>();
        ProcessLock lock = ProcessLock.create();
        ProcessQueue<Integer> queue = ProcessQueue.create(100);
        queue.put(i);

        for (int n = 0; n < BOOTHS; n++) {
            JvmProcess process = new JvmProcess(() -> booth(queue, lock));
            process.start();
            record.add(process);
        }
        queue.close();
        for (JvmProcess m : record) {
            m.join();
        }
    }
}
