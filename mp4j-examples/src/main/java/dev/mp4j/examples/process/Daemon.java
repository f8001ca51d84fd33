package dev.mp4j.examples.process;

import dev.mp4j.examples.PyTime;
import dev.mp4j.process.JvmProcess;
import java.util.ArrayList;
import java.util.List;

/**
 * Daemon processes: seed 004, lines 37-63 ("多进程", section "守护进程").
 *
 * <p>The same {@code zx} processes as in {@link Pids}, each made a daemon before it starts. The
 * main process prints {@code end} and exits; exiting, it terminates its daemon children, which
 * are still asleep (or, here, still starting their JVM), so they print nothing. The tutorial
 * remarks that for threads daemon is a method while for processes it is an attribute; in Java
 * both are set with a setter before {@code start()}.
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
 * js=[]
 * if __name__ == '__main__':
 *     j1=zx()
 *     js.append(j1)
 *     j2=zx()
 *     js.append(j2)
 *     j3=zx()
 *     js.append(j3)
 *     for i in js:
 *         i.daemon=True
 *         i.start()
 *     print("end")
 * }</pre>
 * Output (from the tutorial):
 * <pre>
 * end
 * </pre>
 */
public final class Daemon {
    private Daemon() {
    }

    /** Lower case like the original's class: the default names are {@code zx-1} and so on. */
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
        List<zx> js = new ArrayList<>();
        zx j1 = new zx();
        js.add(j1);
        zx j2 = new zx();
        js.add(j2);
        zx j3 = new zx();
        js.add(j3);
        for (zx i : js) {
            i.setDaemon(true);
            i.start();
        }
        System.out.println("end");
    }
}
