package dev.mp4j.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The holder slots a serialized pipe end reserves for its receiver, and who may take them. */
@Timeout(30)
class PipeSlotsTest {
    private static final int CHILD = 4_000_000;   // a pid no process has (pids are below 2^22)

    @Test
    void anEndRefusedForWantOfSlotsLeavesNoMappingBehind() throws Exception {
        // Before, each refused copy kept its own mapping of the pipe's segment until the process
        // ended: nothing held it, so nothing ever unmapped it.
        Pipe pipe = Pipe.open();
        String name = ((PipeConnection) pipe.left()).segmentName();
        byte[] form = Pipe.reduce(pipe.left());
        java.util.List<Connection> copies = new java.util.ArrayList<>();
        try {
            while (true) {
                try {
                    copies.add(Pipe.rebuild(form));
                } catch (java.io.IOException refused) {
                    break;
                }
                assertTrue(copies.size() <= 200, "no end was ever refused");
            }
            long before = mappingsOf(name);
            for (int i = 0; i < 5; i++) {
                org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> Pipe.rebuild(form));
            }
            // Unmapped in the background, at the next pause in segment work (see Unmapper).
            assertTrue(dev.mp4j.testing.Await.until(() -> mappingsOf(name) <= before, java.time.Duration.ofSeconds(10)),
                    "refused ends left mappings of the pipe: " + mappingsOf(name) + " against " + before);
        } finally {
            copies.forEach(Connection::close);
            pipe.left().close();
            pipe.right().close();
        }
    }

    private static long mappingsOf(String segmentName) {
        try (var lines = java.nio.file.Files.lines(java.nio.file.Path.of("/proc/self/maps"))) {
            return lines.filter(l -> l.contains(segmentName)).count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aLateHandOverDoesNotMoveASlotReusedMeanwhileForAHandleOfOurOwn() {
        PipeSegment seg = PipeSegment.create(true, 4096);
        int me = PipeSegment.myOwner();
        try {
            int s = seg.reserveSlot(0);
            // The child took it over and closed it before the parent got to its hand-over (here:
            // a child that is gone, whose slot the next look frees)...
            seg.moveSlotTo(0, s, CHILD);
            assertEquals(PipeSegment.RESERVED | CHILD, seg.holder(0, s));
            assertFalse(seg.hasLiveHolder(0));
            assertEquals(0, seg.holder(0, s));
            // ...and this process opened a handle of its own in the freed slot.
            int own = seg.acquireSlot(0, me);
            assertEquals(s, own);
            seg.moveSlotTo(0, own, CHILD);   // the late hand-over
            assertEquals(me, seg.holder(0, own), "our own handle was put in the child's name");
        } finally {
            seg.shm().close();
            seg.shm().unlink();
        }
    }

    @Test
    void aCopyReadTwiceInOneProcessGetsASecondSlotNotTheFirstOnesAgain() {
        PipeSegment seg = PipeSegment.create(true, 4096);
        int me = PipeSegment.myOwner();
        try {
            int s = seg.reserveSlot(1);
            int first = seg.takeOverSlot(1, s, me);
            assertEquals(s, first);
            assertEquals(me, seg.holder(1, s));
            int second = seg.takeOverSlot(1, s, me);
            assertNotEquals(first, second, "two handles shared one slot: the first close would count for both");
            assertEquals(2, seg.openCount(1));
        } finally {
            seg.shm().close();
            seg.shm().unlink();
        }
    }

    @Test
    void anEndLeftOpenByAnEarlierProcessWithThisPidCountsAsClosed() {
        // Pids come back: a process that died holding this end may have had this one's pid.
        // Its slot must not pass for this process's, or the peer would never see EOF.
        PipeSegment seg = PipeSegment.create(true, 4096);
        int pid = dev.mp4j.shm.Pids.myPid();
        int earlier = pid | (((PipeSegment.myOwner() >>> 22) % 255 + 1) << 22);
        try {
            seg.acquireSlot(0, earlier);
            assertFalse(seg.hasLiveHolder(0), "a dead process's hold was taken for this one's");
            assertEquals(0, seg.openCount(0));
        } finally {
            seg.shm().close();
            seg.shm().unlink();
        }
    }

    @Test
    void aSlotHandedToThisProcessByItsPidIsTakenOverAndNotReapedMeanwhile() {
        // A parent hands a reserved slot to its child by the child's pid alone (it cannot know
        // the child's tag): the child must take it, and nobody may take it for a dead one's.
        PipeSegment seg = PipeSegment.create(true, 4096);
        int pid = dev.mp4j.shm.Pids.myPid();
        try {
            int s = seg.acquireSlot(1, PipeSegment.RESERVED | pid);
            assertTrue(seg.hasLiveHolder(1));
            assertEquals(PipeSegment.RESERVED | pid, seg.holder(1, s));
            assertEquals(s, seg.takeOverSlot(1, s, 12345 | (7 << 22)));
            assertEquals(PipeSegment.myOwner(), seg.holder(1, s));
            assertEquals(1, seg.openCount(1));
        } finally {
            seg.shm().close();
            seg.shm().unlink();
        }
    }
}
