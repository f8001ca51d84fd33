package dev.mp4j.bench;

import dev.mp4j.Context;
import dev.mp4j.Multiprocessing;
import dev.mp4j.connection.Connection;
import dev.mp4j.connection.Pipe;
import dev.mp4j.process.JvmProcess;
import dev.mp4j.shared.SharedArray;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * fig05: bandwidth of a raw shared {@code double} array of 1,000,000 elements (8 MB) used from a
 * child, as in {@code fig05_value_array.py}: element by element ({@code setDouble}/{@code getDouble}),
 * as slices (copy from/to a Java {@code double[]}), and in bulk (raw bytes through
 * {@code MemorySegment.copy}). MB/s with 1 MB = 1e6 bytes; a fresh child per run; the first run
 * is a warm-up; the parent verifies the contents.
 */
public final class ValueArrayFigure implements Figure {
    static final int N = 1_000_000;
    static final long NBYTES = N * 8L;
    private static final List<String> NAMES = List.of("elem_write", "elem_read", "slice_write", "slice_read",
            "bulk_write", "bulk_read");

    @Override
    public String name() {
        return "value_array";
    }

    @Override
    public int number() {
        return 5;
    }

    @Override
    public String description() {
        return "shared double[1e6] from a child: element, slice and bulk reads and writes (MB/s)";
    }

    @Override
    public List<BenchRecord> run(int reps, List<String> methods) throws Exception {
        List<BenchRecord> out = new ArrayList<>();
        for (String method : methods) {
            Context ctx = Multiprocessing.getContext(method);
            SharedArray arr = SharedArray.of(SharedArray.Type.DOUBLE, N, false);
            Map<String, List<Double>> runs = new LinkedHashMap<>();
            NAMES.forEach(k -> runs.put(k, new ArrayList<>()));
            for (int r = 0; r < reps + 1; r++) {
                Pipe pipe = Pipe.open();
                Connection res = pipe.right();
                JvmProcess p = ctx.process(() -> res.send(child(arr)));
                p.start();
                long[] d = (long[]) pipe.left().recv();
                Joins.joinOk(p);
                pipe.left().close();
                res.close();
                if (d == null || arr.getDouble(N - 1) != N - 1 || arr.getDouble(12345) != 12345.0) {
                    throw new IllegalStateException("verification failed");
                }
                arr.setDouble(N - 1, -1.0);
                if (r > 0) {
                    for (int k = 0; k < NAMES.size(); k++) {
                        runs.get(NAMES.get(k)).add(NBYTES / (d[k] / 1e9) / 1e6);
                    }
                }
            }
            for (String k : NAMES) {
                String[] parts = k.split("_");
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("method", method);
                p.put("access", parts[0]);
                p.put("typecode", "d");
                p.put("length", N);
                p.put("bytes", NBYTES);
                p.put("lock", false);
                out.add(new BenchRecord(5, "value_array." + parts[1], "MB/s", p, runs.get(k), true));
            }
        }
        return out;
    }

    /** The timed passes, in the child; null if the contents did not check out. */
    private static long[] child(SharedArray arr) {
        double[] srcList = new double[N];
        for (int i = 0; i < N; i++) {
            srcList[i] = i;
        }
        MemorySegment srcBytes = MemorySegment.ofArray(srcList.clone());
        byte[] dst = new byte[(int) NBYTES];
        java.util.Arrays.fill(dst, (byte) 1);
        MemorySegment raw = arr.memory();
        long[] t = new long[7];
        t[0] = System.nanoTime();
        for (int i = 0; i < N; i++) {
            arr.setDouble(i, i);
        }
        t[1] = System.nanoTime();
        double s = 0;
        for (int i = 0; i < N; i++) {
            s += arr.getDouble(i);
        }
        t[2] = System.nanoTime();
        arr.setDoubles(0, srcList);
        t[3] = System.nanoTime();
        double[] lst = new double[N];
        arr.getDoubles(0, lst);
        t[4] = System.nanoTime();
        MemorySegment.copy(srcBytes, 0, raw, 0, NBYTES);
        t[5] = System.nanoTime();
        MemorySegment.copy(raw, ValueLayout.JAVA_BYTE, 0, dst, 0, (int) NBYTES);
        t[6] = System.nanoTime();
        boolean ok = s == (N - 1) * (double) N / 2 && lst[N - 1] == N - 1
                && MemorySegment.ofArray(dst).mismatch(srcBytes) == -1;
        if (!ok) {
            return null;
        }
        long[] d = new long[6];
        for (int i = 0; i < 6; i++) {
            d[i] = t[i + 1] - t[i];
        }
        return d;
    }
}
