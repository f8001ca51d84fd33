package dev.mp4j.examples.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.examples.DemoRunner;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class WriteReadTest {
    private static final List<String> VALUES = List.of("A", "B", "C");

    @Test
    @Timeout(60)
    void theWriterPutsThreeAndTheReaderReadsThemInOrderUntilItFindsTheQueueEmpty() throws Exception {
        DemoRunner.Result run = DemoRunner.run("queue-write-read", Duration.ofSeconds(30));

        assertEquals(0, run.exitCode(), run::toString);
        // The reader is terminated at the end; it may be still starting then.
        assertEquals("", run.stderrWithoutChildStartupTermination(), run::toString);
        List<DemoRunner.Line> puts = VALUES.stream().map(v -> run.line("Put " + v + " to queue...")).toList();
        List<DemoRunner.Line> reads = run.linesWhere(l -> l.text().endsWith(" from Queue"));
        assertEquals(puts.size() + reads.size(), run.lines().size(), run::toString);
        Buns.inOrder(run, puts);

        // How much the reader reads depends on when it comes up (see WriteRead), but it is always
        // the first items, in the order they were put, each after it was put: a queue is FIFO.
        assertTrue(reads.size() <= VALUES.size(), run::toString);
        for (int k = 0; k < reads.size(); k++) {
            assertEquals(VALUES.get(k) + " from Queue", reads.get(k).text(), run::toString);
            assertTrue(Buns.index(run, puts.get(k)) < Buns.index(run, reads.get(k)), run::toString);
        }
    }

    @Test
    @Timeout(60)
    void theReaderReadsEverythingInOrderAndReturnsAtTheFirstEmptyQueue() throws Exception {
        // The demo's reader may come up before the writer and read nothing: here it surely has items.
        dev.mp4j.queue.ProcessQueue<String> q = dev.mp4j.queue.ProcessQueue.create();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.out;
        try {
            for (String v : VALUES) {
                q.put(v);
            }
            System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
            WriteRead.read(q);
        } finally {
            System.setOut(old);
            q.close();
        }
        assertEquals(List.of("A from Queue", "B from Queue", "C from Queue"),
                out.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList());
    }
}
