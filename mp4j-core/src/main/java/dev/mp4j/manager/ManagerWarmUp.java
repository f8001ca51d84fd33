package dev.mp4j.manager;

import dev.mp4j.serial.SafeSerializer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Runs the manager's client and server paths for a while, in one process, through a real socket
 * and shared-memory pipe: what the JVM's ahead-of-time cache training does, so that children
 * load these classes from the cache and compile the hot calls early. Not for applications.
 */
public final class ManagerWarmUp {
    private static final int HOT_ITERATIONS = 20_000;
    private static final int CONNECTS = 300;
    /**
     * Short client sessions after the long one. With only the one session, the server's compiled
     * loop met each new child's upgrade to a pipe, and each leaving child's end of file, as paths
     * it had never seen, and threw its compilation away at the first of each
     * (-XX:+LogCompilation of a manager serving five children in turn).
     */
    private static final int SESSIONS = 40;

    private ManagerWarmUp() {
    }

    /** Serves a manager on a background thread and drives it as a child process would. */
    public static void exercise() throws Throwable {
        SyncManager manager = new SyncManager();
        ManagerServer server = manager.server();
        Thread serving = Daemons.start("mp4j-warm-up-manager", server::serveForever);
        try {
            Endpoint client = Endpoint.viaSocket(server.addressKey(), manager.authkey());
            ManagedMap<Integer, Integer> dict = proxy(client, "dict", ManagedMap.class);
            ManagedList<Integer> list = proxy(client, "list", ManagedList.class);
            ManagedQueue<Integer> queue = proxy(client, "Queue", ManagedQueue.class);
            ManagedLock lock = proxy(client, "Lock", ManagedLock.class);
            Namespace ns = proxy(client, "Namespace", Namespace.class);
            ManagedValue<Integer> value = proxy(client, "Value", ManagedValue.class, 0);
            for (int i = 0; i < HOT_ITERATIONS; i++) {
                dict.put(i % 1000, i);
                dict.get(i % 1000);
                list.add(i);
                queue.put(i);
                queue.get();
                lock.acquire();
                lock.release();
                ns.set("x", i);
                ns.get("x");
                value.set(i);
                value.get();
            }
            for (int s = 0; s < SESSIONS; s++) {
                Endpoint visitor = Endpoint.viaSocket(server.addressKey(), manager.authkey());
                ManagedMap<Integer, Integer> own = proxy(visitor, "dict", ManagedMap.class);
                for (int i = 0; i < 50; i++) {
                    own.put(i, i);
                    own.get(i);
                    dict.get(i);
                }
                // Closes the visitor's connections: the server sees the session end and drops
                // the dict the session owned.
                visitor.markGone();
            }
            queueBetweenTwoClients(server, manager);
            dict.merge(1, 1, Integer::sum);
            list.size();
            list.toString();
            queue.qsize();
            byte[] token = SafeSerializer.javaSerialize(dict);
            Object copy = dev.mp4j.serial.Serializer.standard().deserialize(token, 0, token.length);
            ((ManagedMap<?, ?>) copy).size();
        } finally {
            server.close();
            serving.join(1000);
        }
        exerciseRemote();
    }

    /**
     * One client waits in a queue's {@code get} (in the server) while another puts, as a consumer
     * child and a producer child do: the server's blocking and signalling paths get profiles too
     * (without them its compiled queue code was thrown away at the first waiting consumer).
     */
    @SuppressWarnings("unchecked")
    private static void queueBetweenTwoClients(ManagerServer server, SyncManager manager) throws Throwable {
        Endpoint producer = Endpoint.viaSocket(server.addressKey(), manager.authkey());
        Endpoint consumer = Endpoint.viaSocket(server.addressKey(), manager.authkey());
        Endpoint.Created created = producer.create("Queue", new Object[0]);
        ManagedQueue<Integer> puts = ProxyHandler.created(producer, created.id(), "Queue", ManagedQueue.class);
        ManagedQueue<Integer> gets = ProxyHandler.handedOver(consumer, created.id(), "Queue", ManagedQueue.class,
                producer.ticket(created.id()));
        int n = 5_000;
        Thread taker = Daemons.start("mp4j-warm-up-consumer", () -> {
            try {
                for (int i = 0; i < n; i++) {
                    gets.get();
                }
            } catch (InterruptedException | RuntimeException e) {
                // training only
            }
        });
        for (int i = 0; i < n; i++) {
            puts.put(i);
            if (i % 500 == 499) {
                Thread.sleep(1); // the consumer waits in the server meanwhile
            }
        }
        taker.join(60_000);
        producer.markGone();
        consumer.markGone();
    }

    /**
     * A remote manager's client: connects over TCP with the authkey handshake (HMAC-SHA256 both
     * ways) many times, then drives a registered {@link BlockingQueue}, so a fresh child's first
     * {@code connect()} and first proxy find their classes and profiles in the cache.
     */
    private static void exerciseRemote() throws Throwable {
        byte[] key = "mp4j-warm-up".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        ManagerServer server = new BaseManager(new java.net.InetSocketAddress("127.0.0.1", 0), key)
                .register("get_queue", BlockingQueue.class, args -> new LinkedBlockingQueue<>())
                .server();
        Thread serving = Daemons.start("mp4j-warm-up-remote-manager", server::serveForever);
        try {
            java.net.SocketAddress address = server.address();
            for (int i = 0; i < CONNECTS; i++) {
                new BaseManager(address, key).register("get_queue", BlockingQueue.class).connect();
            }
            Endpoint client = Endpoint.viaSocket(server.addressKey(), key);
            BlockingQueue<Integer> queue = proxy(client, "get_queue", BlockingQueue.class);
            for (int i = 0; i < HOT_ITERATIONS / 4; i++) {
                queue.put(i);
                queue.take();
            }
        } finally {
            server.close();
            serving.join(1000);
        }
    }

    private static <T> T proxy(Endpoint client, String typeId, Class<?> exposed, Object... args) throws Throwable {
        Endpoint.Created created = client.create(typeId, args);
        @SuppressWarnings("unchecked")
        T proxy = (T) ProxyHandler.created(client, created.id(), typeId, exposed);
        return proxy;
    }
}
