package dev.mp4j.examples.process;

import dev.mp4j.process.JvmProcess;

/**
 * Many processes share one terminal: seed 002, lines 451-463 ("#多进程共享一个打印终端").
 *
 * <p>Each {@code Logger} process prints its own name, {@code Logger-1}, {@code Logger-2} and so
 * on (the default name of a process subclass, as in Python). The original starts a million of
 * them, to show lines of different processes run together on one line under Python 2; this
 * twin starts {@value #PROCESSES} (a million JVMs would take hours) and shows that here each
 * line stays whole: a child's {@code println} of a short line is one write to the shared
 * terminal. The main process exits once the last of them has (they are not daemons).
 *
 * <p>The original:
 * <pre>{@code
 * #多进程共享一个打印终端(用python2测试看两个进程同时往一个终端打印,出现打印到一行的错误)
 * from multiprocessing import Process
 * import time
 * class Logger(Process):
 *     def __init__(self):
 *         super(Logger,self).__init__()
 *     def run(self):
 *         print(self.name)
 *
 *
 * for i in range(1000000):
 *     l=Logger()
 *     l.start()
 * }</pre>
 * Output (in the order the children get to the terminal):
 * <pre>
 * Logger-2
 * Logger-1
 * Logger-3
 * ...
 * </pre>
 */
public final class SharedTerminal {
    /** How many processes this twin starts in place of the original's million. */
    static final int PROCESSES = 20;

    private SharedTerminal() {
    }

    /** Named as the original's class: a subclass's processes are named after it, Logger-1, Logger-2, ... */
    static final class Logger extends JvmProcess {
        private static final long serialVersionUID = 1L; // spares each child computing one

        @Override
        public void run() {
            System.out.println(name());
        }
    }

    public static void main(String[] args) {
        for (int i = 0; i < PROCESSES; i++) {
            Logger l = new Logger();
            l.start();
        }
    }
}
