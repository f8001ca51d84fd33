package dev.mp4j.examples.shared;

import dev.mp4j.process.JvmProcess;
import dev.mp4j.shared.IntValue;
import dev.mp4j.shared.Value;
import dev.mp4j.sync.AbstractProcessLock;
import dev.mp4j.sync.ProcessBarrier;

/**
 * A balance changed under a lock, done with processes and a shared value: seed 003, lines 174-196
 * ("python基础-线程和进程", section "二、多线程 / 1、Lock").
 *
 * <p>The lesson uses threads: they share the process's variables, so two threads that both change
 * {@code balance} must take a lock around each change, or their read-modify-writes interleave and
 * the balance drifts from 0. The tutorial notes that processes, by contrast, each have their own
 * copy of every variable. The twin makes the same program work with processes by putting the
 * balance in shared memory: {@code Value.ofInt(0)} is Python's {@code Value('i', 0)}, and its
 * {@link IntValue#getLock() lock} (a re-entrant process lock, as CPython's {@code get_lock()})
 * takes the place of {@code threading.Lock()}. Each of two processes adds and subtracts its
 * amount 100000 times under the lock; the balance ends at 0.
 *
 * <p>The seed shows only the lock and {@code run_thread}; the rest ({@code change_it} and the two
 * threads with 5 and 8) is completed from the tutorial it copies (Liao Xuefeng's Python 2
 * course, "多线程"), as the line {@code change_it(n)} requires. Two threads start within microseconds of
 * each other; two child JVMs come up as much as a quarter of a second apart here, while one
 * process's 100000 changes take less than a tenth of a second, so the first could be done before
 * the second begins and the lock would guard nothing. The twin therefore lets both processes meet
 * at a {@link ProcessBarrier} before their loops, so they change the balance at the same time, as
 * the threads do. (Measured: without the lock, the balance then ends far from 0 every time.)
 *
 * <p>The original (the seed's lines, then the tutorial's):
 * <pre>{@code
 * balance = 0
 * lock = threading.Lock()
 *
 * def run_thread(n):
 *     for i in range(100000):
 *         # 先要获取锁:
 *         lock.acquire()   #当多个线程同时执行lock.acquire()时,只有一个线程能成功地获取锁,然后继续执行代码,其他线程就继续等待直到获得锁为止
 *         try:
 *             # 放心地改吧:
 *             change_it(n)
 *         finally:
 *             # 改完了一定要释放锁:
 *             lock.release()
 *
 * # completed from the tutorial the seed copies (Python 2, as the seed):
 * def change_it(n):
 *     # 先存后取,结果应该为0:
 *     global balance
 *     balance = balance + n
 *     balance = balance - n
 *
 * t1 = threading.Thread(target=run_thread, args=(5,))
 * t2 = threading.Thread(target=run_thread, args=(8,))
 * t1.start()
 * t2.start()
 * t1.join()
 * t2.join()
 * print balance
 * }</pre>
 * Output:
 * <pre>
 * 0
 * </pre>
 */
public final class SharedBalance {
    /** How many times each process changes the balance, as in the original. */
    static final int ROUNDS = 100_000;

    private SharedBalance() {
    }

    /** {@code change_it(n)}: deposit, then withdraw the same; two separate steps, so not atomic. */
    static void changeIt(IntValue balance, int n) {
        balance.set(balance.get() + n);
        balance.set(balance.get() - n);
    }

    /** {@code run_thread(n)}: runs in each child (its name kept from the threading lesson). */
    static void runThread(IntValue balance, ProcessBarrier start, int n) throws Exception {
        start.await(); // both processes begin together, as two threads would (see above)
        AbstractProcessLock lock = balance.getLock(); // its own lock, re-entrant as Python's
        for (int i = 0; i < ROUNDS; i++) {
            // Take the lock first: of all the processes calling acquire() at once, one gets it and
            // goes on; the others wait until it is released.
            lock.acquire();
            try {
                // Change it without fear:
                changeIt(balance, n);
            } finally {
                // Always release the lock once done:
                lock.release();
            }
        }
    }

    public static void main(String[] args) {
        IntValue balance = Value.ofInt(0); // the balance, in memory both children share
        ProcessBarrier start = ProcessBarrier.create(2);
        JvmProcess t1 = new JvmProcess(() -> runThread(balance, start, 5));
        JvmProcess t2 = new JvmProcess(() -> runThread(balance, start, 8));
        t1.start();
        t2.start();
        t1.join();
        t2.join();
        System.out.println(balance.get());
    }
}
