package dev.mp4j.examples.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.examples.DemoRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.regex.Pattern;

/**
 * Checks shared by the queue demos' tests: mostly on seed 002's producer-consumer programs (ten
 * buns, made and got), and on the order and spacing of any demo's lines.
 */
final class Buns {
    /** How many buns every one of those programs makes, {@code 包子0} to {@code 包子9}. */
    static final int COUNT = 10;

    private Buns() {
    }

    /**
     * The one line for each bun, in bun order; fails unless each of the ten has exactly one line
     * of the given text.
     */
    static List<DemoRunner.Line> oneLineEach(DemoRunner.Result run, IntFunction<String> text) {
        List<DemoRunner.Line> lines = new ArrayList<>();
        for (int k = 0; k < COUNT; k++) {
            lines.add(run.line(text.apply(k)));
        }
        return lines;
    }

    /**
     * The one line for each bun that matches the bun's pattern, in bun order; fails unless each of
     * the ten has exactly one.
     */
    static List<DemoRunner.Line> oneLineEachMatching(DemoRunner.Result run, IntFunction<Pattern> pattern) {
        List<DemoRunner.Line> lines = new ArrayList<>();
        for (int k = 0; k < COUNT; k++) {
            Pattern p = pattern.apply(k);
            List<DemoRunner.Line> found = run.linesWhere(l -> p.matcher(l.text()).matches());
            assertEquals(1, found.size(), "lines matching " + p + "\n" + run);
            lines.add(found.getFirst());
        }
        return lines;
    }

    /** Fails unless each of {@code later} arrived after the line of the same bun in {@code earlier}. */
    static void eachAfter(DemoRunner.Result run, List<DemoRunner.Line> earlier, List<DemoRunner.Line> later) {
        for (int k = 0; k < earlier.size(); k++) {
            int e = run.lines().indexOf(earlier.get(k));
            int l = run.lines().indexOf(later.get(k));
            assertTrue(e < l, "'" + later.get(k).text() + "' came before '" + earlier.get(k).text() + "'\n" + run);
        }
    }

    /** Fails unless the lines arrived in the order given. */
    static void inOrder(DemoRunner.Result run, List<DemoRunner.Line> lines) {
        eachAfter(run, lines.subList(0, lines.size() - 1), lines.subList(1, lines.size()));
    }

    /** Fails unless consecutive lines are at least {@code gap} apart (less a little for scheduling). */
    static void apart(DemoRunner.Result run, List<DemoRunner.Line> lines, Duration gap) {
        for (int k = 1; k < lines.size(); k++) {
            Duration between = lines.get(k).at().minus(lines.get(k - 1).at());
            assertTrue(between.compareTo(gap.minusMillis(50)) >= 0, "only " + between.toMillis() + " ms between '"
                    + lines.get(k - 1).text() + "' and '" + lines.get(k).text() + "'\n" + run);
        }
    }

    /** The line's position among all the demo's lines. */
    static int index(DemoRunner.Result run, DemoRunner.Line line) {
        return run.lines().indexOf(line);
    }
}
