package dev.mp4j.examples.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.examples.DemoRunner;
import dev.mp4j.examples.PyTime;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class FunctionNoJoinTest {
    @Test
    @Timeout(60)
    void mainPrintsFirstAndStillWaitsForItsFourChildren() throws Exception {
        DemoRunner.Result run = DemoRunner.run("process-function-no-join", Duration.ofSeconds(50));

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderr(), run::toString);
        assertEquals(9, run.lines().size(), run::toString);
        // No join: the main process prints long before a child JVM is up.
        assertEquals("主线程", run.lines().getFirst().text(), run::toString);
        for (String name : List.of("egon", "alex", "wupeqi", "yuanhao")) {
            DemoRunner.Line piaoing = run.line(name + " piaoing");
            DemoRunner.Line end = run.line(name + " piao end");
            // randrange(1,5): at least one (scaled) second between the two lines.
            assertTrue(end.at().minus(piaoing.at()).compareTo(PyTime.SECOND.minusMillis(100)) >= 0,
                    () -> name + " did not sleep\n" + run);
        }
        // The main JVM returned from main() at once, yet exited only after its last child.
        assertTrue(run.exitedAt().compareTo(run.lines().getLast().at()) >= 0,
                () -> "the main process exited before its non-daemon children ended\n" + run);
    }
}
