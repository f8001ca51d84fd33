package dev.mp4j.serial;

import java.io.Serializable;

/**
 * The code a child process runs: Python's {@code target=} argument, as a serializable lambda.
 *
 * <p>Values the lambda captures are its arguments; they travel to the child serialized, so they
 * must be {@link Serializable} (checked when the process starts, in the parent). The body may
 * throw any exception: an uncaught one is printed to the child's stderr and gives exit code 1.
 *
 * <pre>{@code
 * String greeting = "hello";
 * JvmProcess p = new JvmProcess(() -> System.out.println(greeting + " from a child"));
 * p.start();
 * p.join();
 * }</pre>
 */
@FunctionalInterface
public interface ProcessTarget extends Serializable {
    /** Runs in the child process. */
    void run() throws Exception;
}
