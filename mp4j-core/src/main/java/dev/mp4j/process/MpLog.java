package dev.mp4j.process;

import java.util.ResourceBundle;

/**
 * mp4j's own log, Python's {@code multiprocessing.get_logger()}: silent until
 * {@link dev.mp4j.Multiprocessing#logToStderr} turns it on, then one line per record on stderr in
 * Python's format, {@code [INFO/Process-1] child process calling self.run()}. Children started
 * afterwards log at the same level, as CPython passes the level to a spawned child. No logging
 * framework is touched while it is off, so it costs a child's start nothing.
 *
 * <p>Internal: the public face is {@code Multiprocessing.getLogger()} and {@code logToStderr}.
 */
public final class MpLog implements System.Logger {
    /** The one logger; what {@code Multiprocessing.getLogger()} returns. */
    public static final MpLog LOG = new MpLog();
    /** The level records print from; null while off. One field, so that it is read whole. */
    private static volatile Level level;

    private MpLog() {
    }

    /** Prints records of {@code level} and above on stderr from now on (null: off again). */
    public static void toStderr(Level level) {
        MpLog.level = level == null || level == Level.OFF ? null : level;
    }

    /** The level children inherit, by name; empty when off. */
    public static String levelName() {
        Level l = level;
        return l == null ? "" : l.name();
    }

    /** Whether a record at {@code level} would print: cheap enough for every call site. */
    public static boolean on(Level level) {
        Level l = MpLog.level;
        return l != null && level != Level.OFF && level.getSeverity() >= l.getSeverity();
    }

    /**
     * Notes, once per process, that it is shutting down (CPython's exit function says so first):
     * from the exit hook, or earlier where the daemon children are stopped as main returns.
     */
    public static void shuttingDown() {
        if (on(Level.INFO) && !SAID_SHUTTING_DOWN.getAndSet(true)) {
            print(Level.INFO, "process shutting down", null);
        }
    }

    private static final java.util.concurrent.atomic.AtomicBoolean SAID_SHUTTING_DOWN = new java.util.concurrent.atomic.AtomicBoolean();

    /** Logs {@code message} at {@code level}, if on. */
    public static void note(Level level, String message) {
        if (on(level)) {
            print(level, message, null);
        }
    }

    @Override
    public String getName() {
        return "multiprocessing";
    }

    @Override
    public boolean isLoggable(Level level) {
        return on(level);
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
        if (on(level)) {
            print(level, msg, thrown);
        }
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
        if (on(level)) {
            print(level, params == null || params.length == 0 ? format : java.text.MessageFormat.format(format, params), null);
        }
    }

    private static void print(Level level, String message, Throwable thrown) {
        String process;
        try {
            process = ProcessState.name();
        } catch (RuntimeException e) {
            process = "?";
        }
        // Python's format: [%(levelname)s/%(processName)s] %(message)s, one write per line.
        String line = "[" + pythonName(level) + "/" + process + "] " + message;
        synchronized (System.err) {
            System.err.println(line);
            if (thrown != null) {
                thrown.printStackTrace();
            }
        }
    }

    /** Python's level names: SUBDEBUG for TRACE, SUBWARNING has no Java twin. */
    private static String pythonName(Level level) {
        return switch (level) {
            case TRACE -> "SUBDEBUG";
            case DEBUG -> "DEBUG";
            case INFO -> "INFO";
            case WARNING -> "WARNING";
            case ERROR -> "ERROR";
            default -> level.getName();
        };
    }
}
