package dev.mp4j.examples.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.examples.DemoRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ManagerDictMixedTest {
    private static final List<String> ZERO_TO_NINE = IntStream.range(0, 10).mapToObj(String::valueOf).toList();

    @Test
    @Timeout(60)
    void theDictHoldsTenIntKeysTheStringTwoAndAFloatKeyWithNullAndTheListGrowsByTen() throws Exception {
        DemoRunner.Result run = DemoRunner.run("manager-dict-mixed", Duration.ofSeconds(50));

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderr(), run::toString);
        assertEquals(2, run.texts().size(), run::toString);

        // As Python prints it: the int keys carry the string '1', the string key '2' the int 2,
        // the float key 0.25 None.
        List<String> intKeys = new ArrayList<>();
        List<String> others = new ArrayList<>();
        for (String entry : items(run.texts().get(0), "{", "}", run)) {
            if (entry.matches("\\d: '1'")) {
                intKeys.add(entry.substring(0, entry.indexOf(':')));
            } else {
                others.add(entry);
            }
        }
        assertEquals(ZERO_TO_NINE, intKeys.stream().sorted().toList(), run::toString);
        // Set by every child, yet each key once: later puts only overwrite the value.
        assertEquals(List.of("'2': 2", "0.25: None"), others.stream().sorted().toList(), run::toString);

        List<String> l = items(run.texts().get(1), "[", "]", run);
        assertEquals(15, l.size(), run::toString);
        assertEquals(List.of("0", "1", "2", "3", "4"), l.subList(0, 5), run::toString);
        assertEquals(ZERO_TO_NINE, l.subList(5, 15).stream().sorted().toList(), run::toString);
    }

    /** The comma-separated items of a printed map or list. */
    private static List<String> items(String printed, String open, String close, DemoRunner.Result run) {
        assertTrue(printed.startsWith(open) && printed.endsWith(close), run::toString);
        return List.of(printed.substring(1, printed.length() - 1).split(", "));
    }
}
