package dev.mp4j.bench;

import dev.mp4j.Context;
import dev.mp4j.Multiprocessing;
import dev.mp4j.process.JvmProcess;
import dev.mp4j.queue.ProcessQueue;
import dev.mp4j.queue.SimpleProcessQueue;
import dev.mp4j.serial.ProcessTarget;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * fig02: messages per second through a {@link ProcessQueue} ("Queue") and a
 * {@link SimpleProcessQueue} ("SimpleQueue"), 1 producer to 1 consumer and 2 to 2, with payloads
 * of an int, 100 B, 10 kB and 1 MB, as in {@code fig02_queue_throughput.py}: producers put the
 * same payload n/P times then a null sentinel; every child waits at a start gate; time runs from
 * the gate opening to the last consumer's time stamp after its sentinel.
 */
public final class QueueThroughputFigure implements Figure {
    private record Payload(String kind, Integer size, int messages) {
    }

    private static final List<Payload> PAYLOADS = List.of(new Payload("int", null, 100_000),
            new Payload("bytes100", 100, 100_000), new Payload("bytes10k", 10_000, 50_000),
            new Payload("bytes1m", 1_000_000, 1_000));

    @Override
    public String name() {
        return "queue_throughput";
    }

    @Override
    public int number() {
        return 2;
    }

    @Override
    public String description() {
        return "Queue and SimpleQueue throughput, 1->1 and 2->2, int / 100 B / 10 kB / 1 MB payloads (msg/s)";
    }

    @Override
    public List<BenchRecord> run(int reps, List<String> methods) throws Exception {
        List<BenchRecord> out = new ArrayList<>();
        for (String method : methods) {
            Context ctx = Multiprocessing.getContext(method);
            runOnce(ctx, "Queue", 1, PAYLOADS.getFirst(), 2000);
            for (String qtype : List.of("Queue", "SimpleQueue")) {
                for (int pairs : new int[] {1, 2}) {
                    for (Payload payload : PAYLOADS) {
                        List<Double> runs = new ArrayList<>();
                        for (int r = 0; r < reps; r++) {
                            runs.add(runOnce(ctx, qtype, pairs, payload, payload.messages()));
                        }
                        Map<String, Object> p = new LinkedHashMap<>();
                        p.put("method", method);
                        p.put("queue", qtype);
                        p.put("producers", pairs);
                        p.put("consumers", pairs);
                        p.put("payload", payload.kind());
                        p.put("payload_bytes", payload.size());
                        p.put("messages", payload.messages());
                        out.add(new BenchRecord(2, "queue_throughput", "msg/s", p, runs, true));
                    }
                }
            }
        }
        return out;
    }

    /** Puts and gets in the Python style (null is the sentinel) on either queue kind. */
    private interface Port extends java.io.Serializable {
        void put(Object o) throws Exception;

        Object get() throws Exception;
    }

    private static Port port(String qtype) {
        if (qtype.equals("Queue")) {
            ProcessQueue<Object> q = ProcessQueue.create();
            return new Port() {
                @Override
                public void put(Object o) throws Exception {
                    q.put(o, true, null);
                }

                @Override
                public Object get() throws Exception {
                    return q.get(true, null);
                }
            };
        }
        SimpleProcessQueue<Object> q = SimpleProcessQueue.create();
        return new Port() {
            @Override
            public void put(Object o) throws Exception {
                q.put(o);
            }

            @Override
            public Object get() throws Exception {
                return q.get();
            }
        };
    }

    private static double runOnce(Context ctx, String qtype, int pairs, Payload payload, int n) throws Exception {
        Port q = port(qtype);
        Gate gate = Gate.create();
        SimpleProcessQueue<long[]> res = SimpleProcessQueue.create();
        int per = n / pairs;
        Integer size = payload.size();
        List<JvmProcess> ps = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            ps.add(ctx.process((ProcessTarget) () -> {
                gate.pass();
                long c = 0;
                while (q.get() != null) {
                    c++;
                }
                res.put(new long[] {c, System.nanoTime()});
            }));
        }
        for (int i = 0; i < pairs; i++) {
            ps.add(ctx.process((ProcessTarget) () -> {
                Object item;
                if (size == null) {
                    item = 12345;
                } else {
                    byte[] b = new byte[size];
                    Arrays.fill(b, (byte) 'x');
                    item = b;
                }
                gate.pass();
                for (int k = 0; k < per; k++) {
                    q.put(item);
                }
                q.put(null);
            }));
        }
        ps.forEach(JvmProcess::start);
        long t0 = gate.open(ps.size());
        long got = 0;
        long t1 = 0;
        for (int i = 0; i < pairs; i++) {
            long[] r = res.get();
            got += r[0];
            t1 = Math.max(t1, r[1]);
        }
        for (JvmProcess p : ps) {
            p.join();
            if (p.exitCode() != 0) {
                throw new IllegalStateException("child exit code " + p.exitCode());
            }
        }
        if (got != (long) per * pairs) {
            throw new IllegalStateException("lost messages: " + got + " != " + (long) per * pairs);
        }
        return got / ((t1 - t0) / 1e9);
    }
}
