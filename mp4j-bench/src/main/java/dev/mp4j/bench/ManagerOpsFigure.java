package dev.mp4j.bench;

import dev.mp4j.Context;
import dev.mp4j.Multiprocessing;
import dev.mp4j.manager.ManagedList;
import dev.mp4j.manager.ManagedMap;
import dev.mp4j.manager.ManagedQueue;
import dev.mp4j.manager.SyncManager;
import dev.mp4j.process.JvmProcess;
import dev.mp4j.queue.SimpleProcessQueue;
import dev.mp4j.serial.ProcessTarget;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * fig09: a {@link SyncManager} driven by child processes, as in {@code fig09_manager_ops.py}.
 * dict: one child does n {@code d.put(i % 1000, i)} then n {@code d.get(i % 1000)}, timed in the
 * child after one warm-up call (set and get ops/s); list: one child does n {@code add(i)} (ops/s);
 * queue: a manager queue, 1 producer child to 1 consumer child, n small ints and a sentinel, from
 * the gate opening to the consumer's last get (msg/s); start/shutdown of the manager (ms).
 */
public final class ManagerOpsFigure implements Figure {
    private static final int N_DICT = 10_000;
    private static final int N_LIST = 10_000;
    private static final int N_QUEUE = 10_000;
    private static final int SENTINEL = -1;

    @Override
    public String name() {
        return "manager_ops";
    }

    @Override
    public int number() {
        return 9;
    }

    @Override
    public String description() {
        return "Manager dict set/get, list append, queue 1->1 from child processes (ops/s); manager start/shutdown (ms)";
    }

    @Override
    public List<BenchRecord> run(int reps, List<String> methods) throws Exception {
        List<BenchRecord> out = new ArrayList<>();
        for (String method : methods) {
            Context ctx = Multiprocessing.getContext(method);
            List<Double> up = new ArrayList<>();
            List<Double> down = new ArrayList<>();
            for (int r = 0; r < reps + 1; r++) {
                long t0 = System.nanoTime();
                SyncManager mgr = ctx.manager();
                long t1 = System.nanoTime();
                mgr.shutdown();
                long t2 = System.nanoTime();
                if (r > 0) {
                    up.add((t1 - t0) / 1e6);
                    down.add((t2 - t1) / 1e6);
                }
            }
            List<Double> sets = new ArrayList<>();
            List<Double> gets = new ArrayList<>();
            List<Double> apps = new ArrayList<>();
            List<Double> qs = new ArrayList<>();
            SimpleProcessQueue<long[]> res = SimpleProcessQueue.create();
            try (SyncManager mgr = ctx.manager()) {
                for (int r = 0; r < reps + 1; r++) {
                    ManagedMap<Integer, Integer> d = mgr.dict();
                    JvmProcess p = ctx.process((ProcessTarget) () -> {
                        d.put(-1, 0);
                        d.get(-1);
                        long a = System.nanoTime();
                        for (int i = 0; i < N_DICT; i++) {
                            d.put(i % 1000, i);
                        }
                        long b = System.nanoTime();
                        for (int i = 0; i < N_DICT; i++) {
                            d.get(i % 1000);
                        }
                        long c = System.nanoTime();
                        res.put(new long[] {b - a, c - b});
                    });
                    p.start();
                    long[] dictTimes = res.get();
                    Joins.joinOk(p);
                    if (d.size() != 1001 || d.get(999) != N_DICT - 1) {
                        throw new IllegalStateException("dict verification failed");
                    }
                    ManagedList<Integer> lst = mgr.list();
                    p = ctx.process((ProcessTarget) () -> {
                        lst.size();
                        long a = System.nanoTime();
                        for (int i = 0; i < N_LIST; i++) {
                            lst.add(i);
                        }
                        res.put(new long[] {System.nanoTime() - a});
                    });
                    p.start();
                    long listTime = res.get()[0];
                    Joins.joinOk(p);
                    if (lst.size() != N_LIST) {
                        throw new IllegalStateException("list verification failed");
                    }
                    ManagedQueue<Integer> q = mgr.queue();
                    Gate gate = Gate.create();
                    List<JvmProcess> ps = List.of(ctx.process((ProcessTarget) () -> {
                        q.qsize();
                        gate.pass();
                        long c = 0;
                        while (q.get() != SENTINEL) {
                            c++;
                        }
                        res.put(new long[] {c, System.nanoTime()});
                    }), ctx.process((ProcessTarget) () -> {
                        q.qsize();
                        gate.pass();
                        for (int i = 0; i < N_QUEUE; i++) {
                            q.put(i);
                        }
                        q.put(SENTINEL);
                    }));
                    ps.forEach(JvmProcess::start);
                    long t0 = gate.open(2);
                    long[] qr = res.get();
                    ps.forEach(Joins::joinOk);
                    if (qr[0] != N_QUEUE) {
                        throw new IllegalStateException("queue lost messages");
                    }
                    if (r > 0) {
                        sets.add(N_DICT / (dictTimes[0] / 1e9));
                        gets.add(N_DICT / (dictTimes[1] / 1e9));
                        apps.add(N_LIST / (listTime / 1e9));
                        qs.add(N_QUEUE / ((qr[1] - t0) / 1e9));
                    }
                }
            }
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("method", method);
            out.add(new BenchRecord(9, "manager_ops.dict_set", "ops/s", with(b, "ops", N_DICT, "keys", 1000), sets, true));
            out.add(new BenchRecord(9, "manager_ops.dict_get", "ops/s", with(b, "ops", N_DICT, "keys", 1000), gets, true));
            out.add(new BenchRecord(9, "manager_ops.list_append", "ops/s", with(b, "ops", N_LIST), apps, true));
            Map<String, Object> qp = with(b, "messages", N_QUEUE, "payload", "int");
            qp.put("producers", 1);
            qp.put("consumers", 1);
            out.add(new BenchRecord(9, "manager_ops.queue_throughput", "msg/s", qp, qs, true));
            out.add(new BenchRecord(9, "manager_ops.manager_start", "ms", new LinkedHashMap<>(b), up, false));
            out.add(new BenchRecord(9, "manager_ops.manager_shutdown", "ms", new LinkedHashMap<>(b), down, false));
        }
        return out;
    }

    static Map<String, Object> with(Map<String, Object> base, Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>(base);
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
