package dev.mp4j.examples.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.examples.DemoRunner;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class SemaphoreWcTest {
    private static final Pattern ENTER = Pattern.compile("(user\\d+) 占到一个茅坑");
    private static final Pattern LEAVE = Pattern.compile("(user\\d+) 离开了茅坑");

    @Test
    @Timeout(60)
    void neverMoreThanFiveOfTheThirteenAreInsideAtOnce() throws Exception {
        DemoRunner.Result run = DemoRunner.run("semaphore-wc", Duration.ofSeconds(50));

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderr(), run::toString);
        assertEquals(2 * SemaphoreWc.USERS + 1, run.lines().size(), run::toString);
        // The main process prints only after joining all thirteen.
        assertEquals("============》", run.texts().getLast(), run::toString);

        // A user prints its first line after acquire() and its second before release(), and the
        // lines reach the shared stdout in the order they were written. So the users between
        // their two lines at any point of the output were all holding a permit at once: that
        // count can never pass the semaphore's five.
        Set<String> inside = new LinkedHashSet<>();
        Set<String> done = new LinkedHashSet<>();
        for (String text : run.texts().subList(0, run.lines().size() - 1)) {
            Matcher enter = ENTER.matcher(text);
            Matcher leave = LEAVE.matcher(text);
            if (enter.matches()) {
                String user = enter.group(1);
                assertTrue(!done.contains(user) && inside.add(user), () -> user + " entered twice\n" + run);
                assertTrue(inside.size() <= SemaphoreWc.STALLS,
                        () -> inside.size() + " inside at once: " + inside + "\n" + run);
            } else {
                assertTrue(leave.matches(), () -> "unexpected line '" + text + "'\n" + run);
                String user = leave.group(1);
                assertTrue(inside.remove(user), () -> user + " left without having entered\n" + run);
                done.add(user);
            }
        }
        assertEquals(Set.of(), inside, run::toString);
        Set<String> everyone = new LinkedHashSet<>();
        for (int i = 0; i < SemaphoreWc.USERS; i++) {
            everyone.add("user" + i);
        }
        assertEquals(everyone, done, run::toString);
    }
}
