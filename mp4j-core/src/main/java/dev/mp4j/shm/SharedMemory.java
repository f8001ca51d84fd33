package dev.mp4j.shm;

import java.io.ObjectStreamException;
import java.io.Serial;
import java.io.Serializable;
import java.lang.foreign.MemorySegment;

/**
 * A block of memory shared by processes: Python's {@code multiprocessing.shared_memory.SharedMemory}.
 *
 * <pre>{@code
 * try (SharedMemory shm = SharedMemory.create(1 << 20)) {
 *     JvmProcess child = new JvmProcess(() -> shm.buf().fill((byte) 7));   // re-attaches in the child
 *     child.start();
 *     child.join();
 *     System.out.println(shm.buf().get(ValueLayout.JAVA_BYTE, 0));         // 7
 *     shm.unlink();
 * }
 * }</pre>
 *
 * <p>{@link #buf()} is a {@link MemorySegment}: read and write it with {@code ValueLayout}s, copy
 * arrays in and out with {@code MemorySegment.copy}, or take {@code asByteBuffer()}. Passed to a
 * child (captured, or inside a message), a SharedMemory travels by name and maps the same memory
 * there. {@link #close()} unmaps this process's view; {@link #unlink()} removes the name.
 * Segments this process tree created and did not unlink are removed when the tree ends, even if
 * its main process is killed ({@link ResourceTracker}); attaching never makes a process
 * responsible for unlinking.
 *
 * <p>Errors: attaching a name that does not exist, asking for more bytes than a segment has, or
 * using a closed one throw {@link IllegalStateException} or {@link IllegalArgumentException}
 * naming the segment.
 */
public final class SharedMemory implements AutoCloseable, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private final transient SharedSegment segment;
    private final transient long size;

    private SharedMemory(SharedSegment segment, long size) {
        this.segment = segment;
        this.size = size;
    }

    /**
     * A new zero-filled block of {@code size} bytes under a generated name.
     *
     * @throws IllegalArgumentException if {@code size} is not positive
     * @throws IllegalStateException    if {@code /dev/shm} has less room than {@code size} (both
     *                                  sizes are in the message), or the block cannot be made
     */
    public static SharedMemory create(long size) {
        return new SharedMemory(SharedSegment.create(size), size);
    }

    /**
     * A new zero-filled block under {@code name}, for unrelated processes to attach by name.
     *
     * @throws IllegalStateException if the name exists already, or as {@link #create(long)}
     */
    public static SharedMemory create(String name, long size) {
        return new SharedMemory(SharedSegment.createNamed(name, size), size);
    }

    /**
     * Python's {@code SharedMemory(name, create=True, size=size, track=track)}: with
     * {@code track} false the block is not removed when this process tree ends; it stays in
     * {@code /dev/shm} until some process calls {@link #unlink()} (for data that must outlive
     * the program that made it).
     *
     * @throws IllegalStateException    if the name exists already, or as {@link #create(long)}
     * @throws IllegalArgumentException if an untracked name begins like this tree's generated ones
     */
    public static SharedMemory create(String name, long size, boolean track) {
        return new SharedMemory(SharedSegment.createNamed(name, size, track), size);
    }

    /** Maps an existing block, all of it. */
    public static SharedMemory attach(String name) {
        SharedSegment seg = SharedSegment.attach(name);
        return new SharedMemory(seg, seg.size());
    }

    /**
     * Maps the first {@code size} bytes of an existing block.
     *
     * @throws IllegalArgumentException if the block is smaller than {@code size}
     */
    public static SharedMemory attach(String name, long size) {
        return attach(name, size, false);
    }

    /** With {@code autoUnmap}, the mapping goes when nothing refers to it any more (see {@link Ref}). */
    private static SharedMemory attach(String name, long size, boolean autoUnmap) {
        SharedSegment seg = SharedSegment.attach(name, autoUnmap);
        if (size > seg.size()) {
            long actual = seg.size();
            seg.close();
            throw new IllegalArgumentException("shared memory '" + name + "' has " + actual
                    + " bytes; " + size + " were asked for");
        }
        if (size <= 0) {
            seg.close();
            throw new IllegalArgumentException("size must be positive, got " + size);
        }
        return new SharedMemory(seg, size);
    }

    /** The name other processes attach with. */
    public String name() {
        return segment.name();
    }

    /** Size in bytes. */
    public long size() {
        return size;
    }

    /**
     * The memory; throws once closed. Python's {@code buf}, as a native {@link MemorySegment};
     * whether it also counts as a JDK file mapping ({@code isMapped()}, {@code force()},
     * {@code load()}) is not specified (the block lives in tmpfs, which has no disk to force to).
     */
    public MemorySegment buf() {
        if (segment.isClosed()) {
            throw new IllegalStateException("shared memory '" + name() + "' is closed in this process");
        }
        return size == segment.size() ? segment.memory() : segment.memory().asSlice(0, size);
    }

    /**
     * Unmaps now, in the calling thread, the blocks this process has closed and not yet
     * unmapped ({@link #close()} leaves that to a background thread at the next pause in
     * shared-memory work, so that a close costs its caller little): for a program that wants the
     * memory back at a known point, or a benchmark that times what CPython's {@code close()}
     * does before it returns.
     *
     * <pre>{@code
     * shm.close();
     * shm.unlink();
     * SharedMemory.releaseClosed();   // its pages are free once no other process maps them
     * }</pre>
     */
    public static void releaseClosed() {
        SharedSegment.unmapClosed();
    }

    /**
     * Closes this process's view; other processes keep theirs. Idempotent. A block this process
     * made or attached by name is unmapped soon after, on a background thread once segment work
     * pauses (its {@link #buf()} slices fail from then on). A copy that came from another process
     * (a captured value, a message) is mapped so that the garbage collector unmaps it once nothing
     * here refers to it, its slices included, as CPython's {@code __del__} closes a copy; its
     * close() only refuses {@link #buf()} from now on. The memory itself is freed once the block
     * is unlinked and no process maps it.
     */
    @Override
    public void close() {
        segment.close();
    }

    /** Removes the name: no process can attach any more; existing mappings stay valid. */
    public void unlink() {
        segment.unlink();
    }

    @Override
    public String toString() {
        return "SharedMemory('" + name() + "', size=" + size + ")";
    }

    @Serial
    private Object writeReplace() throws ObjectStreamException {
        return new Ref(name(), size);
    }

    /** The wire form: a class, not a record, whose first deserialization in a JVM would cost about 20 ms. */
    private static final class Ref implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
        private final String name;
        private final long size;

        Ref(String name, long size) {
            this.name = name;
            this.size = size;
        }

        @Serial
        private Object readResolve() throws ObjectStreamException {
            try {
                // A copy that arrived in a message or as an argument is unmapped once unreachable,
                // as CPython's __del__ closes it: a process that receives one per task would
                // otherwise gather mappings until it hits the kernel's limit.
                return attach(name, size, true);
            } catch (RuntimeException e) {
                java.io.InvalidObjectException failure = new java.io.InvalidObjectException(
                        "cannot attach shared memory '" + name + "' here: " + e.getMessage());
                failure.initCause(e);
                throw failure;
            }
        }
    }
}
