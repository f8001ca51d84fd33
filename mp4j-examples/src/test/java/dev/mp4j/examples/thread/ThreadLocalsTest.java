package dev.mp4j.examples.thread;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mp4j.examples.DemoRunner;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ThreadLocalsTest {
    @Test
    @Timeout(60)
    void eachThreadReadsBackTheStudentItBound() throws Exception {
        DemoRunner.Result run = DemoRunner.run("thread-local", Duration.ofSeconds(50));

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderr(), run::toString);
        assertEquals(2, run.lines().size(), run::toString);
        assertEquals(Set.of("Hello, Alice (in Thread-A)", "Hello, Bob (in Thread-B)"), Set.copyOf(run.texts()), run::toString);
    }

    @Test
    @Timeout(10)
    void aThreadThatBoundNothingSeesNothing() throws Exception {
        // The variable is per thread: one bound in another thread is not this one's.
        Thread t = new Thread(() -> ThreadLocals.processThread("Carol"));
        t.start();
        t.join();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.out;
        System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            ThreadLocals.processStudent();
        } finally {
            System.setOut(old);
        }
        assertEquals("Hello, null (in " + Thread.currentThread().getName() + ")", out.toString(java.nio.charset.StandardCharsets.UTF_8).strip());
    }
}
