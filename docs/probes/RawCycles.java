import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;

/**
 * The floor of a create-close-unlink cycle on this machine: the same system calls (x86-64
 * numbers) made directly through one FFM downcall, nothing else.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED [-Xint] docs/probes/RawCycles.java
 * </pre>
 */
public class RawCycles {
    public static void main(String[] args) throws Throwable {
        Linker linker = Linker.nativeLinker();
        ValueLayout l = ValueLayout.JAVA_LONG;
        MethodHandle sys = linker.downcallHandle(linker.defaultLookup().find("syscall").orElseThrow(),
                FunctionDescriptor.of(l, l, l, l, l, l, l, l), Linker.Option.firstVariadicArg(1));
        ByteBuffer path = ByteBuffer.allocateDirect(256);
        long pathAddress = MemorySegment.ofBuffer(path).address();
        long size = 100L << 20;
        for (int r = 0; r < 8; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                path.clear().put(("/dev/shm/mp4j-probe-raw-" + r + "-" + i).getBytes()).put((byte) 0);
                long fd = (long) sys.invokeExact(257L, -100L, pathAddress, 02L | 0100L | 0200L | 02000000L, 0600L, 0L, 0L);
                long ignored = (long) sys.invokeExact(77L, fd, size, 0L, 0L, 0L, 0L);
                long address = (long) sys.invokeExact(9L, 0L, size, 3L, 1L, fd, 0L);
                ignored = (long) sys.invokeExact(3L, fd, 0L, 0L, 0L, 0L, 0L);
                ignored = (long) sys.invokeExact(11L, address, size, 0L, 0L, 0L, 0L);
                ignored = (long) sys.invokeExact(263L, -100L, pathAddress, 0L, 0L, 0L, 0L);
            }
            System.out.printf("rep %d: %.1f us a cycle%n", r, (System.nanoTime() - t0) / 20e3);
        }
    }
}
