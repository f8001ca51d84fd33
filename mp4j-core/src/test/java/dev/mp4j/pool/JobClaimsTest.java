package dev.mp4j.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The claim protocol between a pool slot and its worker, raced on two threads of one process over
 * a real shared segment: a job is run by the worker or taken back by the pool, never both.
 */
@Timeout(60)
class JobClaimsTest {

    @Test
    void everyJobIsRunOrTakenBackNeverBoth() throws Exception {
        int jobs = 300_000;
        JobClaims claims = JobClaims.create(2);
        try {
            boolean[] ran = new boolean[jobs + 2];
            boolean[] skipped = new boolean[jobs + 2];
            boolean[] takenBack = new boolean[jobs + 2];
            // Jobs sent so far; the worker claims a job once it has read it.
            AtomicLong sent = new AtomicLong();
            // The last job the worker decided on: the pool waits for it to come close, so the
            // two sides keep racing instead of one running ahead of the other.
            AtomicLong decided = new AtomicLong();
            Thread worker = Thread.ofPlatform().start(() -> {
                for (int n = 1; n <= jobs; n++) {
                    while (sent.get() < n) {
                        Thread.onSpinWait();
                    }
                    if (claims.claim(1, n)) {
                        ran[n] = true;
                    } else {
                        skipped[n] = true;
                    }
                    decided.set(n);
                }
            });
            long keptStarted = 0;
            ThreadLocalRandom random = ThreadLocalRandom.current();
            try {
                while (sent.get() < jobs) {
                    long behind = random.nextInt(3);
                    while (decided.get() < sent.get() - behind) {
                        Thread.onSpinWait();
                    }
                    long upTo = Math.min(jobs, sent.get() + 1 + random.nextInt(8));
                    sent.set(upTo);
                    if (random.nextInt(4) == 0) {
                        long started = claims.revoke(1, upTo);
                        assertTrue(started >= keptStarted && started <= upTo, "started went from " + keptStarted + " to " + started);
                        keptStarted = started;
                        for (long n = started + 1; n <= upTo; n++) {
                            takenBack[(int) n] = true;
                        }
                    }
                }
            } finally {
                // Whatever failed: the worker must not spin for ever.
                sent.set(jobs);
            }
            worker.join();
            for (int n = 1; n <= jobs; n++) {
                assertFalse(ran[n] && takenBack[n], "job " + n + " was run and taken back");
                assertTrue(ran[n] != skipped[n], "job " + n + " was neither run nor skipped, or both");
                // Skipped without being taken back happens too: claimed just as the pool revoked,
                // and the pool read a start at or past it, so kept it. The worker answers that it
                // skipped it, and the pool puts it back in the queue (WorkerSlot.skipped).
            }
            int runs = 0;
            int takenBackCount = 0;
            for (int n = 1; n <= jobs; n++) {
                runs += ran[n] ? 1 : 0;
                takenBackCount += takenBack[n] ? 1 : 0;
            }
            // Both sides won some: the race was run, not one side alone.
            assertTrue(runs > jobs / 10 && takenBackCount > jobs / 10, runs + " run, " + takenBackCount + " taken back");
            // The other slot's words were never touched.
            assertEquals(0, claims.started(0));
        } finally {
            claims.unlink();
        }
    }
}
