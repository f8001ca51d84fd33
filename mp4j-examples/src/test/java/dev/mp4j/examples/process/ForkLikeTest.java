package dev.mp4j.examples.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.examples.DemoRunner;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ForkLikeTest {
    @Test
    @Timeout(60)
    void parentAndChildEachNameTheOther() throws Exception {
        DemoRunner.Result run = DemoRunner.run("process-fork", Duration.ofSeconds(50));

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderr(), run::toString);
        assertEquals(3, run.lines().size(), run::toString);
        assertEquals("Process (" + run.pid() + ") start...", run.texts().get(0), run::toString);
        Matcher parent = Pattern.compile("I \\((\\d+)\\) just created a child process \\((\\d+)\\)\\.")
                .matcher(run.line(run.texts().get(1)).text());
        assertTrue(parent.matches(), run::toString);
        Matcher child = Pattern.compile("I am child process \\((\\d+)\\) and my parent is (\\d+)\\.")
                .matcher(run.texts().get(2));
        assertTrue(child.matches(), run::toString);
        long parentPid = Long.parseLong(parent.group(1));
        long childPid = Long.parseLong(parent.group(2));
        assertEquals(run.pid(), parentPid, run::toString);
        assertNotEquals(parentPid, childPid, run::toString);
        // The child's own view agrees: its pid is the one the parent was given, its parent the first process.
        assertEquals(childPid, Long.parseLong(child.group(1)), run::toString);
        assertEquals(parentPid, Long.parseLong(child.group(2)), run::toString);
    }
}
