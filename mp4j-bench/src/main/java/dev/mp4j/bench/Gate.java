package dev.mp4j.bench;

import dev.mp4j.sync.ProcessEvent;
import dev.mp4j.sync.ProcessSemaphore;
import java.io.Serializable;

/**
 * The CPython harness's start gate: children say they are ready, the parent takes the start time
 * and opens the gate, so child start-up is not timed but waking them is.
 */
record Gate(ProcessSemaphore ready, ProcessEvent go) implements Serializable {
    static Gate create() {
        return new Gate(ProcessSemaphore.create(0), ProcessEvent.create());
    }

    /** In a child: report ready, wait for the gate. */
    void pass() throws InterruptedException {
        ready.release();
        go.await();
    }

    /** In the parent: wait for {@code n} children, then open; returns the start time. */
    long open(int n) {
        for (int i = 0; i < n; i++) {
            ready.acquire();
        }
        long t0 = System.nanoTime();
        go.set();
        return t0;
    }
}
