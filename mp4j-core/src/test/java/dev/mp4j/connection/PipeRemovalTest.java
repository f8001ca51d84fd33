package dev.mp4j.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.process.JvmProcess;
import dev.mp4j.shm.SharedSegment;
import dev.mp4j.testing.Await;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A pipe's segment leaves /dev/shm once nobody holds an end, also when the last holder is a
 * child that exits or is killed after everyone else closed theirs (nobody else looks again).
 */
@Timeout(60)
class PipeRemovalTest {
    @Test
    void aPipeGoesWhenTheChildHoldingTheLastEndExitsWithoutClosingIt() throws Exception {
        Pipe pipe = Pipe.open();
        Connection right = pipe.right();
        String name = nameOf(pipe);
        dev.mp4j.sync.ProcessEvent closed = dev.mp4j.sync.ProcessEvent.create();
        JvmProcess child = new JvmProcess(() -> {
            right.send("ready");
            closed.await(Duration.ofSeconds(30));   // the parent closes its ends meanwhile; this one is never closed
        });
        child.start();
        assertEquals("ready", pipe.left().recv());
        pipe.left().close();
        pipe.right().close();
        assertTrue(SharedSegment.exists(name), "removed while the child still held an end");
        closed.set();
        child.join();
        assertEquals(0, child.exitCode());
        goesWithin(name, 10, "the pipe stayed in /dev/shm after its last holder exited");
    }

    @Test
    void aPipeGoesWhenBothEndsHereAreClosedWhileAThreadStillReadsOne() throws Exception {
        // The end a thread reads keeps its mapping until the read leaves: the closes must still
        // count both ends as closed, or nobody looks at the pipe when the child goes.
        Pipe pipe = Pipe.open();
        Connection right = pipe.right();
        String name = nameOf(pipe);
        dev.mp4j.sync.ProcessEvent closed = dev.mp4j.sync.ProcessEvent.create();
        JvmProcess child = new JvmProcess(() -> {
            right.send("ready");
            closed.await(Duration.ofSeconds(30));
        });
        child.start();
        assertEquals("ready", pipe.left().recv());
        Thread reader = Thread.ofPlatform().start(() -> {
            try {
                pipe.left().recv();
            } catch (Exception expected) {
                // closed under it
            }
        });
        // Waiting for data inside the call (a futex wait shows as RUNNABLE: its frames tell).
        assertTrue(Await.until(() -> java.util.Arrays.stream(reader.getStackTrace())
                .anyMatch(f -> f.getMethodName().equals("awaitData")), Duration.ofSeconds(10)), "the reader never waited");
        pipe.left().close();
        pipe.right().close();
        closed.set();
        child.join();
        reader.join(10_000);
        goesWithin(name, 15, "the pipe stayed in /dev/shm after its last holder exited");
    }

    @Test
    void aPipeGoesWhenTheChildHoldingTheLastEndIsKilled() throws Exception {
        Pipe pipe = Pipe.open();
        Connection right = pipe.right();
        String name = nameOf(pipe);
        JvmProcess child = new JvmProcess(() -> {
            right.send("ready");
            Thread.sleep(60_000);
        });
        child.start();
        assertEquals("ready", pipe.left().recv());
        pipe.left().close();
        pipe.right().close();
        child.kill();
        child.join();
        assertEquals(-9, child.exitCode());
        goesWithin(name, 10, "the pipe stayed in /dev/shm after its last holder was killed");
    }

    @Test
    void aPipeGoesWhenItsLastHolderIsTheGrandchildOfAKilledChild() throws Exception {
        // The child's death is seen at once; its own child notices it a moment later and goes:
        // the pipe is looked at again then.
        Pipe pipe = Pipe.open();
        Connection right = pipe.right();
        String name = nameOf(pipe);
        JvmProcess child = new JvmProcess(() -> {
            JvmProcess grandchild = new JvmProcess(() -> {
                right.send("from the grandchild");
                Thread.sleep(60_000);
            });
            grandchild.start();
            grandchild.join();
        });
        child.start();
        assertEquals("from the grandchild", pipe.left().recv());
        pipe.left().close();
        pipe.right().close();
        child.kill();
        child.join();
        goesWithin(name, 15, "the pipe stayed in /dev/shm after the grandchild holding it went");
    }

    @Test
    void checkingThatAValueCanTravelReservesNothingForIt() throws Exception {
        // A pool's initializer, a barrier's action, a manager's factory are checked when given:
        // a dry run, which must not reserve a holder slot for a copy that never travels.
        Pipe pipe = Pipe.open();
        Connection right = pipe.right();
        String name = nameOf(pipe);
        dev.mp4j.sync.ProcessBarrier.create(1, () -> right.send("done"), null);
        dev.mp4j.serial.SafeSerializer.checkTravels((dev.mp4j.serial.ProcessTarget) () -> right.send(1));
        pipe.left().close();
        pipe.right().close();
        assertTrue(!SharedSegment.exists(name), "a dry run left a slot reserved: the pipe stayed");
    }

    @Test
    void aPipeWhoseEndAChildStillHoldsStaysWhenAnotherChildEnds() throws Exception {
        Pipe pipe = Pipe.open();
        Connection right = pipe.right();
        String name = nameOf(pipe);
        JvmProcess holder = new JvmProcess(() -> {
            right.send("ready");
            Thread.sleep(60_000);
        });
        holder.start();
        try {
            assertEquals("ready", pipe.left().recv());
            pipe.right().close();
            JvmProcess other = new JvmProcess(() -> { });
            other.start();
            other.join();   // its end makes this process look at the pipes it sent
            assertTrue(SharedSegment.exists(name), "removed while a live child held an end");
        } finally {
            holder.kill();
            holder.join();
            pipe.left().close();
        }
        goesWithin(name, 10, "the pipe stayed in /dev/shm");
    }

    private static String nameOf(Pipe pipe) {
        return ((PipeConnection) pipe.left()).segmentName();
    }

    /** Waits, at most {@code seconds}, for the pipe's segment to go. */
    private static void goesWithin(String name, int seconds, String why) throws InterruptedException {
        assertTrue(Await.until(() -> !SharedSegment.exists(name), Duration.ofSeconds(seconds)), why);
    }
}
