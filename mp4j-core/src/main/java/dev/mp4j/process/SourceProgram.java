package dev.mp4j.process;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.URL;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * A program run from its source file ({@code java -cp mp4j.jar Hello.java}): the launcher compiles
 * it in memory, where a child JVM cannot load its classes (a lambda of {@code Hello} would fail in
 * the child with {@code ClassNotFoundException: Hello}). So, once per run and before the first
 * child starts, its classes go into a jar that every child gets at the end of its class path:
 * Python's {@code spawn}, which imports the main script again in each child, does the same job.
 *
 * <p>The jar holds the launcher's own bytes of every class it compiled (so a child runs exactly
 * what this JVM runs, even if the file changed since), and for the classes of a multi-file
 * program that this JVM has not needed yet, the file compiled again as the launcher compiles it
 * (same module and preview options; children get those JVM options too). It is named by the hash
 * of its classes, in a directory of this user's alone under {@code java.io.tmpdir}, and kept: the
 * next run of an unchanged program finds it, with the same modification time, which keeps the
 * children's start-up cache valid. A jar no run has used for a week is removed when another is
 * made (a program that runs for days marks its own as used when it starts children).
 */
final class SourceProgram {
    /** The launch file, as the JDK's source launcher records it (null when not run from source). */
    private static final String SOURCE_FILE = System.getProperty("jdk.launcher.sourcefile");
    /** Options of this JVM's command line that children get too, and the compiler where it knows them. */
    private static final List<String> PASSED_ON = List.of("--add-modules=", "--add-exports=", "--add-opens=",
            "--add-reads=", "--limit-modules=", "--patch-module=", "--upgrade-module-path=", "--module-path=");
    /** Of those, the run-time-only ones. */
    private static final List<String> NOT_FOR_JAVAC = List.of("--add-opens=");
    private static final String IN_MEMORY = "sourcelauncher-memoryclassloader";

    private static volatile String childClassPath;
    private static volatile List<String> jvmFlags;

    private SourceProgram() {
    }

    /**
     * The JVM options a child gets for a program run from source: this JVM's module options and
     * {@code --enable-preview} (the program's classes were compiled for them); none otherwise.
     */
    static List<String> jvmFlags() {
        List<String> known = jvmFlags;
        if (known == null) {
            known = SOURCE_FILE == null ? List.of() : launcherFlags();
            jvmFlags = known;
        }
        return known;
    }

    private static List<String> launcherFlags() {
        List<String> flags = new ArrayList<>();
        try {
            for (String a : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                if (a.equals("--enable-preview") || a.equals("--add-modules=ALL-DEFAULT")) {
                    // (ALL-DEFAULT: the launcher's own, and what a class path program gets anyway)
                    if (a.equals("--enable-preview")) {
                        flags.add(a);
                    }
                } else if (PASSED_ON.stream().anyMatch(a::startsWith)) {
                    flags.add(a);
                }
            }
        } catch (RuntimeException | LinkageError e) {
            // a runtime image without java.management: the program's options stay its own
        }
        return List.copyOf(flags);
    }

    /**
     * The class path a child gets: this JVM's, and for a program run from source, the jar of
     * its classes after it (so that the class path wins, as in this JVM, whose in-memory classes
     * come after it too). When the classes cannot be packed (no compiler in this runtime, say),
     * this says so on stderr, once, and children get this JVM's class path alone: a child that
     * needs one of the program's classes then fails naming it.
     */
    static String childClassPath() {
        String known = childClassPath;
        if (known != null && (keptJar == null || System.nanoTime() - checkedAt < RECHECK_NANOS)) {
            return known;
        }
        synchronized (SourceProgram.class) {
            if (childClassPath == null) {
                childClassPath = classPathWith(packedJarOrNull());
            } else if (keptJar != null && System.nanoTime() - checkedAt >= RECHECK_NANOS) {
                // A program that runs for days: its jar is used again now (so no other run
                // prunes it as unused), or made again if it went.
                if (!stillThere(keptJar)) {
                    childClassPath = classPathWith(packedJarOrNull());
                }
            }
            checkedAt = System.nanoTime();
            return childClassPath;
        }
    }

    /** How often a long-running program's starts look at its kept jar again. */
    private static final long RECHECK_NANOS = java.util.concurrent.TimeUnit.HOURS.toNanos(1);
    private static volatile Path keptJar;
    private static volatile long checkedAt;

    private static String classPathWith(Path jar) {
        String classPath = System.getProperty("java.class.path", "");
        if (jar == null) {
            return classPath;
        }
        return classPath.isEmpty() ? jar.toString() : classPath + File.pathSeparator + jar;
    }

    /** The jar of the program's classes, or null (with a word on stderr) when not run from source or it cannot be made. */
    private static Path packedJarOrNull() {
        if (SOURCE_FILE == null) {
            return null;
        }
        try {
            Path jar = offThisThread(() -> packedJar(Path.of(SOURCE_FILE)));
            keptJar = jar;
            return jar;
        } catch (RuntimeException | LinkageError e) {
            System.err.println("mp4j: " + (e.getMessage() != null ? e.getMessage() : e.toString())
                    + "; children will not find the program's classes");
            keptJar = null;
            return null;
        }
    }

    /**
     * Runs {@code work} on a thread of its own and waits for it, however often this one is
     * interrupted (the interrupt is kept): a file channel fails at once on a thread whose
     * interrupt status is set (a join() leaves it set, for one), and the packing's outcome is
     * kept for the program's life.
     */
    private static <T> T offThisThread(java.util.function.Supplier<T> work) {
        Object[] outcome = new Object[1];
        Thread worker = Thread.ofPlatform().daemon().name("mp4j-source-program").start(() -> {
            try {
                outcome[0] = work.get();
            } catch (Throwable e) {
                outcome[0] = e;
            }
        });
        boolean interrupted = false;
        while (true) {
            try {
                worker.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (outcome[0] instanceof RuntimeException e) {
            throw e;
        }
        if (outcome[0] instanceof Error e) {
            throw e;
        }
        if (outcome[0] instanceof Throwable t) {
            throw new IllegalStateException(t);
        }
        @SuppressWarnings("unchecked")
        T result = (T) outcome[0];
        return result;
    }

    /** Whether {@code jar} is still in place, marking it used; under the directory's shared lock (see {@link #packed}). */
    private static boolean stillThere(Path jar) {
        return offThisThread(() -> stillThereHere(jar));
    }

    private static boolean stillThereHere(Path jar) {
        try (FileChannel lockFile = openLock(jar.getParent());
             java.nio.channels.FileLock shared = lockFile.lock(0, Long.MAX_VALUE, true)) {
            if (Files.isRegularFile(jar, LinkOption.NOFOLLOW_LINKS)) {
                touch(jar);
                return true;
            }
            return false;
        } catch (IOException | RuntimeException e) {
            return Files.isRegularFile(jar, LinkOption.NOFOLLOW_LINKS);
        }
    }

    private static Path packedJar(Path source) {
        Path classes = null;
        try {
            classes = Files.createTempDirectory("mp4j-source-");
            compile(source, classes);
            Map<String, byte[]> entries = new LinkedHashMap<>();
            ClassLoader memory = launcherLoader();
            try (Stream<Path> walk = Files.walk(classes)) {
                for (Path f : walk.filter(Files::isRegularFile).sorted().toList()) {
                    String name = classes.relativize(f).toString().replace(File.separatorChar, '/');
                    byte[] launchers = memory == null ? null : inMemory(memory, name);
                    entries.put(name, launchers != null ? launchers : Files.readAllBytes(f));
                }
            }
            return packed(entries);
        } catch (IOException e) {
            throw new IllegalStateException("cannot pack the classes of " + source + " for its children: " + e, e);
        } finally {
            if (classes != null) {
                deleteTree(classes);
            }
        }
    }

    /** Compiles the launch file (and the files it uses, for a multi-file program) into {@code out}. */
    private static void compile(Path source, Path out) throws IOException {
        javax.tools.JavaCompiler javac = javax.tools.ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("this program runs from its source file (" + source + "), whose classes "
                    + "only this JVM holds, and this runtime has no compiler to make them for its children");
        }
        Charset encoding = Charset.defaultCharset();
        List<String> options = new ArrayList<>(List.of("-proc:none", "-implicit:class", "-encoding", encoding.name(),
                "-cp", System.getProperty("java.class.path", "")));
        for (String flag : jvmFlags()) {
            if (flag.equals("--enable-preview")) {
                String release = System.getProperty("jdk.internal.javac.source", Integer.toString(Runtime.version().feature()));
                options.addAll(List.of("--enable-preview", "--release", release));
            } else if (NOT_FOR_JAVAC.stream().noneMatch(flag::startsWith)) {
                int eq = flag.indexOf('=');
                options.addAll(List.of(flag.substring(0, eq), flag.substring(eq + 1)));
            }
        }
        StringWriter diagnostics = new StringWriter();
        try (javax.tools.StandardJavaFileManager files = javac.getStandardFileManager(null, null, encoding)) {
            var units = files.getJavaFileObjects(source);
            options.addAll(List.of("-sourcepath", sourceRoot(javac, files, units, options, source).toString()));
            options.addAll(List.of("-d", out.toString()));
            if (!javac.getTask(diagnostics, files, null, options, null, units).call()) {
                throw new IllegalStateException("cannot compile " + source + " for its children: " + diagnostics);
            }
        }
    }

    /** The root of the launch file's source tree: its directory, less one level per part of its package's name. */
    private static Path sourceRoot(javax.tools.JavaCompiler javac, javax.tools.StandardJavaFileManager files,
            Iterable<? extends javax.tools.JavaFileObject> units, List<String> options, Path source) throws IOException {
        Path root = source.toAbsolutePath().getParent();
        var parser = (com.sun.source.util.JavacTask) javac.getTask(new StringWriter(), files, null, options, null, units);
        for (com.sun.source.tree.CompilationUnitTree unit : parser.parse()) {
            if (unit.getPackageName() != null) {
                for (int i = unit.getPackageName().toString().split("\\.").length; i > 0 && root.getParent() != null; i--) {
                    root = root.getParent();
                }
            }
        }
        return root;
    }

    /** The source launcher's class loader, which holds the program's classes: this thread's context loader or a parent of it. */
    private static ClassLoader launcherLoader() {
        for (ClassLoader l = Thread.currentThread().getContextClassLoader(); l != null; l = l.getParent()) {
            if (l.getClass().getName().endsWith(".MemoryClassLoader")) {
                return l;
            }
        }
        return null;
    }

    /** The bytes of class file {@code name} as the launcher compiled them, or null if it did not (yet). */
    private static byte[] inMemory(ClassLoader memory, String name) throws IOException {
        URL url = memory.getResource(name);
        if (url == null || !url.getProtocol().startsWith(IN_MEMORY)) {
            return null;
        }
        try (InputStream in = url.openStream()) {
            return in.readAllBytes();
        }
    }

    /** The entries in a jar named by their hash, made once, kept for later runs. */
    private static Path packed(Map<String, byte[]> entries) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            digest.update(e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(e.getValue());
        }
        Path home = keptJarsDirectory();
        Path jar = home.resolve("source-" + HexFormat.of().formatHex(digest.digest(), 0, 16) + ".jar");
        // Runs of programs from source share the directory: a jar is reused or made under a
        // shared lock, and old ones are pruned under an exclusive one, so a jar a run has just
        // chosen is never pruned under it.
        try (FileChannel lockFile = openLock(home)) {
            boolean made;
            try (java.nio.channels.FileLock shared = lockFile.lock(0, Long.MAX_VALUE, true)) {
                made = !holds(jar, entries.size());
                if (made) {
                    write(home, jar, entries);
                } else {
                    // Used again: its age is counted from now (its access time: the start-up
                    // cache keys on the modification time).
                    touch(jar);
                }
            }
            if (made) {
                try (java.nio.channels.FileLock exclusive = lockFile.tryLock()) {
                    if (exclusive != null) {
                        pruneOld(home, jar);
                    }
                }
            }
        }
        return jar;
    }

    /** The lock file of the kept jars' directory (read-write: a shared lock needs reading, an exclusive one writing). */
    private static FileChannel openLock(Path home) throws IOException {
        return FileChannel.open(home.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    /** Writes {@code entries} as {@code jar}: on disk under a temporary name first, then renamed. */
    private static void write(Path home, Path jar, Map<String, byte[]> entries) throws IOException {
        Path partial = Files.createTempFile(home, "partial-", ".jar");
        try {
            try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE)) {
                OutputStream out = Channels.newOutputStream(channel);
                JarOutputStream jarOut = new JarOutputStream(out);
                for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                    jarOut.putNextEntry(new JarEntry(e.getKey()));
                    jarOut.write(e.getValue());
                    jarOut.closeEntry();
                }
                jarOut.finish();
                jarOut.flush();
                // On disk before it has its name: a jar cut short by a crash must not be kept.
                channel.force(true);
            }
            try {
                Files.move(partial, jar, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, jar, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    /** Sets the last access time of {@code jar} to now (not its modification time: see {@link #packed}). */
    private static void touch(Path jar) {
        try {
            Files.setAttribute(jar, "basic:lastAccessTime", java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()));
        } catch (IOException | RuntimeException e) {
            // pruned a week after its last use, then, and made again if needed
        }
    }

    /** How long a kept jar no run has used stays. */
    private static final java.time.Duration KEPT_FOR = java.time.Duration.ofDays(7);

    /** Removes the jars of programs not run for {@link #KEPT_FOR} (by last access), and partial ones left by a crash. */
    private static void pruneOld(Path home, Path keep) {
        long before = System.currentTimeMillis() - KEPT_FOR.toMillis();
        List<Path> files;
        try (Stream<Path> listed = Files.list(home)) {
            files = listed.toList();
        } catch (IOException | RuntimeException e) {
            return;
        }
        for (Path f : files) {
            String n = f.getFileName().toString();
            try {
                if (!f.equals(keep) && n.endsWith(".jar") && (n.startsWith("source-") || n.startsWith("partial-"))
                        && Files.readAttributes(f, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                                .lastAccessTime().toMillis() < before) {
                    Files.deleteIfExists(f);
                }
            } catch (IOException | RuntimeException e) {
                // this one stays; the others are still looked at
            }
        }
    }

    /** Whether {@code jar} is a readable jar of {@code entries} entries (one made by an earlier run). */
    private static boolean holds(Path jar, int entries) {
        if (!Files.isRegularFile(jar, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (JarFile f = new JarFile(jar.toFile())) {
            return f.size() == entries;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * This user's directory of kept jars, made 0700; a fresh private one instead (nothing kept)
     * when the shared name is taken by anything else: a jar planted there would run in children.
     */
    private static Path keptJarsDirectory() throws IOException {
        Path home = Path.of(System.getProperty("java.io.tmpdir"), "mp4j-" + System.getProperty("user.name") + "-sources");
        return OwnDirectory.makeOrVet(home) ? home : Files.createTempDirectory("mp4j-sources-");
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // a temporary directory left behind
        }
    }
}
