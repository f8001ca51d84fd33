package dev.mp4j.examples;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Runs one demo the way a user does, in a JVM of its own ({@code java -cp ... DemoMain NAME}),
 * because a demo's main process must be able to exit (daemon children are cut off then) and its
 * children print on the very stdout the test reads. Each stdout line is stamped with the time it
 * arrived, so tests can check what ran side by side and what waited for what.
 */
public final class DemoRunner {
    /** One stdout line and when it arrived, in nanoseconds since the demo JVM was launched. */
    public record Line(String text, long atNanos) {
        public Duration at() {
            return Duration.ofNanos(atNanos);
        }
    }

    /**
     * What a demo did: the demo JVM's pid and exit code, its stdout lines (its children's
     * included), its stderr, and when the demo JVM exited (nanoseconds since launch).
     */
    public record Result(String name, long pid, int exitCode, List<Line> lines, String stderr, long exitedAtNanos) {
        public List<String> texts() {
            return lines.stream().map(Line::text).toList();
        }

        /** The only line equal to {@code text}; fails the test if there is not exactly one. */
        public Line line(String text) {
            return only(l -> l.text().equals(text), "the line '" + text + "'");
        }

        /** The lines that match {@code condition}, in order of arrival. */
        public List<Line> linesWhere(Predicate<Line> condition) {
            return lines.stream().filter(condition).toList();
        }

        private Line only(Predicate<Line> condition, String what) {
            List<Line> found = linesWhere(condition);
            if (found.size() != 1) {
                throw new AssertionError("expected exactly one " + what + ", found " + found.size() + "\n" + this);
            }
            return found.getFirst();
        }

        /**
         * {@link #stderr()} without what a JVM prints when SIGTERM reaches it while it is still
         * initialising, such as {@code Runtime.exit(143) logging failed: Cannot invoke
         * "java.lang.Module.getClassLoader()" because "m" is null}, or {@code Error occurred during
         * initialization of VM} with {@code java.lang.InternalError: Bad level: 3} and its JDK
         * frames. mp4j-core terminates a child that way when the demo terminates it right after
         * {@code start()}, or when the main process exits while a daemon child is still starting;
         * the demos that do so check the rest of stderr with this. Everything else stays, so an
         * exception from demo code still shows.
         */
        public String stderrWithoutChildStartupTermination() {
            return stderr.lines().filter(l -> !CHILD_STARTUP_TERMINATION.matcher(l).matches())
                    .map(l -> l + "\n").collect(Collectors.joining());
        }

        public Duration exitedAt() {
            return Duration.ofNanos(exitedAtNanos);
        }

        @Override
        public String toString() {
            StringBuilder s = new StringBuilder("demo ").append(name).append(" (pid ").append(pid)
                    .append(", exit code ").append(exitCode).append(", exited at ")
                    .append(exitedAtNanos / 1_000_000).append(" ms)\n--- stdout (arrival ms, line)\n");
            for (Line l : lines) {
                s.append(String.format("%6d  %s%n", l.atNanos() / 1_000_000, l.text()));
            }
            return s.append("--- stderr\n").append(stderr).toString();
        }
    }

    private static final Pattern CHILD_STARTUP_TERMINATION = Pattern.compile(
            "Runtime\\.exit\\(\\d+\\) logging failed: .*"
            + "|Error occurred during initialization of VM"
            + "|java\\.lang\\.InternalError: Bad level: \\d+"
            + "|\\tat [\\w.$]+\\(java\\.base@[^)]*\\)"
            + "|\\s*");

    private DemoRunner() {
    }

    /**
     * Runs demo {@code name} to its end: the demo JVM has exited and every process that shared its
     * stdout and stderr has closed them. Fails (after killing the demo and its children) if that
     * takes longer than {@code timeout}.
     */
    public static Result run(String name, Duration timeout) throws IOException, InterruptedException {
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"),
                DemoMain.class.getName(), name);
        ProcessBuilder builder = new ProcessBuilder(command);
        // The demos print Chinese, from the demo JVM and from its children, which inherit this
        // environment: a UTF-8 locale makes every one of them write UTF-8, whatever the test's locale.
        builder.environment().put("LC_ALL", "C.UTF-8");
        long launchedAt = System.nanoTime();
        Process demo = builder.start();
        demo.getOutputStream().close();

        List<Line> lines = new ArrayList<>();
        Thread stdoutReader = Thread.ofPlatform().name("demo-stdout").start(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8))) {
                String text;
                while ((text = out.readLine()) != null) {
                    long at = System.nanoTime() - launchedAt;
                    synchronized (lines) {
                        lines.add(new Line(text, at));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        Thread stderrReader = Thread.ofPlatform().name("demo-stderr").start(() -> {
            try (InputStream err = demo.getErrorStream()) {
                err.transferTo(stderr);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });

        long deadline = launchedAt + timeout.toNanos();
        boolean exited = demo.waitFor(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        long exitedAt = System.nanoTime() - launchedAt;
        // A child that outlived the demo JVM would still hold stdout open: wait for EOF, not just the exit.
        boolean drained = exited
                && stdoutReader.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))
                && stderrReader.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        if (!drained) {
            demo.descendants().forEach(ProcessHandle::destroyForcibly);
            demo.destroyForcibly();
            demo.waitFor(5, TimeUnit.SECONDS);
            stdoutReader.join(Duration.ofSeconds(5));
            stderrReader.join(Duration.ofSeconds(5));
        }
        Result result;
        synchronized (lines) {
            result = new Result(name, demo.pid(), exited ? demo.exitValue() : -1, List.copyOf(lines),
                    stderr.toString(StandardCharsets.UTF_8), exitedAt);
        }
        if (!drained) {
            throw new AssertionError("demo " + name + (exited ? " left its output open" : " did not exit")
                    + " within " + timeout + "; killed it\n" + result);
        }
        return result;
    }
}
