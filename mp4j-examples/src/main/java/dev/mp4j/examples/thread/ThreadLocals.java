package dev.mp4j.examples.thread;

/**
 * A thread-local variable: seed 003, lines 245-263 ("3、ThreadLocal").
 *
 * <p>One global {@code local_school} whose {@code student} each thread sets for itself: thread
 * {@code Thread-A} binds Alice and {@code Thread-B} Bob, and each then reads its own back in a
 * function that takes no argument. Java's {@link ThreadLocal} is Python's
 * {@code threading.local()} with one attribute.
 *
 * <p>The original (Python 2):
 * <pre>{@code
 * import threading
 *
 * # 创建全局ThreadLocal对象:
 * local_school = threading.local()
 *
 * def process_student():
 *     print 'Hello, %s (in %s)' % (local_school.student, threading.current_thread().name)
 *
 * def process_thread(name):
 *     # 绑定ThreadLocal的student:
 *     local_school.student = name
 *     process_student()
 *
 * t1 = threading.Thread(target= process_thread, args=('Alice',), name='Thread-A')
 * t2 = threading.Thread(target= process_thread, args=('Bob',), name='Thread-B')
 * t1.start()
 * t2.start()
 * t1.join()
 * t2.join()
 * }</pre>
 * Output (the two lines in either order):
 * <pre>
 * Hello, Alice (in Thread-A)
 * Hello, Bob (in Thread-B)
 * </pre>
 */
public final class ThreadLocals {
    /** The global {@code local_school}: one {@code student} per thread. */
    private static final ThreadLocal<String> LOCAL_SCHOOL_STUDENT = new ThreadLocal<>();

    private ThreadLocals() {
    }

    static void processStudent() {
        System.out.println("Hello, " + LOCAL_SCHOOL_STUDENT.get() + " (in " + Thread.currentThread().getName() + ")");
    }

    static void processThread(String name) {
        // Binds this thread's student.
        LOCAL_SCHOOL_STUDENT.set(name);
        processStudent();
    }

    public static void main(String[] args) throws InterruptedException {
        Thread t1 = new Thread(() -> processThread("Alice"), "Thread-A");
        Thread t2 = new Thread(() -> processThread("Bob"), "Thread-B");
        t1.start();
        t2.start();
        t1.join();
        t2.join();
    }
}
