package dev.mp4j.examples.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.examples.DemoRunner;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class JoinableConsumerTest {
    @Test
    @Timeout(60)
    void theProducersJoinReturnsOnlyOnceTheDaemonConsumerHandledAllTenBuns() throws Exception {
        DemoRunner.Result run = DemoRunner.run("joinable-queue-consumer", Duration.ofSeconds(30));

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderr(), run::toString);
        assertEquals(2 * Buns.COUNT + 1, run.lines().size(), run::toString);
        List<DemoRunner.Line> made = Buns.oneLineEach(run, k -> "生产者做好了 包子" + k);
        List<DemoRunner.Line> got = Buns.oneLineEach(run, k -> "消费者拿到了 包子" + k);
        Buns.inOrder(run, made);
        Buns.inOrder(run, got);

        // The producer puts all ten while the consumer's JVM is still starting; only q.join()
        // holds the main process back until the consumer has marked the last one done.
        DemoRunner.Line main = run.lines().getLast();
        assertEquals("主线程", main.text(), run::toString);
        // The consumer never returns: the runner saw the program end only because the daemon
        // was terminated when the main process ended.
        assertTrue(run.exitedAt().minus(main.at()).compareTo(Duration.ofSeconds(2)) < 0, run::toString);
    }
}
