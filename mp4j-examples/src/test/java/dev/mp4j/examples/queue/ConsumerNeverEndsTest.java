package dev.mp4j.examples.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.examples.DemoRunner;
import dev.mp4j.examples.PyTime;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ConsumerNeverEndsTest {
    @Test
    @Timeout(60)
    void theConsumerGetsTenBunsAndIsStillWaitingWhenTheMainProcessGivesUpOnIt() throws Exception {
        // 12-19 s: ten naps of 1-3 scaled seconds on each side, then the twin's patience.
        DemoRunner.Result run = DemoRunner.run("queue-consumer-never-ends", Duration.ofSeconds(50));

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderr(), run::toString);
        assertEquals(2 * Buns.COUNT + 1, run.lines().size(), run::toString);
        List<DemoRunner.Line> made = Buns.oneLineEach(run, k -> "\033[46m生产者生产了:包子" + k + "\033[0m");
        List<DemoRunner.Line> got = Buns.oneLineEach(run, k -> "\033[45m消费者拿到了:包子" + k + "\033[0m");
        Buns.inOrder(run, made);
        Buns.inOrder(run, got);
        Buns.eachAfter(run, made, got);
        Buns.apart(run, made, PyTime.SECOND);
        Buns.apart(run, got, PyTime.SECOND);

        // The main process does not wait for the consumer: it is done once the last bun is put.
        DemoRunner.Line main = run.line("主线程");
        assertTrue(Buns.index(run, main) > Buns.index(run, made.getLast()), run::toString);

        // After its last bun the consumer naps and goes back to get(), where nothing ends it: the
        // twin's main process, which waits for it at most PATIENCE seconds, had to wait them all.
        // (Had the consumer ended, the join would have returned at once.)
        Duration patience = PyTime.SECOND.multipliedBy(ConsumerNeverEnds.PATIENCE);
        Duration lastBunToExit = run.exitedAt().minus(got.getLast().at());
        assertTrue(lastBunToExit.compareTo(patience.minusMillis(100)) >= 0, run::toString);
        // ... and then terminated it, rather than wait for ever as Python does.
        assertTrue(lastBunToExit.compareTo(patience.plusSeconds(2)) < 0, run::toString);
    }
}
