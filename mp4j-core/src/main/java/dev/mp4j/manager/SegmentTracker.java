package dev.mp4j.manager;

import java.util.List;

/**
 * What a {@link SharedMemoryManager}'s server keeps for one manager: the names of the
 * shared-memory segments made through it, to unlink when the server stops (Python's
 * {@code SharedMemoryServer.track_segment}, {@code release_segment} and {@code list_segments}).
 */
interface SegmentTracker {
    /** Starts tracking a segment's name. */
    void track(String name);

    /** Unlinks a tracked segment now and stops tracking it. */
    void release(String name);

    /** The names tracked, oldest first. */
    List<String> segments();

    /** The tracker as it lives in the server. */
    final class Server implements SegmentTracker, ClosedWithServer {
        private final java.util.Set<String> names = new java.util.LinkedHashSet<>();
        private boolean closed;

        @Override
        public synchronized void track(String name) {
            if (closed) {
                // The client unlinks the segment itself when told so.
                throw new IllegalStateException("the manager has shut down");
            }
            // Refuses a name that is not a plain file name now, not at shutdown.
            dev.mp4j.shm.SharedSegment.exists(name);
            names.add(name);
        }

        @Override
        public void release(String name) {
            boolean tracked;
            synchronized (this) {
                tracked = names.remove(name);
            }
            if (!tracked) {
                throw new IllegalArgumentException("'" + name + "' is not a segment of this manager");
            }
            dev.mp4j.shm.SharedSegment.unlink(name);
        }

        @Override
        public synchronized List<String> segments() {
            return List.copyOf(names);
        }

        @Override
        public void serverClosed() {
            List<String> all;
            synchronized (this) {
                closed = true;
                all = List.copyOf(names);
                names.clear();
            }
            for (String name : all) {
                try {
                    dev.mp4j.shm.SharedSegment.unlink(name);
                } catch (RuntimeException e) {
                    System.err.println("mp4j: cannot unlink shared-memory segment " + name + ": " + e.getMessage());
                }
            }
        }
    }
}
