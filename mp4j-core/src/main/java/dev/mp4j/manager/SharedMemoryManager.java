package dev.mp4j.manager;

import dev.mp4j.shared.ShareableList;
import dev.mp4j.shm.SharedMemory;
import java.net.SocketAddress;
import java.util.List;

/**
 * A manager whose server owns the lifetime of shared-memory segments: Python's
 * {@code multiprocessing.managers.SharedMemoryManager}. Segments made through it are created
 * here, in the calling process, and named to the server, which unlinks every one of them when it
 * stops. One {@code try} block then bounds them all, however many processes attached to them.
 *
 * <pre>{@code
 * try (SharedMemoryManager smm = new SharedMemoryManager().start()) {
 *     SharedMemory block = smm.sharedMemory(1 << 20);
 *     ShareableList totals = smm.shareableList(0L, 0L);
 *     JvmProcess p = new JvmProcess(() -> {
 *         try (SharedMemory mine = SharedMemory.attach(block.name())) {
 *             mine.buf().set(ValueLayout.JAVA_BYTE, 0, (byte) 42);
 *         }
 *         totals.set(0, 7L);
 *     });
 *     p.start();
 *     p.join();
 * }   // both segments are unlinked here
 * }</pre>
 *
 * <p>Closing the segments (unmapping this process's view) stays the caller's business, as in
 * Python; unlinking is the server's. A server killed before it could stop leaves its segments to
 * mp4j's resource tracker, which removes what a process tree made when the tree's main process
 * ends.
 */
public final class SharedMemoryManager extends BaseManager {
    private static final String TRACKER = "SharedMemoryTracker";
    private SegmentTracker tracker;

    /** A manager whose server will listen on a fresh Unix-domain socket, with this process's authkey. */
    public SharedMemoryManager() {
        this(null, null);
    }

    /** A manager for {@code address} and {@code authkey} (see {@link BaseManager#BaseManager(SocketAddress, byte[])}). */
    public SharedMemoryManager(SocketAddress address, byte[] authkey) {
        super(address, authkey);
        registerInternal(TRACKER, SegmentTracker.class, Factory.TRACKER);
    }

    /** The tracker's factory: an enum constant, which travels to the server as a name. */
    @SuppressWarnings("rawtypes")
    private enum Factory implements ManagedFactory {
        TRACKER;

        @Override
        public Object create(List args) {
            return new SegmentTracker.Server();
        }
    }

    @Override
    public SharedMemoryManager start() {
        super.start();
        return this;
    }

    @Override
    public SharedMemoryManager connect() {
        super.connect();
        return this;
    }

    /**
     * A new segment of {@code size} bytes, unlinked when the server stops: Python's
     * {@code smm.SharedMemory(size)}.
     *
     * @throws IllegalStateException before {@link #start()} or {@link #connect()}, or after shutdown
     */
    public SharedMemory sharedMemory(long size) {
        SegmentTracker t = tracker();
        SharedMemory block = SharedMemory.create(size);
        tracked(t, block.name(), block::close, block::unlink);
        return block;
    }

    /**
     * A new {@link ShareableList} of {@code values}, unlinked when the server stops: Python's
     * {@code smm.ShareableList(sequence)}.
     *
     * @throws IllegalStateException before {@link #start()} or {@link #connect()}, or after shutdown
     */
    public ShareableList shareableList(Object... values) {
        SegmentTracker t = tracker();
        ShareableList list = ShareableList.of(values);
        tracked(t, list.name(), list::close, list::unlink);
        return list;
    }

    /**
     * The names of the segments made through this manager that its server will unlink, oldest
     * first (Python's {@code list_segments}, for this manager's segments).
     */
    public List<String> segments() {
        return tracker().segments();
    }

    /** Names a new segment to the server; if that fails, the segment goes at once. */
    private static void tracked(SegmentTracker t, String name, Runnable close, Runnable unlink) {
        try {
            t.track(name);
        } catch (RuntimeException | Error e) {
            unlink.run();
            close.run();
            throw e;
        }
    }

    private synchronized SegmentTracker tracker() {
        if (tracker == null) {
            tracker = create(TRACKER);
        }
        return tracker;
    }

    @Override
    public void shutdown() {
        synchronized (this) {
            tracker = null;
        }
        super.shutdown();
    }
}
