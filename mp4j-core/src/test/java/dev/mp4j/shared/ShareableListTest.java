package dev.mp4j.shared;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.process.JvmProcess;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ShareableListTest {

    @Test
    void useAfterCloseAndALoneSurrogateAreClearErrors() {
        assertThrows(IllegalArgumentException.class, () -> ShareableList.of("\uD800"), "a lone surrogate would be stored as '?'");
        ShareableList sl = ShareableList.of("a", 1);
        sl.close();
        assertThrows(IllegalStateException.class, () -> sl.get(0));
        assertThrows(IllegalStateException.class, () -> sl.set(1, 2));
        sl.unlink();
    }

    @Test
    void holdsEverySupportedTypeAndAChildSeesAndChangesIt() {
        ShareableList sl = ShareableList.of("howdy", 42, 7L, 3.5, true, null, new byte[] {1, 2});
        assertEquals(7, sl.size());
        JvmProcess p = new JvmProcess(() -> {
            if (!sl.get(0).equals("howdy") || !sl.get(1).equals(42)) {
                throw new IllegalStateException("child saw " + sl);
            }
            sl.set(0, "hi");
            sl.set(1, 2.25);
            sl.set(5, "four");
        });
        p.start();
        p.join();
        assertEquals(0, p.exitCode());
        assertEquals("hi", sl.get(0));
        assertEquals(2.25, sl.get(1));
        assertEquals(7L, sl.get(2));
        assertEquals(true, sl.get(4));
        assertEquals("four", sl.get(5));
        assertArrayEquals(new byte[] {1, 2}, (byte[]) sl.get(6));
        sl.unlink();
    }

    @Test
    void stringsAreSizedInUtf8BytesAndAValueThatDoesNotFitLeavesTheOldOne() {
        ShareableList sl = ShareableList.of("中文字");
        assertEquals("中文字", sl.get(0));
        sl.set(0, "日本語");
        assertEquals("日本語", sl.get(0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sl.set(0, "much too long for this slot"));
        assertTrue(e.getMessage().contains("slot 0"), e.getMessage());
        assertEquals("日本語", sl.get(0));
        sl.set(0, null);
        assertNull(sl.get(0));
        sl.unlink();
    }

    @Test
    void unsupportedTypesIndicesAndSizeChangesAreClearErrors() {
        ShareableList sl = ShareableList.of(1, 2, 2);
        assertThrows(IllegalArgumentException.class, () -> ShareableList.of(new Object()));
        assertThrows(IllegalArgumentException.class, () -> sl.set(0, List.of()));
        assertThrows(IndexOutOfBoundsException.class, () -> sl.get(3));
        assertThrows(UnsupportedOperationException.class, () -> sl.add(4));
        assertEquals(2, sl.count(2));
        assertEquals(1, sl.indexOf(2));
        ShareableList same = ShareableList.attach(sl.name());
        assertEquals(List.of(1, 2, 2), List.copyOf(same));
        sl.unlink();
    }

    @Test
    void attachingToASegmentThatIsNotAListIsRefused() {
        dev.mp4j.shm.SharedMemory zeros = dev.mp4j.shm.SharedMemory.create(4096);
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ShareableList.attach(zeros.name()));
            assertTrue(e.getMessage().contains("not a ShareableList"), e.getMessage());
        } finally {
            zeros.close();
            zeros.unlink();
        }
    }

    @Test
    void aListMadeUnderANameIsAttachedByThatName() {
        String name = "mp4j-test-list-" + ProcessHandle.current().pid();
        ShareableList made = ShareableList.create(name, "a", 1, 2.5);
        try {
            assertEquals(name, made.name());
            ShareableList same = ShareableList.attach(name);
            assertEquals(List.of("a", 1, 2.5), same);
            same.set(1, 7);
            assertEquals(7, made.get(1));
            same.close();
            assertThrows(IllegalStateException.class, () -> ShareableList.create(name, 1));
        } finally {
            made.close();
            made.unlink();
        }
    }

    @Test
    void slotsHaveTheRoomCPythonGivesThem() {
        // CPython: a number gets 8 bytes, a string its length rounded up past the next multiple of 8.
        try (ShareableList l = ShareableList.of("abcd", "", 42, "abcdefgh")) {
            l.set(0, "abcdefgh");
            l.set(1, "abcde");
            l.set(2, "abcdefgh");
            l.set(3, "abcdefghijklmnop");
            assertEquals(List.of("abcdefgh", "abcde", "abcdefgh", "abcdefghijklmnop"), List.copyOf(l));
            assertThrows(IllegalArgumentException.class, () -> l.set(0, "abcdefghi"));
            assertThrows(IllegalArgumentException.class, () -> l.set(3, "abcdefghijklmnopq"));
            assertEquals("abcdefgh", l.get(0));
            l.unlink();
        }
    }

    @Test
    void bytesCompareByContentInEqualsHashCodeAndLastIndexOf() {
        ShareableList sl = ShareableList.of(new byte[] {1, 2}, "x", new byte[] {1, 2});
        try {
            // Each get returns a fresh copy: identity would make the list unequal to itself.
            assertEquals(sl.hashCode(), sl.hashCode());
            // Against a plain list, as the plain list compares (byte[] by identity): symmetric.
            List<Object> plain = java.util.Arrays.asList(new byte[] {1, 2}, "x", new byte[] {1, 2});
            assertEquals(plain.equals(sl), sl.equals(plain));
            ShareableList words = ShareableList.of("a", 1);
            try {
                assertEquals(List.of("a", 1), words);
                assertEquals(words, List.of("a", 1));
                assertEquals(List.of("a", 1).hashCode(), words.hashCode());
            } finally {
                words.close();
                words.unlink();
            }
            assertEquals(2, sl.lastIndexOf(new byte[] {1, 2}));
            assertEquals(0, sl.indexOf(new byte[] {1, 2}));
            ShareableList same = ShareableList.attach(sl.name());
            try {
                assertEquals(sl, same);
                assertEquals(sl.hashCode(), same.hashCode());
            } finally {
                same.close();
            }
        } finally {
            sl.close();
            sl.unlink();
        }
    }
}
