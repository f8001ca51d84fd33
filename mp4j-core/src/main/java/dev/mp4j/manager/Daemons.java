package dev.mp4j.manager;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Daemon threads for the manager, made with {@code new Thread} rather than {@link Thread.Builder}:
 * a builder's numbered names go through a {@code VarHandle} whose first use links method handles,
 * 5 to 10 ms in a fresh JVM, paid by a manager server as it starts and by a client on its first
 * proxy.
 */
final class Daemons implements ThreadFactory {
    private final String prefix;
    private final AtomicInteger next = new AtomicInteger();

    private Daemons(String prefix) {
        this.prefix = prefix;
    }

    /** A factory naming its threads {@code prefix0}, {@code prefix1}, ... */
    static ThreadFactory numbered(String prefix) {
        return new Daemons(prefix);
    }

    /** Starts one daemon thread. */
    static Thread start(String name, Runnable task) {
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Override
    public Thread newThread(Runnable task) {
        Thread t = new Thread(task, prefix + next.getAndIncrement());
        t.setDaemon(true);
        return t;
    }
}
