package dev.mp4j.manager;

import java.util.Map;

/**
 * Named attributes living in a manager's server process: Python's {@code manager.Namespace()}.
 *
 * <pre>{@code
 * Namespace ns = manager.namespace();
 * ns.set("x", 10);
 * JvmProcess p = new JvmProcess(() -> ns.set("y", (Integer) ns.get("x") + 1));
 * p.start();
 * p.join();
 * System.out.println(ns);   // Namespace(x=10, y=11)
 * }</pre>
 *
 * <p>As in CPython, a name that starts with {@code _} stays local to the proxy it was set on:
 * it is never sent to the manager and other processes do not see it.
 */
public interface Namespace {
    /**
     * The attribute's value.
     *
     * @throws IllegalArgumentException if there is no such attribute (Python's AttributeError)
     */
    Object get(String name);

    /** The attribute's value, or {@code fallback} when it is not set. */
    Object get(String name, Object fallback);

    /** Sets an attribute. */
    void set(String name, Object value);

    /**
     * Removes an attribute.
     *
     * @throws IllegalArgumentException if there is no such attribute
     */
    void delete(String name);

    /** Whether the attribute is set. */
    boolean has(String name);

    /** A snapshot of the shared attributes, in the order they were first set. */
    Map<String, Object> attributes();
}
