package dev.mp4j.bench;

import dev.mp4j.Context;
import dev.mp4j.Multiprocessing;
import dev.mp4j.connection.Connection;
import dev.mp4j.connection.Pipe;
import dev.mp4j.process.JvmProcess;
import dev.mp4j.shared.IntValue;
import dev.mp4j.shared.Value;
import dev.mp4j.sync.AbstractProcessLock;
import dev.mp4j.sync.ProcessLock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * fig04: lock operations, as in {@code fig04_lock_ops.py}. In-process: acquire/release pairs per
 * second on a {@link ProcessLock}, called Python-style ({@code acquire()/release()}) and Java-style
 * ({@code lock(); try {} finally {unlock();}}, the {@code with} of Java), and locked increments of a
 * shared int in one process. Contended: 2 processes each do 200,000 locked increments of one
 * shared {@code Value}; increments per second from gate open to the last child done.
 */
public final class LockOpsFigure implements Figure {
    static final int N_UNCONTENDED = 2_000_000;
    static final int N_INCR_1P = 400_000;
    static final int N_INCR_PER_PROC = 200_000;

    @Override
    public String name() {
        return "lock_ops";
    }

    @Override
    public int number() {
        return 4;
    }

    @Override
    public String description() {
        return "lock acquire/release pairs/s in one process; locked Value increments/s, 1 and 2 processes";
    }

    @Override
    public List<BenchRecord> run(int reps, List<String> methods) throws Exception {
        List<BenchRecord> out = new ArrayList<>();
        uncontended(reps, out);
        for (String method : methods) {
            Context ctx = Multiprocessing.getContext(method);
            contendedOnce(ctx, 10_000);
            List<Double> runs = new ArrayList<>();
            for (int r = 0; r < reps; r++) {
                runs.add(contendedOnce(ctx, N_INCR_PER_PROC));
            }
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("method", method);
            p.put("processes", 2);
            p.put("increments_per_process", N_INCR_PER_PROC);
            out.add(new BenchRecord(4, "lock_ops.value_incr_contended", "incr/s", p, runs, true));
        }
        return out;
    }

    private static void uncontended(int reps, List<BenchRecord> out) {
        ProcessLock lock = ProcessLock.create();
        List<Double> ar = new ArrayList<>();
        List<Double> with = new ArrayList<>();
        List<Double> incr = new ArrayList<>();
        for (int r = 0; r < reps + 1; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < N_UNCONTENDED; i++) {
                lock.acquire();
                lock.release();
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < N_UNCONTENDED; i++) {
                // The twin of CPython's `with lock: pass`: an empty body. (It used to hold a
                // Thread.onSpinWait(), a PAUSE instruction of ~25 ns that CPython's loop has no
                // counterpart for; the lock's atomic updates cannot be optimised away either way.)
                lock.lock();
                try {
                    // pass
                } finally {
                    lock.unlock();
                }
            }
            long t2 = System.nanoTime();
            IntValue v = Value.ofInt(0);
            AbstractProcessLock vl = v.getLock();
            long t3 = System.nanoTime();
            for (int i = 0; i < N_INCR_1P; i++) {
                vl.lock();
                try {
                    v.set(v.get() + 1);
                } finally {
                    vl.unlock();
                }
            }
            long t4 = System.nanoTime();
            if (v.get() != N_INCR_1P) {
                throw new IllegalStateException("lost increments: " + v.get());
            }
            if (r > 0) {
                ar.add(N_UNCONTENDED / ((t1 - t0) / 1e9));
                with.add(N_UNCONTENDED / ((t2 - t1) / 1e9));
                incr.add(N_INCR_1P / ((t4 - t3) / 1e9));
            }
        }
        out.add(new BenchRecord(4, "lock_ops.uncontended", "pairs/s",
                params("form", "acquire_release", "pairs", N_UNCONTENDED), ar, true));
        out.add(new BenchRecord(4, "lock_ops.uncontended", "pairs/s",
                params("form", "with", "pairs", N_UNCONTENDED), with, true));
        out.add(new BenchRecord(4, "lock_ops.value_incr_1proc", "incr/s",
                params("processes", 1, "increments", N_INCR_1P), incr, true));
    }

    private static Map<String, Object> params(String k1, Object v1, String k2, Object v2) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("method", "none");
        p.put(k1, v1);
        p.put(k2, v2);
        return p;
    }

    private static double contendedOnce(Context ctx, int n) throws Exception {
        IntValue v = Value.ofInt(0);
        Gate gate = Gate.create();
        Pipe results = Pipe.open();
        Connection res = results.right();
        List<JvmProcess> ps = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            ps.add(ctx.process(() -> {
                AbstractProcessLock lock = v.getLock();
                gate.pass();
                for (int k = 0; k < n; k++) {
                    lock.lock();
                    try {
                        v.set(v.get() + 1);
                    } finally {
                        lock.unlock();
                    }
                }
                res.send(System.nanoTime());
            }));
        }
        ps.forEach(JvmProcess::start);
        long t0 = gate.open(2);
        long t1 = Math.max((Long) results.left().recv(), (Long) results.left().recv());
        for (JvmProcess p : ps) {
            p.join();
            if (p.exitCode() != 0) {
                throw new IllegalStateException("child exit code " + p.exitCode());
            }
        }
        results.left().close();
        res.close();
        if (v.get() != 2 * n) {
            throw new IllegalStateException("lost increments " + v.get() + " != " + 2 * n);
        }
        return 2.0 * n / ((t1 - t0) / 1e9);
    }
}
