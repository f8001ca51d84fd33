package dev.mp4j.examples.pipe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mp4j.examples.DemoRunner;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class PipeGreetingTest {
    @Test
    @Timeout(60)
    void chineseGreetingsTravelBothWays() throws Exception {
        DemoRunner.Result run = DemoRunner.run("pipe-greeting", Duration.ofSeconds(30));

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderr(), run::toString);
        // Non-ASCII strings arrive intact, in the order the exchange forces.
        assertEquals(List.of("爸爸你好!", "儿子你好!"), run.texts(), run::toString);
    }
}
