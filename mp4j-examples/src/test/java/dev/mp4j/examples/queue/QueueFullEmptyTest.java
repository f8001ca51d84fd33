package dev.mp4j.examples.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mp4j.examples.DemoRunner;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class QueueFullEmptyTest {
    @Test
    @Timeout(60)
    void threePutsFillAQueueOfThreeAndThreeGetsEmptyIt() throws Exception {
        DemoRunner.Result run = DemoRunner.run("queue-full-empty", Duration.ofSeconds(30));

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderr(), run::toString);
        assertEquals(List.of("True", "3", "3", "3", "True"), run.texts(), run::toString);
    }
}
