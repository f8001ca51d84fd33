package dev.mp4j.examples.process;

import dev.mp4j.process.JvmProcess;

/**
 * {@code os.fork()}: seed 003, lines 37-48 ("# multiprocessing.py", the parent and the child of a
 * fork print their pids).
 *
 * <p>A JVM cannot fork (the copy would have one thread of many, mid-way); the same job is done
 * by starting a child process, which the original's next program, {@link RunProc}, does with
 * {@code multiprocessing} too. The parent prints its pid, then the child's; the child prints its
 * own pid and its parent's, which is the first process's. The parent waits for the child before
 * it exits (a forked parent would not, and its shell prompt would come back before the child's
 * line).
 *
 * <p>The original (Python 2):
 * <pre>{@code
 * # multiprocessing.py
 * import os
 *
 * print 'Process (%s) start...' % os.getpid()
 * pid = os.fork()      #windows系统下没有fork()调用,so,只能在posix的系统下执行(Unix,Linux,Mac,BSD...)
 * if pid==0:
 *     print 'I am child process (%s) and my parent is %s.' % (os.getpid(), os.getppid())
 * else:
 *     print 'I (%s) just created a child process (%s).' % (os.getpid(), pid)
 * }</pre>
 * Output:
 * <pre>
 * Process (876) start...
 * I (876) just created a child process (877).
 * I am child process (877) and my parent is 876.
 * </pre>
 */
public final class ForkLike {
    private ForkLike() {
    }

    /** The child's branch of the original's {@code if pid==0}. */
    static void child() {
        ProcessHandle me = ProcessHandle.current();
        System.out.println("I am child process (" + me.pid() + ") and my parent is "
                + me.parent().map(ProcessHandle::pid).orElse(-1L) + ".");
    }

    public static void main(String[] args) {
        System.out.println("Process (" + ProcessHandle.current().pid() + ") start...");
        JvmProcess p = new JvmProcess(ForkLike::child);
        p.start();
        System.out.println("I (" + ProcessHandle.current().pid() + ") just created a child process (" + p.pid() + ").");
        p.join();
    }
}
