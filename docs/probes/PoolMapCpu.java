import dev.mp4j.Multiprocessing;
import dev.mp4j.pool.IntRange;
import dev.mp4j.pool.ProcessPool;
import dev.mp4j.pool.WorkerStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A fresh pool's maps of {@code n} items (default 100,000), one by one, with the CPU time every
 * thread of each JVM (the parent, both workers) used during each map, and the workers' own
 * "working" time: shows how much of a fresh pool's first maps is its JVMs' compilers. Then a
 * warm pool's time a map. Put the compiled probe in a jar: with a directory on the class path
 * the children get no start-up cache.
 *
 * <pre>
 * javac -cp mp4j-cli/target/mp4j.jar -d /tmp/p docs/probes/PoolMapCpu.java && jar cf /tmp/p.jar -C /tmp/p .
 * java --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -cp mp4j-cli/target/mp4j.jar:/tmp/p.jar PoolMapCpu 100000
 * </pre>
 */
public class PoolMapCpu {
    /** CPU nanoseconds of every thread of {@code pid} (threads that end meanwhile are skipped). */
    static long cpu(long pid) throws Exception {
        long total = 0;
        try (var tasks = Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : tasks) {
                try {
                    total += Long.parseLong(Files.readString(t.resolve("schedstat")).split(" ")[0]);
                } catch (Exception gone) {
                    // ended
                }
            }
        }
        return total;
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        System.out.println("start-up cache ready: "
                + Multiprocessing.getContext().prepareStartupCache(Duration.ofMinutes(3), PoolMapCpu.class));
        try (ProcessPool pool = ProcessPool.create(2)) {
            pool.map(x -> x * x, IntRange.of(1000));
            pool.map(x -> x * x, IntRange.of(1000));
            long me = ProcessHandle.current().pid();
            for (int r = 0; r < 8; r++) {
                List<WorkerStats> before = pool.workerStats();
                long[] pids = {me, before.get(0).pid(), before.get(1).pid()};
                long[] cpu = new long[3];
                for (int i = 0; i < 3; i++) {
                    cpu[i] = cpu(pids[i]);
                }
                long t0 = System.nanoTime();
                pool.map(x -> x * x, IntRange.of(n));
                long t1 = System.nanoTime();
                List<WorkerStats> after = pool.workerStats();
                StringBuilder line = new StringBuilder(String.format("map %d: %.1f ms", r, (t1 - t0) / 1e6));
                for (int i = 0; i < 3; i++) {
                    line.append(String.format(" | %s cpu %.1f ms", i == 0 ? "parent" : "worker " + i, (cpu(pids[i]) - cpu[i]) / 1e6));
                    if (i > 0) {
                        line.append(String.format(" (working %.1f)", (after.get(i - 1).working().toNanos() - before.get(i - 1).working().toNanos()) / 1e6));
                    }
                }
                System.out.println(line);
            }
            for (int r = 0; r < 300; r++) {
                pool.map(x -> x * x, IntRange.of(n));
            }
            long t0 = System.nanoTime();
            for (int r = 0; r < 200; r++) {
                pool.map(x -> x * x, IntRange.of(n));
            }
            System.out.printf("warm: %.2f ms a map of %d%n", (System.nanoTime() - t0) / 200 / 1e6, n);
        }
    }
}
