package dev.mp4j.examples.sync;

import dev.mp4j.examples.PyTime;
import dev.mp4j.process.JvmProcess;
import dev.mp4j.sync.ProcessLock;

/**
 * Ten processes take turns at the screen with a lock: seed 004, lines 65-84 ("多进程", section
 * "进程同步", process synchronisation).
 *
 * <p>The tutorial's point: processes share no memory, but they run side by side and compete for
 * what the system does share, such as the screen. Each child takes the lock, sleeps half a second,
 * prints its number and releases the lock, so the numbers come out one at a time, half a second
 * apart, in whatever order the children got the lock, instead of all at once. The note "这个锁是进程
 * 模块的锁" says it must be {@code multiprocessing.Lock}, not {@code threading.Lock}: here
 * {@link ProcessLock}, which lives in shared memory and is the same lock in every child it is
 * passed to.
 *
 * <p>The main process never joins; as a Python interpreter at exit, the twin's main process still
 * waits for its non-daemon children before it ends. The half-second sleep is half a
 * {@linkplain PyTime#SECOND scaled second}.
 *
 * <p>The original:
 * <pre>{@code
 * import multiprocessing
 * import time
 *
 * def zx (i,lock):
 *     lock.acquire()
 *     time.sleep(0.5)
 *     print(i)
 *     lock.release()
 *
 * if __name__ == '__main__':
 *     lock=multiprocessing.Lock()
 *     for i in range(10):
 *         i=multiprocessing.Process(target=zx,args=(i,lock))
 *         i.start()
 * }</pre>
 * Output (not shown in the tutorial; derived): the numbers 0 to 9, each once, one line every half
 * second, in the order the children took the lock:
 * <pre>
 * 0
 * 2
 * 1
 * ...
 * </pre>
 */
public final class LockPrint {
    private LockPrint() {
    }

    /** {@code zx(i, lock)}: runs in each child. */
    static void zx(int i, ProcessLock lock) throws InterruptedException {
        lock.acquire();
        // No try/finally, as in the original. Should a child die between the two, ProcessLock lets
        // the next waiter take the lock over (CPython's lock would stay taken forever).
        Thread.sleep(PyTime.SECOND.dividedBy(2)); // time.sleep(0.5)
        System.out.println(i);
        lock.release();
    }

    public static void main(String[] args) {
        ProcessLock lock = ProcessLock.create();
        for (int i = 0; i < 10; i++) {
            int n = i;
            // The original rebinds i to the Process object; the lambda captures the number and the lock.
            JvmProcess p = new JvmProcess(() -> zx(n, lock));
            p.start();
        }
    }
}
