package dev.mp4j.bench;

import dev.mp4j.Context;
import dev.mp4j.Multiprocessing;
import dev.mp4j.pool.ProcessPool;
import dev.mp4j.process.JvmProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * fig12: resident memory of an idle child (sleeping in its target) and of the parent driving it,
 * as VmRSS, Pss and USS (Private_Clean + Private_Dirty) in MiB from /proc, as in
 * {@code fig12_memory.py}. A child counts as settled when its VmRSS is unchanged over three 50 ms
 * polls in a row (a JVM's main thread does not sleep in {@code clock_nanosleep}, so CPython's
 * other half of the test does not carry over). Pool workers: a pool of two after a 100-item
 * map, the mean of its two idle workers.
 */
public final class MemoryFigure implements Figure {
    @Override
    public String name() {
        return "memory";
    }

    @Override
    public int number() {
        return 12;
    }

    @Override
    public String description() {
        return "resident memory (rss, pss, uss in MiB) of an idle child, an idle pool worker and the parent";
    }

    @Override
    public List<BenchRecord> run(int reps, List<String> methods) throws Exception {
        List<BenchRecord> out = new ArrayList<>();
        for (String method : methods) {
            Context ctx = Multiprocessing.getContext(method);
            JvmProcess warm = ctx.process(() -> Thread.sleep(0));
            warm.start();
            warm.join();
            List<Map<String, Double>> kids = new ArrayList<>();
            List<Map<String, Double>> parent = new ArrayList<>();
            for (int r = 0; r < reps; r++) {
                JvmProcess p = ctx.process(() -> Thread.sleep(60_000));
                p.start();
                settle(p.pid());
                kids.add(mem(p.pid()));
                parent.add(mem(ProcessHandle.current().pid()));
                p.terminate();
                p.join();
            }
            List<Map<String, Double>> workers = new ArrayList<>();
            for (int r = 0; r < reps; r++) {
                try (ProcessPool pool = ProcessPool.create(ProcessPool.Options.defaults().withProcesses(2).withContext(ctx))) {
                    pool.map(x -> Math.abs(x), java.util.stream.IntStream.range(0, 100).boxed().toList());
                    List<Long> pids = startedWorkers(pool);
                    for (long pid : pids) {
                        settle(pid);
                    }
                    Map<String, Double> mean = new LinkedHashMap<>();
                    for (long pid : pids) {
                        mem(pid).forEach((k, v) -> mean.merge(k, v / pids.size(), Double::sum));
                    }
                    workers.add(mean);
                }
            }
            Map<String, Object> kp = new LinkedHashMap<>();
            kp.put("method", method);
            kp.put("target", "time.sleep");
            emit3(out, "idle_child", kids, kp);
            Map<String, Object> wp = new LinkedHashMap<>();
            wp.put("method", method);
            wp.put("workers", 2);
            emit3(out, "pool_worker", workers, wp);
            Map<String, Object> pp = new LinkedHashMap<>();
            pp.put("method", method);
            emit3(out, "parent_driver", parent, pp);
        }
        return out;
    }

    private static void emit3(List<BenchRecord> out, String what, List<Map<String, Double>> samples, Map<String, Object> params) {
        for (String[] k : new String[][] {{"VmRSS", "rss"}, {"Pss", "pss"}, {"USS", "uss"}}) {
            List<Double> runs = samples.stream().map(s -> s.get(k[0])).toList();
            out.add(new BenchRecord(12, "memory." + what + "." + k[1], "MiB", params, runs, false));
        }
    }

    /**
     * The pool's worker pids once every worker is up: a slot reports pid 0 until then, and a
     * short map may finish on the first worker alone, before the second has started.
     */
    private static List<Long> startedWorkers(ProcessPool pool) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        List<Long> pids = pool.workerPids();
        while (pids.contains(0L)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("a pool worker did not start: " + pids);
            }
            Thread.sleep(20);
            pids = pool.workerPids();
        }
        return pids;
    }

    static void settle(long pid) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        double last = -1;
        int stable = 0;
        while (stable < 3) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("child did not settle");
            }
            Thread.sleep(50);
            double rss = mem(pid).get("VmRSS");
            stable = rss == last ? stable + 1 : 0;
            last = rss;
        }
    }

    /** VmRSS, Pss and USS of {@code pid}, in MiB. */
    public static Map<String, Double> mem(long pid) throws IOException {
        Map<String, Double> d = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                d.put("VmRSS", kib(line));
            }
        }
        double privateBytes = 0;
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "smaps_rollup"))) {
            if (line.startsWith("Pss:")) {
                d.put("Pss", kib(line));
            } else if (line.startsWith("Private_Clean:") || line.startsWith("Private_Dirty:")) {
                privateBytes += kib(line);
            }
        }
        d.put("USS", privateBytes);
        return d;
    }

    private static double kib(String line) {
        return Long.parseLong(line.substring(line.indexOf(':') + 1).trim().split("\\s+")[0]) / 1024.0;
    }
}
