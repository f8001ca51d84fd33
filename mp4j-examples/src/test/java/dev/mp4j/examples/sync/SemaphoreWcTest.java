package dev.mp4j.examples.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.examples.DemoRunner;
import dev.mp4j.testing.Await;
import dev.mp4j.testing.Threads;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class SemaphoreWcTest {
    private static final Pattern ENTER = Pattern.compile("(user\\d+) 占到一个茅坑");

    @Test
    @Timeout(60)
    void everyOneOfTheThirteenGetsInOnceThenTheMainProcessPrints() throws Exception {
        DemoRunner.Result run = DemoRunner.run("semaphore-wc", Duration.ofSeconds(50));

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderr(), run::toString);
        assertEquals(SemaphoreWc.USERS + 1, run.lines().size(), run::toString);
        // The main process prints only after joining all thirteen.
        assertEquals("============》", run.texts().getLast(), run::toString);
        Set<String> entered = new LinkedHashSet<>();
        for (String text : run.texts().subList(0, SemaphoreWc.USERS)) {
            Matcher enter = ENTER.matcher(text);
            assertTrue(enter.matches(), () -> "unexpected line '" + text + "'\n" + run);
            assertTrue(entered.add(enter.group(1)), () -> text + " twice\n" + run);
        }
        Set<String> everyone = new LinkedHashSet<>();
        for (int i = 0; i < SemaphoreWc.USERS; i++) {
            everyone.add("user" + i);
        }
        assertEquals(everyone, entered, run::toString);
    }

    @Test
    @Timeout(60)
    void aUserGetsInOnlyWhenAStallIsFree() throws Exception {
        // What the output cannot show, checked on the twin's own go_wc in threads of this JVM:
        // with every stall taken (the test holds all five permits), nobody gets in; each permit
        // given back lets someone in.
        dev.mp4j.sync.ProcessSemaphore sem = dev.mp4j.sync.ProcessSemaphore.create(SemaphoreWc.STALLS);
        for (int i = 0; i < SemaphoreWc.STALLS; i++) {
            sem.acquire();
        }
        java.util.List<String> lines = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        java.io.PrintStream old = System.out;
        System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream(), true) {
            @Override
            public void println(String x) {
                lines.add(x);
            }
        });
        java.util.List<Thread> users = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < SemaphoreWc.USERS; i++) {
                String user = "user" + i;
                users.add(Thread.ofPlatform().name("wc-" + user).start(() -> {
                    try {
                        SemaphoreWc.goWc(sem, user);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            // Every user is asleep in acquire (the kernel says so), not on the way to it.
            long pid = ProcessHandle.current().pid();
            for (int i = 0; i < SemaphoreWc.USERS; i++) {
                assertTrue(Threads.awaitSettledAsleep(pid, "wc-user" + i, Duration.ofSeconds(20)), "user" + i + " never waited");
            }
            assertEquals(java.util.List.of(), java.util.List.copyOf(lines), "someone got in while every stall was taken");
            sem.release();
            assertTrue(Await.until(() -> !lines.isEmpty(), Duration.ofSeconds(10)), "a free stall stayed empty");
            for (int i = 1; i < SemaphoreWc.STALLS; i++) {
                sem.release();
            }
            for (Thread u : users) {
                u.join(Duration.ofSeconds(30));
            }
        } finally {
            System.setOut(old);
        }
        assertEquals(SemaphoreWc.USERS, lines.size(), lines::toString);
    }
}
