package dev.mp4j.manager;

import java.lang.reflect.Method;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The waiting calls of a {@link BlockingQueue} that a registered factory made itself (a plain
 * {@code LinkedBlockingQueue}, as in the seed's distributed example), served the way the
 * manager's own queues are: in slices, looking between them whether the caller is still there
 * and still wants the call ({@link Waits#checkCaller()}). Called straight, such a queue's
 * {@code take()} would take the next item for a client that died or was interrupted meanwhile,
 * and the item would be lost with the answer nobody reads.
 */
final class ForeignQueueCalls {
    /** What {@link #call} returns for a method it does not serve (the server invokes that one as usual). */
    static final Object NOT_SERVED = new Object();

    private ForeignQueueCalls() {
    }

    /**
     * Whether a queue class's waiting calls are the JDK's own: a class of the caller's that
     * overrides one of them (counting, logging, waiting its own way) is called as it is.
     */
    private static final ClassValue<Boolean> JDK_WAITS = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            try {
                return jdk(type.getMethod("take")) && jdk(type.getMethod("put", Object.class))
                        && jdk(type.getMethod("poll", long.class, TimeUnit.class))
                        && jdk(type.getMethod("offer", Object.class, long.class, TimeUnit.class))
                        && jdk(type.getMethod("poll")) && jdk(type.getMethod("offer", Object.class));
            } catch (NoSuchMethodException e) {
                return false;
            }
        }

        private boolean jdk(Method m) {
            return m.getDeclaringClass().getPackageName().equals("java.util.concurrent");
        }
    };

    /**
     * Serves {@code method} of {@code queue} if it is one of {@link BlockingQueue}'s waiting
     * calls ({@code take()}, {@code put(e)}, {@code poll(timeout, unit)}, {@code offer(e,
     * timeout, unit)}); otherwise returns {@link #NOT_SERVED}.
     */
    @SuppressWarnings("unchecked")
    static Object call(BlockingQueue<?> queue, Method method, Object[] args) throws InterruptedException {
        if (method.getDeclaringClass() != BlockingQueue.class && method.getDeclaringClass() != BlockingDeque.class
                || !JDK_WAITS.get(queue.getClass())) {
            return NOT_SERVED;
        }
        BlockingQueue<Object> q = (BlockingQueue<Object>) queue;
        return switch (method.getName() + method.getParameterCount()) {
            case "take0" -> take(q, Waits.FOREVER);
            case "poll2" -> take(q, ((TimeUnit) args[1]).toNanos((Long) args[0]));
            case "put1" -> {
                put(q, args[0], Waits.FOREVER);
                yield null;
            }
            case "offer3" -> put(q, args[0], ((TimeUnit) args[2]).toNanos((Long) args[1]));
            default -> NOT_SERVED;
        };
    }

    private static Object take(BlockingQueue<Object> q, long nanos) throws InterruptedException {
        // An item there at once goes to a caller that was there a moment ago.
        Object ready = q.poll();
        if (ready != null) {
            return ready;
        }
        long deadline = Waits.deadline(nanos);
        do {
            Object e = q.poll(Waits.slice(deadline), TimeUnit.NANOSECONDS);
            if (e != null) {
                return handOver(q, e);
            }
            Waits.checkCaller();
        } while (Waits.before(deadline));
        return null;
    }

    private static boolean put(BlockingQueue<Object> q, Object e, long nanos) throws InterruptedException {
        if (e == null) {
            throw new NullPointerException("a queue holds no null");
        }
        long deadline = Waits.deadline(nanos);
        do {
            if (q.offer(e, Waits.slice(deadline), TimeUnit.NANOSECONDS)) {
                return true;
            }
            Waits.checkCaller();
        } while (Waits.before(deadline));
        return false;
    }

    /**
     * Returns a taken item, or puts it back if whoever asked for it is gone: first in line where
     * the queue is a deque, else last, which is out of order but not lost; where it is full (a
     * blocked producer took the place it left), by a daemon thread of its own as soon as there is
     * room, so that the dead client's session can end now. Shared with the manager's own queues.
     */
    static <E> E handOver(BlockingQueue<E> q, E e) {
        if (e == null || !ManagerServer.callerGone() || ManagerServer.callerWithdrew()) {
            // Still there (having withdrawn the call or not): the item stands, as a wait found
            // ready does, and goes with the answer.
            return e;
        }
        boolean back = q instanceof BlockingDeque<E> d ? d.offerFirst(e) : q.offer(e);
        if (!back) {
            Thread.ofPlatform().daemon().name("mp4j-manager-put-back").start(() -> {
                try {
                    if (q instanceof BlockingDeque<E> d) {
                        d.putFirst(e);
                    } else {
                        q.put(e);
                    }
                } catch (InterruptedException nobodyInterruptsIt) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        throw new Waits.CallerGoneException();
    }
}
