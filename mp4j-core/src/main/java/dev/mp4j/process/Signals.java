package dev.mp4j.process;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Sends a signal to a process through libc's {@code kill}: {@link ProcessHandle} has only
 * SIGTERM and SIGKILL. Linked on first use.
 */
final class Signals {
    static final int SIGINT = 2;

    private Signals() {
    }

    private static final class Kill {
        // Linking a native call is restricted: mp4j's JVMs run with --enable-native-access=ALL-UNNAMED.
        @SuppressWarnings("restricted")
        static final MethodHandle KILL = link();

        @SuppressWarnings("restricted")
        private static MethodHandle link() {
            Linker linker = Linker.nativeLinker();
            MemorySegment kill = linker.defaultLookup().find("kill").orElseThrow();
            return linker.downcallHandle(kill, FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        }
    }

    /**
     * Sends {@code signal} to {@code pid}.
     *
     * @throws IllegalStateException if the system refuses (no such process, no permission)
     */
    static void send(long pid, int signal) {
        int result;
        try {
            result = (int) Kill.KILL.invokeExact((int) pid, signal);
        } catch (Throwable t) {
            throw new IllegalStateException("cannot signal process " + pid + ": " + t, t);
        }
        if (result != 0) {
            throw new IllegalStateException("cannot signal process " + pid + " (it has ended, or is not ours)");
        }
    }
}
