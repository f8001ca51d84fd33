package dev.mp4j.examples.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.examples.DemoRunner;
import dev.mp4j.examples.PyTime;
import dev.mp4j.testing.Await;
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
    /** Printed by cars and police cars alike: the same text for both. */
    private static final Pattern RED = Pattern.compile("\033\\[31m红灯亮\033\\[0m,car(\\d)等着");
    private static final Pattern POLICE_GONE = Pattern.compile("灯的是(True|False),警车走了,car (\\d)");

    @Test
    @Timeout(60)
    void fivePoliceCarsLeaveOnRedAfterOneSecondAndTheLightIsSwitchedOff() throws Exception {
        DemoRunner.Result run = DemoRunner.run("event-traffic-light", Duration.ofSeconds(50));

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderr(), run::toString);
        // The main process prints right after starting the children, long before any is up.
        DemoRunner.Line main = run.lines().getFirst();
        assertEquals(MAIN, main.text(), run::toString);
        // The seed's job: five police cars, each a red line and a leaving line; the cars are
        // commented out there, so nothing else.
        assertEquals(11, run.lines().size(), run::toString);
        for (int n = 0; n < 5; n++) {
            List<DemoRunner.Line> red = lines(run, RED, n);
            List<DemoRunner.Line> gone = lines(run, POLICE_GONE, n);
            assertEquals(1, red.size(), run::toString);
            assertEquals(1, gone.size(), run::toString);
            DemoRunner.Line leaving = gone.getFirst();
            // Police cars do not wait for green (it comes after 10 scaled seconds): they leave on red ...
            assertEquals("灯的是False,警车走了,car " + n, leaving.text(), run::toString);
            // ... one second after their red line.
            assertTrue(leaving.at().minus(red.getFirst().at()).compareTo(PyTime.SECOND.minusMillis(100)) >= 0,
                    () -> "police car did not wait its second\n" + run);
        }
        // The light, which would toggle forever, is terminated once the last police car has gone.
        Duration lastGone = run.lines().getLast().at();
        assertTrue(run.exitedAt().minus(lastGone).compareTo(Duration.ofSeconds(2)) < 0, run::toString);
    }

    @Test
    @Timeout(60)
    void aCarWaitsForGreenThenDrivesUpAndGoes() throws Exception {
        // The cars the seed leaves commented out, checked on their own: threads of this JVM on a
        // process event, the light set by the test itself.
        dev.mp4j.sync.ProcessEvent e = dev.mp4j.sync.ProcessEvent.create();
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.out;
        System.setOut(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        List<Thread> cars = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                int n = i;
                cars.add(Thread.ofPlatform().start(() -> {
                    try {
                        TrafficLight.car(e, n);
                    } catch (InterruptedException ignored) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            // Every car has seen red before the light turns green.
            assertTrue(Await.until(() -> captured.toString(java.nio.charset.StandardCharsets.UTF_8).split("\n").length >= 3,
                    Duration.ofSeconds(20)), "the cars never all saw red");
            e.set();
            for (Thread car : cars) {
                car.join(Duration.ofSeconds(20));
            }
        } finally {
            System.setOut(old);
        }
        List<String> out = List.of(captured.toString(java.nio.charset.StandardCharsets.UTF_8).split("\n"));
        for (int n = 0; n < 3; n++) {
            int red = out.indexOf("\033[31m红灯亮\033[0m,car" + n + "等着");
            int green = out.indexOf("\033[32m车" + n + " 看见绿灯亮了\033[0m");
            int gone = out.indexOf("走你,car " + n);
            int car = n;
            assertTrue(red >= 0 && red < green && green < gone, () -> "car " + car + ": " + out);
        }
        assertEquals(9, out.size(), out::toString);
        for (Thread car : cars) {
            assertTrue(!car.isAlive(), "a car never went");
        }
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
