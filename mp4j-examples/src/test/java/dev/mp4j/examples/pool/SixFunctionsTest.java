package dev.mp4j.examples.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.examples.DemoRunner;
import dev.mp4j.examples.PyTime;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class SixFunctionsTest {
    private static final Pattern RUN = Pattern.compile("Run task (\\w+)-(\\d+)");
    private static final Pattern DONE = Pattern.compile("Task (\\w+),? runs (\\d+\\.\\d\\d) seconds\\.");
    /** Each function's longest sleep in the original's seconds: random.random() * n. */
    private static final Map<String, Integer> UP_TO = Map.of(
            "Lee", 10, "Marlon", 40, "Allen", 30, "Frank", 20, "Egon", 20, "Lily", 20);

    @Test
    @Timeout(60)
    void sixFunctionsRunInFourWorkerProcessesAndEachReportsItsOwnSleep() throws Exception {
        DemoRunner.Result run = DemoRunner.run("pool-six-functions", Duration.ofSeconds(50));

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderr(), run::toString);
        List<DemoRunner.Line> lines = run.lines();
        assertEquals(3 + 3 * UP_TO.size(), lines.size(), run::toString);
        assertEquals("parent process " + run.pid(), lines.get(0).text(), run::toString);
        // apply_async returned at once: the main process says it waits before any worker is up.
        assertEquals("Waiting for all subprocesses done...", lines.get(1).text(), run::toString);
        assertEquals("All subprocesses done.", lines.getLast().text(), run::toString);

        Map<String, DemoRunner.Line> started = new HashMap<>();
        Map<String, Long> pidOf = new HashMap<>();
        Set<Long> busy = new HashSet<>();
        for (int i = 2; i < lines.size() - 1; i++) {
            String text = lines.get(i).text();
            if (text.isEmpty()) {
                continue;
            }
            Matcher runLine = RUN.matcher(text);
            Matcher doneLine = DONE.matcher(text);
            if (runLine.matches()) {
                String name = runLine.group(1);
                long pid = Long.parseLong(runLine.group(2));
                // The "\n" of the original: a blank line just before, written in the same print.
                assertEquals("", lines.get(i - 1).text(), () -> "no blank line before " + text + "\n" + run);
                assertTrue(UP_TO.containsKey(name) && started.put(name, lines.get(i)) == null,
                        () -> "unexpected or repeated " + text + "\n" + run);
                assertNotEquals(run.pid(), pid, () -> "a task ran in the main process\n" + run);
                // A worker runs one task at a time: its pid is not busy with another task now.
                assertTrue(busy.add(pid), () -> "two tasks at once in pid " + pid + "\n" + run);
                pidOf.put(name, pid);
            } else {
                assertTrue(doneLine.matches(), () -> "unexpected line '" + text + "'\n" + run);
                String name = doneLine.group(1);
                assertEquals(name.equals("Lee"), text.startsWith("Task Lee, "), run::toString);
                assertTrue(started.containsKey(name) && busy.remove(pidOf.get(name)),
                        () -> name + " ended without having started\n" + run);
                // The reported time lies within the function's range (a tenth of a scaled second
                // per original second), and within the time between its two lines.
                double seconds = Double.parseDouble(doneLine.group(2));
                double upTo = UP_TO.get(name) * SixFunctions.SHORTER * PyTime.SECOND.toMillis() / 1000.0;
                double between = lines.get(i).at().minus(started.get(name).at()).toMillis() / 1000.0;
                assertTrue(seconds <= upTo + 0.1, () -> name + " ran " + seconds + " s, more than " + upTo + "\n" + run);
                assertTrue(seconds <= between + 0.1, () -> name + " reported " + seconds + " s but its lines are "
                        + between + " s apart\n" + run);
            }
        }
        assertEquals(UP_TO.keySet(), started.keySet(), run::toString);
        assertEquals(Set.of(), busy, () -> "tasks that never ended: " + busy + "\n" + run);
        // Pool(4): six tasks share at most four worker processes.
        long workers = pidOf.values().stream().distinct().count();
        assertTrue(workers <= SixFunctions.PROCESSES, () -> workers + " worker pids\n" + run);
    }
}
