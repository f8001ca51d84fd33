package dev.mp4j.examples.thread;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mp4j.examples.DemoRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class CoroutineProducerConsumerTest {
    @Test
    @Timeout(60)
    void producerAndConsumerTakeStrictTurns() throws Exception {
        DemoRunner.Result run = DemoRunner.run("coroutine-producer-consumer", Duration.ofSeconds(50));

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderr(), run::toString);
        List<String> expected = new ArrayList<>();
        for (int n = 1; n <= 5; n++) {
            expected.add("[PRODUCER] →→ Producing " + n + "...");
            expected.add("[CONSUMER] ←← Consuming " + n + "...");
            expected.add("[PRODUCER] Consumer return: 200 OK");
        }
        // Exactly this order: the producer waits for each answer, the consumer for each message.
        assertEquals(expected, run.texts(), run::toString);
    }

    @Test
    @Timeout(10)
    void theFirstAnswerIsEmptyAndCloseEndsTheConsumer() throws Exception {
        CoroutineProducerConsumer.Consumer c = new CoroutineProducerConsumer.Consumer();
        // next(c): the generator's first yield gives r = ''.
        assertEquals("", c.start());
        c.close();
    }
}
