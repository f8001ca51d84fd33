package dev.mp4j.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link IntRange} holds what Python's range holds, and a pool maps over it as over the list of its ints. */
class IntRangeTest {
    /** What Python's {@code list(range(start, stop, step))} holds, written out the long way. */
    private static List<Integer> python(int start, int stop, int step) {
        List<Integer> out = new ArrayList<>();
        for (long v = start; step > 0 ? v < stop : v > stop; v += step) {
            out.add((int) v);
        }
        return out;
    }

    @Test
    void holdsWhatPythonsRangeHolds() {
        int[][] cases = {{0, 10, 1}, {1, 10, 2}, {1, 11, 2}, {5, 0, -1}, {10, -10, -3}, {0, 0, 1}, {5, 1, 1},
                {1, 5, -1}, {-7, 7, 7}, {Integer.MAX_VALUE - 3, Integer.MAX_VALUE, 1},
                {Integer.MIN_VALUE, Integer.MIN_VALUE + 5, 2}, {0, Integer.MAX_VALUE, Integer.MAX_VALUE},
                {-1_000_000, 3_000_001, 3}, {1 << 30, (1 << 30) - 2_000_000, -7}};
        for (int[] c : cases) {
            IntRange r = IntRange.of(c[0], c[1], c[2]);
            List<Integer> expected = python(c[0], c[1], c[2]);
            String what = r.toString();
            assertEquals(expected, r, what);
            assertEquals(expected.size(), r.size(), what);
            assertEquals(expected, new ArrayList<>(r), what + " iterated");
            assertEquals(expected.hashCode(), r.hashCode(), what);
            for (int i = 0; i < expected.size(); i++) {
                assertEquals(expected.get(i), r.get(i), what);
                assertEquals(i, r.indexOf(expected.get(i)), what);
            }
            assertThrows(IndexOutOfBoundsException.class, () -> r.get(expected.size()));
            assertThrows(IndexOutOfBoundsException.class, () -> r.get(-1));
        }
        assertEquals(IntStream.range(0, 7).boxed().toList(), IntRange.of(7));
        assertEquals(List.of(3, 4), IntRange.of(3, 5));
        assertEquals("range(1, 10, 2)", IntRange.of(1, 10, 2).toString());
        assertEquals("range(0, 5)", IntRange.of(5).toString());
        assertThrows(IllegalArgumentException.class, () -> IntRange.of(0, 10, 0));
    }

    @Test
    void answersMembershipAndSlicesWithoutWalking() {
        IntRange odds = IntRange.of(1, 100, 2);
        assertTrue(odds.contains(99));
        assertFalse(odds.contains(100));
        assertFalse(odds.contains(101));
        assertFalse(odds.contains(-1));
        assertFalse(odds.contains("1"));
        assertEquals(-1, odds.indexOf(2));
        IntRange middle = odds.subList(10, 15);
        assertEquals(List.of(21, 23, 25, 27, 29), middle);
        assertEquals("range(21, 31, 2)", middle.toString());
        assertEquals(List.of(), odds.subList(3, 3));
        assertThrows(IndexOutOfBoundsException.class, () -> odds.subList(0, 51));
        // Equal as Python's ranges are: by the ints they hold.
        assertEquals(IntRange.of(1, 10, 2), IntRange.of(1, 11, 2));
        assertEquals(IntRange.of(5, 5), IntRange.of(9, 1));
        assertEquals(IntRange.of(3, 4, 1), IntRange.of(3, 4, 7));
        assertThrows(UnsupportedOperationException.class, () -> odds.add(1));
    }

    @Test
    void travelsAsAValueToo() throws Exception {
        IntRange r = IntRange.of(-5, 20, 3);
        byte[] bytes = dev.mp4j.serial.SafeSerializer.javaSerialize(r);
        Object back = dev.mp4j.serial.SafeSerializer.javaDeserialize(bytes, 1, bytes.length - 1);
        assertEquals(r, back);
        assertEquals(r.toString(), back.toString());
    }

    @Test
    @Timeout(120)
    void aPoolMapsOverARangeAsOverItsInts() throws Exception {
        try (ProcessPool pool = ProcessPool.create(2)) {
            IntRange r = IntRange.of(-1000, 10_001, 7);
            List<Integer> expected = python(-1000, 10_001, 7).stream().map(x -> x * 3).toList();
            for (int chunksize : new int[] {0, 1, 97, 5000}) {
                assertEquals(expected, pool.map(x -> x * 3, r, chunksize), "map, chunksize " + chunksize);
                List<Integer> lazily = new ArrayList<>();
                pool.imap(x -> x * 3, r, Math.max(1, chunksize)).forEachRemaining(lazily::add);
                assertEquals(expected, lazily, "imap, chunksize " + chunksize);
                List<Integer> unordered = new ArrayList<>();
                pool.imapUnordered(x -> x * 3, r, Math.max(1, chunksize)).forEachRemaining(unordered::add);
                unordered.sort(null);
                assertEquals(expected.stream().sorted().toList(), unordered, "imap_unordered, chunksize " + chunksize);
            }
            assertEquals(List.of(), pool.map(x -> x, IntRange.of(0)));
            assertEquals(List.of(25, 16, 9), pool.mapAsync(x -> x * x, IntRange.of(5, 2, -1)).get(Duration.ofSeconds(60)));
            // A range item is a value like any other.
            assertEquals(List.of(3, 0), pool.map(IntRange::size, List.of(IntRange.of(3), IntRange.of(0))));
        }
    }
}
