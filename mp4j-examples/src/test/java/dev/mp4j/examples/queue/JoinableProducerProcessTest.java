package dev.mp4j.examples.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.examples.DemoRunner;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class JoinableProducerProcessTest {
    @Test
    @Timeout(60)
    void theProducerProcessEndsOnlyOnceTheConsumersHandledEveryBun() throws Exception {
        DemoRunner.Result run = DemoRunner.run("joinable-queue-producer-process", Duration.ofSeconds(30));

        assertEquals(0, run.exitCode(), run::toString);
        // A consumer may still be starting when the work is done, and is terminated then.
        assertEquals("", run.stderrWithoutChildStartupTermination(), run::toString);
        assertEquals(2 * Buns.COUNT + 1, run.lines().size(), run::toString);
        List<DemoRunner.Line> made = Buns.oneLineEach(run, k -> "\033[46m生产者做好了 包子" + k + "\033[0m");
        Buns.inOrder(run, made);
        // The list reached the producer's process whole, and each bun went to one consumer.
        Buns.oneLineEachMatching(run, k -> Pattern.compile("\033\\[45m消费者[123]拿到了 包子" + k + "\033\\[0m"));

        // The main process joins p4, which joins the queue: 主线程 comes after every bun is done.
        DemoRunner.Line main = run.lines().getLast();
        assertEquals("主线程", main.text(), run::toString);
        assertTrue(run.exitedAt().minus(main.at()).compareTo(Duration.ofSeconds(2)) < 0, run::toString);
    }
}
