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
        // final "No more tickets!", need the lock, so the ten lines after the first take at least
        // ten chores. (Counted over all of them: a line read late by the test shortens one gap
        // and lengthens the next, and on a busy machine lines do arrive together.)
        Duration chore = PyTime.SECOND.dividedBy(10);
        Duration span = lines.getLast().at().minus(lines.getFirst().at());
        Duration least = chore.multipliedBy(lines.size() - 1).multipliedBy(7).dividedBy(10);
        assertTrue(span.compareTo(least) >= 0, "the sales took only " + span.toMillis() + " ms\n" + run);
    }
}
