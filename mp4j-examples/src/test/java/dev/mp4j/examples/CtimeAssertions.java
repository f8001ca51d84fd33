package dev.mp4j.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDateTime;

/** Checks on the {@code time.ctime()} strings the demos print. */
public final class CtimeAssertions {
    private CtimeAssertions() {
    }

    /**
     * Parses {@code ctime} (failing on anything but CPython's format) and checks it lies between
     * the two instants; {@code before} should be truncated to seconds, as ctime is.
     */
    public static LocalDateTime assertCtimeBetween(String ctime, LocalDateTime before, LocalDateTime after) {
        LocalDateTime t = LocalDateTime.parse(ctime, PyTime.CTIME);
        assertTrue(!t.isBefore(before) && !t.isAfter(after),
                () -> ctime + " is not between " + before + " and " + after);
        return t;
    }
}
