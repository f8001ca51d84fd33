package dev.mp4j.shm;

import java.lang.invoke.VarHandle;
import java.lang.invoke.MethodHandles;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Volatile, acquire and release accesses to words of shared memory, seen through a direct
 * {@link ByteBuffer} in native order. On x86-64 they are plain buffer accesses with fences: the
 * mapping the JIT compiles the equivalent var-handle accesses to there (release fence, store, full
 * fence for a volatile store; load, acquire fence for a volatile or acquire load), so compiled code
 * is the same, and a load after a var-handle atomic update is ordered after it because x86 atomics
 * are full barriers. Elsewhere that last guarantee does not hold (AArch64 compiles volatile accesses
 * to {@code ldar}/{@code stlr}, and its atomics need not fence), so the var handles are used.
 *
 * <p>Why not var handles: a fresh child runs its first thousands of messages, lock acquisitions
 * and value updates in the interpreter, where a var-handle access to a buffer costs 430-500 ns and
 * a plain one with its fence 250-280 ns; the var-handle machinery is also some seventy more
 * methods for the child's compilers to get through before its own (docs/BENCHMARKS.md, seventh
 * session). Atomic updates (compare-and-set, get-and-add) still need var handles.
 *
 * <pre>{@code
 * ByteBuffer words = segment.asByteBuffer().order(ByteOrder.nativeOrder());
 * SharedWords.setIntVolatile(words, 0, 42);       // seen by every process mapping the segment
 * int v = SharedWords.getIntVolatile(words, 0);
 * }</pre>
 */
public final class SharedWords {
    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());
    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    /** Whether the fence mapping is the one the JIT uses (a constant the JIT folds). */
    private static final boolean FENCES = switch (System.getProperty("os.arch", "")) {
        case "amd64", "x86_64" -> true;
        default -> false;
    };

    private SharedWords() {
    }

    /** A volatile (sequentially consistent) read of the int at byte offset {@code at}. */
    public static int getIntVolatile(ByteBuffer words, int at) {
        if (!FENCES) {
            return (int) INT.getVolatile(words, at);
        }
        int v = words.getInt(at);
        VarHandle.acquireFence();
        return v;
    }

    /** A volatile (sequentially consistent) write of the int at byte offset {@code at}. */
    public static void setIntVolatile(ByteBuffer words, int at, int v) {
        if (!FENCES) {
            INT.setVolatile(words, at, v);
            return;
        }
        VarHandle.releaseFence();
        words.putInt(at, v);
        VarHandle.fullFence();
    }

    /** A volatile read of the long at byte offset {@code at}; also serves as an acquire read. */
    public static long getLongVolatile(ByteBuffer words, int at) {
        if (!FENCES) {
            return (long) LONG.getVolatile(words, at);
        }
        long v = words.getLong(at);
        VarHandle.acquireFence();
        return v;
    }

    /** A volatile (sequentially consistent) write of the long at byte offset {@code at}. */
    public static void setLongVolatile(ByteBuffer words, int at, long v) {
        if (!FENCES) {
            LONG.setVolatile(words, at, v);
            return;
        }
        VarHandle.releaseFence();
        words.putLong(at, v);
        VarHandle.fullFence();
    }

    /** A release write of the long at byte offset {@code at}: what came before is seen first. */
    public static void setLongRelease(ByteBuffer words, int at, long v) {
        VarHandle.releaseFence();
        words.putLong(at, v);
    }
}
