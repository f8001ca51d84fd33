package dev.mp4j.examples.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.examples.DemoRunner;
import dev.mp4j.examples.PyTime;
import java.time.Duration;
import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class EndlessProducerTest {
    @Test
    @Timeout(60)
    void aGreetingEveryHalfSecondUntilTheMainProcessHasShownTenAndStopsTheChild() throws Exception {
        DemoRunner.Result run = DemoRunner.run("queue-endless-producer", Duration.ofSeconds(30));

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderr(), run::toString);
        assertEquals(Collections.nCopies(EndlessProducer.SHOWN, "来啊客官"), run.texts(), run::toString);
        // The child naps half a second before each put, and the main process prints each as it comes.
        Buns.apart(run, run.lines(), PyTime.SECOND.dividedBy(2));
        // The child never stops by itself, and is no daemon: the program ends only because the
        // main process terminates it after the last greeting it shows.
        assertTrue(run.exitedAt().minus(run.lines().getLast().at()).compareTo(Duration.ofSeconds(2)) < 0,
                run::toString);
    }
}
