package dev.mp4j.process;

import java.io.IOException;

/**
 * How a start method turns a bootstrap into a running child JVM. {@code spawn} boots a fresh
 * JVM per child; {@code forkserver} hands the bootstrap to a JVM booted ahead of time.
 */
public sealed interface Launcher permits SpawnLauncher, WarmSpareLauncher {
    /** The start method's name, as in Python: {@code "spawn"} or {@code "forkserver"}. */
    String startMethod();

    /** The JVM options children get. */
    JvmOptions jvmOptions();

    /** Starts (or wakes) a child and hands it {@code bootstrap}; the child runs once it has read it. */
    java.lang.Process launch(byte[] bootstrap) throws IOException;

    /**
     * The same, for a child whose target is a lambda of the caller's that captures only simple
     * values ({@code light}): it needs only mp4j's core classes, so a spawned one gets the
     * smaller ahead-of-time cache, which it maps and loads faster.
     */
    default java.lang.Process launch(byte[] bootstrap, boolean light) throws IOException {
        return launch(bootstrap);
    }

    /**
     * Makes sure the ahead-of-time caches that this launcher's children load exist, training
     * them if needed, and waits at most {@code timeout}: see {@code Context.prepareStartupCache}.
     *
     * @return whether they are ready
     */
    default boolean prepareStartupCache(java.time.Duration timeout) throws InterruptedException {
        return AotCache.prepare(SpawnLauncher.childFlags(jvmOptions()), timeout);
    }

    /** The same, with classes of the caller's that children run code of: see {@code Context.prepareStartupCache}. */
    default boolean prepareStartupCache(java.time.Duration timeout, Class<?>... childClasses) throws InterruptedException {
        for (Class<?> c : childClasses) {
            AotCache.noteChildClass(c.getName());
        }
        return prepareStartupCache(timeout);
    }

    /** Whether {@link #shutdown()} was called: such a launcher is not handed out again. */
    default boolean isShutdown() {
        return false;
    }

    /** Stops any JVMs kept ready. */
    default void shutdown() {
    }
}
