package dev.mp4j.examples.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.examples.DemoRunner;
import dev.mp4j.examples.PyTime;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ApplyAsyncResultsTest {
    private static final String SEPARATOR = "==============================>";

    @Test
    @Timeout(60)
    void theMainProcessGoesOnAtOnceThreeTasksRunAtATimeAndGetReturnsEachResult() throws Exception {
        DemoRunner.Result run = DemoRunner.run("pool-apply-async-results", Duration.ofSeconds(50));

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderr(), run::toString);
        int n = ApplyAsyncResults.TASKS;
        assertEquals(2 * n + 2, run.lines().size(), run::toString);

        List<DemoRunner.Line> starts = run.linesWhere(l -> l.text().startsWith("msg: "));
        Set<String> hellos = IntStream.range(0, n).mapToObj(i -> "hello " + i).collect(Collectors.toSet());
        assertEquals(hellos.stream().map(h -> "msg: " + h).collect(Collectors.toSet()),
                starts.stream().map(DemoRunner.Line::text).collect(Collectors.toSet()), run::toString);

        // apply_async does not wait: the separator comes before any task has finished, that is
        // before a fourth task could start on the pool of three.
        int separator = run.texts().indexOf(SEPARATOR);
        assertTrue(separator >= 0 && separator < run.texts().indexOf(starts.get(ApplyAsyncResults.PROCESSES).text()),
                run::toString);

        // A task prints as it starts and then holds its worker for a second: four starts within
        // less than a second would be four tasks at once on three workers.
        for (int k = 0; k + ApplyAsyncResults.PROCESSES < starts.size(); k++) {
            Duration span = starts.get(k + ApplyAsyncResults.PROCESSES).at().minus(starts.get(k).at());
            assertTrue(span.compareTo(PyTime.SECOND.minusMillis(150)) >= 0,
                    () -> "four tasks started within " + span + "\n" + run);
        }

        // After join(): the list of result objects, then each result by get(), in submission order.
        List<String> tail = run.texts().subList(n + 1, 2 * n + 2);
        String object = "dev\\.mp4j\\.pool\\.AsyncResult@\\p{XDigit}+";
        assertTrue(tail.getFirst().matches("\\[" + object + "(, " + object + "){" + (n - 1) + "}]"),
                () -> "not a list of ten result objects: " + tail.getFirst() + "\n" + run);
        assertEquals(IntStream.range(0, n).mapToObj(i -> "hello " + i).toList(), tail.subList(1, n + 1), run::toString);
    }
}
