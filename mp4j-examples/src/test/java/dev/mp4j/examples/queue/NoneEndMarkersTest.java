package dev.mp4j.examples.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.examples.DemoRunner;
import dev.mp4j.examples.PyTime;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class NoneEndMarkersTest {
    @Test
    @Timeout(60)
    void threeConsumersShareTheTenBunsAndThreeNonesEndThemAll() throws Exception {
        // 6-17 s: the producer naps 1-3 scaled seconds before each bun.
        DemoRunner.Result run = DemoRunner.run("queue-none-end-markers", Duration.ofSeconds(50));

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderr(), run::toString);
        assertEquals(2 * Buns.COUNT + 1, run.lines().size(), run::toString);
        List<DemoRunner.Line> made = Buns.oneLineEach(run, k -> "\033[46m生产者生产了:包子" + k + "\033[0m");
        // Each bun got exactly once, among the three, and only after it was made (the three
        // consumers print side by side, so not necessarily in bun order).
        List<DemoRunner.Line> got = Buns.oneLineEach(run, k -> "\033[45m消费者拿到了:包子" + k + "\033[0m");
        Buns.inOrder(run, made);
        Buns.apart(run, made, PyTime.SECOND);
        Buns.eachAfter(run, made, got);

        // Every consumer got its None and ended, or the main process would still be in join()
        // (and the runner would have timed out): 主线程 comes last, and the program ends.
        DemoRunner.Line main = run.lines().getLast();
        assertEquals("主线程", main.text(), run::toString);
        assertTrue(run.exitedAt().minus(main.at()).compareTo(Duration.ofSeconds(2)) < 0, run::toString);
    }

    @Test
    @Timeout(60)
    void threeConsumerProcessesRunAtOnceAndAllEnd() throws Exception {
        // The output cannot tell one consumer from three (they print the same line): run here,
        // the consumers are this JVM's children, counted while the demo runs.
        java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (!done.get()) {
                most.accumulateAndGet(dev.mp4j.process.JvmProcess.activeChildren().size(), Math::max);
                try {
                    Thread.sleep(20); // sampling: the consumers live for the whole run
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        dev.mp4j.examples.InThisJvm.Run run;
        try {
            run = dev.mp4j.examples.InThisJvm.run(() -> NoneEndMarkers.main(new String[0]));
        } finally {
            done.set(true);
            sampler.join();
        }
        assertEquals(NoneEndMarkers.CONSUMERS, most.get(), "consumer processes alive at once");
        // Each got its None and ended: main joined them all, and none was left running.
        assertEquals(List.of(), run.leftRunning());
        assertEquals("主线程", run.printed().getLast());
    }
}
