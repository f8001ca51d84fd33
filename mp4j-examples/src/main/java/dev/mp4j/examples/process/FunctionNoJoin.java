package dev.mp4j.examples.process;

import dev.mp4j.examples.PyTime;
import dev.mp4j.process.JvmProcess;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Four processes of a function, never joined: seed 002, lines 239-259 ("#开进程的方法一:", way
 * one to start processes; {@link SubclassNoJoin} is way two).
 *
 * <p>Each child runs {@code piao(name)}: prints {@code <name> piaoing}, sleeps 1-4
 * {@linkplain PyTime#SECOND scaled seconds} at random and prints {@code <name> piao end}. The main
 * process prints {@code 主线程} ("main thread") at once, without joining; it still does not exit
 * before its (non-daemon) children have finished, as a Python interpreter waits for them at
 * exit. The names are the original's, {@code wupeqi} spelled as it spells it here.
 *
 * <p>The original:
 * <pre>{@code
 * #开进程的方法一:
 * import time
 * import random
 * from multiprocessing import Process
 * def piao(name):
 *     print('%s piaoing' %name)
 *     time.sleep(random.randrange(1,5))
 *     print('%s piao end' %name)
 *
 * p1=Process(target=piao,args=('egon',)) #必须加,号
 * p2=Process(target=piao,args=('alex',))
 * p3=Process(target=piao,args=('wupeqi',))
 * p4=Process(target=piao,args=('yuanhao',))
 *
 * p1.start()
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
 * wupeqi piaoing
 * yuanhao piaoing
 * wupeqi piao end
 * ...
 * </pre>
 */
public final class FunctionNoJoin {
    private FunctionNoJoin() {
    }

    /** {@code piao(name)}: runs in each child. */
    static void piao(String name) throws InterruptedException {
        System.out.println(name + " piaoing");
        PyTime.sleep(ThreadLocalRandom.current().nextInt(1, 5));
        System.out.println(name + " piao end");
    }

    public static void main(String[] args) {
        // The lambda's captured name is the args=('egon',) of the original (no trailing comma to forget).
        JvmProcess p1 = new JvmProcess(() -> piao("egon"));
        JvmProcess p2 = new JvmProcess(() -> piao("alex"));
        JvmProcess p3 = new JvmProcess(() -> piao("wupeqi"));
        JvmProcess p4 = new JvmProcess(() -> piao("yuanhao"));

        p1.start();
        p2.start();
        p3.start();
        p4.start();
        System.out.println("主线程");
    }
}
