package dev.mp4j.examples.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.examples.DemoRunner;
import dev.mp4j.shared.IntValue;
import dev.mp4j.shared.Value;
import dev.mp4j.sync.ProcessBarrier;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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

    @Test
    @Timeout(60)
    void theBalanceReallyMovesWhileItIsChangedAndComesBackToZero() throws Exception {
        // "0" alone would also be printed by loops that changed nothing: a look from outside the
        // lock sees the deposits in flight.
        IntValue balance = Value.ofInt(0);
        ProcessBarrier start = ProcessBarrier.create(2);
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        Thread five = new Thread(() -> run(balance, start, 5));
        Thread eight = new Thread(() -> run(balance, start, 8));
        five.start();
        eight.start();
        while (five.isAlive() || eight.isAlive()) {
            seen.add(balance.get());
        }
        five.join();
        eight.join();

        assertEquals(0, balance.get());
        assertTrue(seen.contains(5) || seen.contains(8), () -> "the balance never showed a deposit: " + seen);
        assertTrue(Set.of(0, 5, 8).containsAll(seen), () -> "a change was torn, the lock did not hold: " + seen);
    }

    private static void run(IntValue balance, ProcessBarrier start, int n) {
        try {
            SharedBalance.runThread(balance, start, n);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
