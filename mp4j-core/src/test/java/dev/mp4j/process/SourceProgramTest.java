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

        JavaRunner.Result first = JavaRunner.runSource(Duration.ofSeconds(120), options, hello);
        assertEquals(0, first.exitCode(), first.stderr());
        assertEquals(List.of("hello from a child of a source file", "exit code 0", "[2, 4, 6]"), first.lines(), first.stderr());
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

    private static List<Path> keptJars(Path tmp) throws Exception {
        try (Stream<Path> dirs = Files.list(tmp)) {
            Path kept = dirs.filter(p -> p.getFileName().toString().endsWith("-sources")).findFirst().orElseThrow();
            try (Stream<Path> files = Files.list(kept)) {
                return files.sorted().toList();
            }
        }
    }
}
