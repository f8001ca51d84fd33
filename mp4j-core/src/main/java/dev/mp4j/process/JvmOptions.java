package dev.mp4j.process;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Extra options for the JVMs a context starts: heap size, system properties, any other flag.
 * Immutable; each method returns a copy.
 *
 * <pre>{@code
 * JvmOptions opts = JvmOptions.defaults().maxHeap("256m").systemProperty("app.mode", "worker");
 * Context ctx = Multiprocessing.getContext("spawn").withJvmOptions(opts);
 * }</pre>
 *
 * <p>mp4j's own defaults for children come first (Serial GC, no perf data, small thread stacks:
 * a child is usually short-lived and small; reflection through the JNI accessor, which starts a
 * child about 14 ms sooner but makes each reflective call about 100 ns slower), so anything given
 * here wins over them: a child that lives on reflection can take the faster calls back with
 * {@code systemProperty("jdk.reflect.useNativeAccessorOnly", "false")}, and one that receives
 * deeply nested objects (lists nested more than about 150 deep) wants {@code with("-Xss2m")}.
 */
public record JvmOptions(List<String> arguments) implements Serializable {
    /**
     * Flags every child gets before the user's: quick start and a small footprint. Full tiered
     * compilation stays on: with the AOT cache a child starts as fast as with C1 alone (measured:
     * 60-70 ms either way), and hot loops in a child get C2.
     */
    static final List<String> CHILD_DEFAULTS = List.of(
            "-XX:+UseSerialGC",
            "-XX:-UsePerfData",
            "-Xss512k",
            // SIGTERM and SIGINT end a child at once, without shutdown hooks: Python's terminate(),
            // and no JDK noise when a child is terminated while its JVM is still starting.
            "-Xrs",
            // Reflective calls through the JNI accessor instead of spinning a method handle per
            // method: a child's first object stream makes a dozen such calls (constructors,
            // readObject, readResolve), and spinning their handles was 10-15 ms of a no-op
            // child's 30 ms of deserialization (start+join, interleaved A/B: 69 against 83 ms).
            // Per call the native path is about 100 ns slower (110 against 10 ns), and a deep
            // graph of objects with readObject methods uses more stack per level: with the
            // 512 KiB stacks above, lists nested 164 deep deserialize instead of 240 (more
            // with a larger -Xss). The JDK documents the property for testing; a JDK without
            // it ignores it.
            "-Djdk.reflect.useNativeAccessorOnly=true",
            "--enable-native-access=ALL-UNNAMED");

    public JvmOptions {
        arguments = List.copyOf(arguments);
        for (String a : arguments) {
            Objects.requireNonNull(a, "null JVM argument");
        }
    }

    /**
     * Options travel as a plain class: the first record a JVM deserializes costs it about 20 ms of
     * method-handle spinning.
     */
    @java.io.Serial
    private Object writeReplace() {
        return new Form(arguments);
    }

    private static final class Form implements Serializable {
        @java.io.Serial
        private static final long serialVersionUID = 1L;
        private final List<String> arguments;

        Form(List<String> arguments) {
            this.arguments = arguments;
        }

        @java.io.Serial
        private Object readResolve() {
            return new JvmOptions(arguments);
        }
    }

    /** No extra options. */
    public static JvmOptions defaults() {
        return new JvmOptions(List.of());
    }

    /** Adds {@code -Xmx}: for example {@code "64m"} or {@code "2g"}. */
    public JvmOptions maxHeap(String size) {
        if (!size.matches("\\d+[kKmMgG]?")) {
            throw new IllegalArgumentException("heap size must look like 64m or 2g, got '" + size + "'");
        }
        return with("-Xmx" + size);
    }

    /** Adds {@code -Dkey=value}. */
    public JvmOptions systemProperty(String key, String value) {
        if (key.isEmpty() || key.contains("=")) {
            throw new IllegalArgumentException("invalid system property name '" + key + "'");
        }
        return with("-D" + key + "=" + value);
    }

    /** The java launcher's options whose value may come as the next argument. */
    private static final java.util.Set<String> TAKES_A_VALUE = java.util.Set.of(
            "--add-opens", "--add-exports", "--add-reads", "--add-modules", "--limit-modules", "--patch-module",
            "--module-path", "-p", "--upgrade-module-path", "--enable-native-access");
    private static final java.util.Set<String> CLASS_PATH = java.util.Set.of("-cp", "-classpath", "--class-path");

    /** Adds several system properties. */
    public JvmOptions systemProperties(Map<String, String> properties) {
        JvmOptions out = this;
        for (Map.Entry<String, String> e : properties.entrySet()) {
            out = out.systemProperty(e.getKey(), e.getValue());
        }
        return out;
    }

    /**
     * Adds any JVM flag, such as {@code -XX:+UseZGC}, or the value of the flag added just before
     * when it takes one as a separate argument ({@code with("--add-opens").with("java.base/java.lang=ALL-UNNAMED")}).
     * Not a class path: children get this JVM's.
     *
     * @throws IllegalArgumentException for an argument that is neither a flag nor such a value
     *                                  (the child's JVM would take it for its main class)
     */
    public JvmOptions with(String argument) {
        boolean value = !arguments.isEmpty() && TAKES_A_VALUE.contains(arguments.getLast());
        if (argument == null || (!value && (!argument.startsWith("-") || argument.length() < 2))) {
            throw new IllegalArgumentException("a JVM option starts with '-', such as -Xmx64m or -XX:+UseZGC; got "
                    + (argument == null ? "null" : "'" + argument + "'"));
        }
        if (!value && (CLASS_PATH.contains(argument) || argument.startsWith("--class-path="))) {
            // mp4j's own -cp comes after these, and the java launcher takes the last one.
            throw new IllegalArgumentException("children get this JVM's class path (java.class.path); a " + argument
                    + " option here would be overridden: start this JVM with the class path they need");
        }
        List<String> copy = new ArrayList<>(arguments);
        copy.add(argument);
        return new JvmOptions(copy);
    }
}
