package dev.mp4j.examples.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.examples.DemoRunner;
import dev.mp4j.examples.PyTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ApplyResultsTest {
    @Test
    @Timeout(60)
    void applyRunsTheTasksOneAfterTheOtherAndReturnsTheirResults() throws Exception {
        DemoRunner.Result run = DemoRunner.run("pool-apply-results", Duration.ofSeconds(50));

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderr(), run::toString);
        List<String> hellos = IntStream.range(0, ApplyResults.TASKS).mapToObj(i -> "hello " + i).toList();
        List<String> expected = new ArrayList<>();
        hellos.forEach(h -> expected.add("msg: " + h));
        expected.add("==============================>");
        expected.add(dev.mp4j.examples.PyRepr.repr(hellos)); // ['hello 0', 'hello 1', ...]
        expected.addAll(hellos);
        // In order, the separator after every task: apply waited for each in turn.
        assertEquals(expected, run.texts(), run::toString);

        // One at a time on a pool of three: each task started only after the one before it had
        // slept its tenth of a second, so the starts span nine sleeps (three workers side by
        // side would start the tenth three sleeps after the first). Measured end to end, so that
        // one late line cannot mislead.
        Duration span = run.line("msg: hello " + (ApplyResults.TASKS - 1)).at().minus(run.line("msg: hello 0").at());
        assertTrue(span.compareTo(PyTime.SECOND.dividedBy(10).multipliedBy(ApplyResults.TASKS - 1).minusMillis(100)) >= 0,
                () -> "ten tasks started within " + span + "\n" + run);
    }
}
