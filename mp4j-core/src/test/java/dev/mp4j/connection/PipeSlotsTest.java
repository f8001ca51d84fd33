package dev.mp4j.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The holder slots a serialized pipe end reserves for its receiver, and who may take them. */
@Timeout(30)
class PipeSlotsTest {
    private static final int CHILD = 4_000_000;   // a pid no process has (pids are below 2^22)

    @Test
    void aLateHandOverDoesNotMoveASlotReusedMeanwhileForAHandleOfOurOwn() {
        PipeSegment seg = PipeSegment.create(true, 4096);
        int me = PipeSegment.myPid();
        try {
            int s = seg.reserveSlot(0);
            // The child took it over and closed it before the parent got to its hand-over...
            seg.moveSlot(0, s, me, CHILD);
            assertEquals(PipeSegment.RESERVED | CHILD, seg.holder(0, s));
            seg.releaseReserved(0, s, CHILD);
            assertEquals(0, seg.holder(0, s));
            // ...and this process opened a handle of its own in the freed slot.
            int own = seg.acquireSlot(0, me);
            assertEquals(s, own);
            seg.moveSlot(0, own, me, CHILD);   // the late hand-over
            assertEquals(me, seg.holder(0, own), "our own handle was put in the child's name");
        } finally {
            seg.shm().close();
            seg.shm().unlink();
        }
    }

    @Test
    void aCopyReadTwiceInOneProcessGetsASecondSlotNotTheFirstOnesAgain() {
        PipeSegment seg = PipeSegment.create(true, 4096);
        int me = PipeSegment.myPid();
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
}
