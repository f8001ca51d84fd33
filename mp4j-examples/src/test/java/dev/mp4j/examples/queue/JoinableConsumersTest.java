package dev.mp4j.examples.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.examples.DemoRunner;
import dev.mp4j.examples.PyTime;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class JoinableConsumersTest {
    @Test
    @Timeout(60)
    void threeDaemonConsumersShareTheBunsAndTheJoinWaitsForTheLast() throws Exception {
        // About 6 s: a bun every scaled second.
        DemoRunner.Result run = DemoRunner.run("joinable-queue-consumers", Duration.ofSeconds(50));

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderr(), run::toString);
        assertEquals(2 * Buns.COUNT + 1, run.lines().size(), run::toString);
        List<DemoRunner.Line> made = Buns.oneLineEach(run, k -> "\033[46m生产者做好了 包子" + k + "\033[0m");
        Buns.inOrder(run, made);
        // randrange(1,2) is 1: a bun a second.
        Buns.apart(run, made, PyTime.SECOND);
        // Each bun handled by exactly one of the three consumers.
        List<DemoRunner.Line> got = Buns.oneLineEachMatching(run,
                k -> Pattern.compile("\033\\[45m消费者[123]拿到了 包子" + k + "\033\\[0m"));
        // Each consumer naps 1-2 seconds before each get, so its own lines are that far apart.
        for (int c = 1; c <= 3; c++) {
            String name = "消费者" + c;
            Buns.apart(run, got.stream().filter(l -> l.text().contains(name)).toList(), PyTime.SECOND);
        }

        // q.join() in producer() returns once the tenth task is done, whoever did it.
        DemoRunner.Line main = run.lines().getLast();
        assertEquals("主线程", main.text(), run::toString);
        // The three consumers loop for ever; as daemons they end with the main process.
        assertTrue(run.exitedAt().minus(main.at()).compareTo(Duration.ofSeconds(2)) < 0, run::toString);
    }
}
