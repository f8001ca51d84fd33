package dev.mp4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.examples.Demo;
import dev.mp4j.examples.Demos;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code mp4j demo}, run as the README's first command runs it: a JVM of its own. */
class DemoCommandTest {
    private record Run(int exitCode, String stdout, String stderr) {
    }

    private static Run mp4j(String... args) throws Exception {
        return mp4j(java.util.Map.of(), args);
    }

    private static Run mp4j(java.util.Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.PIPE);
        builder.environment().putAll(env);
        Process p = builder.start();
        java.util.concurrent.CompletableFuture<String> err = new java.util.concurrent.CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                err.complete(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                err.complete("<" + e + ">");
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return new Run(p.exitValue(), out, err.get(10, TimeUnit.SECONDS));
    }

    @Test
    @Timeout(120)
    void listNamesEveryDemoOnceInOrder() throws Exception {
        Run run = mp4j("demo", "--list");

        assertEquals(0, run.exitCode(), run::toString);
        List<String> names = run.stdout().lines().map(l -> l.split("\\s+", 2)[0]).toList();
        assertEquals(Demos.all().stream().map(Demo::name).toList(), names, run::toString);
    }

    @Test
    @Timeout(120)
    void anUnknownNameIsAUsageErrorThatSaysHowToListThem() throws Exception {
        Run run = mp4j("demo", "no-such-demo");

        assertEquals(2, run.exitCode(), run::toString);
        assertTrue(run.stderr().contains("no demo named 'no-such-demo'") && run.stderr().contains("--list"), run::toString);
    }

    @Test
    @Timeout(120)
    void aNamedDemoRunsUnderItsTitleAndTheRunSaysSo() throws Exception {
        Demo demo = Demos.find("pipe-chat").orElseThrow();
        Run run = mp4j("demo", demo.name());

        assertEquals(0, run.exitCode(), run::toString);
        List<String> lines = run.stdout().lines().filter(l -> !l.isBlank()).toList();
        assertEquals("=== " + demo.name() + ": " + demo.title() + " ===", lines.getFirst(), run::toString);
        // The demo's own two lines (the parent's and the child's, in either order).
        assertEquals(java.util.Set.of("l: Welcome to beijing!", "x: Im coming!"), java.util.Set.copyOf(lines.subList(1, lines.size() - 1)),
                run::toString);
        assertEquals("1 demo(s) ran.", lines.getLast(), run::toString);
    }

    @Test
    @Timeout(120)
    void aDemoPrintsItsChineseTextAsUtf8InABareCLocale() throws Exception {
        // Before, the demo's JVM took ASCII from a C locale and printed every such character
        // as '?' (CPython coerces a C locale to UTF-8).
        Run run = mp4j(java.util.Map.of("LC_ALL", "C", "LANG", "C"), "demo", "queue-none-end-marker");

        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.stdout().contains("生产者生产了:包子0") && run.stdout().contains("消费者拿到了:包子0"), run::toString);
        assertTrue(!run.stdout().contains("??"), run::toString);
    }
}
