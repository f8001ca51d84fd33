package dev.mp4j.process;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Python's {@code spawn}: a new JVM per child, the same {@code java} binary and class path as
 * this one, stdout and stderr shared with the parent, stdin a private pipe that carries the
 * bootstrap (its EOF before the bootstrap makes a waiting spare exit; after it, the child watches
 * its parent by looking whether it has been re-parented, see {@code ChildMain}).
 */
public final class SpawnLauncher implements Launcher {
    /**
     * The system property that names the program children are started with, when it is not this
     * JVM's own {@code java} ({@code Multiprocessing.setExecutable}). Like mp4j's other
     * {@code mp4j.*} properties it follows the process tree, so grandchildren use it too.
     */
    public static final String EXECUTABLE_PROPERTY = "mp4j.executable";
    /** This JVM's own launcher, {@code $JAVA_HOME/bin/java}. */
    private static final Path OWN_JAVA = Path.of(System.getProperty("java.home"), "bin", "java");
    /** The last executable compared with {@link #OWN_JAVA}, and whether it is that file. */
    private static volatile Map.Entry<String, Boolean> lastOwnCheck;

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
        command.add(executable().toString());
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

    /** The program children are started with: the one set, or this JVM's own {@code java}. */
    public static Path executable() {
        String set = System.getProperty(EXECUTABLE_PROPERTY);
        return set == null || set.isEmpty() ? OWN_JAVA : Path.of(set);
    }

    /**
     * Sets the program children are started with; null goes back to this JVM's own {@code java}.
     *
     * @throws IllegalArgumentException if {@code program} is not an executable file
     */
    public static synchronized void setExecutable(Path program) {
        if (program == null) {
            System.clearProperty(EXECUTABLE_PROPERTY);
            return;
        }
        Path absolute = program.toAbsolutePath().normalize();
        if (!Files.isRegularFile(absolute) || !Files.isExecutable(absolute)) {
            throw new IllegalArgumentException("not an executable file: " + absolute
                    + (Files.exists(absolute) ? "" : " (no such file)"));
        }
        System.setProperty(EXECUTABLE_PROPERTY, absolute.toString());
    }

    /**
     * Whether children run this JVM's own {@code java} (the start-up cache this JVM makes is for
     * that JVM only: a child of another program gets none).
     */
    static boolean runsOwnJava() {
        String set = System.getProperty(EXECUTABLE_PROPERTY);
        if (set == null || set.isEmpty()) {
            return true;
        }
        Map.Entry<String, Boolean> last = lastOwnCheck;
        if (last == null || !last.getKey().equals(set)) {
            boolean same;
            try {
                same = Files.isSameFile(Path.of(set), OWN_JAVA);
            } catch (IOException | RuntimeException e) {
                same = false;
            }
            last = Map.entry(set, same);
            lastOwnCheck = last;
        }
        return last.getValue();
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
