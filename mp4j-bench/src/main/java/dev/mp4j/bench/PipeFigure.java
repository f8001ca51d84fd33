package dev.mp4j.bench;

import dev.mp4j.Context;
import dev.mp4j.Multiprocessing;
import dev.mp4j.connection.Connection;
import dev.mp4j.connection.Pipe;
import dev.mp4j.process.JvmProcess;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * fig03: {@code Pipe} latency and bandwidth between two processes, as in {@code fig03_pipe.py}.
 * Round trip: an echo child, 20,000 int round trips per run each timed alone (p50, p99, mean in
 * µs) after 2,000 warm-up ones. Throughput: a fresh pipe and child per run sending 1 GiB in 64 KiB
 * or 1 MiB byte messages, timed from the start gate to the last message received (MB/s, 1e6).
 */
public final class PipeFigure implements Figure {
    static final int ROUNDTRIPS = 20_000;
    private static final long TOTAL = 1L << 30;

    @Override
    public String name() {
        return "pipe";
    }

    @Override
    public int number() {
        return 3;
    }

    @Override
    public String description() {
        return "Pipe round-trip latency (int, us) and throughput (64 KiB / 1 MiB messages, MB/s)";
    }

    @Override
    public List<BenchRecord> run(int reps, List<String> methods) throws Exception {
        List<BenchRecord> out = new ArrayList<>();
        for (String method : methods) {
            Context ctx = Multiprocessing.getContext(method);
            roundTrip(ctx, method, reps, out);
            throughputOnce(ctx, true, 65536, 256);
            for (boolean duplex : new boolean[] {true, false}) {
                for (int chunk : new int[] {65536, 1 << 20}) {
                    int count = (int) (TOTAL / chunk);
                    List<Double> runs = new ArrayList<>();
                    for (int r = 0; r < reps; r++) {
                        runs.add(throughputOnce(ctx, duplex, chunk, count));
                    }
                    Map<String, Object> p = new LinkedHashMap<>();
                    p.put("method", method);
                    p.put("duplex", duplex);
                    p.put("chunk_bytes", chunk);
                    p.put("chunks", count);
                    p.put("total_bytes", TOTAL);
                    out.add(new BenchRecord(3, "pipe_throughput", "MB/s", p, runs, true));
                }
            }
        }
        return out;
    }

    private static void roundTrip(Context ctx, String method, int reps, List<BenchRecord> out) throws Exception {
        Pipe pipe = Pipe.open();
        Connection a = pipe.left();
        Connection b = pipe.right();
        JvmProcess echo = ctx.process(() -> {
            while (true) {
                Object x = b.recv();
                if (x == null) {
                    break;
                }
                b.send(x);
            }
            b.close();
        });
        echo.start();
        b.close();
        for (int i = 0; i < 2000; i++) {
            a.send(i);
            a.recv();
        }
        List<Double> p50 = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        List<Double> mean = new ArrayList<>();
        long[] lat = new long[ROUNDTRIPS];
        for (int r = 0; r < reps; r++) {
            for (int i = 0; i < ROUNDTRIPS; i++) {
                long t0 = System.nanoTime();
                a.send(i);
                a.recv();
                lat[i] = System.nanoTime() - t0;
            }
            long sum = Arrays.stream(lat).sum();
            Arrays.sort(lat);
            p50.add(Stats.pct(lat, 0.50) / 1e3);
            p99.add(Stats.pct(lat, 0.99) / 1e3);
            mean.add(sum / (double) ROUNDTRIPS / 1e3);
        }
        a.send(null);
        echo.join();
        a.close();
        if (echo.exitCode() != 0) {
            throw new IllegalStateException("echo child exit code " + echo.exitCode());
        }
        for (String stat : List.of("p50", "p99", "mean")) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("method", method);
            p.put("object", "int");
            p.put("duplex", true);
            p.put("roundtrips", ROUNDTRIPS);
            List<Double> runs = switch (stat) {
                case "p50" -> p50;
                case "p99" -> p99;
                default -> mean;
            };
            out.add(new BenchRecord(3, "pipe_roundtrip." + stat, "us", p, runs, false));
        }
    }

    private static double throughputOnce(Context ctx, boolean duplex, int chunk, int count) throws Exception {
        Pipe data = Pipe.open(duplex);
        Connection r = data.left();
        Connection w = data.right();
        Pipe gate = Pipe.open();
        Connection gateChild = gate.right();
        JvmProcess sender = ctx.process(() -> {
            byte[] buf = new byte[chunk];
            Arrays.fill(buf, (byte) 'x');
            gateChild.send("ready");
            gateChild.recv();
            for (int i = 0; i < count; i++) {
                w.sendBytes(buf);
            }
            w.close();
        });
        sender.start();
        w.close();
        gate.left().recv();
        long t0 = System.nanoTime();
        gate.left().send("go");
        long total = 0;
        for (int i = 0; i < count; i++) {
            total += r.recvBytes().length;
        }
        long t1 = System.nanoTime();
        Joins.joinOk(sender);
        r.close();
        gate.left().close();
        gateChild.close();
        if (total != (long) chunk * count) {
            throw new IllegalStateException("short read: " + total);
        }
        return total / ((t1 - t0) / 1e9) / 1e6;
    }
}
