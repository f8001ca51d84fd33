package dev.mp4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The stderr filter must drop only the JVM's start-up termination noise, never a demo's own errors. */
class DemoRunnerTest {
    private static DemoRunner.Result withStderr(String stderr) {
        return new DemoRunner.Result("x", 1, 0, List.of(), stderr, 0);
    }

    @Test
    void dropsWhatAJvmTerminatedDuringStartupPrints() {
        String noise = """
                Runtime.exit(143) logging failed: Cannot invoke "java.lang.Module.getClassLoader()" because "m" is null
                Error occurred during initialization of VM
                java.lang.InternalError: Bad level: 3
                \tat jdk.internal.misc.VM.initLevel(java.base@25.0.3/VM.java:64)
                \tat java.lang.System.initPhase3(java.base@25.0.3/System.java:1984)

                """;
        assertEquals("", withStderr(noise).stderrWithoutChildStartupTermination());
    }

    @Test
    void keepsADemosException() {
        String error = """
                Process Piao-1:
                java.lang.IllegalStateException: boom
                \tat dev.mp4j.examples.process.TerminateIsAlive$Piao.run(TerminateIsAlive.java:70)
                \tat dev.mp4j.process.ChildMain.main(ChildMain.java:66)
                """;
        assertEquals(error, withStderr("Runtime.exit(143) logging failed: x\n" + error)
                .stderrWithoutChildStartupTermination());
    }
}
