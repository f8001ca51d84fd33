package dev.mp4j.examples.process;

import dev.mp4j.examples.PyTime;
import dev.mp4j.process.JvmProcess;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A process's other attributes, its name and its pid: seed 002, lines 426-448
 * ("#进程对象的其他属性:name,pid").
 *
 * <p>The name is set after the superclass is initialised: set before, it would be overwritten
 * by the default {@code Piao-1} (the original's comment says why; so does {@link JvmProcess}'s
 * constructor here). The child prints {@code egon is piaoing}, sleeps 1-2
 * {@linkplain PyTime#SECOND scaled seconds} and prints {@code egon is piao end}; the main process
 * prints {@code 开始} ("start") and the child's pid at once, long before the child's JVM is up:
 * {@code pid()} is known as soon as {@code start()} returns.
 *
 * <p>The original:
 * <pre>{@code
 * #进程对象的其他属性:name,pid
 * from multiprocessing import Process
 * import time
 * import random
 * class Piao(Process):
 *     def __init__(self,name):
 *         # self.name=name
 *         # super().__init__() #Process的__init__方法会执行self.name=Piao-1,
 *         #                    #所以加到这里,会覆盖我们的self.name=name
 *
 *         #为我们开启的进程设置名字的做法
 *         super().__init__()
 *         self.name=name
 *
 *     def run(self):
 *         print('%s is piaoing' %self.name)
 *         time.sleep(random.randrange(1,3))
 *         print('%s is piao end' %self.name)
 *
 * p=Piao('egon')
 * p.start()
 * print('开始')
 * print(p.pid) #查看pid
 * }</pre>
 * Output:
 * <pre>
 * 开始
 * 12345
 * egon is piaoing
 * egon is piao end
 * </pre>
 */
public final class NamePid {
    private NamePid() {
    }

    /** A process with a name of its own; static nested, as the object travels to its child. */
    static final class Piao extends JvmProcess {
        private static final long serialVersionUID = 1L; // spares each child computing one

        Piao(String name) {
            super();
            // After super(): the superclass has given the default name Piao-1, which this replaces.
            setName(name);
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
        p.start();
        System.out.println("开始");
        System.out.println(p.pid()); // the child's pid
    }
}
