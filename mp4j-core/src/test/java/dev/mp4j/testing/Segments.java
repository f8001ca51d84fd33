package dev.mp4j.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;

/** What is in /dev/shm, for tests that check that segments come and go. */
public final class Segments {
    private Segments() {
    }

    /** The names in /dev/shm that begin with {@code prefix}. */
    public static Set<String> like(String prefix) throws IOException {
        try (var names = Files.list(Path.of("/dev/shm"))) {
            return names.map(f -> f.getFileName().toString()).filter(n -> n.startsWith(prefix))
                    .collect(Collectors.toCollection(HashSet::new));
        }
    }

    /** The prefix of the segment {@code name} (up to its last '-'): its process tree's. */
    public static String prefixOf(String name) {
        return name.substring(0, name.lastIndexOf('-') + 1);
    }
}
