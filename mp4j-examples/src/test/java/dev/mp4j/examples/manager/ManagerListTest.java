package dev.mp4j.examples.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.examples.DemoRunner;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ManagerListTest {
    @Test
    @Timeout(60)
    void fiveChildrenAppendTheirIndexesAfterTheInitialItems() throws Exception {
        DemoRunner.Result run = DemoRunner.run("manager-list", Duration.ofSeconds(50));

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderr(), run::toString);
        assertEquals(1, run.texts().size(), run::toString);
        String printed = run.texts().getFirst();
        assertTrue(printed.startsWith("[") && printed.endsWith("]"), run::toString);
        List<String> items = Arrays.asList(printed.substring(1, printed.length() - 1).split(", "));
        assertEquals(7, items.size(), run::toString);
        // The initial items stay first; every child's append arrived, once, in whatever order.
        assertEquals(List.of("1", "'a'"), items.subList(0, 2), run::toString);
        assertEquals(List.of("0", "1", "2", "3", "4"), items.subList(2, 7).stream().sorted().toList(), run::toString);
    }
}
