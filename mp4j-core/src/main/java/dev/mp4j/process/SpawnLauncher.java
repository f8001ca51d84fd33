package dev.mp4j.process;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Python's {@code spawn}: a new JVM per child, the same {@code java} binary and class path as
 * this one, stdout and stderr shared with the parent, stdin a private pipe that carries the
 * bootstrap (its EOF before the bootstrap makes a waiting spare exit; after it, the child watches
 * its parent by looking whether it has been re-parented, see {@code ChildMain}).
 */
public final class SpawnLauncher implements Launcher {
    private final JvmOptions options;

    public SpawnLauncher(JvmOptions options) {
        this.options = options;
    }

    @Override
    public String startMethod() {
        return "spawn";
    }

    @Override
    public JvmOptions jvmOptions() {
        return options;
    }

    @Override
    public java.lang.Process launch(byte[] bootstrap) throws IOException {
        return launch(bootstrap, false);
    }

    @Override
    public java.lang.Process launch(byte[] bootstrap, boolean light) throws IOException {
        java.lang.Process process = boot(options, false, light);
        try {
            sendBootstrap(process, bootstrap);
        } catch (IOException e) {
            process.destroyForcibly();
            throw e;
        }
        return process;
    }

    /** Starts a child JVM that waits for its bootstrap on stdin. */
    static java.lang.Process boot(JvmOptions options, boolean spare) throws IOException {
        return boot(options, spare, false);
    }

    /** Starts a child JVM; a {@code light} one gets the ahead-of-time cache of the core classes only. */
    static java.lang.Process boot(JvmOptions options, boolean spare, boolean light) throws IOException {
        List<String> flags = childFlags(options);
        List<String> withCache = new ArrayList<>(AotCache.flagsFor(flags, light));
        withCache.addAll(flags);
        return bootWith(withCache, spare, false);
    }

    /** The JVM flags of a child with these options (before the cache's). */
    static List<String> childFlags(JvmOptions options) {
        List<String> flags = new ArrayList<>(JvmOptions.CHILD_DEFAULTS);
        // A program run from source: its classes were compiled for its module and preview options.
        flags.addAll(SourceProgram.jvmFlags());
        flags.addAll(options.arguments());
        return flags;
    }

    /** Starts a child JVM with exactly these JVM flags (plus mp4j's system properties). */
    static java.lang.Process bootWith(List<String> flags, boolean spare, boolean quiet) throws IOException {
        List<String> command = command(flags, spare);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .redirectOutput(quiet ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.INHERIT)
                .redirectError(quiet ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.INHERIT);
        return builder.start();
    }

    /** The command line of a child JVM with these flags. */
    static List<String> command(List<String> flags, boolean spare) {
        return command(flags, spare, true);
    }

    /**
     * The settings of mp4j itself, which follow the process tree: this JVM's {@code mp4j.*}
     * system properties as they are now, as a child's flags. A spare booted earlier may have
     * others (see {@link WarmSpareLauncher}).
     */
    static List<String> settings() {
        List<String> out = new ArrayList<>();
        for (String key : new java.util.TreeSet<>(System.getProperties().stringPropertyNames())) {
            if (key.startsWith("mp4j.") && !key.equals("mp4j.spare") && !key.equals(dev.mp4j.shm.ResourceTracker.TREE_MARK)) {
                out.add("-D" + key + "=" + System.getProperty(key));
            }
        }
        return out;
    }

    /**
     * The command of a child JVM. With {@code ofThisTree}, it carries the tree's mark
     * ({@link dev.mp4j.shm.ResourceTracker#TREE_MARK}): the tree's shared-memory watcher waits
     * for every process so marked to be gone before it cleans up (the start-up cache's training,
     * a tree of its own that may outlive this one, is not marked).
     */
    static List<String> command(List<String> flags, boolean spare, boolean ofThisTree) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(settings());
        if (ofThisTree) {
            command.add("-D" + dev.mp4j.shm.ResourceTracker.TREE_MARK + "=" + ProcessState.treeId());
        }
        // A child prints to the same terminal: it must encode text as the parent does.
        for (String key : List.of("stdout.encoding", "stderr.encoding")) {
            String value = System.getProperty(key);
            if (value != null) {
                command.add("-D" + key + "=" + value);
            }
        }
        if (spare) {
            command.add("-Dmp4j.spare=true");
        }
        command.addAll(flags);
        command.add("-cp");
        command.add(SourceProgram.childClassPath());
        command.add(ChildMain.class.getName());
        return command;
    }

    static void sendBootstrap(java.lang.Process process, byte[] bootstrap) throws IOException {
        OutputStream stdin = process.getOutputStream();
        DataOutputStream out = new DataOutputStream(stdin);
        out.writeInt(Bootstrap.MAGIC);
        out.writeInt(bootstrap.length);
        out.write(bootstrap);
        out.flush();
    }
}
