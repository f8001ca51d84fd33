package dev.mp4j.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.testing.JavaRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A program run from its source file ({@code java Hello.java}) whose children run its lambdas. */
class SourceProgramTest {
    private static final String HELLO = """
            package demo.app;

            import dev.mp4j.connection.Pipe;
            import dev.mp4j.pool.ProcessPool;
            import dev.mp4j.process.JvmProcess;
            import java.util.List;

            public class Hello {
                record Greeting(String text) implements java.io.Serializable {}

                public static void main(String[] args) throws Exception {
                    Pipe pipe = Pipe.open();
                    var child = pipe.right();
                    JvmProcess p = new JvmProcess(() -> child.send(new Greeting("hello from a child of a source file")));
                    p.start();
                    System.out.println(((Greeting) pipe.left().recv()).text());
                    p.join();
                    System.out.println("exit code " + p.exitCode());
                    try (ProcessPool pool = ProcessPool.create(2)) {
                        // Twice lives in another file of the program (a multi-file source program).
                        System.out.println(pool.map(x -> Twice.of(x), List.of(1, 2, 3)));
                    }
                }
            }
            """;
    private static final String TWICE = """
            package demo.app;

            class Twice {
                static int of(int x) {
                    return 2 * x;
                }
            }
            """;

    @Test
    @Timeout(180)
    void childrenOfAProgramRunFromSourceRunItsLambdasAndTheCompiledJarIsKeptForTheNextRun(@TempDir Path dir) throws Exception {
        Path sources = dir.resolve("src/demo/app");
        Files.createDirectories(sources);
        Path hello = sources.resolve("Hello.java");
        Files.writeString(hello, HELLO);
        Files.writeString(sources.resolve("Twice.java"), TWICE);
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        List<String> options = List.of("-Djava.io.tmpdir=" + tmp);
        // Jars of other programs: one not used for eight days, one used just now.
        Path kept = Files.createDirectory(tmp.resolve("mp4j-" + System.getProperty("user.name") + "-sources"),
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        Path stale = Files.write(kept.resolve("source-00000000000000000000000000000000.jar"), new byte[] {1});
        Files.setAttribute(stale, "basic:lastAccessTime",
                java.nio.file.attribute.FileTime.from(java.time.Instant.now().minus(Duration.ofDays(8))));
        Path recent = Files.write(kept.resolve("source-11111111111111111111111111111111.jar"), new byte[] {1});

        JavaRunner.Result first = JavaRunner.runSource(Duration.ofSeconds(120), options, hello);
        assertEquals(0, first.exitCode(), first.stderr());
        assertEquals(List.of("hello from a child of a source file", "exit code 0", "[2, 4, 6]"), first.lines(), first.stderr());
        assertTrue(!Files.exists(stale), "a jar unused for a week is removed when a new one is made");
        assertTrue(Files.exists(recent), "a jar used lately stays");
        Files.delete(recent);
        List<Path> jars = keptJars(tmp);
        assertEquals(1, jars.size(), "one jar of the program's classes: " + jars);
        long madeAt = Files.getLastModifiedTime(jars.getFirst()).toMillis();

        JavaRunner.Result second = JavaRunner.runSource(Duration.ofSeconds(120), options, hello);
        assertEquals(0, second.exitCode(), second.stderr());
        assertEquals(first.lines(), second.lines());
        assertEquals(jars, keptJars(tmp), "an unchanged program reuses its jar");
        assertEquals(madeAt, Files.getLastModifiedTime(jars.getFirst()).toMillis(), "and leaves it as it was (the start-up cache's key)");
        try (Stream<Path> left = Files.list(tmp)) {
            assertTrue(left.noneMatch(p -> p.getFileName().toString().startsWith("mp4j-source-")), "a compile directory left behind");
        }
    }

    private static final String EDITS_ITSELF = """
            import dev.mp4j.pool.ProcessPool;
            import java.nio.file.Files;
            import java.nio.file.Path;
            import java.util.List;

            public class EditsItself {
                public static void main(String[] args) throws Exception {
                    // Before any child starts, the file on disk stops being what this JVM runs.
                    Path self = Path.of(System.getProperty("jdk.launcher.sourcefile"));
                    Files.writeString(self, Files.readString(self).replace("as launched", "as edited"));
                    try (ProcessPool pool = ProcessPool.create(1)) {
                        System.out.println(pool.map(x -> x + " as launched", List.of("run")));
                    }
                }
            }
            """;

    @Test
    @Timeout(120)
    void childrenRunTheProgramAsItWasLaunchedEvenIfItsFileChangedSince(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("EditsItself.java");
        Files.writeString(file, EDITS_ITSELF);
        JavaRunner.Result run = JavaRunner.runSource(Duration.ofSeconds(90), List.of("-Djava.io.tmpdir=" + dir), file);
        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals(List.of("[run as launched]"), run.lines(), run.stderr());
        assertTrue(Files.readString(file).contains("as edited"), "the program did not edit itself");
    }

    private static final String INTERRUPTED_FIRST = """
            import dev.mp4j.connection.Pipe;
            import dev.mp4j.process.JvmProcess;

            public class InterruptedFirst {
                record Note(String text) implements java.io.Serializable {}

                public static void main(String[] args) throws Exception {
                    Pipe pipe = Pipe.open();
                    var end = pipe.right();
                    // The first start comes with the thread's interrupt status set (a join()
                    // leaves it set, for one): the program's classes are packed all the same.
                    Thread.currentThread().interrupt();
                    JvmProcess p = new JvmProcess(() -> end.send(new Note("a child found the program's classes")));
                    p.start();
                    System.out.println("interrupted still: " + Thread.interrupted());
                    System.out.println(((Note) pipe.left().recv()).text());
                    p.join();
                }
            }
            """;

    @Test
    @Timeout(120)
    void aFirstStartFromAnInterruptedThreadStillGivesChildrenTheProgramsClasses(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("InterruptedFirst.java");
        Files.writeString(file, INTERRUPTED_FIRST);
        JavaRunner.Result run = JavaRunner.runSource(Duration.ofSeconds(90), List.of("-Djava.io.tmpdir=" + dir), file);
        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals(List.of("interrupted still: true", "a child found the program's classes"), run.lines(), run.stderr());
    }

    private static final String PREVIEW = """
            import dev.mp4j.pool.ProcessPool;
            import java.util.List;

            public class Preview {
                public static void main(String[] args) throws Exception {
                    try (ProcessPool pool = ProcessPool.create(1)) {
                        // A primitive type in a pattern: a preview feature in Java 25.
                        System.out.println(pool.map(x -> x instanceof int i ? "int " + i : "other", List.<Object>of(7)));
                    }
                }
            }
            """;

    @Test
    @Timeout(120)
    void aProgramRunWithPreviewFeaturesHasChildrenThatRunThem(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("Preview.java");
        Files.writeString(file, PREVIEW);
        JavaRunner.Result run = JavaRunner.runSource(Duration.ofSeconds(90),
                List.of("-Djava.io.tmpdir=" + dir, "--enable-preview", "--source", Integer.toString(Runtime.version().feature())), file);
        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals(List.of("[int 7]"), run.lines(), run.stderr());
    }

    private static List<Path> keptJars(Path tmp) throws Exception {
        try (Stream<Path> dirs = Files.list(tmp)) {
            Path kept = dirs.filter(p -> p.getFileName().toString().endsWith("-sources")).findFirst().orElseThrow();
            try (Stream<Path> files = Files.list(kept)) {
                return files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
            }
        }
    }
}
