package dev.mp4j.bench;

import dev.mp4j.Multiprocessing;
import dev.mp4j.pool.ProcessPool;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * fig08: CPU-bound work in a {@link ProcessPool} of 2 against the same work serially in the
 * parent, as in {@code fig08_pool_cpu.py}: 64 items of {@code s += i*i} for i below n; serial
 * time is the mean of a pass before and a pass after the pool's (the machine's speed drifts).
 * Java runs the loop about a hundred times faster than CPython, so each item here does 20,000,000
 * iterations where CPython's does 200,000: an item takes about as long on both sides, so the pool
 * overhead weighs the same. The speedup is the figure that counts, and the only one paired with
 * CPython's (its row says {@code n} 200,000 and {@code iterations}); the times carry this side's
 * n and have no CPython twin.
 */
public final class PoolCpuFigure implements Figure {
    /** Iterations per item: sized so that one item takes about as long as CPython's n = 200,000 does. */
    static final long N = 20_000_000L;
    static final int ITEMS = 64;

    @Override
    public String name() {
        return "pool_cpu";
    }

    @Override
    public int number() {
        return 8;
    }

    @Override
    public String description() {
        return "CPU-bound items in Pool(2) vs serial in the parent: times and speedup";
    }

    static long work(long n) {
        long s = 0;
        for (long i = 0; i < n; i++) {
            s += i * i;
        }
        return s;
    }

    @Override
    public List<BenchRecord> run(int reps, List<String> methods) throws Exception {
        List<BenchRecord> out = new ArrayList<>();
        for (String method : methods) {
            long expect = work(N);
            List<Double> ser = new ArrayList<>();
            List<Double> par = new ArrayList<>();
            List<Double> spd = new ArrayList<>();
            List<Long> items = Collections.nCopies(ITEMS, N);
            try (ProcessPool pool = ProcessPool.create(ProcessPool.Options.defaults().withProcesses(2)
                    .withContext(Multiprocessing.getContext(method)))) {
                pool.map(PoolCpuFigure::work, Collections.nCopies(8, 1000L));
                for (int r = 0; r < reps + 1; r++) {
                    long t0 = System.nanoTime();
                    List<Long> a = new ArrayList<>();
                    for (long x : items) {
                        a.add(work(x));
                    }
                    long t1 = System.nanoTime();
                    List<Long> b = pool.map(PoolCpuFigure::work, items);
                    long t2 = System.nanoTime();
                    List<Long> c = new ArrayList<>();
                    for (long x : items) {
                        c.add(work(x));
                    }
                    long t3 = System.nanoTime();
                    if (!a.equals(b) || !b.equals(c) || a.getFirst() != expect) {
                        throw new IllegalStateException("wrong result");
                    }
                    double serial = ((t1 - t0) + (t3 - t2)) / 2.0;
                    if (r > 0) {
                        ser.add(serial / 1e9);
                        par.add((t2 - t1) / 1e9);
                        spd.add(serial / (t2 - t1));
                    }
                }
            }
            // The times are of this side's items (n = 20,000,000 iterations), not CPython's, so
            // they carry their own n and do not pair with CPython's rows (a time ratio near 1
            // would say nothing); the speedup, a ratio of like with like, pairs with CPython's.
            Map<String, Object> times = new LinkedHashMap<>();
            times.put("method", method);
            times.put("workers", 2);
            times.put("items", ITEMS);
            times.put("n", N);
            Map<String, Object> p = new LinkedHashMap<>(times);
            p.put("n", 200_000);
            p.put("iterations", N);
            out.add(new BenchRecord(8, "pool_cpu.serial_time", "s", times, ser, false));
            out.add(new BenchRecord(8, "pool_cpu.pool_time", "s", times, par, false));
            out.add(new BenchRecord(8, "pool_cpu.speedup", "x", p, spd, true));
        }
        return out;
    }
}
