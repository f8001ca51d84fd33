package dev.mp4j.examples.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.examples.DemoRunner;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class TicketBuyingTest {
    private static final Pattern BOUGHT = Pattern.compile("(\\d+) 购票成功");
    private static final Pattern FAILED = Pattern.compile("(\\d+) 购票失败");

    @Test
    @Timeout(60)
    void oneOfAHundredBuyersGetsTheOneTicketAndTheOther99Fail() throws Exception {
        // About 14 s on two cores: a hundred child JVMs start.
        DemoRunner.Result run = DemoRunner.run("lock-ticket", Duration.ofSeconds(50));

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderr(), run::toString);
        List<String> texts = run.texts();
        assertEquals(TicketBuying.BUYERS + 1, texts.size(), run::toString);
        Set<Long> pids = new HashSet<>();
        // The lock makes read-count-then-write-it one step: the first child to hold it takes the
        // ticket and prints before anyone else reads the file, and everyone after reads count 0.
        // Without it, every child that read the file during the winner's 1-3 s latency would also
        // see the ticket and print a success.
        Matcher bought = BOUGHT.matcher(texts.getFirst());
        assertTrue(bought.matches(), () -> "the first line must be the one success\n" + run);
        pids.add(Long.parseLong(bought.group(1)));
        for (String text : texts.subList(1, TicketBuying.BUYERS)) {
            Matcher failed = FAILED.matcher(text);
            assertTrue(failed.matches(), () -> "expected a failure, got '" + text + "'\n" + run);
            pids.add(Long.parseLong(failed.group(1)));
        }
        assertEquals("主线程", texts.getLast(), run::toString);
        // One line per child, each from a process of its own, none from the main process.
        assertEquals(TicketBuying.BUYERS, pids.size(), run::toString);
        assertFalse(pids.contains(run.pid()), run::toString);
    }

    @Test
    void theDatabaseJsonReadsAndWritesAsPythonsJsonModuleDoes() {
        assertEquals(Map.of("count", 1), TicketBuying.loads("{\"count\":1}"));
        assertEquals(Map.of("count", 0), TicketBuying.loads(" {\"count\": 0}\n"));
        assertEquals(Map.of(), TicketBuying.loads("{}"));

        Map<String, Integer> two = new LinkedHashMap<>();
        two.put("count", 0);
        two.put("sold", -3);
        assertEquals("{\"count\": 0, \"sold\": -3}", TicketBuying.dumps(two));
        assertEquals(two, TicketBuying.loads(TicketBuying.dumps(two)));

        // The tutorial's warning: single quotes are not JSON.
        assertThrows(IllegalArgumentException.class, () -> TicketBuying.loads("{'count':1}"));
        assertThrows(IllegalArgumentException.class, () -> TicketBuying.loads("{\"count\":1,}"));
        assertThrows(IllegalArgumentException.class, () -> TicketBuying.loads("[1]"));
    }
}
