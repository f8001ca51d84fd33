package dev.mp4j.bench;

import java.util.List;

/** One figure of the side-by-side comparison: the same name as the CPython script's. */
public interface Figure {
    /** The name used by {@code ./mp4j bench NAME} and {@code ../shared/bench/compare}. */
    String name();

    /** The CPython script number (fig01 = 1). */
    int number();

    /** What is measured, for {@code --help}. */
    String description();

    /** Runs the figure; {@code reps} timed runs per line; {@code methods} the start methods to use. */
    List<BenchRecord> run(int reps, List<String> methods) throws Exception;

    /** Start methods used when none is given. */
    default List<String> defaultMethods() {
        return List.of("spawn");
    }
}
