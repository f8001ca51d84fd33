package dev.mp4j.shm;

/**
 * How mp4j names processes in shared memory (lock owners, holders of a pipe end or of a
 * segment), and whether the one named is alive. Internal plumbing, public because its users live
 * in several packages.
 *
 * <p>An owner word is a pid in its low 22 bits and, above, a random tag of 8 bits that this JVM
 * drew ({@link #MY_OWNER}). After a JVM is gone its pid may come back (Linux reuses pids once it
 * reaches pid_max: 32768 on some systems, 4194304 on most systemd ones): what it died holding
 * must then not look like the new process's own, which would never give it up, and the tag tells
 * them apart but for one chance in 255. A word with tag 0 names a process by its pid alone (one
 * this JVM started, whose tag it cannot know).
 *
 * <pre>{@code
 * if (owner != Pids.MY_OWNER && !Pids.ownerAlive(owner)) { ... take over what it held ... }
 * }</pre>
 */
public final class Pids {
    private Pids() {
    }

    /** The bits of an owner word that hold the pid (Linux pids are below 2^22). */
    public static final int PID_BITS = (1 << 22) - 1;
    /** The bits of an owner word that hold the pid and the tag. */
    public static final int OWNER_BITS = (1 << 30) - 1;

    private static final int MY_PID = (int) ProcessHandle.current().pid();

    /** The system property that keeps {@link #MY_OWNER}'s tag (not passed to children: theirs is their own). */
    private static final String TAG_PROPERTY = "dev.mp4j.sync.ownerTag";

    /** This JVM as an owner word: its pid, and its tag above. */
    public static final int MY_OWNER = MY_PID | (jvmTag() << 22);

    /**
     * The tag of this JVM, drawn once whichever class loaders load mp4j: two copies of these
     * classes in one JVM with tags of their own would each take the other's live holds for an
     * earlier process's.
     */
    private static int jvmTag() {
        if ((MY_PID & ~PID_BITS) != 0) {
            throw new IllegalStateException("pid " + MY_PID + " does not fit the 22 bits mp4j's shared words have"
                    + " for it (Linux pids are below 2^22)");
        }
        String drawn = Integer.toString(1 + java.util.concurrent.ThreadLocalRandom.current().nextInt(255));
        Object kept = System.getProperties().putIfAbsent(TAG_PROPERTY, drawn);
        try {
            int tag = Integer.parseInt(kept instanceof String k ? k : drawn);
            return tag >= 1 && tag <= 255 ? tag : Integer.parseInt(drawn);
        } catch (NumberFormatException e) {
            return Integer.parseInt(drawn);
        }
    }

    /** This process's pid. */
    public static int myPid() {
        return MY_PID;
    }

    /**
     * The program between this JVM and the process that started it (a wrapper script that runs
     * java without {@code exec}, {@code sudo}), or 0: what the starting process knows as this
     * child's pid, and so the pid it hands pipe ends over to.
     */
    public static int programBetween() {
        return programBetween;
    }

    /** Set by a child's start-up once it has found a program between (see {@link #programBetween}). */
    public static void programBetween(long pid) {
        programBetween = (int) pid;
    }

    private static volatile int programBetween;

    /**
     * Whether the owner word {@code owner} ({@link #MY_OWNER}'s form, without flags above
     * {@link #OWNER_BITS}) names a live process: this JVM, a process named by its pid alone that
     * is this one or alive, or another live pid. One with this JVM's pid and another tag was an
     * earlier process with this pid, gone. (A live process of another program that took a dead
     * owner's pid still looks alive; a thread that took it does not.)
     */
    public static boolean ownerAlive(int owner) {
        return ownerAlive(owner, false);
    }

    /**
     * {@link #ownerAlive(int)} asked of the system now, not of the last answer: for a decision
     * nobody will make again (removing a segment its last holder let go of), where a holder
     * that died a moment ago must count as dead.
     */
    public static boolean ownerAliveNow(int owner) {
        return ownerAlive(owner, true);
    }

    private static boolean ownerAlive(int owner, boolean now) {
        if (owner == MY_OWNER) {
            return true;
        }
        int pid = owner & PID_BITS;
        if (pid == MY_PID) {
            return owner == pid;
        }
        return pid != 0 && (now ? aliveNow(pid) : alive(pid));
    }

    /**
     * The last pid found alive and when (milliseconds, low 32 bits), in one word: callers that
     * look at the same holder again and again (a waiter on a contended lock, a reader on a quiet
     * pipe) make one system call per {@link #ALIVE_FOR_MILLIS} at most. A death is then noticed
     * that much later, which every caller that looks again tolerates; a decision made once (removing
     * a segment) asks {@link #aliveNow}.
     */
    private static volatile long lastAlive;
    private static final long ALIVE_FOR_MILLIS = 20;

    /** Whether {@code pid} names a live process (a zombie, or a reused pid, counts as alive). */
    public static boolean alive(int pid) {
        long seen = lastAlive;
        long nowMillis = System.nanoTime() / 1_000_000;
        if ((int) (seen >>> 32) == pid && pid != 0 && (int) nowMillis - (int) seen < ALIVE_FOR_MILLIS) {
            return true;
        }
        boolean alive = aliveNow(pid);
        if (alive) {
            lastAlive = ((long) pid << 32) | (nowMillis & 0xFFFF_FFFFL);
        }
        return alive;
    }

    /** {@link #alive(int)} asked of the system, whatever was seen a moment ago. */
    public static boolean aliveNow(int pid) {
        boolean alive;
        if (Futex.processExists(pid) == Boolean.TRUE) {
            alive = true;
        } else {
            // Gone, or the call refused (another user's pid, a sandbox that forbids signals, or
            // not linked yet): ProcessHandle decides. This path is rare once linked: holders are
            // mostly alive.
            // No method reference: a child reaches this first on its own path, where linking
            // one costs milliseconds of method-handle spinning the AOT cache did not record.
            java.util.Optional<ProcessHandle> handle = ProcessHandle.of(pid);
            alive = handle.isPresent() && handle.get().isAlive() && !aThreadOfAnother(pid);
        }
        return alive;
    }

    /**
     * Whether {@code pid} is the id of a thread of another process, not a process: /proc has an
     * entry for every thread id, so ProcessHandle finds them too.
     */
    private static boolean aThreadOfAnother(int pid) {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc", Integer.toString(pid), "status"))) {
                if (line.startsWith("Tgid:")) {
                    return Integer.parseInt(line.substring(5).strip()) != pid;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // gone meanwhile, or no /proc: taken as what ProcessHandle said
        }
        return false;
    }
}
