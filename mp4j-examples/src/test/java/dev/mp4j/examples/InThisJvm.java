package dev.mp4j.examples;

import dev.mp4j.process.JvmProcess;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * Runs a demo's {@code main} in the test's own JVM, for what its output cannot show: which lines
 * this process printed (a child's print goes to the inherited stdout, not to the captured
 * {@code System.out}), and which children it left running (terminated and joined here).
 */
public final class InThisJvm {
    /** What a run printed through this JVM's {@code System.out}, and the children it started that were still alive. */
    public record Run(List<String> printed, List<JvmProcess> leftRunning) {
    }

    /** A demo's main. */
    public interface Main {
        void run() throws Exception;
    }

    private InThisJvm() {
    }

    public static Run run(Main main) throws Exception {
        Set<JvmProcess> before = Set.copyOf(JvmProcess.activeChildren());
        PrintStream out = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        List<JvmProcess> started;
        try {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            main.run();
        } finally {
            System.setOut(out);
            started = JvmProcess.activeChildren().stream().filter(p -> !before.contains(p)).toList();
            started.forEach(JvmProcess::terminate);
            started.forEach(JvmProcess::join);
        }
        return new Run(printed.toString(StandardCharsets.UTF_8).lines().toList(), started);
    }
}
