package dev.mp4j.bench;

import dev.mp4j.Context;
import dev.mp4j.Multiprocessing;
import dev.mp4j.manager.BaseManager;
import dev.mp4j.process.JvmProcess;
import dev.mp4j.queue.SimpleProcessQueue;
import dev.mp4j.serial.ProcessTarget;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * fig10: a {@link BaseManager} serving one queue over TCP 127.0.0.1 with an authkey, driven by a
 * client process, as in {@code fig10_remote_manager.py}: 50 {@code connect()}s (TCP connect, the
 * HMAC handshake both ways, one request), a fresh connect plus proxy plus first put, then n puts
 * and n gets through the proxy. Our client always sets TCP_NODELAY, so every row is also emitted
 * with {@code client_tcp_nodelay=true}, to pair with CPython's patched-client rows.
 */
public final class RemoteManagerFigure implements Figure {
    private static final byte[] AUTHKEY = "mp4j-bench-authkey".getBytes(StandardCharsets.US_ASCII);
    private static final int N_OPS = 10_000;
    private static final int N_CONNECT = 50;

    @Override
    public String name() {
        return "remote_manager";
    }

    @Override
    public int number() {
        return 10;
    }

    @Override
    public String description() {
        return "BaseManager over TCP with an authkey: connect (ms), connect+first op (ms), queue put/get (ops/s)";
    }

    @Override
    public List<BenchRecord> run(int reps, List<String> methods) throws Exception {
        List<BenchRecord> out = new ArrayList<>();
        for (String method : methods) {
            Context ctx = Multiprocessing.getContext(method);
            BlockingQueue<Integer> queue = new LinkedBlockingQueue<>();
            BaseManager mgr = new BaseManager(new InetSocketAddress("127.0.0.1", 0), AUTHKEY)
                    .register("get_queue", BlockingQueue.class, args -> queue)
                    .withContext(ctx)
                    .start();
            SocketAddress addr = mgr.address();
            SimpleProcessQueue<double[]> res = SimpleProcessQueue.create();
            Map<String, List<Double>> runs = new LinkedHashMap<>();
            for (String k : List.of("connect", "first", "put", "get", "both")) {
                runs.put(k, new ArrayList<>());
            }
            for (int r = 0; r < reps + 1; r++) {
                JvmProcess p = ctx.process((ProcessTarget) () -> res.put(client(addr)));
                p.start();
                double[] v = res.get();
                Joins.joinOk(p);
                if (v[0] != 1) {
                    throw new IllegalStateException("queue not drained");
                }
                if (r > 0) {
                    runs.get("connect").add(v[1] / 1e6);
                    runs.get("first").add(v[2] / 1e6);
                    runs.get("put").add(N_OPS / (v[3] / 1e9));
                    runs.get("get").add(N_OPS / (v[4] / 1e9));
                    runs.get("both").add(2 * N_OPS / ((v[3] + v[4]) / 1e9));
                }
            }
            mgr.shutdown();
            for (boolean nodelayRow : new boolean[] {false, true}) {
                Map<String, Object> b = new LinkedHashMap<>();
                b.put("method", method);
                b.put("address", "127.0.0.1:ephemeral");
                b.put("authkey", true);
                if (nodelayRow) {
                    b.put("client_tcp_nodelay", true);
                }
                out.add(new BenchRecord(10, "remote_manager.connect", "ms",
                        ManagerOpsFigure.with(b, "connects_per_run", N_CONNECT), runs.get("connect"), false));
                out.add(new BenchRecord(10, "remote_manager.connect_first_op", "ms", new LinkedHashMap<>(b), runs.get("first"), false));
                out.add(new BenchRecord(10, "remote_manager.queue_put", "ops/s", ManagerOpsFigure.with(b, "ops", N_OPS), runs.get("put"), true));
                out.add(new BenchRecord(10, "remote_manager.queue_get", "ops/s", ManagerOpsFigure.with(b, "ops", N_OPS), runs.get("get"), true));
                out.add(new BenchRecord(10, "remote_manager.queue_put_get", "ops/s",
                        ManagerOpsFigure.with(b, "ops", 2 * N_OPS), runs.get("both"), true));
            }
        }
        return out;
    }

    /** The client process: {ok, mean connect ns, first-op ns, put ns, get ns}. */
    private static double[] client(SocketAddress addr) throws Exception {
        long total = 0;
        for (int i = 0; i < N_CONNECT + 1; i++) {
            long t0 = System.nanoTime();
            new BaseManager(addr, AUTHKEY).register("get_queue", BlockingQueue.class).connect();
            long t = System.nanoTime() - t0;
            if (i > 0) {
                total += t;
            }
        }
        long t0 = System.nanoTime();
        BaseManager m = new BaseManager(addr, AUTHKEY).register("get_queue", BlockingQueue.class).connect();
        BlockingQueue<Integer> q = m.create("get_queue");
        q.put(-1);
        long first = System.nanoTime() - t0;
        if (q.take() != -1) {
            throw new IllegalStateException("first item lost");
        }
        t0 = System.nanoTime();
        for (int i = 0; i < N_OPS; i++) {
            q.put(i);
        }
        long t1 = System.nanoTime();
        for (int i = 0; i < N_OPS; i++) {
            q.take();
        }
        long t2 = System.nanoTime();
        boolean ok = q.isEmpty();
        return new double[] {ok ? 1 : 0, (double) total / N_CONNECT, first, t1 - t0, t2 - t1};
    }
}
