package dev.mp4j.examples;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The two functions of Python's {@code time} module the seed programs use, for their Java twins.
 *
 * <p>{@link #sleep(long)} runs on a shorter clock: one second of an original program lasts
 * {@link #SECOND} here, so the whole demo suite runs in seconds while every ratio the programs
 * show (three sleeps side by side take as long as one, the longest of four sleeps bounds the
 * joins) stays the same. {@link #ctime()} shows the real wall-clock time, as the originals do.
 */
public final class PyTime {
    /**
     * How long one second of an original program lasts in its twin. Long enough that the ratios
     * the programs show stand out from a child JVM's start-up time (about 0.3-0.6 s).
     */
    public static final Duration SECOND = Duration.ofMillis(500);

    /** {@code time.ctime()}: {@code '%a %b %d %H:%M:%S %Y'} with the day padded by a space. */
    public static final DateTimeFormatter CTIME =
            DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ENGLISH);

    private PyTime() {
    }

    /** {@code time.sleep(seconds)}, each second scaled to {@link #SECOND}. */
    public static void sleep(long seconds) throws InterruptedException {
        Thread.sleep(SECOND.multipliedBy(seconds));
    }

    /**
     * {@code time.sleep(seconds)} for a fraction, such as {@code time.sleep(0.5)} or
     * {@code time.sleep(random.random() * 3)}, each second scaled to {@link #SECOND}.
     */
    public static void sleep(double seconds) throws InterruptedException {
        Thread.sleep(Duration.ofNanos(Math.round(SECOND.toNanos() * seconds)));
    }

    /** {@code time.ctime()}: the local time now, like {@code Mon Jan  1 12:00:00 2018}. */
    public static String ctime() {
        return LocalDateTime.now().format(CTIME);
    }
}
