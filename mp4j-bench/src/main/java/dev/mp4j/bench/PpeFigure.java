package dev.mp4j.bench;

import dev.mp4j.Multiprocessing;
import dev.mp4j.pool.ProcessPool;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;

/**
 * fig11: the {@link java.util.concurrent.ExecutorService} face of {@link ProcessPool} (2 workers),
 * in the role of {@code concurrent.futures.ProcessPoolExecutor}, as in
 * {@code fig11_process_pool_executor.py}: a lazy ordered map over 100,000 items (chunk size 1 and
 * 1000; the executor's map is the pool's {@code imap}), and 10,000 {@code submit} calls.
 */
public final class PpeFigure implements Figure {
    @Override
    public String name() {
        return "ppe";
    }

    @Override
    public int number() {
        return 11;
    }

    @Override
    public String description() {
        return "the ExecutorService face: map over 100,000 items (chunksize 1, 1000) and 10,000 submits";
    }

    @Override
    public List<BenchRecord> run(int reps, List<String> methods) throws Exception {
        List<BenchRecord> out = new ArrayList<>();
        for (String method : methods) {
            try (ProcessPool ex = ProcessPool.create(ProcessPool.Options.defaults().withProcesses(2)
                    .withContext(Multiprocessing.getContext(method)))) {
                // Warmed up on the path it times (imap), as CPython's warms up its ex.map.
                Iterator<Integer> warm = ex.imap(x -> x * x, PoolMapFigure.range(1000), 1);
                while (warm.hasNext()) {
                    warm.next();
                }
                for (int cs : new int[] {1, 1000}) {
                    List<Double> runs = new ArrayList<>();
                    for (int r = 0; r < reps + (cs == 1 ? 0 : 1); r++) {
                        long t0 = System.nanoTime();
                        // The input made inside the timed call, as CPython's range(n) is read there.
                        Iterator<Integer> it = ex.imap(x -> x * x, PoolMapFigure.range(100_000), cs);
                        int n = 0;
                        int last = 0;
                        while (it.hasNext()) {
                            last = it.next();
                            n++;
                        }
                        double secs = (System.nanoTime() - t0) / 1e9;
                        if (n != 100_000 || last != 99_999 * 99_999) {
                            throw new IllegalStateException("wrong result");
                        }
                        if (cs == 1 || r > 0) {
                            runs.add(100_000 / secs);
                        }
                    }
                    out.add(new BenchRecord(11, "ppe.map", "items/s", params(method, "items", 100_000, "chunksize", cs), runs, true));
                }
                List<Double> runs = new ArrayList<>();
                for (int r = 0; r < reps + 1; r++) {
                    long t0 = System.nanoTime();
                    List<Future<Integer>> fs = new ArrayList<>(10_000);
                    for (int i = 0; i < 10_000; i++) {
                        int x = i;
                        fs.add(ex.submit(() -> x * x));
                    }
                    for (Future<Integer> f : fs) {
                        f.get();
                    }
                    if (r > 0) {
                        runs.add(10_000 / ((System.nanoTime() - t0) / 1e9));
                    }
                }
                out.add(new BenchRecord(11, "ppe.submit", "tasks/s", params(method, "tasks", 10_000, null, null), runs, true));
            }
        }
        return out;
    }

    private static Map<String, Object> params(String method, String k1, Object v1, String k2, Object v2) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("method", method);
        p.put("workers", 2);
        p.put(k1, v1);
        if (k2 != null) {
            p.put(k2, v2);
        }
        return p;
    }
}
