package dev.mp4j.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class in a separate JVM with this JVM's class path, capturing its output: for tests
 * of what happens when a whole mp4j program (a parent with children) runs and exits.
 */
public final class JavaRunner {
    private JavaRunner() {
    }

    /** What a finished JVM printed and returned. */
    public record Result(int exitCode, String stdout, String stderr) {
        public List<String> lines() {
            return stdout.lines().toList();
        }
    }

    /** Starts {@code mainClass} and returns the running process; its stdout is piped, stderr too. */
    public static Process start(Class<?> mainClass, String... args) {
        return start(List.of(), mainClass, args);
    }

    /**
     * As {@link #start(Class, String...)}, in a session and process group of its own (through
     * {@code setsid}, which execs the JVM in place, so the pid is the group's id): a test can then
     * signal the whole group, as a terminal's Ctrl-C does, without signalling itself.
     */
    public static Process startInOwnProcessGroup(Class<?> mainClass, String... args) {
        return start(List.of("setsid"), mainClass, args);
    }

    /** As {@link #start(Class, String...)}, with JVM options of the test's choosing. */
    public static Process startWithOptions(List<String> jvmOptions, Class<?> mainClass, String... args) {
        return start(List.of(), jvmOptions, mainClass, args);
    }

    private static Process start(List<String> prefix, Class<?> mainClass, String... args) {
        return start(prefix, List.of(), mainClass, args);
    }

    private static Process start(List<String> prefix, List<String> jvmOptions, Class<?> mainClass, String... args) {
        return start(prefix, jvmOptions, mainClass.getName(), args);
    }

    /** {@code main}: a class name, or a source file for the JDK's source launcher. */
    private static Process start(List<String> prefix, List<String> jvmOptions, String main, String... args) {
        List<String> command = new ArrayList<>(prefix);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main);
        command.addAll(List.of(args));
        try {
            return new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs to completion (killing it after {@code timeout}) and captures everything. */
    public static Result run(Duration timeout, Class<?> mainClass, String... args) throws Exception {
        return run(timeout, List.of(), mainClass, args);
    }

    /** As {@link #run(Duration, Class, String...)}, with JVM options of the test's choosing. */
    public static Result run(Duration timeout, List<String> jvmOptions, Class<?> mainClass, String... args) throws Exception {
        return finish(start(List.of(), jvmOptions, mainClass, args), timeout);
    }

    /**
     * As {@link #run(Duration, Class, String...)}, the JVM started through {@code prefix} (a
     * command that runs its arguments, the JVM's command line, in some other setting).
     */
    public static Result runThrough(Duration timeout, List<String> prefix, Class<?> mainClass, String... args) throws Exception {
        return finish(start(prefix, List.of(), mainClass, args), timeout);
    }

    /** Runs a program from its source file ({@code java File.java}), with this JVM's class path. */
    public static Result runSource(Duration timeout, List<String> jvmOptions, Path sourceFile, String... args) throws Exception {
        return finish(start(List.of(), jvmOptions, sourceFile.toString(), args), timeout);
    }

    private static Result finish(Process p, Duration timeout) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread o = pump(p.getInputStream(), out);
        Thread e = pump(p.getErrorStream(), err);
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            // The main JVM first: its children notice and go, and its shared-memory watcher
            // cleans up after them (killed with them, it would leave the tree's segments behind).
            // Whatever is left after that goes by force.
            List<ProcessHandle> rest = p.descendants().toList();
            p.destroyForcibly();
            p.waitFor();
            try {
                java.util.concurrent.CompletableFuture.allOf(rest.stream().map(ProcessHandle::onExit)
                        .toArray(java.util.concurrent.CompletableFuture[]::new)).get(15, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException stillThere) {
                rest.forEach(ProcessHandle::destroyForcibly);
            }
        }
        o.join(5_000);
        e.join(5_000);
        return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    public static Thread pump(InputStream in, ByteArrayOutputStream sink) {
        Thread t = new Thread(() -> {
            try {
                in.transferTo(sink);
            } catch (IOException ignored) {
                // the process ended
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }
}
