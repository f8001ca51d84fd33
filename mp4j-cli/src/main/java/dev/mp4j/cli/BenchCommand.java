package dev.mp4j.cli;

import dev.mp4j.bench.BenchRecord;
import dev.mp4j.bench.Figure;
import dev.mp4j.bench.Figures;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Prints the benchmark figures, as JSON lines for {@code ../shared/bench/compare} or as a table. */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Run benchmark figures (all when no FIGURE is given); names as ../shared/bench/python.")
final class BenchCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", paramLabel = "FIGURE", description = "figure names or numbers; see --list")
    List<String> figures = new ArrayList<>();

    @Option(names = "--json", description = "one JSON object per line, as the CPython scripts print")
    boolean json;

    @Option(names = "--reps", description = "timed runs per figure line (default: ${DEFAULT-VALUE})", defaultValue = "5")
    int reps;

    @Option(names = "--method", split = ",", description = "start methods: spawn, forkserver (default: per figure)")
    List<String> methods;

    @Option(names = "--list", description = "list the figures and exit")
    boolean list;

    @Override
    public Integer call() throws Exception {
        if (list) {
            for (Figure f : Figures.all()) {
                System.out.printf("%-20s fig%02d  %s%n", f.name(), f.number(), f.description());
            }
            return 0;
        }
        if (reps < 1) {
            System.err.println("mp4j bench: --reps must be at least 1");
            return 2;
        }
        if (methods != null) {
            for (String m : methods) {
                // Checked before anything runs (preparing the start-up cache can take minutes).
                if (!dev.mp4j.Multiprocessing.getAllStartMethods().contains(m)) {
                    System.err.println("mp4j bench: no start method '" + m + "' (mp4j has: "
                            + String.join(", ", dev.mp4j.Multiprocessing.getAllStartMethods()) + ")");
                    return 2;
                }
            }
        }
        List<Figure> chosen = new ArrayList<>();
        for (String name : figures.isEmpty() ? Figures.all().stream().map(Figure::name).toList() : figures) {
            Figure f = Figures.find(name).orElse(null);
            if (f == null) {
                System.err.println("mp4j bench: no figure named '" + name + "' (mp4j has: "
                        + String.join(", ", Figures.all().stream().map(Figure::name).toList()) + ")");
                return 2;
            }
            chosen.add(f);
        }
        // Children started before their start-up cache exists run without it, beside the JVM
        // that trains it: every figure would measure that once-per-build cost instead.
        // The figures' children run the figures' own lambdas: the cache holds those classes too.
        dev.mp4j.Context spawn = dev.mp4j.Multiprocessing.getContext("spawn");
        Class<?>[] figureClasses = Figures.all().stream().map(Object::getClass).toArray(Class<?>[]::new);
        if (!spawn.prepareStartupCache(java.time.Duration.ZERO, figureClasses)) {
            System.err.println("mp4j bench: preparing the children's start-up cache (once per build)...");
            if (!spawn.prepareStartupCache(java.time.Duration.ofMinutes(3))) {
                System.err.println("mp4j bench: no start-up cache (class path of directories, or -Dmp4j.aot=false); children start without one");
            }
        }
        for (Figure f : chosen) {
            List<String> m = methods != null ? methods : f.defaultMethods();
            if (!json) {
                System.out.println("== " + f.name() + " (fig" + String.format("%02d", f.number()) + "): " + f.description());
            }
            for (BenchRecord r : f.run(reps, m)) {
                System.out.println(json ? r.toJson() : r.toText());
                System.out.flush();
            }
        }
        return 0;
    }
}
