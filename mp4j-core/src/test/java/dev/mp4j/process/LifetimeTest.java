package dev.mp4j.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.mp4j.testing.Await;
import dev.mp4j.testing.JavaRunner;
import dev.mp4j.testing.ProcessDiagnostics;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(90)
class LifetimeTest {

    @Test
    void daemonChildrenAreTerminatedWhenTheParentExits() throws Exception {
        JavaRunner.Result r = JavaRunner.run(Duration.ofSeconds(60), LifetimeScenarios.DaemonChild.class);
        List<String> lines = r.lines();
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals("end", lines.getLast(), r.stdout());
        assertFalse(r.stdout().contains("daemon child finished"));
        long childPid = Long.parseLong(lines.getFirst().substring("child ".length()));
        assertFalse(ProcessHandle.of(childPid).map(ProcessHandle::isAlive).orElse(false), "daemon child still alive");
    }

    @Test
    void daemonChildrenAreTerminatedWhenMainReturnsNotWhenTheNonDaemonOnesEnd() throws Exception {
        JavaRunner.Result r = JavaRunner.run(Duration.ofSeconds(60), LifetimeScenarios.DaemonAndNonDaemonChildren.class);
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals(List.of("main done", "daemon alive: false"), r.lines());
    }

    @Test
    void nonDaemonChildrenAreWaitedForWhenMainReturns() throws Exception {
        JavaRunner.Result r = JavaRunner.run(Duration.ofSeconds(60), LifetimeScenarios.NonDaemonChild.class);
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals(List.of("main done", "child done"), r.lines());
    }

    @Test
    void aChildWhoseParentIsKilledExitsWithinTwoSeconds() throws Exception {
        Process parent = JavaRunner.start(LifetimeScenarios.Orphan.class);
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertTrue(line != null && line.startsWith("child "), "unexpected: " + line);
            long childPid = Long.parseLong(line.substring("child ".length()));
            ProcessHandle child = ProcessHandle.of(childPid).orElseThrow();
            parent.destroyForcibly();
            parent.waitFor();
            Await.until(() -> !ProcessDiagnostics.running(childPid), Duration.ofSeconds(2));
            if (ProcessDiagnostics.running(childPid)) {
                String state = ProcessDiagnostics.describe(childPid);
                child.destroyForcibly();
                fail("orphaned child " + childPid + " still alive 2 s after its parent was killed:\n" + state);
            }
        } finally {
            parent.descendants().forEach(ProcessHandle::destroyForcibly);
            parent.destroyForcibly();
        }
    }

    @Test
    void aChildEndsOnlyWhenItsNonDaemonThreadsAreDoneAsInCPython() throws Exception {
        // CPython's child runs threading._shutdown() after its target: it waits for the
        // non-daemon threads the target started. So the message sent after the target returned
        // must arrive, and join must not return before it is sent.
        assertALateThreadsMessageArrives(false, 0);
    }

    @Test
    void aChildWhoseTargetThrowsStillWaitsForItsNonDaemonThreadsThenExitsWithOne() throws Exception {
        // CPython's _bootstrap runs threading._shutdown() in a finally: the exception case waits too.
        assertALateThreadsMessageArrives(true, 1);
    }

    /**
     * A child's target starts a non-daemon thread that sends once the target is over (its last
     * statement lets the thread go), then returns (or throws).
     */
    private static void assertALateThreadsMessageArrives(boolean targetThrows, int exitCode) throws Exception {
        dev.mp4j.connection.Pipe pipe = dev.mp4j.connection.Pipe.open(false);
        dev.mp4j.connection.Connection out = pipe.right();
        JvmProcess child = new JvmProcess(() -> {
            java.util.concurrent.CountDownLatch targetOver = new java.util.concurrent.CountDownLatch(1);
            Thread late = new Thread(() -> {
                try {
                    targetOver.await();
                    out.send("sent after the target ended");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "late-sender");
            late.setDaemon(false);
            late.start();
            try {
                if (targetThrows) {
                    throw new IllegalStateException("the target fails on purpose");
                }
            } finally {
                targetOver.countDown();
            }
        });
        child.start();
        pipe.right().close();
        child.join();
        assertEquals(exitCode, child.exitCode());
        assertTrue(pipe.left().poll(Duration.ZERO), "the child ended before its non-daemon thread sent");
        assertEquals("sent after the target ended", pipe.left().recv());
        pipe.left().close();
    }

    @Test
    void anUncaughtExceptionPrintsItsStackTraceInTheChildAndGivesExitCodeOne() throws Exception {
        JavaRunner.Result r = JavaRunner.run(Duration.ofSeconds(60), LifetimeScenarios.Crash.class);
        assertEquals(0, r.exitCode(), r.stderr());
        String name = r.stdout().trim().split(" ")[2];
        assertEquals("exit 1 " + name, r.stdout().trim());
        assertTrue(r.stderr().contains("Process " + name + ":"), r.stderr());
        assertTrue(r.stderr().contains("java.lang.IllegalArgumentException: kaboom"), r.stderr());
        assertTrue(r.stderr().contains("\tat "), r.stderr());
    }

    @Test
    void aKilledProgramsOrphanStopsItsOwnChildrenBeforeItEnds() throws Exception {
        Process parent = JavaRunner.start(LifetimeScenarios.Chain.class);
        List<Long> pids = new java.util.ArrayList<>();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertTrue(line != null && line.startsWith("pids "), "unexpected: " + line);
            java.util.Arrays.stream(line.substring(5).split(" ")).map(Long::parseLong).forEach(pids::add);
            parent.destroyForcibly();
            parent.waitFor();
            // An orphan stops its own non-daemon children rather than waiting for them, so
            // the grandchild is gone no later than the child (waiting, it outlived it by ~1 s
            // and the tree went one generation a second). Order, not time, is what is checked.
            long childGone = -1;
            long grandchildGone = -1;
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
            while ((childGone < 0 || grandchildGone < 0) && System.nanoTime() < deadline) {
                long now = System.nanoTime();
                if (childGone < 0 && !ProcessDiagnostics.running(pids.get(0))) {
                    childGone = now;
                }
                if (grandchildGone < 0 && !ProcessDiagnostics.running(pids.get(1))) {
                    grandchildGone = now;
                }
                Thread.sleep(2);
            }
            assertTrue(childGone >= 0 && grandchildGone >= 0, "still running after 15 s: " + pids);
            assertTrue(grandchildGone <= childGone, "the orphan ended " + (grandchildGone - childGone) / 1_000_000
                    + " ms before its own child: it waited for it instead of stopping it");
            assertTrue(Await.until(() -> pids.stream().noneMatch(ProcessDiagnostics::running), Duration.ofSeconds(15)),
                    "still alive: " + pids.stream().filter(ProcessDiagnostics::running).toList());
        } finally {
            // Re-parented once the main process is gone: by pid, not as its descendants.
            pids.forEach(p -> ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly));
            parent.destroyForcibly();
        }
    }

    @Test
    void sigtermToTheMainProcessDoesNotWaitForANonDaemonChild() throws Exception {
        sigtermStopsTheProgramAndItsChild(LifetimeScenarios.Orphan.class, null);
    }

    @Test
    void sigtermWhileANormalExitWaitsForANonDaemonChildStopsTheChildAndTheProgram() throws Exception {
        // The JVM's SIGTERM handler cannot start an exit while one is under way: the exit that
        // waits for the child must notice the signal itself, or the program ignores SIGTERM.
        sigtermStopsTheProgramAndItsChild(LifetimeScenarios.ExitWaitingForAChild.class, "calling join() for process");
    }

    /**
     * Runs {@code scenario} (a program that prints "child PID" of a non-daemon child that sleeps),
     * waits for that line and, if {@code waitFor} is given, for a log line on stderr that holds
     * it; then sends SIGTERM and checks that the program and its child are gone in time.
     */
    private static void sigtermStopsTheProgramAndItsChild(Class<?> scenario, String waitFor) throws Exception {
        Process parent = JavaRunner.start(scenario);
        long childPid = -1;
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertTrue(line != null && line.startsWith("child "), "unexpected: " + line);
            childPid = Long.parseLong(line.substring("child ".length()));
            if (waitFor != null) {
                BufferedReader err = new BufferedReader(new InputStreamReader(parent.getErrorStream(), StandardCharsets.UTF_8));
                String said;
                while ((said = err.readLine()) != null && !said.contains(waitFor)) {
                    // earlier log lines
                }
                assertTrue(said != null, "never logged '" + waitFor + "'");
            }
            parent.destroy();   // SIGTERM
            assertTrue(parent.waitFor(10, java.util.concurrent.TimeUnit.SECONDS), "SIGTERM left the program waiting for its child");
            long child = childPid;
            assertTrue(Await.until(() -> !ProcessDiagnostics.running(child), Duration.ofSeconds(5)), "the child outlived it");
        } finally {
            ProcessHandle.of(childPid).ifPresent(ProcessHandle::destroyForcibly);
            parent.descendants().forEach(ProcessHandle::destroyForcibly);
            parent.destroyForcibly();
        }
    }

    @Test
    void aChildsExitIsSeenWhileTheCommonForkJoinPoolIsBusy() throws Exception {
        // Parallelism 2, so that CompletableFuture's async stages use the common pool here too.
        Process p = JavaRunner.startWithOptions(List.of("-Djava.util.concurrent.ForkJoinPool.common.parallelism=2"),
                LifetimeScenarios.CommonPoolBusy.class);
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("joined true exit 0", out.readLine());
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    @Test
    void choosingForkserverWithJvmOptionsStartsOnlyItsOwnSpares() throws Exception {
        JavaRunner.Result r = JavaRunner.run(Duration.ofSeconds(60), LifetimeScenarios.ForkserverWithOptions.class);
        assertEquals("children " + Launchers.DEFAULT_SPARES, r.stdout().trim(), r.stderr());
    }

    @Test
    void aSignalTheProgramHandlesItselfDoesNotStopItsChildrenAtExit() throws Exception {
        JavaRunner.Result r = JavaRunner.run(Duration.ofSeconds(60), LifetimeScenarios.HandledHangup.class);
        assertEquals(List.of("hangup handled", "child done"), r.lines(), r.stderr());
    }

    @Test
    void setStartMethodNoneFixesTheDefaultUnlessForced() throws Exception {
        JavaRunner.Result r = JavaRunner.run(Duration.ofSeconds(60), LifetimeScenarios.StartMethodNone.class);
        assertEquals(List.of("refused: context has already been set", "reset, then set"), r.lines(), r.stderr());
    }

    @Test
    void aStartWithoutAContextFixesTheDefaultStartMethod() throws Exception {
        JavaRunner.Result r = JavaRunner.run(Duration.ofSeconds(60), LifetimeScenarios.StartMethodAfterStart.class);
        assertEquals(List.of("refused: context has already been set"), r.lines(), r.stderr());
    }
}
