package dev.mp4j.shm;

import dev.mp4j.process.ProcessState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Removes the shared memory a process tree created once the tree is gone, however it ends: also
 * when its main process is killed with SIGKILL, which no shutdown hook survives, and when a
 * terminal's Ctrl-C signals the whole process group (CPython's {@code resource_tracker}, without
 * a second interpreter).
 *
 * <h2>How</h2>
 * Every segment mp4j creates with a generated name is called {@code mp4j-<tree>-...}, where
 * {@code <tree>} identifies the tree's main process. That main process starts one tiny
 * {@code /bin/sh} watcher whose stdin is a pipe only the main process holds. The watcher blocks
 * reading it; when the main process dies, for any reason, the kernel closes the pipe, the read
 * returns, and the watcher deletes {@code /dev/shm/mp4j-<tree>-*} plus any explicitly named
 * segment listed in the tree's registry file. Children of the tree share the main process's
 * watcher, so a segment a child creates and hands to its parent outlives the child, as in
 * CPython. A process that only attaches to a segment never registers it and never unlinks it
 * (CPython gh-82300).
 */
public final class ResourceTracker {
    /** Held for the life of this JVM: its stdin pipe closing is what tells the watcher we are gone. */
    private static volatile Process watcher;
    private static volatile boolean attempted;

    private ResourceTracker() {
    }

    /** The prefix of every generated segment name of this tree. */
    public static String treePrefix() {
        String id = ProcessState.treeId();
        TreePrefix known = treePrefix;
        if (known == null || known.treeId() != id) {
            // Once per tree id (a spare JVM learns its tree's id from its bootstrap, after
            // possibly using one of its own): every create and unlink asks.
            known = new TreePrefix(id, SharedSegment.PREFIX + id + "-");
            treePrefix = known;
        }
        return known.prefix();
    }

    private record TreePrefix(String treeId, String prefix) {
    }

    private static volatile TreePrefix treePrefix;

    /**
     * The system property every child JVM of a tree is started with, its value the tree's id:
     * what the watcher looks for in /proc to know whether any process of the tree is left.
     */
    public static final String TREE_MARK = "mp4j.tree";

    /** Starts the watcher in the main process (idempotent); children rely on their main process's. */
    public static void ensureRunning() {
        if (attempted || !ProcessState.ownsTree()) {
            return;
        }
        synchronized (ResourceTracker.class) {
            if (attempted) {
                return;
            }
            attempted = true;
            String prefix = SharedSegment.DIRECTORY.resolve(treePrefix()).toString();
            String registry = registryFile().toString();
            // The watcher is in the main process's process group, so a terminal's Ctrl-C, or
            // `kill -- -PGID`, or `timeout`, signals it too: it ignores those signals and goes on
            // to clean up when the main process is gone (only SIGKILL to the group stops it).
            // awk keeps the names registered and not unregistered since; all of them, and every
            // generated name of the tree, are removed once stdin reaches EOF.
            // Once the main process is gone, its children may live on for a moment (an orphan
            // notices within 100 ms, then stops): segments they make meanwhile must go too, so
            // the watcher waits, at most 10 s, until no process carries the tree's mark (as
            // CPython's tracker waits for every holder of its pipe). The mark is quoted in two
            // pieces in the script, so that the script's own command line does not match it.
            String mark = "'-D" + TREE_MARK + "''=" + ProcessState.treeId() + "'";
            String script = "trap '' INT TERM HUP QUIT\n"
                    + "read _ignored\n"
                    + "i=0\n"
                    + "while [ $i -lt 100 ] && grep -qsaF -e " + mark + " /proc/[0-9]*/cmdline; do sleep 0.1; i=$((i+1)); done\n"
                    // A registry that is a link, or a name with a '/', is not this tree's doing.
                    + "if [ -f '" + registry + "' ] && [ ! -L '" + registry + "' ] && [ -O '" + registry + "' ]; then\n"
                    + "  awk '/^[+]/{s[substr($0,2)]=1} /^-/{delete s[substr($0,2)]} END{for(n in s) print n}' '"
                    + registry + "' | while IFS= read -r n; do case \"$n\" in */*) continue;; esac; rm -f \""
                    + SharedSegment.DIRECTORY + "/$n\"; done\n"
                    + "fi\n"
                    + "rm -f '" + prefix + "'*\n";
            try {
                watcher = new ProcessBuilder("/bin/sh", "-c", script)
                        .redirectInput(ProcessBuilder.Redirect.PIPE)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
            } catch (IOException e) {
                System.err.println("mp4j: cannot start the shared-memory tracker (" + e.getMessage()
                        + "); segments left by a killed process tree stay in " + SharedSegment.DIRECTORY);
            }
        }
    }

    /** Records an explicitly named segment this tree created, so the watcher removes it too. */
    static void registerNamed(String name) {
        ensureRunning();
        append("+" + name + "\n");
    }

    /** Forgets an explicitly named segment that was unlinked (the name may be reused by others). */
    static void unregisterNamed(String name) {
        append("-" + name + "\n");
    }

    /**
     * {@link #unregisterNamed} for a name this process did not create: only where this tree
     * keeps a registry, which the creator's registering made (a process of another tree has
     * nothing to forget, and must not leave a registry file behind).
     */
    static void forgetIfRecorded(String name) {
        if (Files.exists(registryFile())) {
            unregisterNamed(name);
        }
    }

    private static void append(String line) {
        Path file = registryFile();
        try {
            if (!registryVetted) {
                try {
                    // Only this user may read the names or add to them (the watcher removes what
                    // the file names).
                    Files.createFile(file, SharedSegment.OWNER_ONLY);
                } catch (java.nio.file.FileAlreadyExistsException exists) {
                    // Appended to below, if it is this user's own file: one made by someone else
                    // (or a link) could feed this tree's watcher names to remove.
                    if (Files.isSymbolicLink(file) || !ownedByThisUser(file)) {
                        System.err.println("mp4j: " + file + " is not this user's own file; shared-memory names are not recorded there");
                        return;
                    }
                }
                registryVetted = true;   // once per process: the file stays the tree's until the tree ends
            }
            // A stream, not a FileChannel: a channel fails on a thread whose interrupt status is
            // set, and a name not recorded would outlive a killed tree. One write, O_APPEND: the
            // lines of the tree's processes never interleave.
            try (java.io.FileOutputStream out = new java.io.FileOutputStream(file.toFile(), true)) {
                out.write(line.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            System.err.println("mp4j: cannot record shared-memory name " + line.trim() + ": " + e.getMessage());
        }
    }

    /** Whether this process has made or checked the registry file (see {@link #append}). */
    private static volatile boolean registryVetted;

    /** Whether {@code file} belongs to this process's user (by uid; true where that cannot be told). */
    private static boolean ownedByThisUser(Path file) {
        try {
            Object mine = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            Object owner = Files.getAttribute(file, "unix:uid", java.nio.file.LinkOption.NOFOLLOW_LINKS);
            return mine.equals(owner);
        } catch (IOException | RuntimeException cannotTell) {
            return true;
        }
    }

    static Path registryFile() {
        return SharedSegment.DIRECTORY.resolve(treePrefix() + "registry");
    }
}
