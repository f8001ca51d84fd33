package dev.mp4j.shm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.connection.Connection;
import dev.mp4j.connection.Pipe;
import dev.mp4j.process.JvmProcess;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class SharedMemoryTest {

    @Test
    void releaseClosedUnmapsAClosedBlockInTheCaller() throws Exception {
        SharedMemory shm = SharedMemory.create(4 << 20);
        String name = shm.name();
        shm.buf().set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
        assertTrue(mappingsOf(name) > 0);
        shm.close();
        shm.unlink();
        SharedMemory.releaseClosed();
        // At once, not at the background thread's next pause.
        assertEquals(0, mappingsOf(name));
    }

    private static long mappingsOf(String name) throws java.io.IOException {
        try (var lines = java.nio.file.Files.lines(java.nio.file.Path.of("/proc/self/maps"))) {
            return lines.filter(l -> l.contains(name)).count();
        }
    }

    @Test
    void attachingANameThatIsASymbolicLinkIsRefusedAndItsTargetLeftAlone() throws Exception {
        // As shm_open: before, the link was followed, and its target (any file of this user's)
        // mapped read-write and shared as if it were the segment.
        java.nio.file.Path target = java.nio.file.Files.createTempFile("mp4j-link-target", ".bin");
        java.nio.file.Path link = java.nio.file.Path.of("/dev/shm", "mp4j-test-link-" + ProcessHandle.current().pid());
        try {
            java.nio.file.Files.write(target, new byte[] {1, 2, 3, 4});
            java.nio.file.Files.createSymbolicLink(link, target);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> SharedMemory.attach(link.getFileName().toString()));
            assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
            assertEquals(4, java.nio.file.Files.size(target));
        } finally {
            java.nio.file.Files.deleteIfExists(link);
            java.nio.file.Files.deleteIfExists(target);
        }
    }

    @Test
    void aSegmentMadeLikeAnotherTreesIsNamedUnderThatTreeSoItLivesAsLongAsThatTree() {
        // What a queue's spilled item uses: the queue may belong to a process tree other than
        // the producer's, and the item must outlive the producer's tree.
        SharedSegment made = SharedSegment.createLike("mp4j-someothertree-0123456789ab", 0xabcdefL, 4096);
        try {
            assertTrue(made.name().startsWith("mp4j-someothertree-"), made.name());
            assertFalse(made.name().startsWith(ResourceTracker.treePrefix()));
            assertEquals(4096, made.size());
            assertEquals("mp4j-someothertree-000000abcdef", made.name());
        } finally {
            made.close();
            made.unlink();
        }
        assertThrows(IllegalArgumentException.class, () -> SharedSegment.createLike("not-ours", 1, 4096));
    }

    @Test
    void aChildWritesThroughASegmentPassedAsAnArgument() {
        try (SharedMemory shm = SharedMemory.create(1 << 20)) {
            JvmProcess p = new JvmProcess(() -> shm.buf().fill((byte) 7));
            p.start();
            p.join();
            assertEquals(0, p.exitCode());
            assertEquals(7, shm.buf().get(ValueLayout.JAVA_BYTE, 0));
            assertEquals(7, shm.buf().get(ValueLayout.JAVA_BYTE, (1 << 20) - 1));
            shm.unlink();
        }
    }

    @Test
    void attachByNameSeesTheSameMemoryAndItsSize() {
        try (SharedMemory a = SharedMemory.create(4096); SharedMemory b = SharedMemory.attach(a.name())) {
            a.buf().set(ValueLayout.JAVA_INT, 100, 12345);
            assertEquals(12345, b.buf().get(ValueLayout.JAVA_INT, 100));
            assertEquals(4096, b.size());
            a.unlink();
        }
    }

    @Test
    void aSegmentLargerThanTheRoomLeftIsRefusedAtCreationNamingBothSizes() throws Exception {
        long free = java.nio.file.Files.getFileStore(SharedSegment.DIRECTORY).getUsableSpace();
        long size = free + (1L << 30);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SharedMemory.create(size));
        assertTrue(e.getMessage().contains(Long.toString(size)) && e.getMessage().contains("free"), e.getMessage());
    }

    @Test
    void attachingAMissingNameIsAClearError() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SharedMemory.attach("mp4j-no-such-segment"));
        assertTrue(e.getMessage().contains("mp4j-no-such-segment"), e.getMessage());
    }

    @Test
    void anEmptyFileIsNotASegmentAndANameWithAControlCharacterIsRefused() throws Exception {
        // A segment being created is an empty file for a moment: attach must not map 0 bytes.
        String name = "mp4j-empty-" + ProcessHandle.current().pid();
        java.nio.file.Path file = SharedSegment.DIRECTORY.resolve(name);
        java.nio.file.Files.createFile(file);
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> SharedMemory.attach(name));
            assertTrue(e.getMessage().contains("empty"), e.getMessage());
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
        // The tree's record of its segments is one name a line.
        assertThrows(IllegalArgumentException.class, () -> SharedMemory.create("x\n+victim", 4096));
    }

    @Test
    void askingForMoreBytesThanTheSegmentHasIsAClearError() {
        try (SharedMemory a = SharedMemory.create(4096)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SharedMemory.attach(a.name(), 8192));
            assertTrue(e.getMessage().contains("4096") && e.getMessage().contains("8192"), e.getMessage());
            a.unlink();
        }
        assertThrows(IllegalArgumentException.class, () -> SharedMemory.create(0));
    }

    @Test
    void useAfterCloseIsAClearError() {
        SharedMemory a = SharedMemory.create(4096);
        a.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, a::buf);
        assertTrue(e.getMessage().contains("closed"));
        a.unlink();
    }

    @Test
    void unlinkRemovesTheNameButNotExistingMappings() {
        try (SharedMemory a = SharedMemory.create(4096)) {
            a.buf().set(ValueLayout.JAVA_INT, 0, 9);
            a.unlink();
            assertFalse(SharedSegment.exists(a.name()));
            assertEquals(9, a.buf().get(ValueLayout.JAVA_INT, 0));
            assertThrows(IllegalStateException.class, () -> SharedMemory.attach(a.name()));
        }
    }

    @Test
    void explicitNamesWorkAndCannotBeCreatedTwice() {
        String name = "mp4j-test-explicit-" + ProcessHandle.current().pid();
        try (SharedMemory a = SharedMemory.create(name, 4096)) {
            assertEquals(name, a.name());
            assertThrows(IllegalStateException.class, () -> SharedMemory.create(name, 4096));
            a.unlink();
        }
    }

    @Test
    void aSegmentTravelsInsideAMessage() throws Exception {
        Pipe pipe = Pipe.open();
        Connection child = pipe.right();
        JvmProcess p = new JvmProcess(() -> {
            SharedMemory got = (SharedMemory) child.recv();
            got.buf().set(ValueLayout.JAVA_LONG, 8, 77L);
            child.send("done");
        });
        p.start();
        try (SharedMemory shm = SharedMemory.create(64)) {
            pipe.left().send(shm);
            assertEquals("done", pipe.left().recv());
            assertEquals(77L, shm.buf().get(ValueLayout.JAVA_LONG, 8));
            shm.unlink();
        }
        p.join();
    }
}
