import dev.mp4j.Multiprocessing;
import dev.mp4j.connection.Client;
import dev.mp4j.connection.Connection;
import dev.mp4j.connection.Listener;
import dev.mp4j.connection.Pipe;
import dev.mp4j.manager.SyncManager;
import dev.mp4j.pool.ProcessPool;
import dev.mp4j.process.JvmProcess;
import dev.mp4j.queue.JoinableProcessQueue;
import dev.mp4j.queue.ProcessQueue;
import dev.mp4j.queue.SimpleProcessQueue;
import dev.mp4j.shared.SharedArray;
import dev.mp4j.shared.Value;
import dev.mp4j.shm.SharedMemory;
import dev.mp4j.sync.ProcessBarrier;
import dev.mp4j.sync.ProcessCondition;
import dev.mp4j.sync.ProcessEvent;
import dev.mp4j.sync.ProcessLock;
import dev.mp4j.sync.ProcessSemaphore;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs each kind of object through create-use-close cycles and reports what this JVM holds
 * afterwards (open files, threads, mappings, segments in /dev/shm): what a cycle leaves behind
 * grows with the number of cycles; what a first use sets up once does not.
 *
 * <pre>
 * ./mvnw -q -o install -DskipTests
 * java --enable-native-access=ALL-UNNAMED -cp mp4j-cli/target/mp4j.jar docs/probes/LeakSoak.java [rounds]
 * </pre>
 */
public class LeakSoak {
    interface Step {
        void run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        String only = args.length > 1 ? args[1] : null;
        Map<String, Step> steps = new java.util.LinkedHashMap<>();
        steps.put("pipe+child", () -> {
            Pipe pipe = Pipe.open();
            Connection right = pipe.right();
            JvmProcess p = new JvmProcess(() -> right.send("hi"));
            p.start();
            pipe.left().recv();
            p.join();
            p.close();
            pipe.left().close();
            pipe.right().close();
        });
        steps.put("queue+child", () -> {
            ProcessQueue<Object> q = ProcessQueue.create();
            JvmProcess p = new JvmProcess(() -> {
                q.put(new byte[3 << 20]);
                q.put(1);
            });
            p.start();
            q.take();
            q.take();
            p.join();
            q.close();
        });
        steps.put("queue+killed", () -> {
            ProcessQueue<Object> q = ProcessQueue.create();
            q.put(new byte[3 << 20]);
            JvmProcess p = new JvmProcess(() -> {
                q.put(2);
                Thread.sleep(60_000);
            });
            p.start();
            q.take();
            q.take();
            p.kill();
            p.join();
            q.close();
        });
        steps.put("shm+child", () -> {
            SharedMemory m = SharedMemory.create(1 << 20);
            SharedArray a = SharedArray.of(SharedArray.Type.INT, 1000);
            ProcessLock l = ProcessLock.create();
            JvmProcess p = new JvmProcess(() -> {
                l.lock();
                try {
                    m.buf().set(java.lang.foreign.ValueLayout.JAVA_BYTE, 0, (byte) 1);
                    a.setInt(0, 1);
                } finally {
                    l.unlock();
                }
            });
            p.start();
            p.join();
            m.close();
            m.unlink();
        });
        steps.put("pool timeout", () -> {
            try (ProcessPool pool = ProcessPool.create(ProcessPool.Options.defaults().withProcesses(1)
                    .withTaskTimeout(Duration.ofMillis(300)))) {
                Pipe pipe = Pipe.open();
                Connection right = pipe.right();
                try {
                    pool.apply(() -> {
                        right.send(1);
                        Thread.sleep(10_000);
                        return 1;
                    });
                } catch (Exception expected) {
                    // timed out: the worker was killed
                }
                pipe.left().recv();
                pipe.left().close();
                pipe.right().close();
            }
        });
        steps.put("grandchild", () -> {
            Pipe pipe = Pipe.open();
            Connection right = pipe.right();
            JvmProcess p = new JvmProcess(() -> {
                JvmProcess inner = new JvmProcess(() -> right.send("from below"));
                inner.start();
                inner.join();
            });
            p.start();
            pipe.left().recv();
            pipe.left().close();
            pipe.right().close();
            p.join();
        });
        steps.put("forkserver", () -> {
            Pipe pipe = Pipe.open();
            Connection right = pipe.right();
            JvmProcess p = Multiprocessing.getContext("forkserver").process(() -> right.send(1));
            p.start();
            pipe.left().recv();
            p.join();
            pipe.left().close();
            pipe.right().close();
        });
        steps.put("pool maxtasks", () -> {
            try (ProcessPool pool = ProcessPool.create(ProcessPool.Options.defaults().withProcesses(2).withMaxTasksPerChild(1))) {
                Pipe pipe = Pipe.open();
                Connection right = pipe.right();
                pool.map(x -> {
                    right.send(x);
                    return x;
                }, List.of(1, 2, 3, 4), 1);
                for (int i = 0; i < 4; i++) {
                    pipe.left().recv();
                }
                pipe.left().close();
                pipe.right().close();
            }
        });
        steps.put("proxy+child", () -> {
            try (SyncManager m = Multiprocessing.manager()) {
                Map<String, Integer> d = m.dict();
                ProcessQueue<Object> q = ProcessQueue.create();
                JvmProcess p = new JvmProcess(() -> {
                    d.put("x", 1);
                    q.put(d.get("x"));
                });
                p.start();
                q.take();
                p.join();
                q.close();
            }
        });
        steps.put("pipes x50", () -> {
            for (int i = 0; i < 50; i++) {
                Pipe pipe = Pipe.open();
                pipe.left().send(i);
                pipe.right().recv();
                pipe.left().close();
                pipe.right().close();
            }
        });
        steps.put("queues x20", () -> {
            for (int i = 0; i < 20; i++) {
                ProcessQueue<Object> q = ProcessQueue.create();
                q.put(new byte[2 << 20]);   // spilled to a segment of its own
                q.put(i);
                q.take();
                q.take();
                q.close();
                SimpleProcessQueue<Object> s = SimpleProcessQueue.create();
                s.put(i);
                s.get();
                s.close();
                JoinableProcessQueue<Object> j = JoinableProcessQueue.create();
                j.put(i);
                j.take();
                j.taskDone();
                j.join();
                j.close();
            }
        });
        steps.put("sync x200", () -> {
            for (int i = 0; i < 200; i++) {
                ProcessLock l = ProcessLock.create();
                l.lock();
                l.unlock();
                ProcessSemaphore.create(2).release();
                ProcessEvent.create().set();
                ProcessCondition.create();
                ProcessBarrier.create(1).await();
                Value.ofInt(i).set(i + 1);
                SharedArray.of(SharedArray.Type.DOUBLE, 64);
            }
        });
        steps.put("shm x100", () -> {
            for (int i = 0; i < 100; i++) {
                SharedMemory m = SharedMemory.create(1 << 16);
                SharedMemory other = SharedMemory.attach(m.name());
                other.close();
                m.close();
                m.unlink();
            }
        });
        steps.put("pool", () -> {
            try (ProcessPool pool = ProcessPool.create(2)) {
                pool.map(x -> x * x, List.of(1, 2, 3, 4));
                pool.apply(() -> 1);
            }
        });
        steps.put("manager", () -> {
            try (SyncManager m = Multiprocessing.manager()) {
                Map<String, Integer> d = m.dict();
                d.put("a", 1);
                m.queue().put(1);
                m.lock().acquire();
            }
        });
        steps.put("listener x20", () -> {
            byte[] key = "k".getBytes();
            try (Listener l = Listener.open(new InetSocketAddress("127.0.0.1", 0), key)) {
                for (int i = 0; i < 20; i++) {
                    Thread t = Thread.ofPlatform().start(() -> {
                        try (Connection c = l.accept()) {
                            c.send(c.recv());
                        } catch (Exception e) {
                            throw new RuntimeException(e);
                        }
                    });
                    try (Connection c = Client.connect(l.address(), key)) {
                        c.send("x");
                        c.recv();
                    }
                    t.join();
                }
            }
        });
        if (only != null) {
            steps.keySet().retainAll(List.of(only.split(",")));
        }
        for (int r = 0; r <= rounds; r++) {
            for (var e : steps.entrySet()) {
                e.getValue().run();
            }
            System.gc();
            Thread.sleep(1500);   // background unmapping and reclaiming have their pauses
            System.gc();
            Thread.sleep(500);
            System.out.printf("round %d: %s%n", r, snapshot());
        }
        for (var e : steps.entrySet()) {
            Map<String, Long> before = snapshotMap();
            for (int i = 0; i < 3; i++) {
                e.getValue().run();
            }
            System.gc();
            Thread.sleep(1500);
            System.gc();
            Thread.sleep(500);
            System.out.printf("%-14s 3 more: %s -> %s%n", e.getKey(), before, snapshotMap());
        }
    }

    static String snapshot() throws IOException {
        return snapshotMap().toString();
    }

    static Map<String, Long> snapshotMap() throws IOException {
        Map<String, Long> m = new java.util.LinkedHashMap<>();
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            m.put("fds", s.count());
        }
        m.put("threads", (long) Thread.getAllStackTraces().size());
        try (Stream<Path> s = Files.list(Path.of("/proc/self/task"))) {
            m.put("tasks", s.count());
        }
        m.put("maps", (long) Files.readAllLines(Path.of("/proc/self/maps")).size());
        try (Stream<Path> s = Files.list(Path.of("/dev/shm"))) {
            List<String> names = s.filter(p -> p.getFileName().toString().startsWith("mp4j-")).sorted().map(p -> p.getFileName() + ":" + p.toFile().length()).toList();
            m.put("shm", (long) names.size());
            if (Boolean.getBoolean("soak.names")) {
                System.out.println("  /dev/shm: " + names);
            }
        }
        m.put("children", (long) ProcessHandle.current().descendants().count());
        return m;
    }
}
