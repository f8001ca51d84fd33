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
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class LongTimeTaskTest {
    private static final Pattern RUN = Pattern.compile("Run task (\\d) \\((\\d+)\\)\\.\\.\\.");
    private static final Pattern DONE = Pattern.compile("Task (\\d) runs (\\d+\\.\\d\\d) seconds\\.");

    @Test
    @Timeout(60)
    void fiveTasksShareFourWorkersSoOneStartsOnlyWhenAnotherIsDone() throws Exception {
        DemoRunner.Result run = DemoRunner.run("pool-long-time-task", Duration.ofSeconds(50));

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderr(), run::toString);
        List<DemoRunner.Line> lines = run.lines();
        assertEquals(3 + 2 * LongTimeTask.TASKS, lines.size(), run::toString);
        assertEquals("Parent process " + run.pid() + ".", lines.get(0).text(), run::toString);
        assertEquals("Waiting for all subprocesses done....", lines.get(1).text(), run::toString);
        assertEquals("All subprocessesdone.", lines.getLast().text(), run::toString);

        Map<String, DemoRunner.Line> started = new HashMap<>();
        Map<String, Long> pidOf = new HashMap<>();
        Set<Long> busy = new HashSet<>();
        int ended = 0;
        for (DemoRunner.Line line : lines.subList(2, lines.size() - 1)) {
            Matcher runLine = RUN.matcher(line.text());
            Matcher doneLine = DONE.matcher(line.text());
            if (runLine.matches()) {
                String name = runLine.group(1);
                long pid = Long.parseLong(runLine.group(2));
                assertTrue(started.put(name, line) == null, () -> "task " + name + " started twice\n" + run);
                assertNotEquals(run.pid(), pid, () -> "a task ran in the main process\n" + run);
                assertTrue(busy.add(pid), () -> "two tasks at once in pid " + pid + "\n" + run);
                pidOf.put(name, pid);
                // Four workers: the fifth task starts only after one of the first four has ended.
                if (started.size() == LongTimeTask.TASKS) {
                    assertTrue(ended >= 1, () -> "five tasks at once\n" + run);
                }
            } else {
                assertTrue(doneLine.matches(), () -> "unexpected line '" + line.text() + "'\n" + run);
                String name = doneLine.group(1);
                assertTrue(started.containsKey(name) && busy.remove(pidOf.get(name)),
                        () -> "task " + name + " ended without having started\n" + run);
                ended++;
                // random.random() * 3: at most three scaled seconds, and no more than the time
                // between the task's two lines.
                double seconds = Double.parseDouble(doneLine.group(2));
                double upTo = 3 * PyTime.SECOND.toMillis() / 1000.0;
                double between = line.at().minus(started.get(name).at()).toMillis() / 1000.0;
                assertTrue(seconds <= upTo + 0.1, () -> "task " + name + " ran " + seconds + " s\n" + run);
                assertTrue(seconds <= between + 0.1, () -> "task " + name + " reported " + seconds
                        + " s but its lines are " + between + " s apart\n" + run);
            }
        }
        assertEquals(IntStream.range(0, LongTimeTask.TASKS).mapToObj(String::valueOf).collect(Collectors.toSet()),
                started.keySet(), run::toString);
        assertEquals(Set.of(), busy, () -> "tasks that never ended: " + busy + "\n" + run);
        long workers = pidOf.values().stream().distinct().count();
        assertTrue(workers <= LongTimeTask.PROCESSES, () -> workers + " worker pids\n" + run);
    }
}
