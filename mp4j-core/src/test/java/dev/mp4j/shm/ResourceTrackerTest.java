package dev.mp4j.shm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.testing.Await;
import dev.mp4j.testing.JavaRunner;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(90)
class ResourceTrackerTest {

    /** Every word that names a segment (the pipe prints as "Connection[pipe NAME end 0]"). */
    private static List<String> segmentsOf(String line) {
        List<String> names = new ArrayList<>();
        for (String word : line.split(" ")) {
            if (word.startsWith("mp4j-")) {
                names.add(word);
            }
        }
        return names;
    }

    private static boolean waitGone(List<String> names, Duration within) throws InterruptedException {
        return Await.until(() -> names.stream().noneMatch(SharedSegment::exists), within);
    }

    @Test
    void aKilledTreeLeavesNoSegmentBehind() throws Exception {
        Process tree = JavaRunner.start(TrackerScenarios.CreateAndWait.class, "mp4j-test-killed-" + ProcessHandle.current().pid());
        assertStoppedTreeLeavesNothing(tree, () -> tree.destroyForcibly());
    }

    @Test
    void aTreeWhoseWholeProcessGroupIsSignalledLeavesNoSegmentBehind() throws Exception {
        // Ctrl-C in a terminal, or `timeout`, or `kill -- -PGID`, signals the main process and
        // the tracker's watcher together: the watcher must outlive the signal to clean up.
        Process tree = JavaRunner.startInOwnProcessGroup(TrackerScenarios.CreateAndWait.class, "mp4j-test-group-" + ProcessHandle.current().pid());
        assertStoppedTreeLeavesNothing(tree, () -> {
            for (String signal : List.of("INT", "TERM")) {
                new ProcessBuilder("kill", "-" + signal, "--", "-" + tree.pid()).start().waitFor();
            }
        });
    }

    /** Waits for the scenario's four segments, stops the tree with {@code stop}, and checks they go. */
    private static void assertStoppedTreeLeavesNothing(Process tree, dev.mp4j.serial.ProcessTarget stop) throws Exception {
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(tree.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertEquals("ready", out.readLine());
            List<String> names = segmentsOf(line);
            assertEquals(4, names.size(), line);
            assertTrue(names.stream().allMatch(SharedSegment::exists), "segments exist while the tree runs");
            stop.run();
            assertTrue(tree.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "the tree did not stop");
            assertTrue(waitGone(names, Duration.ofSeconds(5)), "left behind: " + names.stream().filter(SharedSegment::exists).toList());
        } finally {
            tree.destroyForcibly();
        }
    }

    @Test
    void aTreeThatExitsNormallyLeavesNoSegmentBehind() throws Exception {
        String explicit = "mp4j-test-exited-" + ProcessHandle.current().pid();
        JavaRunner.Result r = JavaRunner.run(Duration.ofSeconds(60), TrackerScenarios.CreateAndWait.class, explicit, "exit");
        assertEquals(0, r.exitCode(), r.stderr());
        List<String> names = segmentsOf(r.lines().getFirst());
        assertEquals(4, names.size());
        assertTrue(waitGone(names, Duration.ofSeconds(5)), "left behind: " + names);
    }

    @Test
    void anUntrackedSegmentOutlivesTheTreeThatMadeIt() throws Exception {
        String name = "mp4j-test-untracked-" + ProcessHandle.current().pid();
        try {
            JavaRunner.Result r = JavaRunner.run(Duration.ofSeconds(60), TrackerScenarios.CreateUntracked.class, name);
            String[] created = r.stdout().trim().split(" ");
            assertEquals("created " + name, created[0] + " " + created[1], r.stderr());
            // The tree is gone: once its watcher has removed the tracked segment, it has done
            // all it will do.
            assertTrue(waitGone(List.of(created[2]), Duration.ofSeconds(10)), "the tracked segment stayed");
            assertTrue(SharedSegment.exists(name), "an untracked segment was removed with its tree");
            try (SharedMemory shm = SharedMemory.attach(name)) {
                assertEquals(42, shm.buf().get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0));
            }
        } finally {
            SharedSegment.unlink(name);
        }
        assertThrows(IllegalArgumentException.class, () -> SharedMemory.create(ResourceTracker.treePrefix() + "mine", 4096, false));
    }

    @Test
    void aProcessThatOnlyAttachesNeverUnlinks() throws Exception {
        try (SharedMemory shm = SharedMemory.create(8192)) {
            JavaRunner.Result r = JavaRunner.run(Duration.ofSeconds(60), TrackerScenarios.AttachOnly.class, shm.name());
            assertEquals("attached 8192", r.stdout().trim(), r.stderr());
            assertTrue(SharedSegment.exists(shm.name()), "an attaching process unlinked a segment it did not create");
            shm.unlink();
        }
    }

    @Test
    void segmentsAChildMakesAfterItsMainProcessWasKilledGoToo() throws Exception {
        Process tree = JavaRunner.start(TrackerScenarios.ChildKeepsCreating.class);
        long childPid = -1;
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(tree.getInputStream(), StandardCharsets.UTF_8));
            String[] line = out.readLine().split(" ");
            String prefix = line[0];
            childPid = Long.parseLong(line[1]);
            long child = childPid;
            tree.destroyForcibly();
            tree.waitFor();
            assertTrue(dev.mp4j.testing.Await.until(() -> ProcessHandle.of(child).isEmpty(), Duration.ofSeconds(10)),
                    "the orphaned child did not end");
            // The watcher waits for the whole tree, then removes everything of it.
            assertTrue(dev.mp4j.testing.Await.until(() -> left(prefix).isEmpty(), Duration.ofSeconds(10)),
                    "left behind: " + left(prefix));
        } finally {
            // Re-parented once the main process is gone: by pid, not as a descendant.
            ProcessHandle.of(childPid).ifPresent(ProcessHandle::destroyForcibly);
            tree.destroyForcibly();
        }
    }

    private static java.util.Set<String> left(String prefix) {
        try {
            return dev.mp4j.testing.Segments.like(prefix);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
