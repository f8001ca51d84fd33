package dev.mp4j.examples.process;

import dev.mp4j.examples.PyTime;
import dev.mp4j.process.JvmProcess;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Four named processes of a subclass, never joined: seed 002, lines 260-285 ("python day9
 * 学习整理", "#开进程的方法二:", way two to start processes).
 *
 * <p>Each {@code Piao} gets its own name after the superclass is initialised, prints
 * {@code <name> piaoing}, sleeps 1-4 {@linkplain PyTime#SECOND scaled seconds} at random and
 * prints {@code <name> piao end}. The main process prints {@code 主线程} ("main thread") at
 * once, without joining; it still does not exit before its (non-daemon) children have finished,
 * as a Python interpreter waits for them at exit.
 *
 * <p>The original:
 * <pre>{@code
 * #开进程的方法二:
 * import time
 * import random
 * from multiprocessing import Process
 *
 *
 * class Piao(Process):
 *     def __init__(self,name):
 *         super().__init__()
 *         self.name=name
 *     def run(self):
 *         print('%s piaoing' %self.name)
 *
 *         time.sleep(random.randrange(1,5))
 *         print('%s piao end' %self.name)
 *
 * p1=Piao('egon')
 * p2=Piao('alex')
 * p3=Piao('wupeiqi')
 * p4=Piao('yuanhao')
 *
 * p1.start() #start会自动调用run
 * p2.start()
 * p3.start()
 * p4.start()
 * print('主线程')
 * }</pre>
 * Output ({@code 主线程} first, the {@code piao end} lines in the order of the random sleeps):
 * <pre>
 * 主线程
 * egon piaoing
 * alex piaoing
 * wupeiqi piaoing
 * yuanhao piaoing
 * alex piao end
 * ...
 * </pre>
 */
public final class SubclassNoJoin {
    private SubclassNoJoin() {
    }

    /** A process with a name of its own; static nested, as the object travels to its child. */
    static final class Piao extends JvmProcess {
        private static final long serialVersionUID = 1L; // spares each child computing one

        Piao(String name) {
            super();
            // After super(), as in the original: the superclass has given the default name Piao-N.
            setName(name);
        }

        @Override
        public void run() throws InterruptedException {
            System.out.println(name() + " piaoing");
            PyTime.sleep(ThreadLocalRandom.current().nextInt(1, 5));
            System.out.println(name() + " piao end");
        }
    }

    public static void main(String[] args) {
        Piao p1 = new Piao("egon");
        Piao p2 = new Piao("alex");
        Piao p3 = new Piao("wupeiqi");
        Piao p4 = new Piao("yuanhao");

        p1.start(); // start() runs run() in the child
        p2.start();
        p3.start();
        p4.start();
        System.out.println("主线程");
    }
}
