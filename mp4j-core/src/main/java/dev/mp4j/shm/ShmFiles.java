package dev.mp4j.shm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The file calls of a segment's life as plain system calls: creating (open, ftruncate, mmap),
 * attaching (open, lseek, mmap), unmapping, unlinking, and the free space of {@code /dev/shm}.
 *
 * <p>Why not {@code FileChannel}, {@code Files} and {@code Path}: they make the same calls, but
 * through layers of Java (option sets, permission attributes, path parsing, file-store objects)
 * that a program creating a segment now and then runs interpreted. Measured here in a JVM run
 * with {@code -Xint} (as a create-close-unlink cycle runs in its first few hundred rounds): a
 * cycle of 100 MiB through the JDK costs 100-230 µs, the same calls made directly 28-32 µs, most
 * of it the kernel's (CPython's cycle: 40-50 µs).
 *
 * <p>The calls go through {@link Futex}'s linked libc {@code syscall} entry, so nothing more is
 * linked. Each method answers "not done" (null, false, -1) instead of throwing, having undone what
 * it did; the caller then takes the JDK's way, which also says what went wrong in its own words.
 * That is the way until the link is done (a fresh JVM's first 50-150 ms), on a machine other than
 * Linux on x86-64 or AArch64, and for a path too long for a thread's buffer.
 */
final class ShmFiles {
    private static final boolean X86 = switch (System.getProperty("os.arch")) {
        case "amd64", "x86_64" -> true;
        default -> false;
    };
    private static final boolean ARM = "aarch64".equals(System.getProperty("os.arch"));
    private static final boolean SUPPORTED = (X86 || ARM) && System.getProperty("os.name").toLowerCase().contains("linux");

    private static final long SYS_OPENAT = X86 ? 257 : 56;
    private static final long SYS_FTRUNCATE = X86 ? 77 : 46;
    private static final long SYS_MMAP = X86 ? 9 : 222;
    private static final long SYS_MUNMAP = X86 ? 11 : 215;
    private static final long SYS_CLOSE = X86 ? 3 : 57;
    private static final long SYS_LSEEK = X86 ? 8 : 62;
    private static final long SYS_UNLINKAT = X86 ? 263 : 35;
    private static final long SYS_STATFS = X86 ? 137 : 43;
    private static final long SYS_MADVISE = X86 ? 28 : 233;

    // The same on both architectures (AArch64 uses the generic values).
    private static final long AT_FDCWD = -100;
    private static final long O_RDWR = 02;
    private static final long O_CREAT = 0100;
    private static final long O_EXCL = 0200;
    private static final long O_CLOEXEC = 02000000;
    /** Differs between the two: as shm_open, an attach never follows a symbolic link. */
    private static final long O_NOFOLLOW = X86 ? 0400000 : 0100000;
    private static final long MODE_OWNER_ONLY = 0600;
    private static final long PROT_READ_WRITE = 3;
    private static final long MAP_SHARED = 1;
    private static final long SEEK_END = 2;
    private static final long FAILED = -1;
    /** madvise: fault the range in writable now (Linux 5.14), or fail where a write would fault. */
    private static final long MADV_POPULATE_WRITE = 23;
    /** This system's page size, which madvise wants addresses aligned to (AArch64 kernels may use 16 or 64 KiB). */
    static final long PAGE = pageSize();
    /** Whether {@link #MADV_POPULATE_WRITE} works here: null until tried once, on memory of this process's own. */
    private static volatile Boolean populates;

    /** AT_PAGESZ from this process's auxiliary vector (pairs of longs); 4096 where it cannot be read. */
    private static long pageSize() {
        try {
            ByteBuffer auxv = ByteBuffer.wrap(java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/self/auxv")))
                    .order(java.nio.ByteOrder.nativeOrder());
            while (auxv.remaining() >= 16) {
                long type = auxv.getLong();
                long value = auxv.getLong();
                if (type == 6 && value > 0 && Long.bitCount(value) == 1) {
                    return value;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux, or no /proc
        }
        return 4096;
    }

    /** struct statfs on 64-bit Linux: f_bsize and f_bavail, each a long. */
    private static final int STATFS_BSIZE = 8;
    private static final int STATFS_BAVAIL = 32;
    private static final int STATFS_BYTES = 120;

    /** A thread's native buffer, for a NUL-terminated path or the answer of statfs. */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static final class Scratch {
        static final int CAPACITY = 512;
        final ByteBuffer buffer = ByteBuffer.allocateDirect(CAPACITY).order(ByteOrder.nativeOrder());
        final long address = MemorySegment.ofBuffer(buffer).address();

        /**
         * Writes {@code path} with its terminating NUL; false if it does not fit or is not all
         * ASCII. (The JDK encodes a path in the platform's encoding, and refuses what does not
         * map: a name that is not ASCII is left to it, so that a name means the same file
         * whichever way it goes. mp4j's generated names are ASCII.)
         */
        boolean put(String path) {
            // One bulk copy: a cycle runs interpreted, where a put per byte cost a microsecond each.
            byte[] bytes = path.getBytes(StandardCharsets.ISO_8859_1);
            if (bytes.length >= buffer.capacity()) {
                return false;
            }
            for (int i = 0; i < bytes.length; i++) {
                byte b = bytes[i];
                // NUL or not ASCII; or a character the encoding could not map.
                if (b <= 0 || b == '?' && path.charAt(i) != '?') {
                    return false;
                }
            }
            buffer.put(0, bytes);
            buffer.put(bytes.length, (byte) 0);
            return true;
        }
    }

    private ShmFiles() {
    }

    /** Whether these calls can be made now (the link is done, on a supported machine). */
    static boolean available() {
        return syscall() != null;
    }

    /**
     * This thread's buffer holding {@code path}, or null when these calls are not to be made now
     * or the path is not one they take. (Once it answers, {@link Futex#syscall()} stays linked.)
     */
    private static Scratch withPath(String path) {
        MethodHandle sys = syscall();
        if (sys == null) {
            return null;
        }
        Scratch scratch = SCRATCH.get();
        if (!scratch.put(path)) {
            return null;
        }
        return scratch;
    }

    /**
     * The linked entry, or null where these calls are not to be made now. A virtual thread
     * takes the JDK's way: its buffer would be a fresh direct allocation each time, as virtual
     * threads are mostly made for one task.
     */
    private static MethodHandle syscall() {
        return SUPPORTED && !Thread.currentThread().isVirtual() ? Futex.syscall() : null;
    }

    /**
     * Creates the file {@code path} (it must not exist; mode 0600), grows it to {@code size} and
     * maps it, read-write and shared, for as long as {@code arena} lives.
     *
     * @return the mapping, or null when it was not done (nothing is left behind)
     */
    static MemorySegment create(String path, long size, Arena arena) {
        Scratch scratch = withPath(path);
        if (scratch == null) {
            return null;
        }
        MethodHandle sys = Futex.syscall();
        try {
            long fd = (long) sys.invokeExact(SYS_OPENAT, AT_FDCWD, scratch.address,
                    O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, MODE_OWNER_ONLY, 0L, 0L);
            if (fd < 0) {
                return null;
            }
            MemorySegment memory = null;
            try {
                // Mapped first, grown after: until it has its size, a file another process
                // finds is empty, which attach refuses as "being created". Grown first, a file
                // whose mapping then failed could be attached at its full size before it went.
                long address = (long) sys.invokeExact(SYS_MMAP, 0L, size, PROT_READ_WRITE, MAP_SHARED, fd, 0L);
                if (address != FAILED) {
                    if ((long) sys.invokeExact(SYS_FTRUNCATE, fd, size, 0L, 0L, 0L, 0L) == 0) {
                        memory = inArena(sys, address, size, arena);
                    } else {
                        unmap(sys, address, size);
                    }
                }
            } finally {
                long ignored = (long) sys.invokeExact(SYS_CLOSE, fd, 0L, 0L, 0L, 0L, 0L);
                if (memory == null) {
                    // Made but not mapped: nobody knows the file yet (the buffer still holds its path).
                    long removed = (long) sys.invokeExact(SYS_UNLINKAT, AT_FDCWD, scratch.address, 0L, 0L, 0L, 0L);
                }
            }
            return memory;
        } catch (Throwable t) {
            return null;
        }
    }

    /**
     * Maps all of the existing file {@code path}, read-write and shared, for as long as
     * {@code arena} lives.
     *
     * @return the mapping, or null when it was not done (among others for an empty file)
     */
    static MemorySegment attach(String path, Arena arena) {
        Scratch scratch = withPath(path);
        if (scratch == null) {
            return null;
        }
        MethodHandle sys = Futex.syscall();
        try {
            long fd = (long) sys.invokeExact(SYS_OPENAT, AT_FDCWD, scratch.address, O_RDWR | O_CLOEXEC | O_NOFOLLOW, 0L, 0L, 0L);
            if (fd < 0) {
                return null;
            }
            try {
                long size = (long) sys.invokeExact(SYS_LSEEK, fd, 0L, SEEK_END, 0L, 0L, 0L);
                if (size <= 0) {
                    return null;
                }
                long address = (long) sys.invokeExact(SYS_MMAP, 0L, size, PROT_READ_WRITE, MAP_SHARED, fd, 0L);
                return address == FAILED ? null : inArena(sys, address, size, arena);
            } finally {
                long ignored = (long) sys.invokeExact(SYS_CLOSE, fd, 0L, 0L, 0L, 0L, 0L);
            }
        } catch (Throwable t) {
            return null;
        }
    }

    /** The mapping at {@code address} as a segment of {@code arena}, whose end unmaps it. */
    @SuppressWarnings("restricted") // reinterpret: the address and size are mmap's own
    private static MemorySegment inArena(MethodHandle sys, long address, long size, Arena arena) {
        try {
            return MemorySegment.ofAddress(address).reinterpret(size, arena, ignored -> unmap(sys, address, size));
        } catch (RuntimeException | Error e) {
            unmap(sys, address, size);
            throw e;
        }
    }

    private static void unmap(MethodHandle sys, long address, long size) {
        try {
            long ignored = (long) sys.invokeExact(SYS_MUNMAP, address, size, 0L, 0L, 0L, 0L);
        } catch (Throwable t) {
            // Stays mapped until exit: nothing better to do from a cleanup action.
        }
    }

    /**
     * Has the system back {@code [address, address + length)} of a shared mapping with memory
     * now, page by page, as writing it would (the pages around the range's ends included).
     *
     * @return true if it does; false if it could not (the file system, /dev/shm, is full);
     *         null if not asked (the call not linked yet, a kernel older than 5.14, another system)
     */
    static Boolean populate(long address, long length) {
        MethodHandle sys = Futex.syscall();
        if (!SUPPORTED || sys == null || length <= 0) {
            return null;
        }
        try {
            Boolean works = populates;
            if (works == null) {
                // Tried once on a page of this process's own memory: a failure there is the
                // kernel's (no such advice), not a full file system's.
                ByteBuffer own = ByteBuffer.allocateDirect((int) (2 * PAGE));
                long at = (MemorySegment.ofBuffer(own).address() + PAGE - 1) & -PAGE;
                works = (long) sys.invokeExact(SYS_MADVISE, at, PAGE, MADV_POPULATE_WRITE, 0L, 0L, 0L) == 0;
                java.lang.ref.Reference.reachabilityFence(own);
                populates = works;
            }
            if (!works) {
                return null;
            }
            long start = address & -PAGE;
            return (long) sys.invokeExact(SYS_MADVISE, start, address + length - start, MADV_POPULATE_WRITE, 0L, 0L, 0L) == 0;
        } catch (Throwable t) {
            return null;
        }
    }

    /**
     * Removes the file {@code path}.
     *
     * @return true if it was removed; false when it was not (it may not exist: ask the JDK)
     */
    static boolean unlink(String path) {
        Scratch scratch = withPath(path);
        if (scratch == null) {
            return false;
        }
        MethodHandle sys = Futex.syscall();
        try {
            return (long) sys.invokeExact(SYS_UNLINKAT, AT_FDCWD, scratch.address, 0L, 0L, 0L, 0L) == 0;
        } catch (Throwable t) {
            return false;
        }
    }

    /**
     * The bytes an unprivileged process may still allocate in the file system of {@code path}
     * (as {@code FileStore.getUsableSpace}), or -1 when that was not found out.
     */
    static long usableSpace(String path) {
        // The answer goes after the path, in the same buffer.
        int answerAt = Scratch.CAPACITY - STATFS_BYTES;
        Scratch scratch = path.length() < answerAt ? withPath(path) : null;
        if (scratch == null) {
            return FAILED;
        }
        MethodHandle sys = Futex.syscall();
        try {
            if ((long) sys.invokeExact(SYS_STATFS, scratch.address, scratch.address + answerAt, 0L, 0L, 0L, 0L) != 0) {
                return FAILED;
            }
            long blockSize = scratch.buffer.getLong(answerAt + STATFS_BSIZE);
            long available = scratch.buffer.getLong(answerAt + STATFS_BAVAIL);
            if (blockSize <= 0 || available < 0) {
                return FAILED;
            }
            return available > Long.MAX_VALUE / blockSize ? Long.MAX_VALUE : blockSize * available;
        } catch (Throwable t) {
            return FAILED;
        }
    }
}
