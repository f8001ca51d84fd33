package dev.mp4j.examples.process;

import dev.mp4j.examples.PyTime;
import dev.mp4j.process.JvmProcess;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code terminate()} and {@code is_alive()}: seed 002, lines 333-356 ("python day9 学习整理",
 * "#进程对象的其他方法一:terminate,is_alive").
 *
 * <p>The main process starts one {@code Piao} process and terminates it at once. Termination is
 * not immediate, so {@code is_alive()} right after {@code terminate()} still says {@code True};
 * a moment later it says {@code False}. The child is killed before it prints anything.
 *
 * <p>In the original, the moment is the time one {@code print} takes, enough for a Python process
 * to die of SIGTERM most of the time. A JVM runs its shutdown hooks first, which takes longer than
 * a print, so the twin waits for the end (at most a second) before asking again: that gives the
 * {@code False} the tutorial promises every time rather than by luck. As in
 * {@link DaemonJoinTimeout}, the name given to {@code Piao} is lost and the process is
 * {@code Piao-1}. Booleans print as Python's {@code True} and {@code False}.
 *
 * <p>The original:
 * <pre>{@code
 * #进程对象的其他方法一:terminate,is_alive
 * from multiprocessing import Process
 * import time
 * import random
 *
 * class Piao(Process):
 *     def __init__(self,name):
 *         self.name=name
 *         super().__init__()
 *
 *     def run(self):
 *         print('%s is piaoing' %self.name)
 *         time.sleep(random.randrange(1,5))
 *         print('%s is piao end' %self.name)
 *
 *
 * p1=Piao('egon1')
 * p1.start()
 *
 * p1.terminate()#关闭进程,不会立即关闭,所以is_alive立刻查看的结果可能还是存活
 * print(p1.is_alive()) #结果为True
 *
 * print('开始')
 * print(p1.is_alive()) #结果为False
 * }</pre>
 * Output (as the tutorial's comments state):
 * <pre>
 * True
 * 开始
 * False
 * </pre>
 */
public final class TerminateIsAlive {
    private TerminateIsAlive() {
    }

    /** A process whose name argument is lost, as in the original (see {@link DaemonJoinTimeout}). */
    static final class Piao extends JvmProcess {
        private static final long serialVersionUID = 1L; // spares each child computing one

        Piao(String name) {
            // The original's self.name = name comes before Process.__init__, which overwrites it.
            super();
        }

        @Override
        public void run() throws InterruptedException {
            System.out.println(name() + " is piaoing");
            PyTime.sleep(ThreadLocalRandom.current().nextInt(1, 5));
            System.out.println(name() + " is piao end");
        }
    }

    public static void main(String[] args) {
        Piao p1 = new Piao("egon1");
        p1.start();

        p1.terminate(); // sends SIGTERM; the process does not end at once, so it may still be alive
        System.out.println(pythonBool(p1.isAlive())); // True

        System.out.println("开始");
        // The moment the original's print gives the child to die; a JVM needs longer (see above).
        p1.join(Duration.ofSeconds(1));
        System.out.println(pythonBool(p1.isAlive())); // False
    }

    /** How Python's {@code print} shows a bool. */
    private static String pythonBool(boolean b) {
        return b ? "True" : "False";
    }
}
