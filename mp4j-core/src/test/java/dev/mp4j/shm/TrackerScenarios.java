package dev.mp4j.shm;

import dev.mp4j.connection.Pipe;
import dev.mp4j.process.JvmProcess;

/** Programs whose shared memory {@link ResourceTrackerTest} watches from outside. */
final class TrackerScenarios {
    private TrackerScenarios() {
    }

    /** Creates segments (generated and explicit names, a pipe, one from a child), prints them, then waits to be killed. */
    static final class CreateAndWait {
        public static void main(String[] args) throws Exception {
            SharedMemory generated = SharedMemory.create(4096);
            SharedMemory named = SharedMemory.create(args[0], 4096);
            Pipe pipe = Pipe.open();
            Pipe back = Pipe.open();
            var out = back.right();
            JvmProcess child = new JvmProcess(() -> out.send(SharedMemory.create(4096).name()));
            child.start();
            String fromChild = (String) back.left().recv();
            child.join();
            System.out.println(generated.name() + " " + named.name() + " " + fromChild + " " + pipe.left());
            System.out.println("ready");
            System.out.flush();
            if (args.length > 1 && args[1].equals("exit")) {
                return;
            }
            Thread.sleep(120_000);
        }
    }

    /**
     * Creates an untracked segment (Python's track=False) and a tracked one, prints the tracked
     * one's name, and exits: the untracked one must outlive this tree, the other must not.
     */
    static final class CreateUntracked {
        public static void main(String[] args) {
            SharedMemory tracked = SharedMemory.create(4096);
            try (SharedMemory shm = SharedMemory.create(args[0], 4096, false)) {
                shm.buf().set(java.lang.foreign.ValueLayout.JAVA_BYTE, 0, (byte) 42);
                System.out.println("created " + shm.name() + " " + tracked.name());
            }
        }
    }

    /** Attaches to a segment it did not create, then exits: it must not unlink it. */
    static final class AttachOnly {
        public static void main(String[] args) {
            try (SharedMemory shm = SharedMemory.attach(args[0])) {
                System.out.println("attached " + shm.size());
            }
        }
    }

    /**
     * A child that keeps making shared memory (and never frees it) while the test SIGKILLs this
     * main process: what it makes after its parent died must go with the tree too.
     */
    static final class ChildKeepsCreating {
        public static void main(String[] args) throws Exception {
            Pipe back = Pipe.open();
            var out = back.right();
            JvmProcess child = new JvmProcess(() -> {
                out.send(ProcessHandle.current().pid());
                java.util.List<SharedMemory> kept = new java.util.ArrayList<>();
                // Bounded, should it outlive the test: 30 s of it.
                for (int i = 0; i < 15_000; i++) {
                    kept.add(SharedMemory.create(4096));
                    Thread.sleep(2);
                }
            });
            child.start();
            System.out.println(dev.mp4j.shm.ResourceTracker.treePrefix() + " " + back.left().recv());
            System.out.flush();
            Thread.sleep(120_000);
        }
    }
}
