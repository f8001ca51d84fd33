package dev.mp4j.process;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A program run from its source file ({@code java -cp mp4j.jar Hello.java}): the launcher compiles
 * it in memory, where a child JVM cannot load its classes (a lambda of {@code Hello} would fail in
 * the child with {@code ClassNotFoundException: Hello}). So, once per run and before the first
 * child starts, the file is compiled once more, as the launcher compiled it, into a jar that
 * every child gets at the end of its class path: Python's {@code spawn}, which imports the main
 * script again in each child, does the same job.
 *
 * <p>The jar is named by the hash of its classes, in a directory of this user's under
 * {@code java.io.tmpdir}, and kept: the next run of an unchanged program finds it (with the same
 * modification time, which keeps the children's start-up cache valid).
 */
final class SourceProgram {
    /** The launch file, as the JDK's source launcher records it (null when not run from source). */
    private static final String SOURCE_FILE = System.getProperty("jdk.launcher.sourcefile");
    private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);

    private static volatile String childClassPath;

    private SourceProgram() {
    }

    /** Whether this JVM runs a program from its source file. */
    static boolean runFromSource() {
        return SOURCE_FILE != null;
    }

    /**
     * The class path a child gets: this JVM's, and for a program run from source, the jar of
     * its classes after it (so that the class path wins, as in this JVM, whose in-memory classes
     * come after it too).
     *
     * @throws IllegalStateException if the program's source cannot be compiled again here
     */
    static String childClassPath() {
        String known = childClassPath;
        if (known != null) {
            return known;
        }
        synchronized (SourceProgram.class) {
            if (childClassPath == null) {
                String classPath = System.getProperty("java.class.path");
                if (SOURCE_FILE != null) {
                    String jar = compiledJar(Path.of(SOURCE_FILE)).toString();
                    classPath = classPath == null || classPath.isEmpty() ? jar : classPath + File.pathSeparator + jar;
                }
                childClassPath = classPath;
            }
            return childClassPath;
        }
    }

    private static Path compiledJar(Path source) {
        javax.tools.JavaCompiler javac = javax.tools.ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("this program runs from its source file (" + source + "), whose classes "
                    + "only this JVM holds; its children need them compiled, and this runtime has no compiler");
        }
        Path classes = null;
        try {
            classes = Files.createTempDirectory("mp4j-source-");
            List<String> options = new ArrayList<>(List.of("-d", classes.toString(), "-proc:none", "-implicit:class",
                    "-encoding", StandardCharsets.UTF_8.name(), "-sourcepath", sourceRoot(source).toString(),
                    "-cp", System.getProperty("java.class.path", "")));
            if (java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().contains("--enable-preview")) {
                options.addAll(List.of("--enable-preview", "--release", Integer.toString(Runtime.version().feature())));
            }
            StringWriter diagnostics = new StringWriter();
            try (javax.tools.StandardJavaFileManager files = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
                boolean ok = javac.getTask(diagnostics, files, null, options, null,
                        files.getJavaFileObjects(source)).call();
                if (!ok) {
                    throw new IllegalStateException("cannot compile " + source + " again for its children: " + diagnostics);
                }
            }
            return packed(classes);
        } catch (IOException e) {
            throw new IllegalStateException("cannot compile " + source + " again for its children: " + e, e);
        } finally {
            if (classes != null) {
                deleteTree(classes);
            }
        }
    }

    /** The root of the launch file's source tree: its directory, less one level per package name part. */
    private static Path sourceRoot(Path source) throws IOException {
        Path root = source.toAbsolutePath().getParent();
        Matcher m = PACKAGE.matcher(Files.readString(source, StandardCharsets.UTF_8));
        if (m.find()) {
            for (int i = m.group(1).split("\\.").length; i > 0 && root.getParent() != null; i--) {
                root = root.getParent();
            }
        }
        return root;
    }

    /** The classes under {@code dir} in a jar named by their hash, made once, kept for later runs. */
    private static Path packed(Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (Path f : files) {
            digest.update(dir.relativize(f).toString().getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(Files.readAllBytes(f));
        }
        Path home = keptJarsDirectory();
        Path jar = home.resolve("source-" + HexFormat.of().formatHex(digest.digest(), 0, 16) + ".jar");
        if (Files.isRegularFile(jar)) {
            return jar;
        }
        Path partial = Files.createTempFile(home, "partial-", ".jar");
        try {
            try (OutputStream out = Files.newOutputStream(partial); JarOutputStream jarOut = new JarOutputStream(out)) {
                for (Path f : files) {
                    jarOut.putNextEntry(new JarEntry(dir.relativize(f).toString().replace(File.separatorChar, '/')));
                    jarOut.write(Files.readAllBytes(f));
                    jarOut.closeEntry();
                }
            }
            try {
                Files.move(partial, jar, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, jar, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(partial);
        }
        return jar;
    }

    /**
     * This user's directory of kept jars, made 0700; a fresh private one instead (nothing kept)
     * when the shared name is taken by anything else: a jar planted there would run in children.
     */
    private static Path keptJarsDirectory() throws IOException {
        java.nio.file.attribute.FileAttribute<?> ownerOnly = java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Path home = Path.of(System.getProperty("java.io.tmpdir"), "mp4j-" + System.getProperty("user.name") + "-sources");
        try {
            Files.createDirectory(home, ownerOnly);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // vetted below
        } catch (IOException | UnsupportedOperationException e) {
            return Files.createTempDirectory("mp4j-sources-");
        }
        try {
            java.nio.file.LinkOption noFollow = java.nio.file.LinkOption.NOFOLLOW_LINKS;
            Object mine = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            if (Files.isDirectory(home, noFollow) && mine.equals(Files.getAttribute(home, "unix:uid", noFollow))
                    && "rwx------".equals(java.nio.file.attribute.PosixFilePermissions.toString(
                            Files.getPosixFilePermissions(home, noFollow)))) {
                return home;
            }
        } catch (IOException | RuntimeException cannotTell) {
            // not to be trusted, then
        }
        return Files.createTempDirectory("mp4j-sources-");
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
