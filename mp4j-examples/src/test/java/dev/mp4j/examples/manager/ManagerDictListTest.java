package dev.mp4j.examples.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.examples.DemoRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ManagerDictListTest {
    /** A dict entry as Python prints it: a quoted string key, then its value (a quoted string or an int). */
    private static final Pattern ENTRY = Pattern.compile("'(\\w+)': '?(\\w+)'?");

    @Test
    @Timeout(60)
    void tenChildrenStoreTheirDistinctPidsInTheDictAndTheList() throws Exception {
        DemoRunner.Result run = DemoRunner.run("manager-dict-list", Duration.ofSeconds(50));

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderr(), run::toString);
        assertEquals(2, run.texts().size(), run::toString);

        Map<String, String> d = new LinkedHashMap<>();
        for (String entry : items(run.texts().get(0), "{", "}", run)) {
            Matcher m = ENTRY.matcher(entry);
            assertTrue(m.matches(), () -> "not a dict entry: " + entry + "\n" + run);
            assertFalse(d.containsKey(m.group(1)), () -> "key twice: " + m.group(1) + "\n" + run);
            d.put(m.group(1), m.group(2));
        }
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            keys.add("p" + i);
        }
        keys.add("name");
        assertEquals(keys, d.keySet(), run::toString);
        // The initial entry comes first: the dict keeps insertion order, as a Python dict does.
        assertEquals("name", d.keySet().iterator().next(), run::toString);
        assertEquals("egon", d.get("name"), run::toString);
        assertTrue(run.texts().get(0).startsWith("{'name': 'egon', "), run::toString);

        Set<Long> pids = new HashSet<>();
        d.forEach((key, value) -> {
            if (!key.equals("name")) {
                long pid = Long.parseLong(value);
                assertTrue(pid != run.pid(), () -> "a child's pid is the demo's own\n" + run);
                pids.add(pid);
            }
        });
        assertEquals(10, pids.size(), () -> "ten children, ten distinct pids\n" + run);

        List<String> l = items(run.texts().get(1), "[", "]", run);
        assertEquals(11, l.size(), run::toString);
        assertEquals("'init'", l.getFirst(), run::toString);
        List<Long> listed = new ArrayList<>();
        for (String pid : l.subList(1, 11)) {
            listed.add(Long.parseLong(pid));
        }
        // Each child appended the pid it stored in the dict: the same ten, each once.
        assertEquals(pids, new HashSet<>(listed), run::toString);
        assertEquals(10, listed.size(), run::toString);
    }

    /** The comma-separated items of a printed map or list. */
    private static List<String> items(String printed, String open, String close, DemoRunner.Result run) {
        assertTrue(printed.startsWith(open) && printed.endsWith(close), run::toString);
        return List.of(printed.substring(1, printed.length() - 1).split(", "));
    }
}
