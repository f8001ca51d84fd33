import dev.mp4j.process.JvmProcess;
import dev.mp4j.queue.ProcessQueue;
import dev.mp4j.queue.SimpleProcessQueue;
import dev.mp4j.shared.IntValue;
import dev.mp4j.shared.Value;
import dev.mp4j.sync.ProcessLock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;

/**
 * Kills producers, consumers and lock holders with SIGKILL at random moments of their work, and
 * checks after each kill that the survivors still make progress (nothing stays locked by the
 * dead), and at the end that the queue and the lock still serve this process.
 *
 * <pre>
 * ./mvnw -q -o install -DskipTests
 * java --enable-native-access=ALL-UNNAMED -cp mp4j-cli/target/mp4j.jar docs/probes/KillStorm.java [kills] [queue|simple|lock|manager]
 * </pre>
 */
public class KillStorm {
    public static void main(String[] args) throws Exception {
        int kills = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        String what = args.length > 1 ? args[1] : "queue";
        Random random = new Random(42);
        switch (what) {
            case "queue", "simple" -> queues(kills, random, what.equals("simple"));
            case "lock" -> locks(kills, random);
            case "manager" -> managed(kills, random);
            default -> throw new IllegalArgumentException(what);
        }
    }

    static void queues(int kills, Random random, boolean simple) throws Exception {
        ProcessQueue<Object> q = simple ? null : ProcessQueue.create(64);
        SimpleProcessQueue<Object> s = simple ? SimpleProcessQueue.create() : null;
        IntValue consumed = Value.ofInt(0);
        List<JvmProcess> producers = new ArrayList<>();
        List<JvmProcess> consumers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            producers.add(producer(q, s, random.nextBoolean()));
            consumers.add(consumer(q, s, consumed));
        }
        for (int k = 0; k < kills; k++) {
            Thread.sleep(100 + random.nextInt(400));
            List<JvmProcess> side = random.nextBoolean() ? producers : consumers;
            int i = random.nextInt(side.size());
            side.get(i).kill();
            side.get(i).join();
            side.set(i, side == producers ? producer(q, s, random.nextBoolean()) : consumer(q, s, consumed));
            int before = consumed.get();
            long t0 = System.nanoTime();
            while (consumed.get() < before + 50) {
                if (System.nanoTime() - t0 > 10_000_000_000L) {
                    System.out.printf("kill %d: STUCK: consumed %d -> %d in 10 s%n", k, before, consumed.get());
                    dump(producers, consumers);
                    System.exit(1);
                }
                Thread.sleep(5);
            }
            System.out.printf("kill %d: progress %d -> %d in %.0f ms%n", k, before, consumed.get(), (System.nanoTime() - t0) / 1e6);
        }
        for (JvmProcess p : producers) {
            p.kill();
            p.join();
        }
        for (JvmProcess p : consumers) {
            p.kill();
            p.join();
        }
        // This process can still use the queue: drain what is left, then a round trip.
        int drained = 0;
        long t0 = System.nanoTime();
        while (true) {
            Object item = simple ? pollSimple(s) : q.poll(Duration.ofMillis(200).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            if (item == null) {
                break;
            }
            drained++;
        }
        for (int i = 0; i < 1000; i++) {
            if (simple) {
                s.put(i);
            } else if (!q.offer(i, 5, java.util.concurrent.TimeUnit.SECONDS)) {
                System.out.println("STUCK: the parent cannot put");
                System.exit(1);
            }
            Object back = simple ? s.get(Duration.ofSeconds(5)) : q.poll(5, java.util.concurrent.TimeUnit.SECONDS);
            if (!Integer.valueOf(i).equals(back)) {
                System.out.println("WRONG: put " + i + ", got " + back);
                System.exit(1);
            }
        }
        System.out.printf("after %d kills: drained %d in %.0f ms, then 1000 round trips: fine%n", kills, drained,
                (System.nanoTime() - t0) / 1e6);
        if (simple) {
            s.close();
        } else {
            q.close();
        }
    }

    static Object pollSimple(SimpleProcessQueue<Object> s) throws InterruptedException {
        try {
            return s.get(Duration.ofMillis(200));
        } catch (dev.mp4j.queue.QueueEmptyException e) {
            return null;
        }
    }

    static JvmProcess producer(BlockingQueue<Object> q, SimpleProcessQueue<Object> s, boolean large) {
        JvmProcess p = new JvmProcess(() -> {
            Object item = large ? new byte[300_000] : "item";
            while (true) {
                if (s != null) {
                    s.put(item);
                } else {
                    q.put(item);
                }
            }
        });
        p.start();
        return p;
    }

    static JvmProcess consumer(BlockingQueue<Object> q, SimpleProcessQueue<Object> s, IntValue consumed) {
        JvmProcess p = new JvmProcess(() -> {
            while (true) {
                Object item = s != null ? s.get() : q.take();
                if (item != null) {
                    consumed.getLock().lock();
                    try {
                        consumed.set(consumed.get() + 1);
                    } finally {
                        consumed.getLock().unlock();
                    }
                }
            }
        });
        p.start();
        return p;
    }

    static void locks(int kills, Random random) throws Exception {
        ProcessLock lock = ProcessLock.create();
        IntValue rounds = Value.ofInt(0, false);
        List<JvmProcess> holders = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            holders.add(locker(lock, rounds));
        }
        for (int k = 0; k < kills; k++) {
            Thread.sleep(100 + random.nextInt(400));
            int i = random.nextInt(holders.size());
            holders.get(i).kill();
            holders.get(i).join();
            holders.set(i, locker(lock, rounds));
            int before = rounds.get();
            long t0 = System.nanoTime();
            while (rounds.get() < before + 50) {
                if (System.nanoTime() - t0 > 10_000_000_000L) {
                    System.out.printf("kill %d: STUCK at %d rounds, lock %s%n", k, rounds.get(), lock);
                    System.exit(1);
                }
                Thread.sleep(5);
            }
            System.out.printf("kill %d: progress %d -> %d in %.0f ms%n", k, before, rounds.get(), (System.nanoTime() - t0) / 1e6);
        }
        for (JvmProcess p : holders) {
            p.kill();
            p.join();
        }
        if (!lock.tryLock(5, java.util.concurrent.TimeUnit.SECONDS)) {
            System.out.println("STUCK: the parent cannot take the lock: " + lock);
            System.exit(1);
        }
        lock.unlock();
        System.out.println("after " + kills + " kills: the lock is free");
    }

    static JvmProcess locker(ProcessLock lock, IntValue rounds) {
        JvmProcess p = new JvmProcess(() -> {
            while (true) {
                lock.lock();
                try {
                    rounds.set(rounds.get() + 1);
                    Thread.onSpinWait();
                } finally {
                    lock.unlock();
                }
            }
        });
        p.start();
        return p;
    }

    /** Clients of one manager putting, getting and taking its lock, killed at random. */
    static void managed(int kills, Random random) throws Exception {
        try (dev.mp4j.manager.SyncManager m = dev.mp4j.Multiprocessing.manager()) {
            dev.mp4j.manager.ManagedQueue<Object> q = m.queue();
            dev.mp4j.manager.ManagedMap<String, Integer> d = m.dict();
            dev.mp4j.manager.ManagedLock lock = m.lock();
            dev.mp4j.manager.ManagedValue<Integer> done = m.value(0);
            List<JvmProcess> clients = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                clients.add(client(q, d, lock, done, i));
            }
            for (int k = 0; k < kills; k++) {
                Thread.sleep(200 + random.nextInt(400));
                int i = random.nextInt(clients.size());
                clients.get(i).kill();
                clients.get(i).join();
                clients.set(i, client(q, d, lock, done, i));
                int before = done.get();
                long t0 = System.nanoTime();
                while (done.get() < before + 20) {
                    if (System.nanoTime() - t0 > 15_000_000_000L) {
                        System.out.printf("kill %d: STUCK at %d, lock held: %b%n", k, done.get(), lock.isLocked());
                        System.exit(1);
                    }
                    Thread.sleep(5);
                }
                System.out.printf("kill %d: progress %d -> %d in %.0f ms, objects in the manager %d%n", k, before,
                        done.get(), (System.nanoTime() - t0) / 1e6, m.numberOfObjects());
            }
            for (JvmProcess p : clients) {
                p.kill();
                p.join();
            }
            System.out.println("after " + kills + " kills: the lock is free: " + lock.acquire(true, Duration.ofSeconds(5)));
            lock.release();
        }
    }

    static JvmProcess client(dev.mp4j.manager.ManagedQueue<Object> q, dev.mp4j.manager.ManagedMap<String, Integer> d,
                             dev.mp4j.manager.ManagedLock lock, dev.mp4j.manager.ManagedValue<Integer> done, int n) {
        JvmProcess p = new JvmProcess(() -> {
            while (true) {
                q.put(n);
                q.get();
                lock.acquire();
                try {
                    d.merge("k" + n, 1, Integer::sum);
                    done.set(done.get() + 1);
                } finally {
                    lock.release();
                }
            }
        });
        p.start();
        return p;
    }

    static void dump(List<JvmProcess> producers, List<JvmProcess> consumers) {
        System.out.println("producers " + producers + ", consumers " + consumers);
    }
}
