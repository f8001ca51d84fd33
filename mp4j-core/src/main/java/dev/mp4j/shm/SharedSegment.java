package dev.mp4j.shm;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * A named block of memory that several processes map at once: a file in {@code /dev/shm}
 * (mode 0600) mapped into a {@link MemorySegment}.
 *
 * <pre>{@code
 * try (SharedSegment seg = SharedSegment.create(4096)) {
 *     seg.memory().set(ValueLayout.JAVA_INT, 0, 42);
 *     String name = seg.name();          // give this to another process
 * }
 * // elsewhere: SharedSegment.attach(name).memory().get(ValueLayout.JAVA_INT, 0) == 42
 * }</pre>
 *
 * <p>{@link #close()} unmaps this process's view; {@link #unlink()} removes the name so no new
 * process can attach (those already attached keep their mapping, as with POSIX shm).
 */
public final class SharedSegment implements AutoCloseable {
    /** Where segments live; Linux's tmpfs for POSIX shared memory. */
    public static final Path DIRECTORY = Path.of("/dev/shm");
    /** Every mp4j segment name starts with this, so leftovers are easy to find. */
    public static final String PREFIX = "mp4j-";


    private final String name;
    private final Arena arena;
    private final MemorySegment memory;
    private final boolean creator;
    private final boolean explicitName;
    private final boolean autoUnmap;
    private volatile boolean closed;

    private SharedSegment(String name, Arena arena, MemorySegment memory, boolean creator, boolean explicitName,
                          boolean autoUnmap) {
        this.name = name;
        this.arena = arena;
        this.memory = memory;
        this.creator = creator;
        this.explicitName = explicitName;
        this.autoUnmap = autoUnmap;
    }

    /**
     * Creates a new zero-filled segment of {@code size} bytes under a fresh name. It is removed
     * when this process tree ends, if not unlinked before (see {@link ResourceTracker}).
     */
    public static SharedSegment create(long size) {
        return create(size, false);
    }

    /**
     * Like {@link #create(long)}; with {@code autoUnmap} the mapping is released by the garbage
     * collector once this object is unreachable, instead of by {@link #close()}.
     */
    public static SharedSegment create(long size, boolean autoUnmap) {
        ResourceTracker.ensureRunning();
        return createUnder(ResourceTracker.treePrefix(), size, autoUnmap);
    }

    /**
     * Creates a segment named like those of another process tree, whose segment
     * {@code otherSegment} is given, with {@code id} as the random part ({@link #nameLike}): it then
     * lives as long as that tree, which removes it when it ends, not this one. For what one tree
     * hands to another's object, such as an item spilled out of a queue made elsewhere; the
     * caller can note the name before the file exists.
     *
     * @throws IllegalStateException if that name is taken, or as {@link #create(long)}
     */
    public static SharedSegment createLike(String otherSegment, long id, long size) {
        return createLike(otherSegment, id, size, -1);
    }

    /**
     * {@link #createLike(String, long, long)} waiting at most {@code waitNanos} (negative: the
     * usual bound, a second and a half) for room that unmappings under way would free: a caller
     * with a timeout of its own (a queue's timed put) must not wait longer for a segment it can
     * do without.
     */
    public static SharedSegment createLike(String otherSegment, long id, long size, long waitNanos) {
        checkSize(size, waitNanos);
        String name = nameLike(otherSegment, id);
        try {
            return open(name, size, true, false, false);
        } catch (FileAlreadyExistsException e) {
            throw new IllegalStateException("a shared-memory segment named '" + name + "' exists already", e);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a shared-memory segment of " + size + " bytes in " + DIRECTORY + ": " + e, e);
        }
    }

    /** The name of the segment made like {@code otherSegment} whose random part is {@code id} (48 bits). */
    public static String nameLike(String otherSegment, long id) {
        return prefixOf(otherSegment) + String.format("%012x", id & 0xFFFF_FFFF_FFFFL);
    }

    private static String prefixOf(String segmentName) {
        int cut = segmentName.lastIndexOf('-');
        if (!segmentName.startsWith(PREFIX) || cut < PREFIX.length()) {
            throw new IllegalArgumentException("not an mp4j segment name: '" + segmentName + "'");
        }
        return segmentName.substring(0, cut + 1);
    }

    private static SharedSegment createUnder(String prefix, long size, boolean autoUnmap) {
        checkSize(size);
        for (int attempt = 0; ; attempt++) {
            byte[] id = new byte[6];
            dev.mp4j.process.RandomBytes.fill(id);
            String name = prefix + hex(id);
            try {
                return open(name, size, true, autoUnmap, false);
            } catch (FileAlreadyExistsException e) {
                if (attempt > 5) {
                    throw new IllegalStateException("cannot find a free shared-memory name", e);
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot create a shared-memory segment of " + size
                        + " bytes in " + DIRECTORY + ": " + e, e);
            }
        }
    }

    private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

    /** Lower-case hex, as {@code java.util.HexFormat} writes it, in array operations only (a create runs interpreted at first). */
    private static String hex(byte[] bytes) {
        byte[] digits = new byte[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            digits[2 * i] = HEX_DIGITS[(bytes[i] >> 4) & 0xF];
            digits[2 * i + 1] = HEX_DIGITS[bytes[i] & 0xF];
        }
        return new String(digits, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /**
     * Creates a segment under a name of your choosing, for unrelated processes to attach by that
     * name. It is tracked like a generated one: removed when this process tree ends unless
     * unlinked before.
     *
     * @throws IllegalStateException if the name exists already
     */
    public static SharedSegment createNamed(String name, long size) {
        return createNamed(name, size, true);
    }

    /**
     * As {@link #createNamed(String, long)}; with {@code track} false the segment is not
     * recorded for removal, so it outlives this process tree until someone unlinks it.
     *
     * @throws IllegalArgumentException if an untracked name begins like this tree's own, which
     *                                  the tree removes when it ends whatever is recorded
     */
    public static SharedSegment createNamed(String name, long size, boolean track) {
        checkSize(size);
        if (!track && name.startsWith(ResourceTracker.treePrefix())) {
            throw new IllegalArgumentException("an untracked segment cannot be named like this process tree's own ('"
                    + ResourceTracker.treePrefix() + "...'): they are removed with the tree");
        }
        try {
            SharedSegment seg = open(name, size, true, false, track);
            if (track) {
                ResourceTracker.registerNamed(name);
            } else {
                // A tracked segment of this name made here earlier and removed by another
                // process left its record behind: the tree's end would remove this one.
                ResourceTracker.forgetIfRecorded(name);
            }
            return seg;
        } catch (FileAlreadyExistsException e) {
            throw new IllegalStateException("a shared-memory segment named '" + name + "' exists already", e);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create shared-memory segment '" + name + "': " + e, e);
        }
    }

    private static void checkSize(long size) {
        checkSize(size, -1);
    }

    /** {@code waitNanos}: at most how long to wait for room (negative: the usual bound). */
    private static void checkSize(long size, long waitNanos) {
        if (size <= 0) {
            throw new IllegalArgumentException("segment size must be positive, got " + size);
        }
        // tmpfs hands out pages on first touch: a segment larger than the room left would be
        // created, and fail later, on some write, as an InternalError from a SIGBUS.
        long free = Room.free();
        if (size > free) {
            // Unlinked segments of ours whose unmapping is pending still hold their pages; so may
            // other processes' for a moment (at most their unmappers' delay).
            long start = System.nanoTime();
            Unmapper.flush(waitNanos < 0 ? Unmapper.FLUSH_WAIT_NANOS : Math.min(waitNanos, Unmapper.FLUSH_WAIT_NANOS));
            long deadline = waitNanos < 0 ? System.nanoTime() + Unmapper.MAX_DELAY_NANOS
                    : start + Math.min(waitNanos, Unmapper.FLUSH_WAIT_NANOS + Unmapper.MAX_DELAY_NANOS);
            while ((free = Room.free()) < size && System.nanoTime() - deadline < 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(10));
            }
        }
        if (size > free) {
            throw new IllegalStateException("cannot create a shared-memory segment of " + size + " bytes: " + DIRECTORY
                    + " has " + free + " bytes free");
        }
    }

    /** The free space of {@link #DIRECTORY}'s file system (a statvfs per call); unlimited if unknown. */
    private static final class Room {
        private static final java.nio.file.FileStore STORE = store();

        private static java.nio.file.FileStore store() {
            try {
                return Files.getFileStore(DIRECTORY);
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }

        static long total() {
            try {
                return STORE == null ? 0 : STORE.getTotalSpace();
            } catch (IOException | RuntimeException e) {
                return 0;
            }
        }

        static long free() {
            long free = measure();
            last = new Reading(free, System.nanoTime());
            return free;
        }

        /**
         * The free space as measured at most {@code maxAgeNanos} ago, or now: for a close's
         * question whether to unmap at once (a heuristic), which in a create-close-unlink cycle
         * follows the create's own measure by microseconds.
         */
        static long recentFree(long maxAgeNanos) {
            Reading r = last;
            return r != null && System.nanoTime() - r.at() < maxAgeNanos ? r.free() : free();
        }

        private record Reading(long free, long at) {
        }

        private static volatile Reading last;

        private static long measure() {
            long direct = ShmFiles.usableSpace(DIRECTORY_SLASH);
            if (direct >= 0) {
                return direct;
            }
            try {
                return STORE == null ? Long.MAX_VALUE : STORE.getUsableSpace();
            } catch (IOException | RuntimeException e) {
                return Long.MAX_VALUE;
            }
        }
    }

    /**
     * Re-attaches, while deserializing, a segment that travelled by name; the error names
     * {@code what} was being rebuilt.
     */
    public static SharedSegment reattach(String name, String what) throws java.io.InvalidObjectException {
        try {
            return attach(name, true);
        } catch (RuntimeException e) {
            java.io.InvalidObjectException failure = new java.io.InvalidObjectException(
                    "cannot attach " + what + " here: " + e.getMessage());
            failure.initCause(e);
            throw failure;
        }
    }

    /** Maps an existing segment by name, at its full size. */
    public static SharedSegment attach(String name) {
        return attach(name, false);
    }

    /** Maps an existing segment by name; with {@code autoUnmap}, as in {@link #create(long, boolean)}. */
    public static SharedSegment attach(String name, boolean autoUnmap) {
        String file = file(name);
        if (ShmFiles.available()) {
            // The direct way first (see ShmFiles); an empty file, among others, takes the JDK's.
            Unmapper.noteActivity();
            Arena arena = autoUnmap ? Arena.ofAuto() : Arena.ofShared();
            MemorySegment direct = ShmFiles.attach(file, arena);
            if (direct != null) {
                return new SharedSegment(name, arena, direct, false, false, autoUnmap);
            }
            if (!autoUnmap) {
                arena.close();
            }
        }
        try {
            // Not through a symbolic link, as shm_open (CPython's attach) never does: a link
            // planted at the name would have its target, any file of this user's, mapped and
            // written to as if it were the segment.
            java.nio.file.attribute.BasicFileAttributes attributes = Files.readAttributes(path(name),
                    java.nio.file.attribute.BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            if (!attributes.isRegularFile()) {
                throw new IllegalStateException("'" + name + "' in /dev/shm is not a shared-memory segment ("
                        + (attributes.isSymbolicLink() ? "a symbolic link" : "not a regular file") + ")");
            }
            long size = attributes.size();
            if (size == 0) {
                // Made this moment and not yet grown to its size (create maps, and so grows, it
                // just after making the file): not there yet, as far as an attach can tell.
                throw new IllegalStateException("shared-memory segment '" + name + "' is empty: it is being created,"
                        + " or is not one (CPython: cannot mmap an empty file)");
            }
            return open(name, size, false, autoUnmap, false);
        } catch (NoSuchFileException e) {
            throw new IllegalStateException("no shared-memory segment named '" + name
                    + "' (it was unlinked, or its creator is gone)", e);
        } catch (IOException e) {
            throw new IllegalStateException("cannot attach shared-memory segment '" + name + "': " + e, e);
        }
    }

    private static final Set<StandardOpenOption> CREATE_OPTIONS =
            Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
    private static final Set<java.nio.file.OpenOption> ATTACH_OPTIONS =
            Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE, java.nio.file.LinkOption.NOFOLLOW_LINKS);
    /** Mode 0600: the files mp4j makes in /dev/shm are this user's alone. */
    static final java.nio.file.attribute.FileAttribute<?> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private static SharedSegment open(String name, long size, boolean create, boolean autoUnmap, boolean explicitName)
            throws IOException {
        // A FileChannel is interruptible: mapping on a thread whose interrupt status is set
        // closes the channel and fails (ClosedByInterruptException), and a queue's poll would
        // then take a spilled item for gone. Mapping does not wait, so the status is set aside
        // for it and given back.
        boolean interrupted = Thread.interrupted();
        try {
            return openUninterrupted(name, size, create, autoUnmap, explicitName);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static SharedSegment openUninterrupted(String name, long size, boolean create, boolean autoUnmap,
            boolean explicitName) throws IOException {
        // Whoever maps shared memory will soon wait or wake on it: start linking the futex call.
        Futex.prepare();
        Unmapper.noteActivity();
        String file = file(name);
        Arena arena = autoUnmap ? Arena.ofAuto() : Arena.ofShared();
        // The direct way first (see ShmFiles): the same calls, made with little Java around them.
        MemorySegment direct = create && ShmFiles.available() ? ShmFiles.create(file, size, arena) : null;
        if (direct != null) {
            return new SharedSegment(name, arena, direct, true, explicitName, autoUnmap);
        }
        Path path = Path.of(file);
        FileChannel opened;
        try {
            opened = create ? FileChannel.open(path, CREATE_OPTIONS, OWNER_ONLY) : FileChannel.open(path, ATTACH_OPTIONS);
        } catch (IOException | RuntimeException e) {
            if (!autoUnmap) {
                arena.close();
            }
            throw e;
        }
        try (FileChannel channel = opened) {
            // A new file is empty: mapping it read-write grows it to the size (ftruncate, no
            // write), and tmpfs allocates its pages zeroed on first touch.
            MemorySegment memory = channel.map(FileChannel.MapMode.READ_WRITE, 0, size, arena);
            return new SharedSegment(name, arena, memory, create, explicitName, autoUnmap);
        } catch (IOException | RuntimeException e) {
            if (!autoUnmap) {
                arena.close();
            }
            if (create) {
                // Made but not mapped (out of mappings, over a file-size limit): nobody
                // knows it yet, and a tracked one is not recorded, so it goes now.
                Files.deleteIfExists(path);
            }
            throw e;
        }
    }

    private static Path path(String name) {
        return Path.of(file(name));
    }

    /** The absolute path of the segment {@code name}, checked to be a plain file name in {@link #DIRECTORY}. */
    private static String file(String name) {
        if (!isPlainName(name)) {
            throw new IllegalArgumentException("invalid shared-memory name: '" + name + "'");
        }
        return DIRECTORY_SLASH + name;
    }

    private static final String DIRECTORY_SLASH = DIRECTORY + "/";

    /**
     * A file name in {@link #DIRECTORY}: not empty, no '/', no leading '.', no control characters
     * (the tree's record of its segments is one name a line). A plain loop: a create-unlink cycle
     * runs interpreted for its first few hundred rounds, where a stream over the characters cost
     * more than the file's creation.
     */
    private static boolean isPlainName(String name) {
        if (name.isEmpty() || name.charAt(0) == '.') {
            return false;
        }
        // Over the bytes, not the characters: array reads, where charAt is a call. A character
        // beyond Latin-1 becomes '?', which is allowed, as it is no control character either.
        for (byte b : name.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)) {
            int c = b & 0xFF;
            if (c == '/' || c < 0x20 || c >= 0x7F && c <= 0x9F) {
                return false;
            }
        }
        return true;
    }

    /** The name other processes attach with. */
    public String name() {
        return name;
    }

    /**
     * The mapped memory; valid until {@link #close()}. A plain native segment for mp4j's
     * purposes: whether it is also a file mapping in the JDK's sense ({@code isMapped()},
     * {@code force()}, {@code load()}) depends on how it was mapped (see {@link ShmFiles}), and is
     * not to be relied on; tmpfs has no disk to force to.
     */
    public MemorySegment memory() {
        return memory;
    }

    /** Size in bytes. */
    public long size() {
        return memory.byteSize();
    }

    /** Whether this process created the segment (rather than attaching to it). */
    public boolean isCreator() {
        return creator;
    }

    /** Removes the name; mappings stay valid. Unlinking twice is harmless. */
    public void unlink() {
        try {
            if (ShmFiles.unlink(file(name)) || Files.deleteIfExists(path(name))) {
                // Whichever process unlinks a name its tree recorded, the record goes, as in
                // CPython: else the tree's end would remove a later segment of that name.
                if (explicitName && creator) {
                    ResourceTracker.unregisterNamed(name);
                } else if (!name.startsWith(ResourceTracker.treePrefix())) {
                    ResourceTracker.forgetIfRecorded(name);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot unlink shared-memory segment '" + name + "': " + e, e);
        }
    }

    /**
     * Removes a segment by name: what a {@code SharedMemoryManager}'s server does at shutdown
     * with the segments its clients made. A name the caller's process tree recorded for its
     * resource tracker (an explicit name made in this tree) is forgotten there too.
     *
     * @return whether the name existed
     * @throws IllegalArgumentException for a name that is not a plain file name
     */
    public static boolean unlink(String name) {
        try {
            boolean removed = ShmFiles.unlink(file(name)) || Files.deleteIfExists(path(name));
            if (removed && !name.startsWith(ResourceTracker.treePrefix())) {
                ResourceTracker.forgetIfRecorded(name);
            }
            return removed;
        } catch (IOException e) {
            throw new IllegalStateException("cannot unlink shared-memory segment '" + name + "': " + e, e);
        }
    }

    /** Whether the name still exists in {@code /dev/shm}. */
    public static boolean exists(String name) {
        return Files.exists(path(name));
    }

    /**
     * Unmaps this process's view, on a background thread: closing a shared arena makes every
     * thread of the JVM pass a handshake (about 60 µs here), which would otherwise dominate a
     * create-use-close-unlink cycle, and unmapping filled pages holds the process's memory-map
     * lock. A small segment's unmapping waits for a pause in segment work (see
     * {@link Unmapper}); until it happens the memory stays readable through slices taken before,
     * and an access through one afterwards throws.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (!autoUnmap) {
            Unmapper.close(arena, memory.byteSize());
        }
    }

    /** Unmaps now, in the caller, the segments closed so far (see {@code SharedMemory.releaseClosed}). */
    public static void unmapClosed() {
        Unmapper.flush(Unmapper.FLUSH_WAIT_NANOS);
    }

    /** Whether {@link #close()} was called (a segment mapped with autoUnmap stays mapped until collected). */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Whether a closed segment of {@code bytes} is unmapped without waiting for a pause, given
     * {@code free} bytes left in {@link #DIRECTORY}: when it is large against the room left, which
     * other processes may need (its pages are freed only once unmapped everywhere).
     */
    static boolean unmapsAtOnce(long bytes, long free) {
        return bytes > free / 8;
    }

    /**
     * Closes arenas off the caller's thread, and not while this process is busy with segments.
     *
     * <p>Unmapping a filled segment zaps a page-table entry per page while it holds the process's
     * memory-map lock (5-10 ms for 100 MiB here), and every {@code mmap} waits for that lock: a
     * segment created right after a large one was closed waited that long. So an unmapping waits
     * until no segment has been opened, created or closed here for {@link #QUIET_NANOS} (as
     * allocators put off returning memory until a burst is over), never longer than
     * {@link #MAX_DELAY_NANOS}, and never with more than {@link #MAX_PENDING} of them or an
     * eighth of {@link #DIRECTORY}'s size mapped by them waiting. Unlinked tmpfs pages are freed
     * only once every process has unmapped them, and other processes may need the room: a
     * segment of 4 MiB or more that is larger than an eighth of the room left is unmapped at
     * once, and a creation short
     * of room unmaps what is pending here first, then gives other processes' unmappings a moment.
     */
    private static final class Unmapper {
        static final long QUIET_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(20);
        static final long MAX_DELAY_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(500);
        static final int MAX_PENDING = 1024;
        /** How old a free-space reading a close may use (see {@link Room#recentFree}). */
        static final long RECENT_FREE_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(10);
        /** How soon an arena in use (a thread inside an access, an I/O on it) is tried again. */
        static final long RETRY_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(1);

        /** {@code retries}: how often it was found in use, which doubles the wait before the next try. */
        private record Pending(Arena arena, long bytes, long since, int retries) {
            Pending(Arena arena, long bytes, long since) {
                this(arena, bytes, since, 0);
            }
        }

        private static final Object LOCK = new Object();
        private static final java.util.ArrayDeque<Pending> PENDING = new java.util.ArrayDeque<>();
        private static long pendingBytes;
        /** Batches taken off {@link #PENDING} and being unmapped now (guarded by {@link #LOCK}). */
        private static int inProgress;
        private static Thread thread;
        /** When a segment was last opened, created or closed here: a volatile store each. */
        private static volatile long lastActivity;

        private Unmapper() {
        }

        static void noteActivity() {
            lastActivity = System.nanoTime();
        }

        static void close(Arena arena, long bytes) {
            noteActivity();
            // Large against the room left: other processes may need its pages soon, so it goes
            // at once (its "since" is already past the longest delay). Below 4 MiB (pipes, small
            // queues) no statvfs is spent on the question: a JVM's exit closes several.
            boolean urgent = bytes >= (4L << 20) && unmapsAtOnce(bytes, Room.recentFree(RECENT_FREE_NANOS));
            long since = urgent ? System.nanoTime() - MAX_DELAY_NANOS : System.nanoTime();
            queue(new Pending(arena, bytes, since));
        }

        private static void queue(Pending p) {
            synchronized (LOCK) {
                PENDING.add(p);
                pendingBytes += p.bytes();
                if (thread == null) {
                    thread = Thread.ofPlatform().daemon().name("mp4j-unmapper").start(Unmapper::run);
                }
                LOCK.notifyAll();
            }
        }

        /** How long {@link #flush} waits for unmappings under way, at most. */
        static final long FLUSH_WAIT_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);

        /**
         * Unmaps everything pending now, in the caller (a creation short of room), and waits at
         * most {@code waitNanos} for an unmapping the background thread has under way.
         */
        static void flush(long waitNanos) {
            closeAll(drain());
            long deadline = System.nanoTime() + waitNanos;
            synchronized (LOCK) {
                long left;
                while (inProgress > 0 && (left = deadline - System.nanoTime()) > 0) {
                    try {
                        LOCK.wait(Math.max(1, left / 1_000_000));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }

        /** Takes every pending arena, counting the batch as in progress until {@link #closeAll} ends it. */
        private static java.util.List<Pending> drain() {
            synchronized (LOCK) {
                java.util.List<Pending> all = new java.util.ArrayList<>(PENDING);
                PENDING.clear();
                pendingBytes = 0;
                inProgress++;
                return all;
            }
        }

        private static void run() {
            while (true) {
                try {
                    synchronized (LOCK) {
                        while (true) {
                            Pending oldest = PENDING.peek();
                            if (oldest == null) {
                                LOCK.wait();
                                continue;
                            }
                            long now = System.nanoTime();
                            long quietLeft = QUIET_NANOS - (now - lastActivity);
                            // The queue is in order of arrival, but an arena put back for a retry
                            // comes last with an early "since": look at every one.
                            // Only arenas not yet found in use start a batch early (quiet, many
                            // bytes, many arenas): one put back waits for its own time, else an
                            // arena held in use for long would be tried again without pause.
                            long ageLeft = Long.MAX_VALUE;
                            boolean fresh = false;
                            for (Pending p : PENDING) {
                                ageLeft = Math.min(ageLeft, MAX_DELAY_NANOS - (now - p.since()));
                                fresh |= p.retries() == 0;
                            }
                            if (ageLeft <= 0 || fresh && (quietLeft <= 0 || pendingBytes > Cap.BYTES
                                    || PENDING.size() > MAX_PENDING)) {
                                break;
                            }
                            LOCK.wait(Math.max(1, Math.min(fresh ? quietLeft : Long.MAX_VALUE, ageLeft) / 1_000_000));
                        }
                    }
                    closeAll(drain());
                } catch (InterruptedException e) {
                    // nobody interrupts this thread; keep serving
                }
            }
        }

        /** Closes each arena; one still in use goes back to be tried again shortly, without holding up the rest. */
        private static void closeAll(java.util.List<Pending> all) {
            try {
                for (Pending p : all) {
                    try {
                        if (p.arena().scope().isAlive()) {
                            p.arena().close();
                        }
                    } catch (IllegalStateException inUse) {
                        // A thread is still inside an access, or an I/O holds the memory: tried
                        // again after 1 ms, then after twice as long each time (up to the maximum
                        // delay), so that one held for long does not wake this thread 1,000 times a second.
                        long wait = Math.min(MAX_DELAY_NANOS, RETRY_NANOS << Math.min(p.retries(), 20));
                        queue(new Pending(p.arena(), p.bytes(), System.nanoTime() - MAX_DELAY_NANOS + wait, p.retries() + 1));
                    } catch (RuntimeException | Error e) {
                        // This one stays mapped until exit; the others go on.
                    }
                }
            } finally {
                synchronized (LOCK) {
                    inProgress--;
                    LOCK.notifyAll();
                }
            }
        }

        /** The mapped bytes that may wait, computed on first need (a statvfs: not on a child's start path). */
        private static final class Cap {
            static final long BYTES = Math.max(1L << 20, Room.total() / 8);
        }
    }
}
