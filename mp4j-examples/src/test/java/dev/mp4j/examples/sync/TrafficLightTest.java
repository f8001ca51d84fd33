package dev.mp4j.examples.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.examples.DemoRunner;
import dev.mp4j.examples.PyTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class TrafficLightTest {
    private static final String MAIN = "============》";
    /** Printed by cars and police cars alike, numbered 0-9 and 0-4: the same text for both. */
    private static final Pattern RED = Pattern.compile("\033\\[31m红灯亮\033\\[0m,car(\\d)等着");
    private static final Pattern POLICE_GONE = Pattern.compile("灯的是(True|False),警车走了,car (\\d)");
    private static final Pattern GREEN = Pattern.compile("\033\\[32m车(\\d) 看见绿灯亮了\033\\[0m");
    private static final Pattern GONE = Pattern.compile("走你,car (\\d)");

    @Test
    @Timeout(60)
    void policeCarsLeaveOnRedAfterOneSecondAndCarsGoOnlyAfterGreen() throws Exception {
        // About 10 s: the light stays red for 10 scaled seconds (5 s), a car drives up for 3-6 (1.5-3 s).
        DemoRunner.Result run = DemoRunner.run("event-traffic-light", Duration.ofSeconds(50));

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderr(), run::toString);
        // The main process prints right after starting the children, long before any is up.
        DemoRunner.Line main = run.lines().getFirst();
        assertEquals(MAIN, main.text(), run::toString);
        for (DemoRunner.Line line : run.lines().subList(1, run.lines().size())) {
            assertTrue(RED.matcher(line.text()).matches() || POLICE_GONE.matcher(line.text()).matches()
                    || GREEN.matcher(line.text()).matches() || GONE.matcher(line.text()).matches(),
                    () -> "unexpected line '" + line.text() + "'\n" + run);
        }
        // Every car and every police car met the red light once: no car came back to a red one.
        assertEquals(15, lines(run, RED, n -> true).size(), run::toString);

        // The light turns green one interval after it starts, which is after the main line.
        List<DemoRunner.Line> greens = lines(run, GREEN, n -> true);
        assertEquals(10, greens.size(), () -> "each car sees green once\n" + run);
        Duration interval = PyTime.SECOND.multipliedBy(TrafficLight.INTERVAL);
        Duration firstGreen = greens.getFirst().at();
        assertTrue(firstGreen.minus(main.at()).compareTo(interval.minusMillis(100)) >= 0,
                () -> "green came before the interval was over\n" + run);
        // set() wakes every waiting car at once.
        assertTrue(greens.getLast().at().minus(firstGreen).compareTo(Duration.ofSeconds(1)) < 0,
                () -> "the cars did not all see green together\n" + run);

        for (int n = 0; n < 5; n++) {
            List<DemoRunner.Line> gone = lines(run, POLICE_GONE, n);
            assertEquals(1, gone.size(), run::toString);
            DemoRunner.Line leaving = gone.getFirst();
            // Police cars do not wait for green: they leave on red ...
            assertEquals("灯的是False,警车走了,car " + n, leaving.text(), run::toString);
            assertTrue(leaving.at().compareTo(firstGreen) < 0, run::toString);
            // ... one second after their red line (car n prints the same text, so one of them).
            assertTrue(lines(run, RED, n).stream().anyMatch(
                    red -> leaving.at().minus(red.at()).compareTo(PyTime.SECOND.minusMillis(100)) >= 0),
                    () -> "police car did not wait its second\n" + run);
        }
        Duration lastGone = Duration.ZERO;
        for (int n = 0; n < 10; n++) {
            List<DemoRunner.Line> green = lines(run, GREEN, n);
            List<DemoRunner.Line> gone = lines(run, GONE, n);
            assertEquals(1, green.size(), run::toString);
            assertEquals(1, gone.size(), run::toString);
            Duration droveUp = gone.getFirst().at().minus(green.getFirst().at());
            // randint(3,6): at least three scaled seconds between seeing green and going.
            assertTrue(droveUp.compareTo(PyTime.SECOND.multipliedBy(3).minusMillis(100)) >= 0,
                    () -> "car went after " + droveUp.toMillis() + " ms\n" + run);
            lastGone = gone.getFirst().at().compareTo(lastGone) > 0 ? gone.getFirst().at() : lastGone;
        }
        // The light, which would toggle forever, is terminated once the last car has gone.
        Duration afterLastCar = run.exitedAt().minus(lastGone);
        assertTrue(afterLastCar.compareTo(Duration.ofSeconds(2)) < 0,
                () -> "the demo ended " + afterLastCar.toMillis() + " ms after the last car\n" + run);
    }

    /** The lines matching {@code pattern} whose number (its last group) is {@code n}. */
    private static List<DemoRunner.Line> lines(DemoRunner.Result run, Pattern pattern, int n) {
        return lines(run, pattern, k -> k == n);
    }

    private static List<DemoRunner.Line> lines(DemoRunner.Result run, Pattern pattern, Predicate<Integer> number) {
        List<DemoRunner.Line> found = new ArrayList<>();
        for (DemoRunner.Line line : run.lines()) {
            Matcher m = pattern.matcher(line.text());
            if (m.matches() && number.test(Integer.parseInt(m.group(m.groupCount())))) {
                found.add(line);
            }
        }
        return found;
    }
}
