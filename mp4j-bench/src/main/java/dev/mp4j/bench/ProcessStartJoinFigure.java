package dev.mp4j.bench;

import dev.mp4j.Context;
import dev.mp4j.Multiprocessing;
import dev.mp4j.process.JvmProcess;
import dev.mp4j.serial.ProcessTarget;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * fig01: start and join a child that does nothing, 20 in a row ({@code serial}, ms per process)
 * and 8 at once ({@code batch8}, ms per batch). Construction, start and reaping are timed, as in
 * {@code fig01_process_start_join.py}; two untimed warm-ups come first.
 */
public final class ProcessStartJoinFigure implements Figure {
    static final int K = 20;
    private static final ProcessTarget NOOP = () -> { };

    @Override
    public String name() {
        return "process_start_join";
    }

    @Override
    public int number() {
        return 1;
    }

    @Override
    public String description() {
        return "start+join of a no-op child: 20 in a row (ms/process) and 8 at once (ms/batch)";
    }

    @Override
    public List<String> defaultMethods() {
        return List.of("spawn", "forkserver");
    }

    @Override
    public List<BenchRecord> run(int reps, List<String> methods) {
        List<BenchRecord> out = new ArrayList<>();
        for (String method : methods) {
            Context ctx = Multiprocessing.getContext(method);
            one(ctx);
            one(ctx);
            List<Double> serial = new ArrayList<>();
            for (int r = 0; r < reps; r++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < K; i++) {
                    one(ctx);
                }
                serial.add((System.nanoTime() - t0) / (double) K / 1e6);
            }
            List<Double> batch = new ArrayList<>();
            for (int r = 0; r < reps; r++) {
                long t0 = System.nanoTime();
                List<JvmProcess> ps = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    ps.add(ctx.process(NOOP));
                }
                ps.forEach(JvmProcess::start);
                ps.forEach(JvmProcess::join);
                batch.add((System.nanoTime() - t0) / 1e6);
                for (JvmProcess p : ps) {
                    check(p);
                }
            }
            Map<String, Object> sp = new LinkedHashMap<>();
            sp.put("method", method);
            sp.put("processes_per_run", K);
            out.add(new BenchRecord(1, "process_start_join.serial", "ms/process", sp, serial, false));
            Map<String, Object> bp = new LinkedHashMap<>();
            bp.put("method", method);
            bp.put("processes", 8);
            out.add(new BenchRecord(1, "process_start_join.batch8", "ms/batch", bp, batch, false));
        }
        return out;
    }

    private static void one(Context ctx) {
        JvmProcess p = ctx.process(NOOP);
        p.start();
        p.join();
        check(p);
    }

    private static void check(JvmProcess p) {
        if (p.exitCode() != 0) {
            throw new IllegalStateException("child " + p.name() + " exit code " + p.exitCode());
        }
    }
}
