package dev.mp4j.cli;

import dev.mp4j.examples.Demo;
import dev.mp4j.examples.DemoMain;
import dev.mp4j.examples.Demos;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Runs ported seed programs, each in its own JVM so that it starts and exits like the Python
 * script it comes from (daemon children cut off at exit, and so on).
 */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Run the ported seed programs (all of them when no NAME is given).")
final class DemoCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", paramLabel = "NAME", description = "demos to run; see --list")
    List<String> names = new ArrayList<>();

    @Option(names = "--list", description = "list the demos and exit")
    boolean list;

    @Override
    public Integer call() throws Exception {
        if (list) {
            for (Demo d : Demos.all()) {
                System.out.printf("%-28s %s  [%s]%n", d.name(), d.title(), d.source());
            }
            return 0;
        }
        List<Demo> chosen = new ArrayList<>();
        if (names.isEmpty()) {
            chosen.addAll(Demos.all());
        } else {
            for (String n : names) {
                Demo d = Demos.find(n).orElse(null);
                if (d == null) {
                    System.err.println("mp4j demo: no demo named '" + n + "'; run ./mp4j demo --list");
                    return 2;
                }
                chosen.add(d);
            }
        }
        List<String> failed = new ArrayList<>();
        for (Demo d : chosen) {
            System.out.println();
            System.out.println("=== " + d.name() + ": " + d.title() + " ===");
            System.out.flush();
            int code = runInOwnJvm(d.name());
            if (code != 0) {
                failed.add(d.name() + " (exit " + code + ")");
            }
        }
        System.out.println();
        if (failed.isEmpty()) {
            System.out.println(chosen.size() + " demo(s) ran.");
            return 0;
        }
        System.out.println("failed: " + String.join(", ", failed));
        return 1;
    }

    private static int runInOwnJvm(String name) throws Exception {
        // The demos print Chinese text, as their seeds do: encoded as UTF-8 whatever the locale
        // (a bare C locale gave the JVM ASCII, and every such character came out as '?'; CPython
        // coerces a C locale to UTF-8). The demo's own children follow its setting.
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Dstdout.encoding=UTF-8", "-Dstderr.encoding=UTF-8",
                "-cp", System.getProperty("java.class.path"), DemoMain.class.getName(), name);
        return new ProcessBuilder(command).inheritIO().start().waitFor();
    }
}
