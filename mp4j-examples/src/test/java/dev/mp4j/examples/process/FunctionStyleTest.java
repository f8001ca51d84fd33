package dev.mp4j.examples.process;

import static dev.mp4j.examples.CtimeAssertions.assertCtimeBetween;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.examples.DemoRunner;
import dev.mp4j.examples.PyTime;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class FunctionStyleTest {
    private static final Pattern CHILD = Pattern.compile("you are coming! (\\d) (.+)");
    private static final Pattern END = Pattern.compile("end! (.+)");

    @Test
    @Timeout(60)
    void threeChildrenSleepSideBySideAndEndComesOneSleepLater() throws Exception {
        LocalDateTime before = LocalDateTime.now().withNano(0);
        DemoRunner.Result run = DemoRunner.run("process-function", Duration.ofSeconds(50));
        LocalDateTime after = LocalDateTime.now();

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderr(), run::toString);
        assertEquals(4, run.lines().size(), run::toString);

        Set<String> names = new TreeSet<>();
        for (DemoRunner.Line child : run.lines().subList(0, 3)) {
            Matcher m = CHILD.matcher(child.text());
            assertTrue(m.matches(), () -> "not a child line: " + child.text() + "\n" + run);
            names.add(m.group(1));
            assertCtimeBetween(m.group(2), before, after);
        }
        assertEquals(Set.of("0", "1", "2"), names, run::toString);

        DemoRunner.Line end = run.lines().getLast();
        Matcher m = END.matcher(end.text());
        assertTrue(m.matches(), run::toString);
        LocalDateTime endTime = assertCtimeBetween(m.group(1), before, after);

        Duration sleep = PyTime.SECOND.multipliedBy(2);
        List<DemoRunner.Line> children = run.lines().subList(0, 3);
        for (DemoRunner.Line child : children) {
            // end! waits for every child's whole sleep, which starts after the child printed.
            assertTrue(end.at().minus(child.at()).compareTo(sleep.minusMillis(200)) >= 0, run::toString);
            Matcher c = CHILD.matcher(child.text());
            assertTrue(c.matches());
            assertTrue(endTime.isAfter(LocalDateTime.parse(c.group(2), PyTime.CTIME)),
                    () -> "end! must show a later second than every child\n" + run);
        }
        // Side by side: far less than the three sleeps one after another.
        Duration firstChildToEnd = end.at().minus(children.getFirst().at());
        assertTrue(firstChildToEnd.compareTo(sleep.multipliedBy(3)) < 0,
                () -> "the children seem to have run one after another\n" + run);
    }
}
