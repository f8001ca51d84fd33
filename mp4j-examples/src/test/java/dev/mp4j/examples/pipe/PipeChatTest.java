package dev.mp4j.examples.pipe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mp4j.examples.DemoRunner;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class PipeChatTest {
    @Test
    @Timeout(60)
    void childSendsParentPrintsAndRepliesChildPrints() throws Exception {
        DemoRunner.Result run = DemoRunner.run("pipe-chat", Duration.ofSeconds(30));

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderr(), run::toString);
        // The parent can only print after the child sent, and the child only after the parent replied.
        assertEquals(List.of("l: Welcome to beijing!", "x: Im coming!"), run.texts(), run::toString);
    }
}
