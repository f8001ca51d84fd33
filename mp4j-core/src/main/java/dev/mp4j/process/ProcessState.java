package dev.mp4j.process;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What this JVM knows about itself as an mp4j process: its authkey, name, identity (the path of
 * child counters from the main process, as CPython's {@code _identity}), daemon flag and parent.
 * The main process makes these up; a child receives them in its bootstrap.
 */
public final class ProcessState {
    private static volatile byte[] authkey;
    private static volatile int[] identity = new int[0];
    private static volatile String name = "MainProcess";
    private static volatile boolean daemon;
    private static volatile long parentPid = -1;
    private static volatile String parentName;
    private static volatile String startMethod;
    private static volatile JvmOptions jvmOptions = JvmOptions.defaults();
    private static volatile boolean child;
    private static volatile String treeId;
    private static final AtomicInteger CHILD_COUNTER = new AtomicInteger();

    private ProcessState() {
    }

    /** This process's authkey: 32 random bytes in the main process, inherited by children. */
    public static byte[] authkey() {
        byte[] key = authkey;
        if (key == null) {
            synchronized (ProcessState.class) {
                if (authkey == null) {
                    byte[] fresh = new byte[32];
                    RandomBytes.fill(fresh);
                    authkey = fresh;
                }
                key = authkey;
            }
        }
        return key.clone();
    }

    /** Replaces this process's authkey (Python: {@code current_process().authkey = ...}). */
    public static void setAuthkey(byte[] key) {
        authkey = key.clone();
    }

    /** The key of the child whose target this thread is writing, when it has one of its own. */
    private static final ThreadLocal<byte[]> KEY_OF_CHILD_STARTING = new ThreadLocal<>();

    /**
     * The key the process that will read what this thread writes now has: a child being started
     * with a key of its own ({@code JvmProcess.setAuthkey}) has that one, else this process's.
     * What travels with a manager's proxy depends on it (the key is left out when the receiver
     * has it).
     */
    public static byte[] receiverAuthkey() {
        byte[] child = KEY_OF_CHILD_STARTING.get();
        return child != null ? child.clone() : authkey();
    }

    static void startingChildWithKey(byte[] key) {
        if (key == null) {
            KEY_OF_CHILD_STARTING.remove();
        } else {
            KEY_OF_CHILD_STARTING.set(key);
        }
    }

    static String name() {
        return name;
    }

    static void setName(String newName) {
        name = newName;
    }

    static int[] identity() {
        return identity.clone();
    }

    static boolean daemon() {
        return daemon;
    }

    static boolean isChild() {
        return child;
    }

    static long parentPid() {
        return parentPid;
    }

    static String parentName() {
        return parentName;
    }

    /** The start method this process was started with, or null in the main process. */
    public static String inheritedStartMethod() {
        return startMethod;
    }

    /** The JVM options this process was started with (empty in the main process). */
    public static JvmOptions inheritedJvmOptions() {
        return jvmOptions;
    }

    /** The identity of a new child of this process: ours plus the next counter. */
    static int[] nextChildIdentity() {
        int[] mine = identity;
        int[] out = Arrays.copyOf(mine, mine.length + 1);
        out[mine.length] = CHILD_COUNTER.incrementAndGet();
        return out;
    }

    /** Set in a child started with an empty tree id: see {@link #ownsTree()}. */
    private static volatile boolean ownTree;

    /**
     * Names this process tree: the main process's pid and a random tag (pids are reused). Shared
     * memory the tree creates carries it, so the whole tree's segments can be found and removed
     * together.
     */
    public static String treeId() {
        String id = treeId;
        if (id == null) {
            synchronized (ProcessState.class) {
                if (treeId == null) {
                    byte[] tag = new byte[3];
                    RandomBytes.fill(tag);
                    treeId = ProcessHandle.current().pid() + "x" + java.util.HexFormat.of().formatHex(tag);
                }
                id = treeId;
            }
        }
        return id;
    }

    /** Whether this is the main process of its tree (not started by mp4j). */
    public static boolean isRoot() {
        return !child;
    }

    /**
     * Whether this process heads a tree of its own for shared-memory tracking: the main process,
     * or a child its parent started with an empty tree id (one that may outlive its parent, such
     * as the AOT cache's training run, whose segments must go when it goes, not when the parent
     * does).
     */
    public static boolean ownsTree() {
        return !child || ownTree;
    }

    static void initChild(Bootstrap b) {
        if (b.treeId().isEmpty()) {
            ownTree = true;
        } else {
            treeId = b.treeId();
        }
        authkey = b.authkey().clone();
        identity = b.identity().clone();
        name = b.name();
        daemon = b.daemon();
        parentPid = b.parentPid();
        parentName = b.parentName();
        startMethod = b.startMethod();
        jvmOptions = b.jvmOptions();
        child = true;
        if (!b.logLevel().isEmpty()) {
            MpLog.toStderr(System.Logger.Level.valueOf(b.logLevel()));
        }
    }
}
