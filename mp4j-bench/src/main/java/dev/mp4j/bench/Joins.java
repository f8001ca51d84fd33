package dev.mp4j.bench;

import dev.mp4j.process.JvmProcess;

/** Joins a figure's child and checks that it did its part, as the CPython harness's join_all does. */
final class Joins {
    private Joins() {
    }

    static void joinOk(JvmProcess p) {
        p.join();
        if (p.exitCode() == null || p.exitCode() != 0) {
            throw new IllegalStateException("child " + p.name() + " exited with code " + p.exitCode());
        }
    }
}
