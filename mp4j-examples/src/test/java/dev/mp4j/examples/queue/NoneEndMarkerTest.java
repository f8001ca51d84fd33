package dev.mp4j.examples.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.examples.DemoRunner;
import dev.mp4j.examples.PyTime;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class NoneEndMarkerTest {
    @Test
    @Timeout(60)
    void theConsumerGetsTenBunsInOrderThenStopsAtTheNoneAndIsJoined() throws Exception {
        // 10-17 s: the consumer naps 1-3 scaled seconds before each of its eleven gets.
        DemoRunner.Result run = DemoRunner.run("queue-none-end-marker", Duration.ofSeconds(50));

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderr(), run::toString);
        assertEquals(2 * Buns.COUNT + 1, run.lines().size(), run::toString);
        List<DemoRunner.Line> made = Buns.oneLineEach(run, k -> "\033[46m生产者生产了:包子" + k + "\033[0m");
        List<DemoRunner.Line> got = Buns.oneLineEach(run, k -> "\033[45m消费者拿到了:包子" + k + "\033[0m");
        // First in, first out, and a bun is announced before it is put.
        Buns.inOrder(run, made);
        Buns.inOrder(run, got);
        Buns.eachAfter(run, made, got);
        // Both sides nap at least a second before each bun.
        Buns.apart(run, made, PyTime.SECOND);
        Buns.apart(run, got, PyTime.SECOND);

        // The main process joins the consumer, which ends only once it has got the None: after a
        // last nap, following its last bun. A None got earlier would have cut buns off.
        DemoRunner.Line main = run.lines().getLast();
        assertEquals("主线程", main.text(), run::toString);
        assertTrue(main.at().minus(got.getLast().at()).compareTo(PyTime.SECOND.minusMillis(50)) >= 0, run::toString);
        assertTrue(run.exitedAt().minus(main.at()).compareTo(Duration.ofSeconds(2)) < 0, run::toString);
    }
}
