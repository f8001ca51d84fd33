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
