package dev.mp4j.shm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mp4j.testing.Await;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Segments made, mapped and removed by direct system calls, and the JDK's way where those decline. */
@Timeout(60)
class ShmFilesTest {
    private static final String DIR = "/dev/shm/";

    @BeforeAll
    static void linked() throws InterruptedException {
        String arch = System.getProperty("os.arch");
        assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux")
                && (arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64")), "Linux on x86-64 or AArch64 only");
        Futex.prepare();
        assertTrue(Await.until(ShmFiles::available, Duration.ofSeconds(30)), "the syscall entry was never linked");
    }

    private static String fresh(String what) {
        return "mp4j-test-direct-" + what + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    }

    @Test
    void aSegmentMadeTheDirectWayIsAFileOfItsSizeForThisUserAloneAndGoesWhenUnmappedAndUnlinked() throws Exception {
        String name = fresh("made");
        Path path = Path.of(DIR + name);
        Arena arena = Arena.ofShared();
        MemorySegment memory = ShmFiles.create(path.toString(), 65536, arena);
        assertNotNull(memory);
        try {
            assertEquals(65536, memory.byteSize());
            assertEquals(65536, Files.size(path));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
            assertEquals(0, memory.get(ValueLayout.JAVA_BYTE, 65535), "a new segment is zero-filled");
            memory.set(ValueLayout.JAVA_BYTE, 65535, (byte) 42);
            // The file is the memory: what is written through the mapping is in it.
            assertEquals(42, Files.readAllBytes(path)[65535]);
            assertEquals(1, mappingsOf(name));
        } finally {
            arena.close();
        }
        assertEquals(0, mappingsOf(name), "closing the arena unmaps");
        assertTrue(ShmFiles.unlink(path.toString()));
        assertFalse(Files.exists(path));
        assertFalse(ShmFiles.unlink(path.toString()), "a second unlink finds nothing to remove");
    }

    @Test
    void attachMapsAllOfAnExistingFileAndDeclinesAnEmptyOne() throws Exception {
        String name = fresh("attach");
        Path path = Path.of(DIR + name);
        byte[] content = new byte[8192];
        content[8191] = 7;
        Files.write(path, content);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment memory = ShmFiles.attach(path.toString(), arena);
            assertNotNull(memory);
            assertEquals(8192, memory.byteSize());
            assertEquals(7, memory.get(ValueLayout.JAVA_BYTE, 8191));
            Files.write(path, new byte[0]);
            assertNull(ShmFiles.attach(path.toString(), arena), "an empty file is left to the JDK's way");
        } finally {
            Files.deleteIfExists(path);
        }
        // ... which says what is wrong with it.
        Files.write(path, new byte[0]);
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> SharedSegment.attach(name));
            assertTrue(e.getMessage().contains("is empty"), e.getMessage());
        } finally {
            Files.deleteIfExists(path);
        }
    }

    @Test
    void anExistingFileIsNeitherReplacedNorRemoved() throws Exception {
        String name = fresh("taken");
        Path path = Path.of(DIR + name);
        Files.write(path, new byte[] {1, 2, 3});
        try (Arena arena = Arena.ofShared()) {
            assertNull(ShmFiles.create(path.toString(), 4096, arena));
            assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(path));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> SharedSegment.createNamed(name, 4096));
            assertTrue(e.getMessage().contains("exists already"), e.getMessage());
            assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(path));
        } finally {
            Files.deleteIfExists(path);
        }
    }

    @Test
    void aFileThatCannotBeMappedIsRemovedAgain() {
        // No address space holds Long.MAX_VALUE bytes: mmap fails after the file was made.
        String name = fresh("huge");
        try (Arena arena = Arena.ofShared()) {
            assertNull(ShmFiles.create(DIR + name, Long.MAX_VALUE, arena));
        }
        assertFalse(Files.exists(Path.of(DIR + name)), "a file made but not mapped stays behind");
        // The name was free and usable: the same call with a size that maps succeeds.
        try (Arena arena = Arena.ofShared()) {
            assertNotNull(ShmFiles.create(DIR + name, 4096, arena));
        }
        assertTrue(ShmFiles.unlink(DIR + name));
    }

    @Test
    void aNameTheFileSystemRefusesIsRefusedInTheJdksWords() {
        String name = fresh("long") + "x".repeat(300);
        try (Arena arena = Arena.ofShared()) {
            assertNull(ShmFiles.create(DIR + name, 4096, arena));
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SharedSegment.createNamed(name, 4096));
        assertTrue(e.getMessage().contains("File name too long"), e.getMessage());
    }

    @Test
    void aNameThatIsNotAsciiIsLeftToTheJdkSoThatItMeansOneFile() throws Exception {
        String name = fresh("caf\u00e9");
        try (Arena arena = Arena.ofShared()) {
            assertNull(ShmFiles.create(DIR + name, 4096, arena));
            assertFalse(ShmFiles.unlink(DIR + name));
        }
        // The JDK's way makes it, under the platform's encoding of the name, and finds it again.
        try (SharedMemory shm = SharedMemory.create(name, 4096)) {
            assertTrue(SharedSegment.exists(name));
            shm.unlink();
            assertFalse(SharedSegment.exists(name));
        } catch (IllegalStateException unmappable) {
            // A platform encoding without \u00e9: refused by the JDK, whichever way.
            assertTrue(unmappable.getMessage().contains(name.substring(0, 20)), unmappable.getMessage());
        }
    }

    @Test
    void theFreeSpaceIsTheFileStoresFigure() throws Exception {
        long direct = ShmFiles.usableSpace(DIR);
        long jdk = Files.getFileStore(Path.of(DIR)).getUsableSpace();
        assertTrue(direct > 0, "statfs answered " + direct);
        // Other processes (benchmarks, tests) may take or give back room in between.
        assertTrue(Math.abs(direct - jdk) < (1L << 30), "statfs " + direct + " against the file store's " + jdk);
    }

    @Test
    void segmentsGoTheDirectWayOnceLinked() throws Exception {
        // Observable by the mapping: the JDK's way maps through a FileChannel, whose mapped
        // segments say so; a direct mapping is a plain native segment.
        try (SharedMemory shm = SharedMemory.create(4096)) {
            assertFalse(shm.buf().isMapped(), "created through the JDK's FileChannel");
            try (SharedMemory attached = SharedMemory.attach(shm.name())) {
                assertFalse(attached.buf().isMapped(), "attached through the JDK's FileChannel");
            }
            shm.unlink();
            assertFalse(SharedSegment.exists(shm.name()));
        }
    }

    private static long mappingsOf(String name) {
        try {
            return Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.contains(name)).count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
