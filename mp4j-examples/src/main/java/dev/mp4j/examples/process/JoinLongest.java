package dev.mp4j.examples.process;

import dev.mp4j.examples.PyTime;
import dev.mp4j.process.JvmProcess;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Joining four running processes takes as long as the longest, not the sum: seed 002, lines
 * 380-423 ("python day9 学习整理", right after the daemon example).
 *
 * <p>Four function-style processes each sleep 1-3 {@linkplain PyTime#SECOND scaled seconds} at
 * random between two prints; the main process starts all four, then joins them one by one and
 * prints {@code 主线程} ("main thread"). The tutorial answers the question "with join, isn't the
 * program serial again?": no. {@code join()} blocks the main process, never the children, which
 * all run from their {@code start()}; while it waits for {@code p1}, {@code p2}-{@code p4} run on,
 * and their joins return at once if they are done by then. So the four joins take as long as the
 * longest child.
 *
 * <p>The original:
 * <pre>{@code
 * from multiprocessing import Process
 *
 * import time
 * import random
 * def piao(name):
 *     print('%s is piaoing' %name)
 *     time.sleep(random.randint(1,3))
 *     print('%s is piao end' %name)
 *
 * p1=Process(target=piao,args=('egon',))
 * p2=Process(target=piao,args=('alex',))
 * p3=Process(target=piao,args=('yuanhao',))
 * p4=Process(target=piao,args=('wupeiqi',))
 *
 * p1.start()
 * p2.start()
 * p3.start()
 * p4.start()
 *
 * #有的同学会有疑问:既然join是等待进程结束,那么我像下面这样写,进程不就又变成串行的了吗?
 * #当然不是了,必须明确:p.join()是让谁等?
 * #很明显p.join()是让主线程等待p的结束,卡住的是主线程而绝非进程p,
 *
 * #详细解析如下:
 * #进程只要start就会在开始运行了,所以p1-p4.start()时,系统中已经有四个并发的进程了
 * #而我们p1.join()是在等p1结束,没错p1只要不结束主线程就会一直卡在原地,这也是问题的关键
 * #join是让主线程等,而p1-p4仍然是并发执行的,p1.join的时候,其余p2,p3,p4仍然在运行,等#p1.join结束,可能p2,p3,p4早已经结束了,这样p2.join,p3.join.p4.join直接通过检测,无需等待
 * # 所以4个join花费的总时间仍然是耗费时间最长的那个进程运行的时间
 * p1.join()
 * p2.join()
 * p3.join()
 * p4.join()
 *
 * print('主线程')
 *
 *
 * #上述启动进程与join进程可以简写为
 * # p_l=[p1,p2,p3,p4]
 * #
 * # for p in p_l:
 * #     p.start()
 * #
 * # for p in p_l:
 * #     p.join()
 * }</pre>
 * Output (not shown in the tutorial; derived): four {@code is piaoing} lines, four
 * {@code is piao end} lines in the order of the sleeps, then {@code 主线程}:
 * <pre>
 * egon is piaoing
 * alex is piaoing
 * yuanhao is piaoing
 * wupeiqi is piaoing
 * alex is piao end
 * ...
 * 主线程
 * </pre>
 */
public final class JoinLongest {
    private JoinLongest() {
    }

    /** {@code piao(name)}: runs in each child. */
    static void piao(String name) throws InterruptedException {
        System.out.println(name + " is piaoing");
        PyTime.sleep(ThreadLocalRandom.current().nextInt(1, 4)); // randint(1,3): 1 to 3 inclusive
        System.out.println(name + " is piao end");
    }

    public static void main(String[] args) {
        JvmProcess p1 = new JvmProcess(() -> piao("egon"));
        JvmProcess p2 = new JvmProcess(() -> piao("alex"));
        JvmProcess p3 = new JvmProcess(() -> piao("yuanhao"));
        JvmProcess p4 = new JvmProcess(() -> piao("wupeiqi"));

        p1.start();
        p2.start();
        p3.start();
        p4.start();

        // Four children run from here on. Each join blocks only the main process: while it waits
        // for p1 the others keep running, and by then their joins may have nothing left to wait for.
        p1.join();
        p2.join();
        p3.join();
        p4.join();

        System.out.println("主线程");
    }
}
