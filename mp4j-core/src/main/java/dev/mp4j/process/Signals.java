package dev.mp4j.process;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Sends a signal to a process through libc's {@code kill} ({@link ProcessHandle} has only
 * SIGTERM and SIGKILL), and ignores one in this process through libc's {@code signal} (children
 * run with {@code -Xrs}, where {@code sun.misc.Signal} may not handle INT). Linked on first use.
 * Internal plumbing, public for the manager's server.
 */
public final class Signals {
    /** Ctrl-C's signal. */
    public static final int SIGINT = 2;

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

    private static final class Ignore {
        @SuppressWarnings("restricted")
        static final MethodHandle SIGNAL = link();

        @SuppressWarnings("restricted")
        private static MethodHandle link() {
            Linker linker = Linker.nativeLinker();
            MemorySegment signal = linker.defaultLookup().find("signal").orElseThrow();
            return linker.downcallHandle(signal, FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        }
    }

    /**
     * Ignores {@code signal} in this process from now on (and in processes it execs, as a
     * disposition to ignore is kept across exec).
     *
     * @return whether the system took it (false where libc or the call is unavailable)
     */
    public static boolean ignore(int signal) {
        try {
            MemorySegment previous = (MemorySegment) Ignore.SIGNAL.invokeExact(signal, MemorySegment.ofAddress(1)); // SIG_IGN
            return previous.address() != -1L;   // SIG_ERR
        } catch (Throwable t) {
            return false;
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
