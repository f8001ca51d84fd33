package dev.mp4j.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.serial.ProcessTarget;
import dev.mp4j.serial.SafeSerializer;
import dev.mp4j.shm.SharedSegment;
import dev.mp4j.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child started with an empty tree id (how the AOT cache's training is started) heads a tree of
 * its own: the shared memory it creates is removed when it ends, though its parent lives on.
 * Before, such segments belonged to the parent's tree and stayed in /dev/shm whenever the child
 * outlived its parent's tracker.
 */
class OwnTreeTest {
    @Test
    @Timeout(60)
    void aChildHeadingItsOwnTreeTakesItsSharedMemoryWithIt(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("segment");
        String out = report.toString();
        JvmProcess job = new JvmProcess((ProcessTarget) () -> {
            SharedSegment s = SharedSegment.create(4096);
            Files.writeString(Path.of(out), s.name() + " " + ProcessState.treeId());
            // neither closed nor unlinked: the tree's tracker must remove it
        }, "own-tree");
        byte[] self = SafeSerializer.javaSerialize(job);
        Bootstrap b = new Bootstrap(ProcessState.authkey(), new int[] {0}, job.name(), true,
                ProcessHandle.current().pid(), ProcessState.name(), "spawn", JvmOptions.defaults(), "", self, "");
        java.lang.Process child = SpawnLauncher.boot(JvmOptions.defaults(), false);
        SpawnLauncher.sendBootstrap(child, b.encode());
        assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child did not finish");
        assertEquals(0, child.exitValue());
        String[] seen = Files.readString(report).split(" ", -1);
        String name = seen[0];
        assertFalse(seen[1].isEmpty(), "the child should have made a tree id of its own");
        assertFalse(seen[1].equals(ProcessState.treeId()), "the child should have a tree id of its own, not " + seen[1]);
        assertTrue(name.contains(seen[1]), name + " should carry the child's tree id " + seen[1]);
        Await.until(() -> !SharedSegment.exists(name), Duration.ofSeconds(10));
        assertFalse(SharedSegment.exists(name), name + " is still in /dev/shm after its tree's only process ended");
    }
}
