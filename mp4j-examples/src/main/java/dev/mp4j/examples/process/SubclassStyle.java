package dev.mp4j.examples.process;

import dev.mp4j.examples.PyTime;
import dev.mp4j.process.JvmProcess;
import java.util.ArrayList;
import java.util.List;

/**
 * Three processes of a {@code Process} subclass that overrides {@code run}: seed 000, line 18
 * ("Day 32 process&amp;threading_4", section "2,继承类的调用方式").
 *
 * <p>{@code start()} runs {@code run()} in the child, where the process object prints itself:
 * CPython's {@code <MyProcess name='MyProcess-1' parent=4242 started>}, with the default name
 * made of the class name and a counter, and {@code parent=} the main process's pid. The main
 * process joins all three and prints {@code END!}. The twin's sleep is two
 * {@linkplain PyTime#SECOND scaled seconds}.
 *
 * <p>The original:
 * <pre>{@code
 * ######## 继承Process类调用
 * #
 *
 * from multiprocessing import Process
 * import time
 *
 * class MyProcess(Process):
 *     """
 *     继承父类Process的所用属性和功能
 *     """
 *     def __init__(self):
 *         Process.__init__(self)  # 继承父类的所有__init__属性
 *
 *     # 实例执行start时,自动触发run的执行,可查看系统源码追溯到
 *     def run(self):
 *         print("Welcome to beijing!",self,time.ctime())
 *         time.sleep(2)
 *
 * if __name__ == '__main__':
 *     p_list = []
 *     for i in range(3):
 *         xx = MyProcess()
 *         xx.start()
 *         p_list.append(xx)
 *
 *     for j in p_list:
 *         j.join()
 *
 *     print("END!",time.ctime())
 * }</pre>
 * Output (the three child lines in any order):
 * <pre>
 * Welcome to beijing! &lt;MyProcess name='MyProcess-1' parent=4242 started&gt; Mon Jan  1 12:00:00 2018
 * Welcome to beijing! &lt;MyProcess name='MyProcess-2' parent=4242 started&gt; Mon Jan  1 12:00:00 2018
 * Welcome to beijing! &lt;MyProcess name='MyProcess-3' parent=4242 started&gt; Mon Jan  1 12:00:00 2018
 * END! Mon Jan  1 12:00:02 2018
 * </pre>
 */
public final class SubclassStyle {
    private SubclassStyle() {
    }

    /**
     * Inherits everything from {@link JvmProcess}; the object itself travels to the child, so it
     * is a static nested class (no hidden reference to an enclosing object).
     */
    static final class MyProcess extends JvmProcess {
        private static final long serialVersionUID = 1L; // spares each child computing one

        MyProcess() {
            super(); // all of JvmProcess's initialisation: the default name MyProcess-N among it
        }

        /** {@code start()} runs this in the child. */
        @Override
        public void run() throws InterruptedException {
            System.out.println("Welcome to beijing! " + this + " " + PyTime.ctime());
            PyTime.sleep(2);
        }
    }

    public static void main(String[] args) {
        List<JvmProcess> processes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            MyProcess xx = new MyProcess();
            xx.start();
            processes.add(xx);
        }
        for (JvmProcess p : processes) {
            p.join();
        }
        System.out.println("END! " + PyTime.ctime());
    }
}
