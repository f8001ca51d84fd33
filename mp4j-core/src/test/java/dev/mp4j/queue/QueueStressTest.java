package dev.mp4j.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mp4j.process.JvmProcess;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 4 producer processes and 4 consumer processes move 1,000,000 messages of mixed sizes (8 B to
 * 64 KiB): none lost, none duplicated, each producer's order kept, contents intact.
 */
class QueueStressTest {
    static final int PRODUCERS = 4;
    static final int CONSUMERS = 4;

    /**
     * Deterministic size for message {@code seq}: mostly small, some up to 64 KiB; with
     * {@code large}, one in ten is 70 KB, more than a 64 KiB ring holds, so it is spilled.
     */
    static int size(int seq, boolean large) {
        if (large && seq % 10 == 3) {
            return 70_000 + seq % 100;
        }
        return size(seq);
    }

    static int size(int seq) {
        int r = (int) Math.floorMod(seq * 2654435761L, 1000L);
        if (r < 900) {
            return 8 + r % 120;
        }
        if (r < 995) {
            return 128 + (r * 37) % 4000;
        }
        return 65536 - (r % 7) * 1000;
    }

    static byte[] message(int producer, int seq, boolean large) {
        byte[] b = new byte[size(seq, large)];
        b[0] = (byte) producer;
        b[1] = (byte) (seq >>> 24);
        b[2] = (byte) (seq >>> 16);
        b[3] = (byte) (seq >>> 8);
        b[4] = (byte) seq;
        b[b.length - 1] = (byte) (producer * 31 + seq);
        return b;
    }

    @Test
    @Timeout(300)
    void fourProducersFourConsumersAMillionMessagesNoneLostOrDuplicatedInOrder() throws Exception {
        moveAndCheck(ProcessQueue.create(0, 8 << 20, 1 << 20), ProcessQueue.create(), 250_000, false);
    }

    @Test
    @Timeout(300)
    void fourProducersFourConsumersWithOneItemInTenSpilledLoseNothingAndLeaveNoSegment() throws Exception {
        // A 64 KiB ring and one item in ten of 70 KB: those go through segments of their own,
        // between the others, from four producers to four consumers at once.
        ProcessQueue<byte[]> q = ProcessQueue.create(0, 64 * 1024, 1 << 20);
        ProcessQueue<long[]> results = ProcessQueue.create();
        String prefix = dev.mp4j.testing.Segments.prefixOf(q.name());
        java.util.Set<String> before = dev.mp4j.testing.Segments.like(prefix);
        moveAndCheck(q, results, 5_000, true);
        java.util.Set<String> left = dev.mp4j.testing.Segments.like(prefix);
        left.removeAll(before);
        assertEquals(java.util.Set.of(), left, "spill segments left behind");
    }


    private static void moveAndCheck(ProcessQueue<byte[]> q, ProcessQueue<long[]> results, int perProducer, boolean large)
            throws Exception {
        List<JvmProcess> all = new ArrayList<>();
        for (int c = 0; c < CONSUMERS; c++) {
            all.add(new JvmProcess(() -> {
                long[] count = new long[PRODUCERS];
                long[] sum = new long[PRODUCERS];
                int[] last = new int[PRODUCERS];
                java.util.Arrays.fill(last, -1);
                long outOfOrder = 0;
                long corrupt = 0;
                while (true) {
                    byte[] m = q.take();
                    if (m.length == 1) {
                        break;
                    }
                    int p = m[0];
                    int seq = ((m[1] & 0xFF) << 24) | ((m[2] & 0xFF) << 16) | ((m[3] & 0xFF) << 8) | (m[4] & 0xFF);
                    if (m.length != size(seq, large) || m[m.length - 1] != (byte) (p * 31 + seq)) {
                        corrupt++;
                    }
                    if (seq <= last[p]) {
                        outOfOrder++;
                    }
                    last[p] = seq;
                    count[p]++;
                    sum[p] += seq;
                }
                long[] report = new long[PRODUCERS * 2 + 2];
                System.arraycopy(count, 0, report, 0, PRODUCERS);
                System.arraycopy(sum, 0, report, PRODUCERS, PRODUCERS);
                report[PRODUCERS * 2] = outOfOrder;
                report[PRODUCERS * 2 + 1] = corrupt;
                results.put(report);
            }));
        }
        List<JvmProcess> producers = new ArrayList<>();
        for (int p = 0; p < PRODUCERS; p++) {
            int id = p;
            producers.add(new JvmProcess(() -> {
                for (int seq = 0; seq < perProducer; seq++) {
                    q.put(message(id, seq, large));
                }
            }));
        }
        all.forEach(JvmProcess::start);
        producers.forEach(JvmProcess::start);
        producers.forEach(JvmProcess::join);
        for (int c = 0; c < CONSUMERS; c++) {
            q.put(new byte[1]);
        }
        long[] count = new long[PRODUCERS];
        long[] sum = new long[PRODUCERS];
        long outOfOrder = 0;
        long corrupt = 0;
        for (int c = 0; c < CONSUMERS; c++) {
            long[] r = results.take();
            for (int p = 0; p < PRODUCERS; p++) {
                count[p] += r[p];
                sum[p] += r[PRODUCERS + p];
            }
            outOfOrder += r[PRODUCERS * 2];
            corrupt += r[PRODUCERS * 2 + 1];
        }
        all.forEach(JvmProcess::join);
        producers.forEach(p -> assertEquals(0, p.exitCode()));
        long expectedSum = (long) perProducer * (perProducer - 1) / 2;
        for (int p = 0; p < PRODUCERS; p++) {
            assertEquals(perProducer, count[p], "messages from producer " + p);
            assertEquals(expectedSum, sum[p], "sequence checksum of producer " + p + " (a duplicate or a loss)");
        }
        assertEquals(0, outOfOrder, "messages seen out of their producer's order");
        assertEquals(0, corrupt, "messages whose contents changed");
    }
}
