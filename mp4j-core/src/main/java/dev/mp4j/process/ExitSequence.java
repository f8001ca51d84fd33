package dev.mp4j.process;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * What runs at a normal exit after this process's children are dealt with (CPython's exit
 * function: daemon children terminated, the others joined), in the order CPython closes a
 * process's handles only after that. Shutdown hooks of the JVM run all at once; an action here
 * waits for the children's hook first, so a child still reading from this process does not see
 * its handles closed under it. Internal plumbing, public for the packages whose handles it closes.
 *
 * <pre>{@code
 * ExitSequence.afterChildren(OpenEnds::closeAll);   // runs once, at a normal exit
 * }</pre>
 */
public final class ExitSequence {
    private static final List<Runnable> ACTIONS = new CopyOnWriteArrayList<>();
    /** Counted down when the children's exit hook is done; null while no child was started here. */
    private static volatile CountDownLatch childrenDone;
    private static boolean hookAdded;

    private ExitSequence() {
    }

    /**
     * Runs {@code action} at a normal exit of this JVM (not a signal's or a halt's), after the
     * children's exit function. An action added while the JVM exits does not run.
     */
    public static void afterChildren(Runnable action) {
        synchronized (ExitSequence.class) {
            if (!hookAdded) {
                try {
                    Runtime.getRuntime().addShutdownHook(new Thread(ExitSequence::run, "mp4j-exit-handles"));
                } catch (IllegalStateException exiting) {
                    return;
                }
                hookAdded = true;
            }
        }
        ACTIONS.add(action);
    }

    /** Called once by {@link Children} as it adds its exit hook, with the latch that hook counts down. */
    static void childrenHookAdded(CountDownLatch done) {
        childrenDone = done;
    }

    private static void run() {
        CountDownLatch done = childrenDone;
        if (done != null) {
            boolean interrupted = false;
            while (true) {
                try {
                    done.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        for (Runnable action : ACTIONS) {
            try {
                action.run();
            } catch (RuntimeException | Error e) {
                // one handle that cannot be closed must not keep the others open
            }
        }
    }
}
