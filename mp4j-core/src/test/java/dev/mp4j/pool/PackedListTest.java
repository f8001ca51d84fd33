package dev.mp4j.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mp4j.serial.SafeSerializer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The list map returns for packed results behaves as the ArrayList it stands for. */
class PackedListTest {

    private static List<Object> ints(int... values) {
        return PackedList.ofInts(values);
    }

    @Test
    void readsBoxedValuesInOrder() {
        List<Object> list = ints(3, -1, 1_000_000);
        assertEquals(List.of(3, -1, 1_000_000), list);
        assertEquals(List.of(3, -1, 1_000_000).hashCode(), list.hashCode());
        assertEquals(1_000_000, list.get(2));
        assertThrows(IndexOutOfBoundsException.class, () -> list.get(3));
        assertEquals(List.of(5L, 6L), PackedList.ofLongs(new long[] {5, 6}));
    }

    @Test
    void changesLikeAnArrayList() {
        List<Object> packed = ints(IntStream.range(0, 20).toArray());
        List<Object> plain = new ArrayList<>(packed);
        for (List<Object> l : List.of(packed, plain)) {
            assertEquals(4, l.set(4, 40));
            l.add(7);
            l.add(0, -5);
            l.add(10, 100);
            assertEquals(9, l.remove(11));
            l.subList(2, 6).clear();
            l.removeIf(x -> (Integer) x % 3 == 0);
            l.sort(Comparator.comparing(x -> -(Integer) x));
        }
        assertEquals(plain, packed);
    }

    @Test
    void aValueOfAnotherTypeTurnsItIntoAListOfObjects() {
        List<Object> list = ints(1, 2, 3);
        list.set(1, "two");
        list.add(null);
        list.add(4L);
        assertEquals(Arrays.asList(1, "two", 3, null, 4L), list);
        assertNull(list.get(3));
        list.clear();
        assertEquals(List.of(), list);
    }

    @Test
    void iteratorsFailFastOnChange() {
        List<Object> list = ints(1, 2, 3);
        Iterator<Object> it = list.iterator();
        it.next();
        list.add(4);
        assertThrows(java.util.ConcurrentModificationException.class, it::next);
    }

    @Test
    void travelsAsAnArrayList() throws Exception {
        byte[] bytes = SafeSerializer.javaSerialize(ints(1, 2, 3));
        Object back = SafeSerializer.javaDeserialize(bytes, 1, bytes.length - 1);
        assertInstanceOf(ArrayList.class, back);
        assertEquals(List.of(1, 2, 3), back);
    }

    @Test
    void joinsPackedPartsOfOneKindOnly() {
        assertEquals(List.of(1, 2, 3), PackedList.concat(List.of(ints(1), ints(), ints(2, 3))));
        assertEquals(List.of(7L, 8L), PackedList.concat(List.of(PackedList.ofLongs(new long[] {7}),
                PackedList.ofLongs(new long[] {8}))));
        assertNull(PackedList.concat(List.of(ints(1), PackedList.ofLongs(new long[] {2}))));
        assertNull(PackedList.concat(List.of(ints(1), List.of("x"))));
    }
}
