package dev.mp4j.examples.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.examples.DemoRunner;
import dev.mp4j.examples.PyTime;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class JoinLongestTest {
    @Test
    @Timeout(60)
    void fourJoinsTakeAsLongAsTheLongestChildNotTheSum() throws Exception {
        DemoRunner.Result run = DemoRunner.run("process-join", Duration.ofSeconds(50));

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderr(), run::toString);
        assertEquals(9, run.lines().size(), run::toString);
        DemoRunner.Line main = run.lines().getLast();
        assertEquals("主线程", main.text(), run::toString);

        Duration longest = Duration.ZERO;
        Duration sum = Duration.ZERO;
        Duration firstStart = null;
        Duration lastEnd = Duration.ZERO;
        for (String name : List.of("egon", "alex", "yuanhao", "wupeiqi")) {
            DemoRunner.Line start = run.line(name + " is piaoing");
            DemoRunner.Line end = run.line(name + " is piao end");
            Duration slept = end.at().minus(start.at());
            // randint(1,3): one to three scaled seconds.
            assertTrue(slept.compareTo(PyTime.SECOND.minusMillis(100)) >= 0, () -> name + " did not sleep\n" + run);
            longest = slept.compareTo(longest) > 0 ? slept : longest;
            sum = sum.plus(slept);
            firstStart = firstStart == null || start.at().compareTo(firstStart) < 0 ? start.at() : firstStart;
            lastEnd = end.at().compareTo(lastEnd) > 0 ? end.at() : lastEnd;
        }
        Duration total = main.at().minus(firstStart);
        // Not serial: the children slept side by side, so the whole took less than their sleeps added up.
        assertTrue(total.compareTo(sum) < 0, "total " + total + " vs sum of sleeps " + sum + "\n" + run);
        // Close to the longest: child start-up skew and exits aside, nothing but the longest was waited for.
        assertTrue(total.compareTo(longest.plus(PyTime.SECOND.multipliedBy(3))) <= 0,
                "total " + total + " vs longest sleep " + longest + "\n" + run);
        // The last join returned as soon as the last child was done.
        assertTrue(main.at().minus(lastEnd).compareTo(PyTime.SECOND.multipliedBy(2)) < 0, run::toString);
    }
}
