package dev.mp4j.manager;

import java.io.Serializable;
import java.util.List;

/**
 * Makes the object behind a registered type id, in the manager's server process: the
 * {@code callable} of Python's {@code BaseManager.register}. It travels to the server, so it is
 * serializable (a lambda written in the call is), and what it captures travels with it: capture
 * a queue and every call returns that one queue, living in the server.
 *
 * <pre>{@code
 * BlockingQueue<Integer> tasks = new LinkedBlockingQueue<>();
 * manager.register("get_task_queue", BlockingQueue.class, args -> tasks);
 * }</pre>
 *
 * @param <T> the type of the object made
 */
@FunctionalInterface
public interface ManagedFactory<T> extends Serializable {
    /** Makes (or returns) the object; {@code args} are the arguments given to {@code create}. */
    T create(List<Object> args) throws Exception;
}
