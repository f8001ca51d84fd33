import java.lang.foreign.*;
import java.lang.invoke.*;
/**
 * What linking the futex calls costs a fresh JVM: FFM's lookup of libc's {@code syscall} and the
 * first and second {@code downcallHandle} (six long arguments), as mp4j's Futex links them.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC docs/probes/LinkTime.java
 * # with an AOT cache trained on itself:
 * javac -d /tmp/lt docs/probes/LinkTime.java
 * java -XX:AOTCacheOutput=/tmp/lt.aot --enable-native-access=ALL-UNNAMED -cp /tmp/lt LinkTime
 * java -XX:AOTCache=/tmp/lt.aot --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -cp /tmp/lt LinkTime
 * </pre>
 */
public class LinkTime {
    public static void main(String[] a) throws Throwable {
        long t0 = System.nanoTime();
        Linker linker = Linker.nativeLinker();
        MemorySegment syscall = linker.defaultLookup().find("syscall").orElseThrow();
        FunctionDescriptor fd = FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG);
        long t1 = System.nanoTime();
        MethodHandle w = linker.downcallHandle(syscall, fd, Linker.Option.firstVariadicArg(1));
        long t2 = System.nanoTime();
        long r = (long) w.invokeExact(39L, 0L, 0L, 0L, 0L, 0L, 0L); // getpid
        long t3 = System.nanoTime();
        MethodHandle k = linker.downcallHandle(syscall, fd, Linker.Option.firstVariadicArg(1), Linker.Option.critical(false));
        long t4 = System.nanoTime();
        long r2 = (long) k.invokeExact(39L, 0L, 0L, 0L, 0L, 0L, 0L);
        long t5 = System.nanoTime();
        System.out.printf("lookup %.1f, link1 %.1f, call1 %.1f, link2 %.1f, call2 %.1f ms (pid %d %d)%n", (t1-t0)/1e6, (t2-t1)/1e6, (t3-t2)/1e6, (t4-t3)/1e6, (t5-t4)/1e6, r, r2);
    }
}
