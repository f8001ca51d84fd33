package dev.mp4j.examples.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mp4j.examples.DemoRunner;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class SharedBalanceTest {
    @Test
    @Timeout(60)
    void twoProcessesChangingTheSharedBalanceUnderItsLockLeaveItAtZero() throws Exception {
        // The two children change the balance at the same time (they meet at a barrier first), so
        // without the lock their read-modify-writes would interleave and leave it far from 0.
        DemoRunner.Result run = DemoRunner.run("value-balance", Duration.ofSeconds(50));

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderr(), run::toString);
        assertEquals(List.of("0"), run.texts(), run::toString);
    }
}
