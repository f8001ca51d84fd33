package dev.mp4j.shm;

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
 * <p>Linking that call costs a fresh JVM 35 to 70 ms (the linker spins method handles and a stub
 * class, none of which the AOT cache can hold), more than the JVM takes to reach {@code main}.
 * So it happens on a background thread, started by the first wait or wake (or {@link #prepare()}),
 * and nothing waits for it: until it is done, {@link #await} naps (50 µs at first, longer while
 * one wait goes on, at most 200 µs) and {@link #wake} only notes the word, to be woken
 * once the link is done. That is safe
 * because every sleeper, here or in another process, sleeps in bounded slices and re-checks its
 * word; and a process that starts a child keeps its own sleeps short for a while
 * ({@link #expectNewPeer()}), so a child's first messages, sent before its link is done, are
 * noticed within a millisecond.
 *
 * <p>A virtual thread never sleeps in the system call (it would hold its carrier thread): it
 * naps in Java, from a millisecond up to a slice (20 ms) while it keeps waiting, and looks at
 * its word again; a wake from this JVM unparks it at once. (Naps capped at 5 ms cost 500 idle
 * virtual waiters 770 ms of CPU a second on this machine, at 20 ms 217 ms: a waiter that sees
 * another process's wake up to 20 ms late is the price of idle waits that stay cheap.)
 *
 * <p>Where the call is unavailable (another OS or architecture), {@link #await} naps for good,
 * which is correct but slower; {@link #available()} tells which is in use. Callers always
 * re-check their condition after a return: both forms may wake spuriously.
 */
public final class Futex {
    private static final int FUTEX_WAIT = 0;
    private static final int FUTEX_WAKE = 1;
    private static final long NAP_NANOS = 50_000;
    /** The longest nap of a wait without the system call (see {@link #unlinkedNap}). */
    private static final long UNLINKED_NAP_MAX_NANOS = 200_000;
    /** A virtual thread's nap between looks at its word (see {@link #await}). */
    private static final long VIRTUAL_NAP_NANOS = 1_000_000;
    /**
     * The longest nap of a virtual thread that has waited a while: how late, at most, it sees a
     * wake from another process (one from this JVM unparks it at once).
     */
    private static final long VIRTUAL_NAP_MAX_NANOS = 20_000_000;
    /**
     * Virtual threads napping on a word, by its address: a wake from this JVM unparks them at
     * once (a wake from another process is seen at their next look).
     */
    private static final java.util.concurrent.ConcurrentHashMap<Long, java.util.Set<Thread>> VIRTUAL_NAPPERS =
            new java.util.concurrent.ConcurrentHashMap<>();
    /**
     * A thread's last nap (a virtual thread's, or any before the link): word address, expected
     * value, length (0 when the word had changed by its end), when it ended.
     */
    private static final ThreadLocal<long[]> LAST_NAP = ThreadLocal.withInitial(() -> new long[4]);
    /** A sleep's longest slice while a child started here may not be able to wake us yet. */
    private static final long SHORT_SLEEP_NANOS = 1_000_000;
    /** How long after a child's start its wakes may still be skipped (its link takes 50-150 ms). */
    private static final long NEW_PEER_WINDOW_NANOS = 1_000_000_000L;

    private static final long SYS_FUTEX = switch (System.getProperty("os.arch")) {
        case "amd64", "x86_64" -> 202;
        case "aarch64" -> 98;
        default -> -1;
    };
    /**
     * tgkill(2), for {@link #processExists}: made through the same linked call (see there).
     * {@code tgkill(pid, pid, 0)} succeeds for a process only: {@code kill(tid, 0)} succeeds for
     * any thread's id too, and a dead owner's pid reused as a thread's id (threads use ids up
     * far faster than processes do) looked alive for good.
     */
    private static final long SYS_TGKILL = switch (System.getProperty("os.arch")) {
        case "amd64", "x86_64" -> 234;
        case "aarch64" -> 131;
        default -> -1;
    };
    /** rt_sigaction(2), for {@link #ignoreSignal}: through the same linked call. */
    private static final long SYS_RT_SIGACTION = switch (System.getProperty("os.arch")) {
        case "amd64", "x86_64" -> 13;
        case "aarch64" -> 134;
        default -> -1;
    };
    private static final boolean SUPPORTED = SYS_FUTEX > 0 && System.getProperty("os.name").toLowerCase().contains("linux");
    private static final java.util.concurrent.atomic.AtomicBoolean LINKING = new java.util.concurrent.atomic.AtomicBoolean();
    /** Addresses of the words whose wakes were skipped before the link was done (a few, at most 1024). */
    private static final java.util.Set<Long> SKIPPED = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final int MAX_SKIPPED = 1024;
    /**
     * A thread's timespec for the wait call: written through a ByteBuffer, not a layout (a
     * layout's first var handle costs a fresh JVM 10-16 ms: see ByteRing).
     */
    private static final ThreadLocal<Timespec> TIMESPEC = ThreadLocal.withInitial(Timespec::new);

    /** A thread's {@code struct timespec}: the buffer it is written through, and its address. */
    private static final class Timespec {
        final java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocateDirect(16).order(java.nio.ByteOrder.nativeOrder());
        final long address = MemorySegment.ofBuffer(buffer).address();
    }

    /** Null until linked (and for good where linking failed). */
    private static volatile MethodHandle wait;
    private static volatile MethodHandle wake;
    private static volatile boolean failed = !SUPPORTED;
    private static volatile long shortSleepsUntil = System.nanoTime();

    private Futex() {
    }

    // Linking a native call is restricted: mp4j's JVMs run with --enable-native-access=ALL-UNNAMED.
    @SuppressWarnings("restricted")
    private static MethodHandle[] link() {
        Linker linker = Linker.nativeLinker();
        MemorySegment syscall = linker.defaultLookup().find("syscall")
                .or(() -> SymbolLookup.loaderLookup().find("syscall")).orElseThrow();
        // long syscall(long number, ...) with six arguments, each passed as a long (libc reads
        // each as one; the kernel narrows an int argument itself): the futex call's uaddr, op,
        // val, timeout*, uaddr2, val3, and any other call's (ShmFiles, kill) through the same stub.
        FunctionDescriptor fd = FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG);
        MethodHandle w = linker.downcallHandle(syscall, fd, Linker.Option.firstVariadicArg(1));
        // A wake never blocks, so it may skip the thread-state transition.
        MethodHandle k = linker.downcallHandle(syscall, fd, Linker.Option.firstVariadicArg(1),
                Linker.Option.critical(false));
        return new MethodHandle[] {w, k};
    }

    /** Starts linking the system call in the background, once; returns at once. */
    public static void prepare() {
        if (SUPPORTED && wake == null && LINKING.compareAndSet(false, true)) {
            try {
                Thread linker = new Thread(Futex::linkNow, "mp4j-futex-link");
                linker.setDaemon(true);
                linker.start();
            } catch (RuntimeException | Error noThread) {
                // Out of threads, say: the next wait or wake tries again.
                LINKING.set(false);
            }
        }
    }

    private static void linkNow() {
        try {
            MethodHandle[] handles = link();
            wait = handles[0];
            wake = handles[1];
        } catch (RuntimeException | Error e) {
            failed = true;
            return;
        }
        // Deliver the wakes skipped meanwhile, so their sleepers wait for the link, not for the
        // end of their slice. A word unmapped since then makes the call fail harmlessly (EFAULT);
        // a word reused for something else gets a spurious wake, which every sleeper tolerates.
        for (java.util.Iterator<Long> it = SKIPPED.iterator(); it.hasNext(); ) {
            long address = it.next();
            it.remove();
            wakeAddress(wake, address, Integer.MAX_VALUE);
        }
    }

    /**
     * The linked libc {@code syscall} entry, for calls that may block (six long arguments after
     * the call's number; see {@link ShmFiles}), or null until the link is done or where it failed.
     */
    static MethodHandle syscall() {
        return wait;
    }

    /** Whether the system call can be linked here at all (this OS and architecture, no failed link). */
    public static boolean linkable() {
        return SUPPORTED && !failed;
    }

    /** Whether the real futex system call is in use (false until it is linked). */
    public static boolean available() {
        return wake != null;
    }

    /**
     * Called as this process starts a child: for a while, this process's sleeps last at most a
     * millisecond, since the child's wakes are skipped until its own link is done.
     */
    public static void expectNewPeer() {
        shortSleepsUntil = System.nanoTime() + NEW_PEER_WINDOW_NANOS;
    }

    /** For tests: ends the short-sleep window, so a sleep lasts its full slice again. */
    static void forgetNewPeers() {
        shortSleepsUntil = System.nanoTime();
    }

    /**
     * Sleeps while the int at {@code word} equals {@code expected}, at most {@code timeoutNanos}.
     * Returns early on a wake, a change of value, a signal, or spuriously.
     */
    public static void await(MemorySegment word, int expected, long timeoutNanos) {
        MethodHandle w = wait;
        if (w == null) {
            if (!failed) {
                prepare();
            }
            unlinkedNap(word, expected, timeoutNanos);
            return;
        }
        if (Thread.currentThread().isVirtual()) {
            // A virtual thread must not sleep in a system call: it would hold its carrier, and
            // with as many such waiters as carriers, the thread that would wake them (in this
            // JVM) never runs. It naps in Java instead: woken at once by this JVM's wakes, it
            // sees another process's at its next look.
            virtualNap(word, expected, timeoutNanos);
            return;
        }
        long nanos = timeoutNanos;
        if (System.nanoTime() - shortSleepsUntil < 0) {
            nanos = Math.min(nanos, SHORT_SLEEP_NANOS);
        }
        Timespec ts = TIMESPEC.get();
        ts.buffer.putLong(0, nanos / 1_000_000_000L);
        ts.buffer.putLong(8, nanos % 1_000_000_000L);
        try {
            long ignored = (long) w.invokeExact(SYS_FUTEX, word.address(), (long) FUTEX_WAIT, (long) expected,
                    ts.address, 0L, 0L);
        } catch (Throwable t) {
            throw new IllegalStateException("futex wait failed", t);
        }
    }

    /**
     * A virtual thread's wait: naps that start at a millisecond and double, up to 20 ms, while
     * it keeps waiting on the same word for the same value (an idle waiter costs 50 wake-ups a
     * second, not a thousand), registered so that this JVM's wakes unpark it.
     */
    private static void virtualNap(MemorySegment word, int expected, long timeoutNanos) {
        long address = word.address();
        long[] last = LAST_NAP.get();
        long nanos = napLength(last, address, expected, System.nanoTime(), VIRTUAL_NAP_NANOS, VIRTUAL_NAP_MAX_NANOS);
        Thread me = Thread.currentThread();
        java.util.Set<Thread> nappers = VIRTUAL_NAPPERS.computeIfAbsent(address, a -> java.util.concurrent.ConcurrentHashMap.newKeySet());
        nappers.add(me);
        try {
            nap(word, expected, Math.min(timeoutNanos, nanos));
        } finally {
            nappers.remove(me);
            if (nappers.isEmpty()) {
                // Another napper added meanwhile may lose its registration: it then only waits
                // its nap out (bounded), never for ever.
                VIRTUAL_NAPPERS.remove(address, nappers);
            }
        }
        recordNap(last, word, expected, nanos);
    }

    /**
     * A wait without the system call (before the link is done, or where there is none): naps
     * that grow while one wait goes on, from {@link #NAP_NANOS} doubling up to
     * {@link #UNLINKED_NAP_MAX_NANOS}. A fresh JVM links for 35-70 ms of CPU, often 100 ms and
     * more while other JVMs start beside it, and every thread of it that waits on a ring
     * meanwhile (a pool worker's job pipe and its cancel watcher, say) looked at its ring and its
     * peer every 50 µs: on two cores, a pool worker's cancel watcher alone took 60-70 ms of CPU
     * (profiled) from the JIT compilers and the other starting JVMs. A message that arrives
     * during a long wait is still seen within 200 µs (a cap of 1 ms made a pool's first
     * result, which its worker waits for in this phase, some milliseconds later in alternated
     * runs; 200 µs did not, and still wakes a waiting thread a quarter as often as before).
     */
    private static void unlinkedNap(MemorySegment word, int expected, long timeoutNanos) {
        long address = word.address();
        long[] last = LAST_NAP.get();
        long nanos = napLength(last, address, expected, System.nanoTime(), NAP_NANOS, UNLINKED_NAP_MAX_NANOS);
        nap(word, expected, Math.min(timeoutNanos, nanos));
        recordNap(last, word, expected, nanos);
    }

    /**
     * Notes a nap just ended. If the word no longer holds {@code expected}, the wait is over (its
     * caller will see the change): the next wait, even on the same word and value (a lock word
     * that comes back to "held"), starts short again.
     */
    private static void recordNap(long[] last, MemorySegment word, int expected, long nanos) {
        boolean unchanged;
        try {
            unchanged = word.asByteBuffer().order(java.nio.ByteOrder.nativeOrder()).getInt(0) == expected;
        } catch (IllegalStateException closedMeanwhile) {
            unchanged = false; // the caller finds out what happened on its own next look
        }
        last[0] = word.address();
        last[1] = expected;
        last[2] = unchanged ? nanos : 0;
        last[3] = System.nanoTime();
    }

    /**
     * How long a thread's next nap on {@code address} (holding {@code expected}) lasts: twice
     * its last one, at most {@code max}, when that one was on the same word and value and ended
     * just now with the word unchanged (the same wait going on); else {@code first}.
     *
     * @param last the thread's last nap: word address, expected value, length, when it ended
     */
    static long napLength(long[] last, long address, int expected, long now, long first, long max) {
        boolean sameWait = last[0] == address && last[1] == expected && now - last[3] < 2 * last[2];
        return sameWait ? Math.min(2 * last[2], max) : first;
    }

    /** Unparks the virtual threads of this JVM napping on {@code address}. */
    private static void wakeVirtualNappers(long address) {
        if (VIRTUAL_NAPPERS.isEmpty()) {
            return;
        }
        java.util.Set<Thread> nappers = VIRTUAL_NAPPERS.get(address);
        if (nappers != null) {
            for (Thread t : nappers) {
                LockSupport.unpark(t);
            }
        }
    }

    /** Parks for {@code nanos} if the word still holds {@code expected}: a wait without the system call. */
    private static void nap(MemorySegment word, int expected, long nanos) {
        if (word.asByteBuffer().order(java.nio.ByteOrder.nativeOrder()).getInt(0) == expected) {
            // Like the system call, a nap ignores interrupts (callers check them between
            // slices); an interrupted thread would otherwise not nap at all, and spin.
            boolean interrupted = Thread.interrupted();
            LockSupport.parkNanos(nanos);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Wakes up to {@code count} processes or threads sleeping on {@code word}. Before the link is
     * done it notes the word instead, and every sleeper on it is woken once the link is done (or
     * finds out at the end of its slice, whichever comes first; see the class comment).
     */
    public static void wake(MemorySegment word, int count) {
        wakeVirtualNappers(word.address());
        MethodHandle k = wake;
        if (k == null) {
            if (failed) {
                return;
            }
            prepare();
            if (SKIPPED.size() < MAX_SKIPPED) {
                SKIPPED.add(word.address());
            }
            // Linked meanwhile? Then the replay may have missed the word just added: wake it here.
            k = wake;
            if (k == null) {
                return;
            }
        }
        wakeAddress(k, word.address(), count);
    }

    /**
     * Ignores {@code signal} in this process from now on, through the linked call (rt_sigaction
     * with SIG_IGN): linking a libc function of its own would cost a fresh JVM another 30-70 ms
     * of CPU. Waits for the link, at most {@code linkWaitMillis}.
     *
     * @return whether the system took it (false when the call is not linked in time, or here unknown)
     */
    public static boolean ignoreSignal(int signal, long linkWaitMillis) {
        if (!linkable()) {
            return false;
        }
        prepare();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(linkWaitMillis);
        while (wake == null && System.nanoTime() - deadline < 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
        }
        MethodHandle k = wake;
        if (k == null || SYS_RT_SIGACTION < 0) {
            return false;
        }
        // The kernel's struct sigaction: handler, flags, restorer, mask (8 bytes each; no
        // restorer is needed for SIG_IGN, which never runs a handler).
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment act = arena.allocate(32, 8);
            act.set(ValueLayout.JAVA_LONG, 0, 1L);   // SIG_IGN
            return (long) k.invokeExact(SYS_RT_SIGACTION, (long) signal, act.address(), 0L, 8L, 0L, 0L) == 0;
        } catch (Throwable t) {
            return false;
        }
    }

    /**
     * Whether {@code tgkill(pid, pid, 0)} succeeds (true: the process exists, a thread of another
     * id does not count), false when it fails
     * (gone, or the call was refused: the caller must then ask another way), null while the
     * futex calls are not linked. It goes through the wake's handle (the libc {@code syscall}
     * entry, which takes any call's arguments): linking a handle of its own would spin another
     * stub in every child. One system call, where {@code ProcessHandle} reads {@code /proc}
     * twice: a reader sleeping on a quiet pipe asks this every slice, 50 times a second.
     */
    static Boolean processExists(int pid) {
        MethodHandle k = wake;
        if (k == null || SYS_TGKILL < 0 || pid <= 0) {
            return null;
        }
        try {
            return (long) k.invokeExact(SYS_TGKILL, (long) pid, (long) pid, 0L, 0L, 0L, 0L) == 0;
        } catch (Throwable t) {
            return null;
        }
    }

    private static void wakeAddress(MethodHandle k, long address, int count) {
        try {
            long ignored = (long) k.invokeExact(SYS_FUTEX, address, (long) FUTEX_WAKE, (long) count, 0L, 0L, 0L);
        } catch (Throwable t) {
            throw new IllegalStateException("futex wake failed", t);
        }
    }
}
