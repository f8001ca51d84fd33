package dev.mp4j.examples.process;

import dev.mp4j.examples.PyTime;
import dev.mp4j.process.JvmProcess;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A daemon process and a join with a timeout: seed 002, lines 360-379 ("python day9 学习整理",
 * "#进程对象的其他方法二:p.daemon=True,p.join").
 *
 * <p>One daemon {@code Piao} process; the main process waits for it only 0.0001 s
 * ({@code p.join(0.0001)}), prints {@code 开始} ("start") and exits, which terminates the daemon
 * before it finishes: {@code is piao end} never appears. A child JVM cannot even start within
 * 0.1 ms, so the twin prints {@code 开始} alone (the original may print {@code Piao-1 is piaoing}
 * first).
 *
 * <p>The original assigns {@code self.name} <em>before</em> {@code Process.__init__}, which then
 * resets it to the default: the process is called {@code Piao-1}, not {@code egon} (the tutorial
 * explains this at lines 432-434). The twin keeps that outcome.
 *
 * <p>The original:
 * <pre>{@code
 * #进程对象的其他方法二:p.daemon=True,p.join
 * from multiprocessing import Process
 * import time
 * import random
 *
 * class Piao(Process):
 *     def __init__(self,name):
 *         self.name=name
 *         super().__init__()
 *     def run(self):
 *         print('%s is piaoing' %self.name)
 *         time.sleep(random.randrange(1,3))
 *         print('%s is piao end' %self.name)
 *
 *
 * p=Piao('egon')
 * p.daemon=True #一定要在p.start()前设置,设置p为守护进程,禁止p创建子进程,并且父进程死,p跟着一起死
 * p.start()
 * p.join(0.0001) #等待p停止,等0.0001秒就不再等了
 * print('开始')
 * }</pre>
 * Output (not shown in the tutorial; derived):
 * <pre>
 * 开始
 * </pre>
 */
public final class DaemonJoinTimeout {
    private DaemonJoinTimeout() {
    }

    /** A process whose name argument is lost, as in the original. */
    static final class Piao extends JvmProcess {
        private static final long serialVersionUID = 1L; // spares each child computing one

        Piao(String name) {
            // The original sets self.name = name first and Process.__init__ then overwrites it with
            // Piao-1. Java cannot set the inherited name before super() runs, so the name is dropped
            // here and the default one stays, which is what the original ends up with.
            super();
        }

        @Override
        public void run() throws InterruptedException {
            System.out.println(name() + " is piaoing");
            PyTime.sleep(ThreadLocalRandom.current().nextInt(1, 3));
            System.out.println(name() + " is piao end");
        }
    }

    public static void main(String[] args) {
        Piao p = new Piao("egon");
        // Before start(): p becomes a daemon, may not start children, and dies with its parent.
        p.setDaemon(true);
        p.start();
        p.join(Duration.ofNanos(100_000)); // wait for p to stop, but give up after 0.0001 s
        System.out.println("开始");
    }
}
