package dev.mp4j.process;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.Multiprocessing;
import dev.mp4j.connection.Connection;
import dev.mp4j.connection.Pipe;
import dev.mp4j.serial.NotSerializableValueException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JvmProcessTest {
    /** Refuses to travel, saying why, as a socket Connection does. */
    static final class StaysHere implements java.io.Serializable {
        private static final long serialVersionUID = 1L;

        @java.io.Serial
        private Object writeReplace() throws java.io.ObjectStreamException {
            throw new java.io.NotSerializableException("it stays in the process that made it");
        }
    }

    @Test
    void aTargetHoldingAValueThatRefusesToTravelIsRefusedAtStartNamingItAndItsReason() {
        StaysHere here = new StaysHere();
        JvmProcess p = new JvmProcess(() -> System.out.println(here));
        NotSerializableValueException e = assertThrows(NotSerializableValueException.class, p::start);
        assertTrue(e.getMessage().contains("class " + StaysHere.class.getName())
                && e.getMessage().contains("it stays in the process that made it"), e.getMessage());
        assertEquals(StaysHere.class.getName(), e.offendingClass());
    }

    @Test
    void forkserverContextsWhoseFlagsJoinToTheSameTextDoNotShareSpares() {
        // One flag holding a comma and a space, against two flags: the same text once joined.
        Launcher one = Launchers.of("forkserver", new JvmOptions(List.of("-Dmp4j.test.flags=a, -Xmx64m")), 1);
        Launcher two = Launchers.of("forkserver", new JvmOptions(List.of("-Dmp4j.test.flags=a", "-Xmx64m")), 1);
        try {
            assertTrue(one != two, "the second context would start children with the first one's flags");
            assertTrue(one == Launchers.of("forkserver", new JvmOptions(List.of("-Dmp4j.test.flags=a, -Xmx64m")), 1),
                    "a context with the same flags shares the spares");
        } finally {
            one.shutdown();
            two.shutdown();
        }
    }

    @Test
    void aForkserverLauncherThatWasShutDownIsNotHandedOutAgain() {
        // Its spares are stopped for good: handed out again, every start would boot a fresh JVM.
        JvmOptions options = new JvmOptions(List.of("-Dmp4j.test.flags=shut"));
        Launcher first = Launchers.of("forkserver", options, 1);
        first.shutdown();
        assertTrue(first.isShutdown());
        Launcher again = Launchers.of("forkserver", options, 1);
        try {
            assertTrue(again != first && !again.isShutdown(), "a shut-down launcher was handed out again");
        } finally {
            again.shutdown();
        }
    }

    /** A subclass with value equality, as a user's may have. */
    static final class Worker extends JvmProcess {
        private static final long serialVersionUID = 1L;

        @Override
        public void run() throws Exception {
            Thread.sleep(1_000);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Worker;
        }

        @Override
        public int hashCode() {
            return 1;
        }
    }

    @Test
    void childrenWhoseClassSaysTheyAreEqualAreStillTwoChildren() throws Exception {
        // The live children are kept by identity: kept by equals, the second would be lost (not
        // listed, not waited for at exit) and the first one's exit would forget both.
        Worker one = new Worker();
        Worker two = new Worker();
        one.start();
        two.start();
        try {
            List<JvmProcess> active = Multiprocessing.activeChildren();
            assertTrue(active.stream().filter(c -> c == one).count() == 1 && active.stream().filter(c -> c == two).count() == 1,
                    active.toString());
        } finally {
            one.join();
            two.join();
        }
    }


    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void preparingTheStartupCacheReportsThatAClassPathOfDirectoriesGetsNone() throws Exception {
        // Tests run from target/classes: the JDK caches classes from jar files only, so there is
        // nothing to train, and asking must say so at once instead of waiting out the timeout.
        assertFalse(Multiprocessing.getContext("spawn").prepareStartupCache(Duration.ofMinutes(5)));
    }


    /** A subclass-style process: its fields travel to the child. */
    static final class Reporter extends JvmProcess {
        private final Connection out;
        private final String greeting;

        Reporter(Connection out, String greeting) {
            this.out = out;
            this.greeting = greeting;
        }

        @Override
        public void run() throws Exception {
            out.send(greeting + " from " + name());
            out.send(Multiprocessing.currentProcess().name());
        }
    }

    @Test
    void aTargetMayCaptureAnySerializableClassAsItsChildReadsItFromItsParentAlone() throws Exception {
        // A child's target comes from its parent's private pipe, not through the allow-list
        // that messages pass: a java.io.File (refused in a message) is a fine argument.
        Pipe pipe = Pipe.open();
        Connection child = pipe.right();
        java.io.File file = new java.io.File("/tmp/data.txt");
        JvmProcess p = new JvmProcess(() -> child.send(file.getName()));
        p.start();
        assertEquals("data.txt", pipe.left().recv());
        p.join();
        assertEquals(0, p.exitCode());
    }

    @Test
    void functionStyleTargetRunsInAnotherProcessWithItsCapturedArguments() throws Exception {
        Pipe pipe = Pipe.open();
        Connection child = pipe.right();
        String word = "captured";
        JvmProcess p = new JvmProcess(() -> {
            child.send(word);
            child.send(ProcessHandle.current().pid());
            child.send(Multiprocessing.parentProcess().pid());
        });
        p.start();
        assertEquals("captured", pipe.left().recv());
        long childPid = (Long) pipe.left().recv();
        assertEquals(p.pid(), childPid);
        assertNotEquals(ProcessHandle.current().pid(), childPid);
        assertEquals(ProcessHandle.current().pid(), pipe.left().recv());
        p.join();
        assertEquals(0, p.exitCode());
    }

    @Test
    void subclassStyleRunsTheOverriddenRunWithItsFields() throws Exception {
        Pipe pipe = Pipe.open();
        Reporter r = new Reporter(pipe.right(), "hello");
        assertTrue(r.name().startsWith("Reporter-"), r.name());
        r.start();
        assertEquals("hello from " + r.name(), pipe.left().recv());
        assertEquals(r.name(), pipe.left().recv());
        r.join();
        assertEquals(0, r.exitCode());
    }

    @Test
    void exitCodeIsOneAfterAnUncaughtException() {
        JvmProcess p = new JvmProcess(() -> {
            throw new IllegalStateException("boom (expected by the test)");
        });
        p.start();
        p.join();
        assertEquals(1, p.exitCode());
    }

    @Test
    void exitCodeIsTheValueOfAnExplicitExitTruncatedToEightBits() {
        JvmProcess three = new JvmProcess(() -> System.exit(3));
        JvmProcess big = new JvmProcess(() -> System.exit(300));
        three.start();
        big.start();
        three.join();
        big.join();
        assertEquals(3, three.exitCode());
        assertEquals(300 & 0xFF, big.exitCode());
    }

    @Test
    void terminateGivesMinusSigtermAndKillGivesMinusSigkill() throws Exception {
        JvmProcess t = new JvmProcess(() -> Thread.sleep(60_000));
        JvmProcess k = new JvmProcess(() -> Thread.sleep(60_000));
        t.start();
        k.start();
        assertTrue(t.isAlive());
        assertNull(t.exitCode());
        t.terminate();
        k.kill();
        t.join();
        k.join();
        assertFalse(t.isAlive());
        assertEquals(-15, t.exitCode());
        assertEquals(-9, k.exitCode());
        assertTrue(t.toString().contains("exitcode=-SIGTERM"), t.toString());
    }

    @Test
    void interruptSendsSigintLikePythons() throws Exception {
        JvmProcess p = new JvmProcess(() -> Thread.sleep(60_000));
        p.start();
        p.interrupt();
        assertTrue(p.join(Duration.ofSeconds(30)), "SIGINT did not end the child");
        assertEquals(-2, p.exitCode());
        // An ended child has nothing to interrupt.
        p.interrupt();
    }

    @Test
    void joinWithTimeoutReturnsFalseWhileTheChildRuns() {
        JvmProcess p = new JvmProcess(() -> Thread.sleep(60_000));
        p.start();
        assertFalse(p.join(Duration.ofMillis(200)));
        assertTrue(p.isAlive());
        p.kill();
        assertTrue(p.join(Duration.ofSeconds(20)));
    }

    @Test
    void onExitCompletesWithTheProcess() throws Exception {
        JvmProcess p = new JvmProcess(() -> { });
        p.start();
        assertEquals(p, p.onExit().get(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitCode());
    }

    @Test
    void namesFollowCPythonAndGrandchildrenGetColonNames() throws Exception {
        JvmProcess plain = new JvmProcess(() -> { });
        assertTrue(plain.name().matches("Process-\\d+"), plain.name());
        Pipe pipe = Pipe.open();
        Connection out = pipe.right();
        JvmProcess parent = new JvmProcess(() -> {
            JvmProcess grandchild = new JvmProcess(() -> out.send(Multiprocessing.currentProcess().name()));
            out.send(Multiprocessing.currentProcess().name());
            grandchild.start();
            grandchild.join();
            out.send(grandchild.exitCode());
        });
        parent.start();
        String childName = (String) pipe.left().recv();
        assertEquals(parent.name(), childName);
        assertEquals(childName + ":1", pipe.left().recv());
        assertEquals(0, pipe.left().recv());
        parent.join();
        assertEquals(0, parent.exitCode());
    }

    @Test
    void childInheritsTheAuthkeyButNotStdin() throws Exception {
        Pipe pipe = Pipe.open();
        Connection out = pipe.right();
        JvmProcess p = new JvmProcess(() -> {
            out.send(Multiprocessing.currentProcess().authkey());
            out.send(System.in.read());
        });
        p.start();
        assertArrayEquals(Multiprocessing.currentProcess().authkey(), (byte[]) pipe.left().recv());
        assertEquals(32, Multiprocessing.currentProcess().authkey().length);
        assertEquals(-1, pipe.left().recv());
        p.join();
    }

    @Test
    void aTargetCapturingANonSerializableValueIsRefusedAtStartNamingTheClass() {
        Thread notSerializable = new Thread(() -> { });
        JvmProcess p = new JvmProcess(() -> System.out.println(notSerializable.getName()));
        NotSerializableValueException e = assertThrows(NotSerializableValueException.class, p::start);
        assertEquals("java.lang.Thread", e.offendingClass());
        assertTrue(e.getMessage().contains("java.lang.Thread"), e.getMessage());
        assertThrows(IllegalStateException.class, p::join, "never started");
    }

    @Test
    void lifecycleErrorsMatchCPython() {
        JvmProcess p = new JvmProcess(() -> Thread.sleep(60_000));
        assertNull(p.pid());
        assertFalse(p.isAlive());
        assertThrows(IllegalStateException.class, p::onExit);
        p.start();
        assertThrows(IllegalStateException.class, p::start, "cannot start a process twice");
        assertThrows(IllegalStateException.class, () -> p.setDaemon(true));
        IllegalStateException running = assertThrows(IllegalStateException.class, p::close);
        assertTrue(running.getMessage().startsWith("Cannot close a process while it is still running"));
        p.kill();
        p.join();
        p.close();
        p.close();
        assertThrows(IllegalStateException.class, p::exitCode);
        assertThrows(IllegalStateException.class, p::start);
    }

    @Test
    void activeChildrenListsRunningChildrenOnly() {
        JvmProcess sleeper = new JvmProcess(() -> Thread.sleep(60_000));
        sleeper.start();
        List<JvmProcess> active = Multiprocessing.activeChildren();
        assertTrue(active.contains(sleeper));
        sleeper.kill();
        sleeper.join();
        assertFalse(Multiprocessing.activeChildren().contains(sleeper));
    }

    @Test
    void aSpareBootedBeforeMp4jSettingsChangedIsNotUsed() throws Exception {
        JvmOptions options = new JvmOptions(List.of("-Dmp4j.test.flags=settings"));
        WarmSpareLauncher launcher = (WarmSpareLauncher) Launchers.of("forkserver", options, 1);
        try {
            assertTrue(dev.mp4j.testing.Await.until(() -> launcher.readyCount() == 1, java.time.Duration.ofSeconds(30)));
            System.setProperty("mp4j.test.setting", "set after the spare booted");
            Pipe pipe = Pipe.open();
            Connection out = pipe.right();
            JvmProcess p = new JvmProcess(() -> out.send(String.valueOf(System.getProperty("mp4j.test.setting"))));
            p.launchWith(launcher).start();
            assertEquals("set after the spare booted", pipe.left().recv(), "the child had the settings its spare booted with");
            p.join();
        } finally {
            System.clearProperty("mp4j.test.setting");
            launcher.shutdown();
        }
    }

    @Test
    void aChildGivenAnAuthkeyOfItsOwnHasIt() throws Exception {
        byte[] key = "a key of the child's own".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Pipe pipe = Pipe.open();
        Connection out = pipe.right();
        JvmProcess p = new JvmProcess(() -> out.send(Multiprocessing.currentProcess().authkey()));
        assertArrayEquals(Multiprocessing.currentProcess().authkey(), p.authkey(), "by default, the parent's");
        p.setAuthkey(key);
        assertArrayEquals(key, p.authkey());
        p.start();
        assertArrayEquals(key, (byte[]) pipe.left().recv());
        p.join();
        assertThrows(IllegalStateException.class, () -> p.setAuthkey(key));
        assertFalse(java.util.Arrays.equals(key, Multiprocessing.currentProcess().authkey()), "the parent's own key changed");
    }

    @Test
    void currentAndParentProcessInTheMainProcess() {
        assertEquals("MainProcess", Multiprocessing.currentProcess().name());
        assertTrue(Multiprocessing.currentProcess().isAlive());
        assertEquals(ProcessHandle.current().pid(), Multiprocessing.currentProcess().pid());
        assertNull(Multiprocessing.parentProcess());
        assertTrue(Multiprocessing.cpuCount() >= 1);
    }

    @Test
    void forkserverContextStartsEachChildInItsOwnFreshProcess() throws Exception {
        var ctx = Multiprocessing.getContext("forkserver").withSpares(2);
        Pipe pipe = Pipe.open();
        Connection out = pipe.right();
        long[] pids = new long[3];
        for (int i = 0; i < 3; i++) {
            JvmProcess p = ctx.process(() -> out.send(ProcessHandle.current().pid()));
            p.start();
            pids[i] = (Long) pipe.left().recv();
            p.join();
            assertEquals(0, p.exitCode());
            assertEquals(p.pid(), pids[i]);
        }
        assertNotEquals(pids[0], pids[1]);
        assertNotEquals(pids[1], pids[2]);
        assertEquals("forkserver", ctx.startMethod());
    }

    @Test
    void contextJvmOptionsReachTheChild() throws Exception {
        var ctx = Multiprocessing.getContext("spawn")
                .withJvmOptions(JvmOptions.defaults().maxHeap("96m").systemProperty("mp4j.test.flag", "on"));
        Pipe pipe = Pipe.open();
        Connection out = pipe.right();
        JvmProcess p = ctx.process(() -> {
            out.send(System.getProperty("mp4j.test.flag"));
            out.send(Runtime.getRuntime().maxMemory());
        });
        p.start();
        assertEquals("on", pipe.left().recv());
        long max = (Long) pipe.left().recv();
        assertTrue(max <= 96L * 1024 * 1024, "max heap " + max);
        p.join();
    }

    @Test
    void unknownStartMethodIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Multiprocessing.getContext("fork"));
        assertTrue(e.getMessage().contains("spawn"), e.getMessage());
    }

    @Test
    void daemonicProcessesCannotHaveChildren() throws Exception {
        Pipe pipe = Pipe.open();
        Connection out = pipe.right();
        JvmProcess d = new JvmProcess(() -> {
            try {
                new JvmProcess(() -> { }).start();
                out.send("started");
            } catch (IllegalStateException e) {
                out.send(e.getMessage());
            }
        });
        d.setDaemon(true);
        d.start();
        assertEquals("daemonic processes are not allowed to have children", pipe.left().recv());
        d.join();
    }

    @Test
    void completingTheFutureOnExitGivesDoesNotChangeTheProcess() throws Exception {
        JvmProcess p = new JvmProcess(() -> Thread.sleep(60_000));
        p.start();
        try {
            assertThrows(UnsupportedOperationException.class, () -> p.onExit().complete(p));
            assertFalse(p.onExit().cancel(true));
            assertTrue(p.onExit().orTimeout(1, TimeUnit.MILLISECONDS) != p.onExit());
            assertTrue(p.onExit() == p.onExit());
            assertTrue(p.isAlive());
            assertNull(p.exitCode());
            assertFalse(p.join(Duration.ZERO));
        } finally {
            p.kill();
            p.join();
        }
        assertEquals(-9, p.exitCode());
        assertTrue(p.onExit().isDone());
    }

    @Test
    void signallingAProcessNotYetStartedIsAnError() {
        JvmProcess p = new JvmProcess(() -> { });
        assertThrows(IllegalStateException.class, p::kill);
        assertThrows(IllegalStateException.class, p::terminate);
        assertThrows(IllegalStateException.class, p::interrupt);
    }

    @Test
    void joinWithANullTimeoutWaitsWithoutLimitAsPythonsJoinNone() throws Exception {
        JvmProcess p = new JvmProcess(() -> Thread.sleep(300));
        p.start();
        assertTrue(p.join((java.time.Duration) null));
        assertEquals(0, p.exitCode());
    }
}
