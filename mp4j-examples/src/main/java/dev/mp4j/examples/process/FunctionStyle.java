package dev.mp4j.examples.process;

import dev.mp4j.examples.PyTime;
import dev.mp4j.process.JvmProcess;
import java.util.ArrayList;
import java.util.List;

/**
 * Three processes started function style, then joined: seed 000, line 14 ("Day 32
 * process&amp;threading_4", section "1, python的Process类的进程调用").
 *
 * <p>Each child prints its argument and the time, then sleeps; the main process joins all three
 * and prints {@code end!} with the time. The three children run side by side, so the whole program
 * takes one sleep, not three. The twin's sleep is two {@linkplain PyTime#SECOND scaled seconds}.
 *
 * <p>The original:
 * <pre>{@code
 * ##############  进程调用
 * #  调用进程模块和时间模块,并测试多进程功能
 *
 * from multiprocessing import Process
 * import time
 *
 * def pp(name):
 *     """
 *     函数:完成进程调用测试工作
 *     :return:
 *     """
 *     print("you are coming!",name,time.ctime())
 *     time.sleep(2)
 *
 * if __name__ == '__main__':
 *     p_list = []
 *
 *     # 开三个分进程,程序本身算主进程
 *     for i in range(3):
 *         p = Process(target=pp,args=("%s" %i,))  # 调用方式基本和thread相似
 *         p_list.append(p)
 *         p.start()
 *
 *     for j in p_list:  # 分别阻断进程和主进程间关系
 *         j.join()
 *
 *     print("end!",time.ctime())
 * }</pre>
 * Output (the three child lines in any order, {@code end!} one sleep later):
 * <pre>
 * you are coming! 0 Mon Jan  1 12:00:00 2018
 * you are coming! 1 Mon Jan  1 12:00:00 2018
 * you are coming! 2 Mon Jan  1 12:00:00 2018
 * end! Mon Jan  1 12:00:02 2018
 * </pre>
 */
public final class FunctionStyle {
    private FunctionStyle() {
    }

    /** {@code pp(name)}: runs in each child. */
    static void pp(String name) throws InterruptedException {
        System.out.println("you are coming! " + name + " " + PyTime.ctime());
        PyTime.sleep(2);
    }

    public static void main(String[] args) {
        List<JvmProcess> processes = new ArrayList<>();
        // Three child processes; this program itself is the main process.
        for (int i = 0; i < 3; i++) {
            String name = String.valueOf(i);
            // The lambda's captured name is the args=("%s" % i,) of the original.
            JvmProcess p = new JvmProcess(() -> pp(name));
            processes.add(p);
            p.start();
        }
        for (JvmProcess p : processes) {
            p.join();
        }
        System.out.println("end! " + PyTime.ctime());
    }
}
