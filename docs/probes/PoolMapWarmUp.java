import dev.mp4j.pool.ProcessPool;
import dev.mp4j.pool.WorkerStats;
import java.util.List;
import java.util.stream.IntStream;

/**
 * fig07's map of 100,000 items, eight times in a row on one pool, with what each worker did in
 * between: shows a fresh pool's warm-up (the parent's and workers' JIT) map by map.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -cp mp4j-cli/target/mp4j.jar docs/probes/PoolMapWarmUp.java
 * </pre>
 */
public class PoolMapWarmUp {
    public static void main(String[] args) throws Exception {
        try (ProcessPool pool = ProcessPool.create(ProcessPool.Options.defaults().withProcesses(2))) {
            pool.map(x -> x * x, IntStream.range(0, 1000).boxed().toList());
            for (int r = 0; r < 8; r++) {
                List<WorkerStats> before = pool.workerStats();
                long t0 = System.nanoTime();
                List<Integer> out = pool.map(x -> x * x, IntStream.range(0, 100_000).boxed().toList());
                long t1 = System.nanoTime();
                List<WorkerStats> after = pool.workerStats();
                StringBuilder workers = new StringBuilder();
                for (int w = 0; w < after.size(); w++) {
                    workers.append(String.format(" | worker %d working %.1f ms, waiting %.1f ms", w,
                            (after.get(w).working().toNanos() - before.get(w).working().toNanos()) / 1e6,
                            (after.get(w).waiting().toNanos() - before.get(w).waiting().toNanos()) / 1e6));
                }
                System.out.printf("map %d: %.1f ms (%d results)%s%n", r, (t1 - t0) / 1e6, out.size(), workers);
            }
        }
    }
}
