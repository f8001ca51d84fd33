package dev.mp4j.shm;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * Blocking waits on a 32-bit word in shared memory, across processes: Linux's {@code futex}
 * system call (the shared, not the private, flavour) called through the FFM {@link Linker}.
 *
 * <p>Where the call is unavailable (another OS or architecture), {@link #await} falls back to
 * parking in short naps, which is correct but slower; {@link #available()} tells which is in use.
 * Callers always re-check their condition after a return: both forms may wake spuriously.
 */
public final class Futex {
    private static final int FUTEX_WAIT = 0;
    private static final int FUTEX_WAKE = 1;
    private static final long FALLBACK_NAP_NANOS = 50_000;

    private static final MethodHandle WAIT;
    private static final MethodHandle WAKE;
    private static final long SYS_FUTEX;
    private static final ThreadLocal<MemorySegment> TIMESPEC =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(16, 8));

    // Linking a native call is restricted: mp4j's JVMs run with --enable-native-access=ALL-UNNAMED.
    @SuppressWarnings("restricted")
    private static MethodHandle[] link() {
        Linker linker = Linker.nativeLinker();
        MemorySegment syscall = linker.defaultLookup().find("syscall")
                .or(() -> SymbolLookup.loaderLookup().find("syscall")).orElseThrow();
        // long syscall(long number, ...): uaddr, op, val, timeout*, uaddr2, val3
        FunctionDescriptor fd = FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT);
        MethodHandle wait = linker.downcallHandle(syscall, fd, Linker.Option.firstVariadicArg(1));
        // A wake never blocks, so it may skip the thread-state transition.
        MethodHandle wake = linker.downcallHandle(syscall, fd, Linker.Option.firstVariadicArg(1),
                Linker.Option.critical(false));
        return new MethodHandle[] {wait, wake};
    }

    static {
        long sys = switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> 202;
            case "aarch64" -> 98;
            default -> -1;
        };
        MethodHandle wait = null;
        MethodHandle wake = null;
        if (sys > 0 && System.getProperty("os.name").toLowerCase().contains("linux")) {
            try {
                MethodHandle[] handles = link();
                wait = handles[0];
                wake = handles[1];
            } catch (RuntimeException | Error e) {
                wait = null;
                wake = null;
            }
        }
        SYS_FUTEX = sys;
        WAIT = wait;
        WAKE = wake;
    }

    private Futex() {
    }

    /** Whether the real futex system call is in use. */
    public static boolean available() {
        return WAIT != null;
    }

    /**
     * Sleeps while the int at {@code word} equals {@code expected}, at most {@code timeoutNanos}.
     * Returns early on a wake, a change of value, a signal, or spuriously.
     */
    public static void await(MemorySegment word, int expected, long timeoutNanos) {
        if (WAIT == null) {
            if (word.get(ValueLayout.JAVA_INT, 0) == expected) {
                LockSupport.parkNanos(Math.min(timeoutNanos, FALLBACK_NAP_NANOS));
            }
            return;
        }
        MemorySegment ts = TIMESPEC.get();
        ts.set(ValueLayout.JAVA_LONG, 0, timeoutNanos / 1_000_000_000L);
        ts.set(ValueLayout.JAVA_LONG, 8, timeoutNanos % 1_000_000_000L);
        try {
            long ignored = (long) WAIT.invokeExact(SYS_FUTEX, word.address(), FUTEX_WAIT, expected,
                    ts.address(), 0L, 0);
        } catch (Throwable t) {
            throw new IllegalStateException("futex wait failed", t);
        }
    }

    /** Wakes up to {@code count} processes or threads sleeping on {@code word}. */
    public static void wake(MemorySegment word, int count) {
        if (WAKE == null) {
            return;
        }
        try {
            long ignored = (long) WAKE.invokeExact(SYS_FUTEX, word.address(), FUTEX_WAKE, count, 0L, 0L, 0);
        } catch (Throwable t) {
            throw new IllegalStateException("futex wake failed", t);
        }
    }
}
