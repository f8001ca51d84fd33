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

    /** Stops any JVMs kept ready. */
    default void shutdown() {
    }
}
