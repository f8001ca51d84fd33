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

    @Test
    @Timeout(60)
    void demoMainRefusesAnUnknownNameAndListsTheKnownOnes() throws Exception {
        DemoRunner.Result run = DemoRunner.run("no-such-demo", Duration.ofSeconds(30));

        assertEquals(2, run.exitCode(), run::toString);
        assertEquals(List.of(), run.texts(), run::toString);
        assertTrue(run.stderr().startsWith("no demo named 'no-such-demo'; known: process-function, "), run::toString);
    }
}
