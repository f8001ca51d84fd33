package dev.mp4j.process;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The start methods and the default one (Python's {@code get_context}/{@code set_start_method}
 * machinery). A child's default is its parent's start method and JVM options.
 */
public final class Launchers {
    /** The start methods, the default first. */
    public static final List<String> START_METHODS = List.of("spawn", "forkserver");
    /** Spares a forkserver keeps ready unless told otherwise ({@code -Dmp4j.forkserver.spares}). */
    public static final int DEFAULT_SPARES = Integer.getInteger("mp4j.forkserver.spares", 2);

    /**
     * Forkserver launchers by what their spares are: the flags as a list, not joined into one
     * string, where {@code ["-Dx=a, -Xmx64m"]} and {@code ["-Dx=a", "-Xmx64m"]} would be one.
     */
    private static final Map<SpareKind, Launcher> SHARED = new ConcurrentHashMap<>();

    private record SpareKind(int spares, List<String> jvmOptions) {
    }
    private static volatile Launcher defaultLauncher;

    private Launchers() {
    }

    /** The launcher for {@code method} with {@code options}; forkserver ones are shared per options. */
    public static Launcher of(String method, JvmOptions options, int spares) {
        if ("forkserver".equals(method) && Children.exiting()) {
            // While this process exits, no spares are booted (the exit has stopped those it
            // had): a start then boots its child, as spawn does.
            return new SpawnLauncher(options);
        }
        return switch (method) {
            case "spawn" -> new SpawnLauncher(options);
            // A shut-down one (its spares stopped for good) is replaced, not handed out again:
            // every start through it would boot a fresh JVM.
            case "forkserver" -> SHARED.compute(new SpareKind(spares, options.arguments()),
                    (k, known) -> known != null && !known.isShutdown() ? known : new WarmSpareLauncher(options, spares));
            default -> throw new IllegalArgumentException("cannot find context for '" + method
                    + "' (start methods: " + String.join(", ", START_METHODS) + ")");
        };
    }

    /** The launcher {@code JvmProcess.start()} uses when no context was chosen. */
    public static Launcher defaultLauncher() {
        Launcher l = defaultLauncher;
        if (l == null || l.isShutdown()) {
            synchronized (Launchers.class) {
                if (defaultLauncher != null && defaultLauncher.isShutdown()) {
                    // Its spares stopped for good: one like it (the shared one, made again).
                    defaultLauncher = of(defaultLauncher.startMethod(), defaultLauncher.jvmOptions(),
                            defaultLauncher instanceof WarmSpareLauncher w ? w.spares() : DEFAULT_SPARES);
                }
                if (defaultLauncher == null) {
                    String inherited = ProcessState.inheritedStartMethod();
                    defaultLauncher = of(inherited != null ? inherited : START_METHODS.get(0),
                            ProcessState.inheritedJvmOptions(), DEFAULT_SPARES);
                }
                l = defaultLauncher;
            }
        }
        return l;
    }

    /** Whether a default has been fixed (by use or by {@link #setDefault}). */
    public static boolean hasDefault() {
        return defaultLauncher != null;
    }

    /** Fixes the default launcher; null resets it. */
    public static synchronized void setDefault(Launcher launcher) {
        defaultLauncher = launcher;
    }
}
