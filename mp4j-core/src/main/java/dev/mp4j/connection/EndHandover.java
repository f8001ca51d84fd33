package dev.mp4j.connection;

import java.util.ArrayList;
import java.util.List;

/**
 * The pipe ends a child's target carries, while it starts: each serialized end reserves a holder
 * slot for its receiver in the sender's name, and a child that never reads its target (its JVM
 * failed to start, it was killed while starting) would leave those slots to the sender for as
 * long as the sender lives, so that the other end never saw EOF. Internal plumbing, public for
 * {@code JvmProcess}.
 *
 * <pre>{@code
 * EndHandover handover = EndHandover.begin();     // on the thread that serializes the target
 * byte[] target = serialize(...);
 * try { child = launch(target); } catch (IOException e) { handover.cancel(); throw e; }
 * handover.handTo(child.pid());                   // a child that dies unread is reaped as dead
 * }</pre>
 */
public final class EndHandover {
    private static final ThreadLocal<EndHandover> COLLECTING = new ThreadLocal<>();

    private final List<Reservation> reserved = new ArrayList<>(2);
    private final EndHandover outer;

    private EndHandover(EndHandover outer) {
        this.outer = outer;
    }

    /** Starts noting the ends this thread serializes. */
    public static EndHandover begin() {
        EndHandover h = new EndHandover(COLLECTING.get());
        COLLECTING.set(h);
        return h;
    }

    /** Called as an end is serialized: noted, if a handover is being collected on this thread. */
    static void noteReserved(PipeSegment segment, int end, int slot) {
        EndHandover h = COLLECTING.get();
        if (h != null) {
            h.reserved.add(new Reservation(segment, end, slot));
        }
    }

    /**
     * The child with {@code pid} will read the ends: their slots are held in its name from now
     * on, so that if it dies without reading them, the holder check finds them dead.
     */
    public void handTo(long pid) {
        finish();
        for (Reservation r : reserved) {
            r.segment.moveSlotTo(r.end, r.slot, (int) pid);
        }
    }

    /** Nobody will read the ends (the start failed): their slots are given back. */
    public void cancel() {
        finish();
        for (Reservation r : reserved) {
            r.segment.releaseReserved(r.end, r.slot);
        }
    }

    private void finish() {
        if (COLLECTING.get() == this) {
            if (outer == null) {
                COLLECTING.remove();
            } else {
                COLLECTING.set(outer);
            }
        }
    }

    /** One reserved slot. A class, not a record (see PipeConnection.EndRef). */
    private static final class Reservation {
        final PipeSegment segment;
        final int end;
        final int slot;

        Reservation(PipeSegment segment, int end, int slot) {
            this.segment = segment;
            this.end = end;
            this.slot = slot;
        }
    }
}
