package dev.mp4j.pool;

/** Whole programs for pool tests that need a JVM of their own (a small heap, say). */
final class PoolScenarios {
    private PoolScenarios() {
    }

    /**
     * Run with a heap too small for the result it asks for: that task fails, the pool goes on.
     * Prints what the first task ended with, then the second task's result.
     */
    static final class ResultTooLargeForTheParent {
        public static void main(String[] args) throws Exception {
            try (ProcessPool pool = ProcessPool.create(1)) {
                long before = pool.apply(() -> ProcessHandle.current().pid());
                try {
                    pool.apply(() -> new byte[200 << 20]);
                    System.out.println("first: returned");
                } catch (Exception e) {
                    System.out.println("first: " + e.getClass().getSimpleName() + ": " + e.getMessage());
                }
                System.out.println("second: " + pool.apply(() -> 7));
                long after = pool.apply(() -> ProcessHandle.current().pid());
                System.out.println(before == after ? "same worker" : "worker replaced: " + before + " then " + after);
            }
        }
    }
}
