package dev.mp4j.examples.pipe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mp4j.examples.DemoRunner;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class PipeBetweenChildrenTest {
    @Test
    @Timeout(60)
    void twoChildrenTalkThroughTheEndsTheyWereGiven() throws Exception {
        DemoRunner.Result run = DemoRunner.run("pipe-between-children", Duration.ofSeconds(30));

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderr(), run::toString);
        // proc1 can only print the answer proc2 sends after printing the greeting.
        assertEquals(List.of("proc2 rec: hello", "proc1 rec: hello, too"), run.texts(), run::toString);
    }
}
