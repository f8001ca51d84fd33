package dev.mp4j.examples.thread;

import dev.mp4j.Multiprocessing;
import dev.mp4j.examples.PyTime;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;

/**
 * One busy thread per CPU: seed 003, lines 216-225 ("2、多核CPU", multi-core CPUs).
 *
 * <p>The original starts {@code cpu_count()} threads that loop for ever, and its text explains
 * that under CPython's GIL they fill only about 1.6 of 4 cores, where "C, C++ or Java" fill them
 * all. This twin shows the Java side: the same threads, stopped after two
 * {@linkplain PyTime#SECOND scaled seconds} (the original runs until it is killed), then the CPU
 * time they used against the time they ran:
 * <pre>
 * 2 threads, one per CPU, looped for 1.00 s
 * Thread-0 used 0.98 s of CPU
 * Thread-1 used 0.97 s of CPU
 * CPU used: 195% of 200%
 * </pre>
 * (On a machine whose cores are shared with other work, as a small virtual machine's are, the
 * total is lower: the threads get what the host gives.)
 * Processes are what mp4j is for, but not to use the cores: Java threads already do. They are for
 * what threads cannot give (a crash or a runaway task that cannot take the program down, a hard
 * time limit, a heap of its own).
 *
 * <p>The original (Python 2):
 * <pre>{@code
 * import threading, multiprocessing
 *
 * def loop():
 *     x = 0
 *     while True:
 *         x = x ^ 1
 *
 * for i in range(multiprocessing.cpu_count()):
 *     t = threading.Thread(target=loop)
 *     t.start()
 * }</pre>
 */
public final class BusyLoops {
    private static volatile boolean stop;
    /** Where each loop leaves its x, so that the loop is not optimised away. */
    static volatile int sink;

    private BusyLoops() {
    }

    static void loop() {
        int x = 0;
        while (!stop) {
            x = x ^ 1;
        }
        sink = x;
    }

    public static void main(String[] args) throws InterruptedException {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        int cpus = Multiprocessing.cpuCount();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < cpus; i++) {
            Thread t = new Thread(BusyLoops::loop);
            t.start();
            threads.add(t);
        }
        PyTime.sleep(2);
        // The CPU time each thread has used, read while it still runs (a thread that has ended has none to read).
        long[] threadCpu = new long[threads.size()];
        long cpuNanos = 0;
        for (int i = 0; i < threads.size(); i++) {
            threadCpu[i] = Math.max(0, mx.getThreadCpuTime(threads.get(i).threadId()));
            cpuNanos += threadCpu[i];
        }
        long wallNanos = System.nanoTime() - start;
        stop = true;
        for (Thread t : threads) {
            t.join();
        }
        System.out.printf("%d threads, one per CPU, looped for %.2f s%n", cpus, wallNanos / 1e9);
        for (int i = 0; i < threads.size(); i++) {
            System.out.printf("%s used %.2f s of CPU%n", threads.get(i).getName(), threadCpu[i] / 1e9);
        }
        System.out.printf("CPU used: %d%% of %d%%%n", Math.round(100.0 * cpuNanos / wallNanos), 100 * cpus);
    }
}
