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
                }
            });
            long keptStarted = 0;
            ThreadLocalRandom random = ThreadLocalRandom.current();
            while (sent.get() < jobs) {
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
            worker.join();
            for (int n = 1; n <= jobs; n++) {
                assertFalse(ran[n] && takenBack[n], "job " + n + " was run and taken back");
                assertTrue(ran[n] != skipped[n], "job " + n + " was neither run nor skipped, or both");
                // Skipped without being taken back happens too: claimed just as the pool revoked,
                // and the pool read a start at or past it, so kept it. The worker answers that it
                // skipped it, and the pool puts it back in the queue (WorkerSlot.skipped).
            }
            // The other slot's words were never touched.
            assertEquals(0, claims.started(0));
        } finally {
            claims.unlink();
        }
    }
}
