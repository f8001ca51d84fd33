package dev.mp4j.examples.pipe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mp4j.examples.DemoRunner;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class AdderServerTest {
    @Test
    @Timeout(60)
    void serverAnswersThenStopsOnTheClientsClose() throws Exception {
        DemoRunner.Result run = DemoRunner.run("pipe-adder", Duration.ofSeconds(30));

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderr(), run::toString);
        // The reply first; the client then closes its end, which is the EOF that stops the server.
        assertEquals(List.of("30", "server done", "主进程"), run.texts(), run::toString);
    }
}
