package dev.mp4j.examples.process;

import dev.mp4j.examples.PyTime;
import dev.mp4j.process.JvmProcess;

/**
 * PIDs and parent PIDs: seed 004, lines 12-35 ("多进程", section "多进程的PID").
 *
 * <p>Three processes of subclass {@code zx} sleep one {@linkplain PyTime#SECOND scaled second},
 * then print their default name, their own PID ({@code os.getpid()}) and their parent's PID
 * ({@code os.getppid()}). The three PIDs differ; the parent PID is the same for all three, the
 * main process's, "because the main process created them". The main process does not join them,
 * yet they all get to print: an exiting main process waits for its non-daemon children.
 *
 * <p>The original:
 * <pre>{@code
 * from multiprocessing import Process
 * import os
 * import time
 *
 * class zx(Process):
 *     def run(self):
 *         time.sleep(1)
 *         print(f"{self.name}的PID为{os.getpid()},他的fu进程PID为{os.getppid()}")
 *
 * if __name__ == '__main__':
 *     j1=zx()
 *     j1.start()
 *     j2=zx()
 *     j2.start()
 *     j3=zx()
 *     j3.start()
 * }</pre>
 * Output (from the tutorial; any order, PIDs vary):
 * <pre>
 * zx-3的PID为21236,他的fu进程PID为13116
 * zx-2的PID为20108,他的fu进程PID为13116
 * zx-1的PID为4312,他的fu进程PID为13116
 * </pre>
 */
public final class Pids {
    private Pids() {
    }

    /**
     * Lower case like the original's class, because the default process name is made of the
     * class name: {@code zx-1}, {@code zx-2}, {@code zx-3}.
     */
    static final class zx extends JvmProcess {
        private static final long serialVersionUID = 1L; // spares each child computing one

        @Override
        public void run() throws InterruptedException {
            PyTime.sleep(1);
            long pid = ProcessHandle.current().pid();
            long ppid = ProcessHandle.current().parent().orElseThrow().pid();
            System.out.println(name() + "的PID为" + pid + ",他的fu进程PID为" + ppid);
        }
    }

    public static void main(String[] args) {
        zx j1 = new zx();
        j1.start();
        zx j2 = new zx();
        j2.start();
        zx j3 = new zx();
        j3.start();
    }
}
