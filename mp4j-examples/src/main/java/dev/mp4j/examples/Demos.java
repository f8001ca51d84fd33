package dev.mp4j.examples;

import java.util.List;
import java.util.Optional;

/** Every ported seed program, in the order {@code ./mp4j demo} runs them. */
public final class Demos {
    private static final List<Demo> ALL = List.of();

    private Demos() {
    }

    public static List<Demo> all() {
        return ALL;
    }

    public static Optional<Demo> find(String name) {
        return ALL.stream().filter(d -> d.name().equals(name)).findFirst();
    }
}
