package dev.mp4j.examples.process;

import dev.mp4j.process.JvmProcess;

/**
 * A child process started and joined: seed 003, lines 56-69 ("1、multiprocessing:提供跨平台的多进程支持").
 *
 * <p>The parent prints its pid and {@code Process will start.}, starts a child that runs
 * {@code run_proc('test')} (which prints its name and pid), waits for it with {@code join()}
 * and prints {@code Process end.}: the join is what puts the child's line before the last one.
 *
 * <p>The original (Python 2):
 * <pre>{@code
 * from multiprocessing import Process
 * import os
 *
 * # 子进程要执行的代码
 * def run_proc(name):
 *     print 'Run child process %s (%s)...' % (name, os.getpid())
 *
 * if __name__=='__main__':
 *     print 'Parent process %s.' % os.getpid()
 *     p = Process(target=run_proc, args=('test',))
 *     print 'Process will start.'
 *     p.start()    #启动进程
 *     p.join()     #等待子进程结束后再继续往下运行,通常用于进程间的同步。
 *     print 'Process end.'
 * }</pre>
 * Output:
 * <pre>
 * Parent process 928.
 * Process will start.
 * Run child process test (929)...
 * Process end.
 * </pre>
 */
public final class RunProc {
    private RunProc() {
    }

    /** {@code run_proc(name)}: the code the child runs. */
    static void runProc(String name) {
        System.out.println("Run child process " + name + " (" + ProcessHandle.current().pid() + ")...");
    }

    public static void main(String[] args) {
        System.out.println("Parent process " + ProcessHandle.current().pid() + ".");
        JvmProcess p = new JvmProcess(() -> runProc("test"));
        System.out.println("Process will start.");
        p.start(); // starts the process
        p.join(); // waits for the child to end before going on: how processes keep in step
        System.out.println("Process end.");
    }
}
