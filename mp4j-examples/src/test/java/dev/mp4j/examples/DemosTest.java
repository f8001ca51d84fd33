package dev.mp4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class DemosTest {
    @Test
    void namesAreUniqueKebabCaseAndEveryDemoSaysWhereItComesFrom() {
        Set<String> seen = new HashSet<>();
        for (Demo demo : Demos.all()) {
            assertTrue(demo.name().matches("[a-z]+(-[a-z]+)*"), demo.name());
            assertTrue(seen.add(demo.name()), () -> "duplicate name " + demo.name());
            assertTrue(demo.title().matches(".+ \\(seed \\d{3}\\)"), demo.title());
            assertTrue(demo.source().startsWith("seeds/"), demo.source());
            assertEquals(demo, Demos.find(demo.name()).orElseThrow());
        }
        assertTrue(Demos.find("no-such-demo").isEmpty());
    }

    /**
     * Every complete program in the seeds, by where it is: each has a twin. (Two fragments are
     * not programs: seed 003's {@code p = Pool(5)} line, and its Lock snippet, which the
     * value-balance demo completes.) The echo client of seed 002 (lines 313-325, again at
     * 1211-1223) is the client side of the two echo demos; taskworker.py is the worker side of
     * the distributed manager demo (lines 326-410).
     */
    private static final List<String> SEED_PROGRAMS = List.of(
            "000_e148bfe71916de6d.txt, line 14", "000_e148bfe71916de6d.txt, line 18", "000_e148bfe71916de6d.txt, line 24",
            "000_e148bfe71916de6d.txt, line 28", "000_e148bfe71916de6d.txt, lines 30-32", "000_e148bfe71916de6d.txt, line 36",
            "000_e148bfe71916de6d.txt, line 45", "000_e148bfe71916de6d.txt, line 49",
            "001_25fc41195140cc7a.txt, lines 21-41", "001_25fc41195140cc7a.txt, lines 43-77",
            "002_263d7d21e73864f4.txt, lines 239-259", "002_263d7d21e73864f4.txt, lines 260-285",
            "002_263d7d21e73864f4.txt, lines 287-329", "002_263d7d21e73864f4.txt, lines 333-356",
            "002_263d7d21e73864f4.txt, lines 360-379", "002_263d7d21e73864f4.txt, lines 380-423",
            "002_263d7d21e73864f4.txt, lines 426-448", "002_263d7d21e73864f4.txt, lines 451-463",
            "002_263d7d21e73864f4.txt, lines 469-481", "002_263d7d21e73864f4.txt, lines 516-535",
            "002_263d7d21e73864f4.txt, lines 549-575", "002_263d7d21e73864f4.txt, lines 576-605",
            "002_263d7d21e73864f4.txt, lines 607-647", "002_263d7d21e73864f4.txt, lines 648-681",
            "002_263d7d21e73864f4.txt, lines 683-721", "002_263d7d21e73864f4.txt, lines 751-790",
            "002_263d7d21e73864f4.txt, lines 792-824", "002_263d7d21e73864f4.txt, lines 846-867",
            "002_263d7d21e73864f4.txt, lines 877-913", "002_263d7d21e73864f4.txt, lines 914-939",
            "002_263d7d21e73864f4.txt, lines 940-996", "002_263d7d21e73864f4.txt, lines 1039-1057",
            "002_263d7d21e73864f4.txt, lines 1058-1082", "002_263d7d21e73864f4.txt, lines 1084-1107",
            "002_263d7d21e73864f4.txt, lines 1109-1173", "002_263d7d21e73864f4.txt, lines 1179-1225",
            "002_263d7d21e73864f4.txt, lines 1229-1250", "002_263d7d21e73864f4.txt, lines 1252-1323",
            "002_263d7d21e73864f4.txt, lines 1324-1366",
            "003_0f8ee2a5772c3c2c.txt, lines 37-48", "003_0f8ee2a5772c3c2c.txt, lines 56-69",
            "003_0f8ee2a5772c3c2c.txt, lines 71-111", "003_0f8ee2a5772c3c2c.txt, lines 113-147",
            "003_0f8ee2a5772c3c2c.txt, lines 155-172", "003_0f8ee2a5772c3c2c.txt, lines 216-225",
            "003_0f8ee2a5772c3c2c.txt, lines 245-263", "003_0f8ee2a5772c3c2c.txt, lines 326-410",
            "004_4881b295d33c90bd.txt, lines 12-35", "004_4881b295d33c90bd.txt, lines 37-63",
            "004_4881b295d33c90bd.txt, lines 65-84", "004_4881b295d33c90bd.txt, lines 86-107",
            "004_4881b295d33c90bd.txt, lines 109-128", "004_4881b295d33c90bd.txt, lines 130-158",
            "004_4881b295d33c90bd.txt, lines 160-218");

    @Test
    void everySeedProgramHasATwin() {
        for (String program : SEED_PROGRAMS) {
            String source = "seeds/" + program;
            // A demo that extends a program (", extended ...") is not its twin: the twin must be there too.
            assertTrue(Demos.all().stream().anyMatch(d -> d.source().equals(source)
                            || d.source().startsWith(source + ",") && !d.source().contains(", extended")),
                    () -> "no demo ports " + source);
        }
    }

    @Test
    @Timeout(60)
    void demoMainRefusesAnUnknownNameAndListsTheKnownOnes() throws Exception {
        DemoRunner.Result run = DemoRunner.run("no-such-demo", Duration.ofSeconds(30));

        assertEquals(2, run.exitCode(), run::toString);
        assertEquals(List.of(), run.texts(), run::toString);
        assertTrue(run.stderr().startsWith("no demo named 'no-such-demo'; known: process-function, "), run::toString);
    }
}
