package dev.mp4j.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.connection.Pipe;
import dev.mp4j.process.JvmProcess;
import dev.mp4j.shared.ShareableList;
import dev.mp4j.shm.SharedMemory;
import dev.mp4j.shm.SharedSegment;
import java.lang.foreign.ValueLayout;
import java.net.SocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class SharedMemoryManagerTest {

    @Test
    void segmentsMadeThroughTheManagerAreSharedWhileItRunsAndUnlinkedWhenItStops() throws Exception {
        String blockName;
        String listName;
        try (SharedMemoryManager smm = new SharedMemoryManager().start()) {
            SharedMemory block = smm.sharedMemory(4096);
            ShareableList totals = smm.shareableList(0L, "none");
            blockName = block.name();
            listName = totals.name();
            assertEquals(List.of(blockName, listName), smm.segments());
            JvmProcess child = new JvmProcess(() -> {
                try (SharedMemory mine = SharedMemory.attach(blockName)) {
                    mine.buf().set(ValueLayout.JAVA_BYTE, 100, (byte) 42);
                }
                totals.set(0, 7L);
                totals.set(1, "done");
            });
            child.start();
            child.join();
            assertEquals(0, child.exitCode());
            assertEquals(42, block.buf().get(ValueLayout.JAVA_BYTE, 100));
            assertEquals(List.of(7L, "done"), List.copyOf(totals));
            assertTrue(SharedSegment.exists(blockName) && SharedSegment.exists(listName));
            // Unmapping stays ours, as in Python; the names are the server's to remove.
            block.close();
            totals.close();
            assertTrue(SharedSegment.exists(blockName) && SharedSegment.exists(listName), "closing a view must not unlink");
        }
        assertFalse(SharedSegment.exists(blockName), blockName + " left behind");
        assertFalse(SharedSegment.exists(listName), listName + " left behind");
    }

    @Test
    void aSegmentMadeByAnotherProcessConnectedToTheManagerGoesWithTheServerToo() throws Exception {
        Pipe names = Pipe.open();
        String made;
        try (SharedMemoryManager smm = new SharedMemoryManager().start()) {
            SocketAddress address = smm.address();
            var report = names.right();
            JvmProcess child = new JvmProcess(() -> {
                SharedMemoryManager mine = new SharedMemoryManager(address, null).connect();
                SharedMemory block = mine.sharedMemory(1024);
                block.close();
                report.send(block.name());
                // A connected manager's shutdown leaves the server and its segments alone.
                mine.shutdown();
            });
            child.start();
            made = (String) names.left().recv();
            child.join();
            assertEquals(0, child.exitCode());
            assertTrue(SharedSegment.exists(made), "the segment must outlive the process that made it");
            assertEquals(List.of(), smm.segments(), "each manager lists the segments made through it");
        } finally {
            names.left().close();
            names.right().close();
        }
        assertFalse(SharedSegment.exists(made), made + " left behind");
    }

    @Test
    void aServerInThisProcessUnlinksItsSegmentsWhenClosed() {
        SharedMemoryManager smm = new SharedMemoryManager();
        ManagerServer server = smm.server();
        Thread serving = new Thread(server::serveForever);
        serving.start();
        SharedMemory block = smm.sharedMemory(512);
        block.close();
        assertTrue(SharedSegment.exists(block.name()));
        smm.shutdown();
        assertFalse(SharedSegment.exists(block.name()));
    }

    @Test
    void segmentsCannotBeMadeBeforeStartOrAfterShutdown() {
        SharedMemoryManager smm = new SharedMemoryManager();
        IllegalStateException before = assertThrows(IllegalStateException.class, () -> smm.sharedMemory(64));
        assertTrue(before.getMessage().contains("neither started nor connected"), before.getMessage());
        smm.start();
        smm.shutdown();
        IllegalStateException after = assertThrows(IllegalStateException.class, () -> smm.shareableList(1));
        assertTrue(after.getMessage().contains("shut down"), after.getMessage());
    }
}
