package dev.mp4j.examples;

/**
 * One ported seed program: its {@code ./mp4j demo NAME} name, a title printed above its output,
 * where it comes from in the seeds, and its body (the program's {@code main}).
 */
public record Demo(String name, String title, String source, Body body) {
    /** A program's main, as a value. */
    @FunctionalInterface
    public interface Body {
        void run() throws Exception;
    }
}
