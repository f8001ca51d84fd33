package dev.mp4j.examples.pipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.examples.DemoRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ProducerConsumerTest {
    @Test
    @Timeout(60)
    void consumerGetsTenItemsInOrderAndEofEndsIt() throws Exception {
        // Without EOF the consumer would wait forever and the runner would time out.
        DemoRunner.Result run = DemoRunner.run("pipe-producer-consumer", Duration.ofSeconds(30));

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderr(), run::toString);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            expected.add("c1 收到包子:" + i);
        }
        expected.add("主进程");
        assertEquals(expected, run.texts(), run::toString);
        // EOF follows the last close at once, so the join returns right after the last item.
        Duration lastItemToMain = run.line("主进程").at().minus(run.line("c1 收到包子:9").at());
        assertTrue(lastItemToMain.compareTo(Duration.ofSeconds(2)) < 0, run::toString);
    }
}
