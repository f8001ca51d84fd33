package dev.mp4j.examples.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.examples.DemoRunner;
import dev.mp4j.examples.PyTime;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class TicketBoothTest {
    private static final Pattern LEFT = Pattern.compile("Process: (\\d+) Left (\\d+) tickets!");
    private static final Pattern NONE_LEFT = Pattern.compile("Process: (\\d+) No more tickets!");

    @Test
    @Timeout(60)
    void theCountGoesNineDownToZeroOneSaleAtATimeAndOneBoothFindsNoneLeft() throws Exception {
        DemoRunner.Result run = DemoRunner.run("queue-ticket-booth", Duration.ofSeconds(30));

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderr(), run::toString);
        List<DemoRunner.Line> lines = run.lines();
        assertEquals(TicketBooth.TICKETS + 1, lines.size(), run::toString);
        // One count in the queue, so one seller at a time: 9 down to 0, none twice, none skipped.
        for (int k = 0; k < TicketBooth.TICKETS; k++) {
            Matcher m = LEFT.matcher(lines.get(k).text());
            assertTrue(m.matches(), run::toString);
            assertEquals(TicketBooth.TICKETS - 1 - k, Integer.parseInt(m.group(2)), run::toString);
            // Sold by a booth, a child process, not by the main process.
            assertNotEquals(run.pid(), Long.parseLong(m.group(1)), run::toString);
        }
        Matcher last = NONE_LEFT.matcher(lines.getLast().text());
        assertTrue(last.matches(), run::toString);
        assertNotEquals(run.pid(), Long.parseLong(last.group(1)), run::toString);

        // A booth that has sold holds the lock through doChorme() (0.1 s); the next sale, and the
        // final "No more tickets!", need the lock, so each line is at least that long after the
        // one before (less a little for the time a line takes to reach the test).
        Duration chore = PyTime.SECOND.dividedBy(10);
        for (int k = 1; k < lines.size(); k++) {
            Duration gap = lines.get(k).at().minus(lines.get(k - 1).at());
            assertTrue(gap.compareTo(chore.minusMillis(20)) >= 0,
                    "only " + gap.toMillis() + " ms between line " + (k - 1) + " and line " + k + "\n" + run);
        }
    }
}
