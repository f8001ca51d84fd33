package dev.mp4j.examples.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.examples.DemoRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ManagerDistributedTest {
    private static final Pattern PUT = Pattern.compile("Put task (\\d+)\\.\\.\\.");
    private static final Pattern RUN = Pattern.compile("run task (\\d+) \\* (\\d+)\\.\\.\\.");
    private static final Pattern RESULT = Pattern.compile("Result: (\\d+) \\* (\\d+) = (\\d+)");

    @Test
    @Timeout(60)
    void aWorkerConnectedOverTcpSquaresEveryTaskOnce() throws Exception {
        DemoRunner.Result run = DemoRunner.run("manager-distributed", Duration.ofSeconds(50));

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderr(), run::toString);
        List<String> texts = run.texts();

        // The task manager puts its ten tasks before any worker starts.
        List<Long> tasks = new ArrayList<>();
        for (String text : texts.subList(0, Math.min(10, texts.size()))) {
            Matcher m = PUT.matcher(text);
            assertTrue(m.matches(), () -> "expected a Put line: " + text + "\n" + run);
            long n = Long.parseLong(m.group(1));
            assertTrue(n >= 0 && n <= 10_000, () -> "random.randint(0, 10000) gave " + n + "\n" + run);
            tasks.add(n);
        }
        assertEquals(10, tasks.size(), run::toString);
        assertEquals("Try get results...", texts.get(10), run::toString);

        List<Long> ran = new ArrayList<>();
        List<Long> squared = new ArrayList<>();
        int connects = 0;
        int empties = 0;
        int exits = 0;
        for (String text : texts.subList(11, texts.size())) {
            Matcher runLine = RUN.matcher(text);
            Matcher result = RESULT.matcher(text);
            if (runLine.matches()) {
                assertEquals(runLine.group(1), runLine.group(2), run::toString);
                ran.add(Long.parseLong(runLine.group(1)));
            } else if (result.matches()) {
                long n = Long.parseLong(result.group(1));
                assertEquals(n, Long.parseLong(result.group(2)), run::toString);
                assertEquals(n * n, Long.parseLong(result.group(3)), () -> "wrong square in " + text + "\n" + run);
                squared.add(n);
            } else if (text.equals("Connect to server 127.0.0.1...")) {
                connects++;
            } else if (text.equals("task queue is empty.")) {
                empties++;
            } else if (text.equals("worker exit.")) {
                exits++;
            } else {
                throw new AssertionError("unexpected line: " + text + "\n" + run);
            }
        }
        // Every task was taken by exactly one worker and its result read once by the task manager
        // (compared as sorted lists: two random tasks may be equal).
        List<Long> expected = tasks.stream().sorted().toList();
        assertEquals(expected, ran.stream().sorted().toList(), run::toString);
        assertEquals(expected, squared.stream().sorted().toList(), run::toString);
        // The worker connected, made its ten tries, all of which found a task (as in the
        // tutorial's run: ten tasks, ten tries), and exited.
        assertEquals(1, connects, run::toString);
        assertEquals(0, empties, run::toString);
        assertEquals(1, exits, run::toString);
    }
}
