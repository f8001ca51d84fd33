package dev.mp4j.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.Context;
import dev.mp4j.Multiprocessing;
import dev.mp4j.connection.Connection;
import dev.mp4j.connection.Pipe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Python's {@code set_executable}: the program children are started with. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ExecutableTest {
    private static final Path OWN_JAVA = Path.of(System.getProperty("java.home"), "bin", "java");

    @TempDir
    Path dir;

    @AfterEach
    void backToOwnJava() {
        Multiprocessing.setExecutable(null);
    }

    /** A script that notes its pid in {@code marker}, then runs this JVM's java in its place. */
    private Path wrapper(Path marker) throws IOException {
        Path script = dir.resolve("wrapped java");   // a space: the path is one argument
        Files.writeString(script, "#!/bin/sh\necho $$ >> '" + marker + "'\nexec '" + OWN_JAVA + "' \"$@\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    private static List<Long> pidsIn(Path marker) throws IOException {
        return Files.exists(marker) ? Files.readAllLines(marker).stream().map(String::strip).map(Long::valueOf).toList() : List.of();
    }

    @Test
    void childrenAndTheirChildrenStartThroughTheProgramSet() throws Exception {
        Path marker = dir.resolve("started");
        Path script = wrapper(marker);
        Multiprocessing.setExecutable(script);
        assertEquals(script.toAbsolutePath(), Multiprocessing.getExecutable());

        Pipe pipe = Pipe.open();
        Connection back = pipe.right();
        JvmProcess child = new JvmProcess(() -> {
            back.send(Multiprocessing.getExecutable().toString());
            JvmProcess grandchild = new JvmProcess(() -> back.send(ProcessHandle.current().pid()));
            grandchild.start();
            grandchild.join();
            back.send(grandchild.exitCode());
        });
        child.start();
        assertEquals(script.toAbsolutePath().toString(), pipe.left().recv(Duration.ofSeconds(60)),
                "the child knows the program too");
        long grandchildPid = (Long) pipe.left().recv(Duration.ofSeconds(60));
        assertEquals(0, pipe.left().recv(Duration.ofSeconds(60)));
        assertTrue(child.join(Duration.ofSeconds(30)));
        assertEquals(0, child.exitCode());
        assertEquals(List.of(child.pid(), grandchildPid), pidsIn(marker),
                "the child and the grandchild each started through the script (it execs java in its own pid)");
    }

    @Test
    void aProgramThatStaysBetweenTheParentAndTheJvmWorksAndItsJvmGoesWithIt() throws Exception {
        // A wrapper that runs java without exec (or sudo) is the JVM's parent; the child took
        // that for being orphaned and exited at once. It watches both now.
        Path marker = dir.resolve("started");
        Path script = dir.resolve("staying wrapper");
        Files.writeString(script, "#!/bin/sh\necho $$ >> '" + marker + "'\n'" + OWN_JAVA + "' \"$@\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        Multiprocessing.setExecutable(script);

        Pipe pipe = Pipe.open();
        Connection back = pipe.right();
        JvmProcess child = new JvmProcess(() -> back.send(ProcessHandle.current().pid()));
        child.start();
        long jvm = (Long) pipe.left().recv(Duration.ofSeconds(60));
        assertTrue(child.join(Duration.ofSeconds(30)));
        assertEquals(0, child.exitCode());
        assertEquals(List.of(child.pid()), pidsIn(marker), "the child did not start through the wrapper");
        assertTrue(jvm != child.pid(), "the wrapper exec'd the JVM: the test proves nothing");

        // Terminated (the wrapper gets the signal), its JVM notices and goes too: no orphan.
        JvmProcess sleeper = new JvmProcess(() -> {
            back.send(ProcessHandle.current().pid());
            Thread.sleep(Long.MAX_VALUE);
        });
        sleeper.start();
        long sleeperJvm = (Long) pipe.left().recv(Duration.ofSeconds(60));
        sleeper.terminate();
        assertTrue(sleeper.join(Duration.ofSeconds(30)));
        ProcessHandle left = ProcessHandle.of(sleeperJvm).orElse(null);
        assertTrue(left == null || left.onExit().get(15, TimeUnit.SECONDS) != null, "the JVM outlived its wrapper");
    }

    @Test
    void aPipeEndHandedToAJvmUnderAProgramThatStaysIsItsAloneSoItsCloseIsSeen() throws Exception {
        // The parent hands the end over to the pid it knows, the program's; the JVM took a slot
        // of its own instead, and the one in the program's name stayed held as long as the
        // program lived: the reader saw no end of file when the JVM closed its end.
        Path script = dir.resolve("staying wrapper");
        Files.writeString(script, "#!/bin/sh\n'" + OWN_JAVA + "' \"$@\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        Multiprocessing.setExecutable(script);

        Pipe pipe = Pipe.open(false);
        Connection in = pipe.left();
        Connection out = pipe.right();
        dev.mp4j.sync.ProcessEvent release = dev.mp4j.sync.ProcessEvent.create();
        JvmProcess child = new JvmProcess(() -> {
            out.send("last");
            out.close();
            release.await(java.time.Duration.ofSeconds(60));   // alive, end closed
        });
        child.start();
        out.close();
        try {
            assertEquals("last", in.recv(Duration.ofSeconds(60)));
            assertThrows(java.io.EOFException.class, () -> in.recv(Duration.ofSeconds(20)));
        } finally {
            release.set();
            assertTrue(child.join(Duration.ofSeconds(30)));
        }
        assertEquals(0, child.exitCode());
    }

    @Test
    void aForkserverDoesNotHandOutSparesBootedWithTheProgramBefore() throws Exception {
        Context ctx = Multiprocessing.getContext("forkserver").withJvmOptions(
                JvmOptions.defaults().systemProperty("mp4j.test.executable", "spares"));
        JvmProcess first = ctx.process(() -> { });
        first.start();   // boots the spares, with this JVM's own java
        assertTrue(first.join(Duration.ofSeconds(30)));

        Path marker = dir.resolve("started");
        Multiprocessing.setExecutable(wrapper(marker));
        JvmProcess second = ctx.process(() -> { });
        second.start();
        assertTrue(second.join(Duration.ofSeconds(30)));
        assertEquals(0, second.exitCode());
        assertTrue(pidsIn(marker).contains(second.pid()),
                "a spare booted before the setting ran the child: " + second.pid() + " not in " + pidsIn(marker));
        ctx.launcher().shutdown();
    }

    @Test
    void aPathThatIsNotAnExecutableFileIsRefusedAndTheSettingKept() throws Exception {
        Path missing = dir.resolve("no-such-java");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Multiprocessing.setExecutable(missing));
        assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("no such file"), e.getMessage());

        Path text = Files.writeString(dir.resolve("plain.txt"), "not a program");
        e = assertThrows(IllegalArgumentException.class, () -> Multiprocessing.setExecutable(text));
        assertTrue(e.getMessage().contains("not an executable file"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Multiprocessing.setExecutable(dir));
        assertEquals(OWN_JAVA, Multiprocessing.getExecutable(), "a refused path changed the setting");
    }

    @Test
    void nullGoesBackToThisJvmsOwnJava() throws Exception {
        Multiprocessing.setExecutable(wrapper(dir.resolve("started")));
        Multiprocessing.setExecutable(null);
        assertEquals(OWN_JAVA, Multiprocessing.getExecutable());
        assertEquals(null, System.getProperty(SpawnLauncher.EXECUTABLE_PROPERTY), "children would still inherit it");
    }
}
