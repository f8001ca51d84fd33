package dev.mp4j.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * What a failing test reports about a process that should be gone: its kernel state and parent
 * (from /proc) and its threads' stacks (from {@code jcmd}), so a rare failure in CI says why.
 */
public final class ProcessDiagnostics {
    private ProcessDiagnostics() {
    }

    /**
     * Whether {@code pid} still runs: not gone, and not a zombie. A process that exited stays a
     * zombie until its parent reaps it; an orphan's new parent here (pid 1 of the sandbox) can
     * take seconds to, and {@link ProcessHandle#isAlive()} counts a zombie as alive.
     */
    public static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException | RuntimeException gone) {
            return false;
        }
    }

    /** The state, parent pid and thread stacks of {@code pid}, as text for an assertion message. */
    public static String describe(long pid) {
        StringBuilder out = new StringBuilder();
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("State:") || line.startsWith("PPid:") || line.startsWith("Threads:")) {
                    out.append(line).append('\n');
                }
            }
        } catch (IOException e) {
            out.append("no /proc entry: ").append(e.getMessage()).append('\n');
        }
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "Thread.print")
                    .redirectErrorStream(true).start();
            byte[] text = p.getInputStream().readAllBytes();
            p.waitFor(10, TimeUnit.SECONDS);
            out.append(new String(text, StandardCharsets.UTF_8));
        } catch (IOException e) {
            out.append("jcmd failed: ").append(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out.toString();
    }
}
