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

class SubclassStyleTest {
    private static final Pattern CHILD = Pattern.compile(
            "Welcome to beijing! <MyProcess name='MyProcess-(\\d)' parent=(\\d+) started> (.+)");
    private static final Pattern END = Pattern.compile("END! (.+)");

    @Test
    @Timeout(60)
    void eachChildPrintsItselfLikeCPythonAndEndWaitsForAll() throws Exception {
        LocalDateTime before = LocalDateTime.now().withNano(0);
        DemoRunner.Result run = DemoRunner.run("process-subclass", Duration.ofSeconds(50));
        LocalDateTime after = LocalDateTime.now();

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderr(), run::toString);
        assertEquals(4, run.lines().size(), run::toString);

        List<DemoRunner.Line> children = run.lines().subList(0, 3);
        Set<String> names = new TreeSet<>();
        for (DemoRunner.Line child : children) {
            Matcher m = CHILD.matcher(child.text());
            assertTrue(m.matches(), () -> "not a child line: " + child.text() + "\n" + run);
            names.add(m.group(1));
            assertEquals(run.pid(), Long.parseLong(m.group(2)), () -> "parent= must be the main process\n" + run);
            assertCtimeBetween(m.group(3), before, after);
        }
        // Default names: the class name and a counter, as CPython's Process.__init__ gives them.
        assertEquals(Set.of("1", "2", "3"), names, run::toString);

        DemoRunner.Line end = run.lines().getLast();
        Matcher m = END.matcher(end.text());
        assertTrue(m.matches(), run::toString);
        assertCtimeBetween(m.group(1), before, after);
        Duration sleep = PyTime.SECOND.multipliedBy(2);
        for (DemoRunner.Line child : children) {
            assertTrue(end.at().minus(child.at()).compareTo(sleep.minusMillis(200)) >= 0,
                    () -> "END! came before a child's sleep was over\n" + run);
        }
        assertTrue(end.at().minus(children.getFirst().at()).compareTo(sleep.multipliedBy(3)) < 0,
                () -> "the children seem to have run one after another\n" + run);
    }
}
