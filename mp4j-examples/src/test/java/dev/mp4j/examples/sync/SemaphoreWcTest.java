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

    @Test
    @Timeout(60)
    void everyOneOfTheThirteenGetsInOnceThenTheMainProcessPrints() throws Exception {
        DemoRunner.Result run = DemoRunner.run("semaphore-wc", Duration.ofSeconds(50));

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderr(), run::toString);
        assertEquals(SemaphoreWc.USERS + 1, run.lines().size(), run::toString);
        // The main process prints only after joining all thirteen.
        assertEquals("============》", run.texts().getLast(), run::toString);
        Set<String> entered = new LinkedHashSet<>();
        for (String text : run.texts().subList(0, SemaphoreWc.USERS)) {
            Matcher enter = ENTER.matcher(text);
            assertTrue(enter.matches(), () -> "unexpected line '" + text + "'\n" + run);
            assertTrue(entered.add(enter.group(1)), () -> text + " twice\n" + run);
        }
        Set<String> everyone = new LinkedHashSet<>();
        for (int i = 0; i < SemaphoreWc.USERS; i++) {
            everyone.add("user" + i);
        }
        assertEquals(everyone, entered, run::toString);
    }
}
