package dev.mp4j.bench;

import dev.mp4j.Multiprocessing;
import dev.mp4j.pool.AsyncResult;
import dev.mp4j.pool.ProcessPool;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * fig07: a {@link ProcessPool} of 2 workers with a trivial {@code x * x}, as in
 * {@code fig07_pool_map.py}: map over 100,000 and 1,000,000 items (default chunk size), map with
 * chunk size 1 over 10,000, 10,000 applyAsync calls, imapUnordered over 100,000 with chunk size 1
 * and 1000; and pool start-up to the first result, and shutdown+join of an idle pool.
 */
public final class PoolMapFigure implements Figure {
    @Override
    public String name() {
        return "pool_map";
    }

    @Override
    public int number() {
        return 7;
    }

    @Override
    public String description() {
        return "Pool(2) throughput with x*x: map, apply_async, imap_unordered; start-up and close+join";
    }

    private interface Run {
        void run() throws Exception;
    }

    private static double timed(Run r) throws Exception {
        long t0 = System.nanoTime();
        r.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Python's {@code range(n)}: a range that a pool sends as bounds, not a list of boxed ints. */
    static List<Integer> range(int n) {
        return dev.mp4j.pool.IntRange.of(n);
    }

    @Override
    public List<BenchRecord> run(int reps, List<String> methods) throws Exception {
        List<BenchRecord> out = new ArrayList<>();
        for (String method : methods) {
            ProcessPool.Options opts = ProcessPool.Options.defaults().withProcesses(2)
                    .withContext(Multiprocessing.getContext(method));
            try (ProcessPool pool = ProcessPool.create(opts)) {
                pool.map(x -> x * x, range(1000));
                if (pool.map(x -> x * x, range(1000)).get(999) != 998001) {
                    throw new IllegalStateException("wrong result");
                }
                // The inputs are made inside the timed call, as CPython's range(n) is read there.
                for (int n : new int[] {100_000, 1_000_000}) {
                    bench(out, method, "pool_map.map", n, () -> pool.map(x -> x * x, range(n)), "items/s", reps,
                            "items", n, "chunksize", "default");
                }
                bench(out, method, "pool_map.map", 10_000, () -> pool.map(x -> x * x, range(10_000), 1), "items/s", reps,
                        "items", 10_000, "chunksize", 1);
                bench(out, method, "pool_map.apply_async", 10_000, () -> {
                    List<AsyncResult<Integer>> rs = new ArrayList<>(10_000);
                    for (int i = 0; i < 10_000; i++) {
                        int x = i;
                        rs.add(pool.applyAsync(() -> x * x));
                    }
                    for (AsyncResult<Integer> r : rs) {
                        r.get();
                    }
                }, "tasks/s", reps, "tasks", 10_000, null, null);
                for (int cs : new int[] {1, 1000}) {
                    bench(out, method, "pool_map.imap_unordered", 100_000, () -> {
                        int c = 0;
                        Iterator<Integer> it = pool.imapUnordered(x -> x * x, range(100_000), cs);
                        while (it.hasNext()) {
                            it.next();
                            c++;
                        }
                        if (c != 100_000) {
                            throw new IllegalStateException("got " + c);
                        }
                    }, "items/s", reps, "items", 100_000, "chunksize", cs);
                }
                // The maps above read a range, which travels to the workers as its bounds (our
                // IntRange, the twin of Python's range). CPython pickles every item of every
                // chunk instead; the same maps over a list of boxed ints carry theirs item by
                // item, as its do. No CPython twin (compare pairs the rows above): what a map
                // over data that is not a range costs. After the paired rows, so as not to move
                // their warm-up.
                for (int n : new int[] {100_000, 1_000_000}) {
                    bench(out, method, "pool_map.map", n, () -> pool.map(x -> x * x, new ArrayList<>(range(n))), "items/s", reps,
                            "items", n, "chunksize", "default");
                    out.getLast().params().put("input", "list");
                }
            }
            List<Double> up = new ArrayList<>();
            List<Double> down = new ArrayList<>();
            for (int r = 0; r < reps + 1; r++) {
                long t0 = System.nanoTime();
                ProcessPool p = ProcessPool.create(opts);
                p.map(x -> x * x, range(2));
                long t1 = System.nanoTime();
                p.shutdown();
                p.join();
                long t2 = System.nanoTime();
                if (r > 0) {
                    up.add((t1 - t0) / 1e6);
                    down.add((t2 - t1) / 1e6);
                }
            }
            out.add(new BenchRecord(7, "pool_map.startup_first_result", "ms", params(method, null, null, null, null), up, false));
            out.add(new BenchRecord(7, "pool_map.close_join", "ms", params(method, null, null, null, null), down, false));
        }
        return out;
    }

    private static Map<String, Object> params(String method, String k1, Object v1, String k2, Object v2) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("method", method);
        p.put("workers", 2);
        if (k1 != null) {
            p.put(k1, v1);
        }
        if (k2 != null) {
            p.put(k2, v2);
        }
        return p;
    }

    private static void bench(List<BenchRecord> out, String method, String name, int n, Run fn, String unit, int reps,
                              String k1, Object v1, String k2, Object v2) throws Exception {
        fn.run();
        List<Double> runs = new ArrayList<>();
        for (int r = 0; r < reps; r++) {
            runs.add(n / timed(fn));
        }
        out.add(new BenchRecord(7, name, unit, params(method, k1, v1, k2, v2), runs, true));
    }
}
