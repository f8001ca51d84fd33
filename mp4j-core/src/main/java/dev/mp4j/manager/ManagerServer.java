package dev.mp4j.manager;

import dev.mp4j.connection.Connection;
import dev.mp4j.connection.Listener;
import dev.mp4j.serial.SafeSerializer;
import dev.mp4j.serial.Serializer;
import java.io.EOFException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The process side of a manager: holds the objects, serves proxies' calls, counts references.
 * Python's {@code multiprocessing.managers.Server}; get one from {@link BaseManager#server()} to
 * serve in this process, or let {@link BaseManager#start()} run one in a child process.
 *
 * <pre>{@code
 * BaseManager manager = new BaseManager(new InetSocketAddress("127.0.0.1", 5000), "abc".getBytes());
 * manager.register("get_task_queue", BlockingQueue.class, args -> tasks);
 * manager.server().serveForever();   // until close(), or an interrupt of this thread
 * }</pre>
 *
 * <h2>How it serves</h2>
 * Each connection is authenticated (the authkey handshake, on its own thread, so a peer that
 * connects and says nothing holds up nobody) and then served by one thread; a client keeps one
 * connection per thread, so a call that blocks here ({@code queue.get()}, {@code lock.acquire()})
 * blocks only its caller, and a reentrant lock's owner is in effect the client's thread.
 * A blocked call checks every 100 ms that its caller is still connected and gives up if not, so
 * an item is never taken for a dead client; it gives up the same way, and answers that it did,
 * when its caller was interrupted and asks for that (see {@link SyncManager}), unless what it
 * waited for came first: then it is answered as done. The waiting calls ({@code take},
 * {@code put}, {@code poll} and {@code offer} with a timeout) of a
 * {@link java.util.concurrent.BlockingQueue} a registered factory made itself, of a JDK class or
 * one that does not override them (as the seed's distributed example's
 * {@code LinkedBlockingQueue}), are served the same way; an item such a queue had handed to a
 * caller found gone is put back (first in line in a deque, else last). Bytes that are not a well-formed request, a message
 * over the size limit, or a class outside the deserialization allow-list are refused with an
 * error (logged, via {@link System.Logger} {@code dev.mp4j.manager}); the server goes on serving.
 *
 * <h2>Reference counting</h2>
 * An object lives while some proxy names it. Creating an object gives the creating process one
 * reference; a proxy that travels takes a <em>ticket</em> (one reference held in transit), which
 * the receiving process claims on its first call; a proxy collected by the garbage collector gives
 * its reference back; and when every connection of a process has closed (it exited, or died) its
 * references are dropped. A ticket that is never claimed keeps its object until the server stops.
 */
public final class ManagerServer implements AutoCloseable {
    private static final Map<String, ManagerServer> LOCAL = new ConcurrentHashMap<>();
    private static final ThreadLocal<Session> CURRENT = new ThreadLocal<>();
    private static final ThreadLocal<Set<ReentrantLock>> HELD =
            ThreadLocal.withInitial(() -> Collections.newSetFromMap(new IdentityHashMap<>()));

    private static final ClassValue<Map<String, Method>> METHODS = new ClassValue<>() {
        @Override
        protected Map<String, Method> computeValue(Class<?> type) {
            Map<String, Method> byName = new HashMap<>();
            for (Method m : type.getMethods()) {
                byName.putIfAbsent(ProxyHandler.signature(m), m);
            }
            try {
                byName.putIfAbsent("toString()", Object.class.getMethod("toString"));
            } catch (NoSuchMethodException e) {
                throw new AssertionError(e);
            }
            return byName;
        }
    };

    private final Map<String, Registration> registry;
    private final Listener listener;
    private final String addressKey;
    private final Serializer serializer = Serializer.standard();
    private final Map<Long, Held> objects = new ConcurrentHashMap<>();
    /** Guards reference counts, tickets and owners. */
    private final Object refs = new Object();
    private final Map<Long, Long> tickets = new HashMap<>();
    private final Map<Long, Owner> owners = new HashMap<>();
    /**
     * Ids start at a random point, so a proxy left from an earlier server at the same address
     * finds no object of its id here instead of someone else's.
     */
    private final AtomicLong nextId = new AtomicLong(java.util.concurrent.ThreadLocalRandom.current().nextLong() >>> 2);
    private final AtomicLong nextTicket = new AtomicLong(java.util.concurrent.ThreadLocalRandom.current().nextLong() >>> 2);
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    /** Objects made here that have something to do when the server stops, freed or not. */
    private final java.util.concurrent.CopyOnWriteArrayList<ClosedWithServer> closers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Session localSession;
    private volatile boolean stopping;
    /** Taken by the one {@link #close()} that does the work. */
    private final java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();

    ManagerServer(Map<String, Registration> registry, SocketAddress address, byte[] authkey) throws IOException {
        this.registry = Map.copyOf(registry);
        this.listener = Listener.open(address, authkey);
        this.addressKey = Addresses.key(listener.address());
        this.localSession = new Session(this, null);
        hello(localSession, ProcessHandle.current().pid(), Endpoint.CLIENT_ID);
        LOCAL.put(addressKey, this);
    }

    /**
     * What a manager's child process runs: a plain class, not a lambda (a child spends
     * milliseconds spinning a class for a deserialized lambda) nor a record (the first record a
     * JVM deserializes costs it about 20 ms of method-handle spinning); the SyncManager types are
     * built here rather than sent.
     */
    static final class Launch implements dev.mp4j.serial.ProcessTarget {
        @java.io.Serial
        private static final long serialVersionUID = 1L;
        private final Map<String, Registration> registry;
        private final boolean syncBuiltins;
        private final String address;
        private final byte[] authkey;
        private final byte[] control;
        private final boolean answer;
        private final dev.mp4j.serial.ProcessTarget initializer;

        /**
         * {@code control} is the server's end of the control pipe, as handed over; with
         * {@code answer} the server sends its address there before it serves; {@code initializer}
         * (or null) runs in the server before it listens.
         */
        Launch(Map<String, Registration> registry, boolean syncBuiltins, String address, byte[] authkey, byte[] control,
               boolean answer, dev.mp4j.serial.ProcessTarget initializer) {
            this.registry = registry;
            this.syncBuiltins = syncBuiltins;
            this.address = address;
            this.authkey = authkey;
            this.control = control;
            this.answer = answer;
            this.initializer = initializer;
        }

        @Override
        public void run() throws Exception {
            if (initializer != null) {
                // Python's BaseManager.start(initializer): before serving. If it throws, the
                // server exits (its error on stderr) and start() says so.
                initializer.run();
            }
            if (answer) {
                runInChild(registry(syncBuiltins, registry), address, authkey, dev.mp4j.connection.Pipe.rebuild(control), null);
            } else {
                runInChild(registry(syncBuiltins, registry), address, authkey, null, control);
            }
        }
    }

    /**
     * A local manager's child with only the built-in types (or none): listens at {@code address}
     * and obeys the starting process's control pipe end, handed over as {@code control} (see
     * {@link dev.mp4j.connection.Pipe#reduce}).
     */
    static void launchLocal(boolean syncBuiltins, String address, byte[] authkey, byte[] control) throws IOException {
        runInChild(registry(syncBuiltins, Map.of()), address, authkey, null, control);
    }

    /**
     * {@link #launchLocal} as a lambda made in this class: the child looks its body up by
     * reflection, which resolves the signatures of every method of the lambda's class, and this
     * class's are needed in the server anyway, unlike BaseManager's.
     */
    static dev.mp4j.serial.ProcessTarget localLauncher(boolean syncBuiltins, String address, byte[] authkey, byte[] control) {
        return () -> launchLocal(syncBuiltins, address, authkey, control);
    }

    /** The types a manager's child serves: the built-in ones if asked, then the registered ones. */
    private static Map<String, Registration> registry(boolean syncBuiltins, Map<String, Registration> registered) {
        Map<String, Registration> all = new java.util.LinkedHashMap<>();
        if (syncBuiltins) {
            all.putAll(SyncManager.builtinRegistry());
        }
        all.putAll(registered);
        return all;
    }

    /**
     * Runs in a manager's child process: listens, tells the parent where (over {@code ready}, if
     * given), serves until shutdown. The starting process keeps a control channel to the server:
     * {@code ready} itself, or the pipe end {@code control} describes.
     */
    static void runInChild(Map<String, Registration> registry, String address, byte[] authkey, Connection ready,
                           byte[] control) throws IOException {
        // As CPython's server (bpo-36368): Ctrl-C at a terminal signals the whole process group,
        // and the program that started this server must still be able to use and shut it down
        // as it handles that. Off the start path: the link costs a fresh JVM milliseconds.
        Daemons.start("mp4j-manager-sigint", new IgnoreInterrupts());
        ManagerServer server;
        try {
            server = new ManagerServer(registry, address == null ? freshUnixAddress() : Addresses.parse(address), authkey);
        } catch (IOException | RuntimeException e) {
            if (ready == null) {
                throw e;
            }
            ready.send(new IOException("cannot listen on " + (address == null ? "a Unix socket" : address) + ": " + e.getMessage()));
            ready.close();
            return;
        }
        if (ready != null) {
            ready.send(server.addressKey);
            Daemons.start("mp4j-manager-control", () -> server.obey(ready));
        } else {
            if (control != null) {
                Daemons.start("mp4j-manager-control", () -> {
                    Connection end;
                    try {
                        end = dev.mp4j.connection.Pipe.rebuild(control);
                    } catch (IOException | RuntimeException e) {
                        // Its starting process will ask over a socket instead.
                        Log.LOG.log(System.Logger.Level.WARNING, "manager at " + server.addressKey
                                + " cannot open its control pipe: " + e.getMessage());
                        return;
                    }
                    server.obey(end);
                });
            }
        }
        // A class, not a method reference: linking one costs a server 1-2 ms on its way to ready.
        Daemons.start("mp4j-manager-collector", new ProxyCollector(server));
        server.serveForever();
    }

    /** Ignores SIGINT in this server process (see {@link #runInChild}); a class, for the reason ProxyCollector is. */
    private static final class IgnoreInterrupts implements Runnable {
        @Override
        public void run() {
            // Through the futex code's linked system call, which a server links anyway once its
            // first client comes: waited for, not started here, where the link's 30-70 ms of
            // CPU would compete with the server's start (manager_start, alternated three times:
            // 60 against 69 ms when this started it). libc's signal() only where that call is
            // not to be had.
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(2);
            while (dev.mp4j.shm.Futex.linkable() && !dev.mp4j.shm.Futex.available() && System.nanoTime() - deadline < 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
            }
            if (!dev.mp4j.shm.Futex.ignoreSignal(dev.mp4j.process.Signals.SIGINT, 5_000)) {
                dev.mp4j.process.Signals.ignore(dev.mp4j.process.Signals.SIGINT);
            }
        }
    }

    /**
     * In a manager's own server process: a proxy stored inside a managed object (a list in a
     * dict) is a real proxy here, holding its object's reference until it is collected; removed
     * from the dict, it is garbage that a quiet server might not collect for hours, and the
     * object it refers to stays (CPython frees it at once, by reference counting). So while this
     * process holds such proxies and serves calls, it collects: 2 s after new ones came, then
     * less and less often while collections free none (a dict that keeps its nested lists
     * costs a full collection a minute at most), and often again once one does.
     */
    private static final class ProxyCollector implements Runnable {
        private static final long FIRST_MILLIS = 2_000;
        private static final long MAX_MILLIS = 60_000;
        private final ManagerServer server;

        ProxyCollector(ManagerServer server) {
            this.server = server;
        }

        @Override
        public void run() {
            long interval = FIRST_MILLIS;
            long seenCalls = server.handled.get();
            long seenRebuilt = ProxyHandler.REBUILT.get();
            while (!server.stopping) {
                try {
                    Thread.sleep(interval);
                } catch (InterruptedException e) {
                    return;
                }
                long calls = server.handled.get();
                long rebuilt = ProxyHandler.REBUILT.get();
                long live = ProxyHandler.REBUILT_LIVE.get();
                if (rebuilt != seenRebuilt) {
                    interval = FIRST_MILLIS;   // new ones came: look soon
                }
                seenRebuilt = rebuilt;
                if (calls == seenCalls || live == 0) {
                    continue;
                }
                seenCalls = calls;
                System.gc();
                try {
                    Thread.sleep(100);   // the cleaner releases what the collection found
                } catch (InterruptedException e) {
                    return;
                }
                interval = ProxyHandler.REBUILT_LIVE.get() < live ? FIRST_MILLIS : Math.min(2 * interval, MAX_MILLIS);
            }
        }
    }

    /**
     * Serves the starting process's control channel until it closes: a shutdown asked there needs
     * no connection and no authkey handshake (a fresh connection is a server thread, a socket and
     * the server's first handshake, when a program starts a manager and soon stops it). The
     * channel is a pipe only the starting process and this one hold.
     */
    private void obey(Connection control) {
        try (control) {
            while (!stopping) {
                byte[] request = control.recvBytes();
                if (request.length == 1 && request[0] == Wire.SHUTDOWN) {
                    close();
                }
            }
        } catch (IOException | RuntimeException e) {
            // closed by the starting process (it shut the manager down, or ended)
        }
    }

    private static final java.util.concurrent.atomic.AtomicInteger SOCKETS = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * A Unix-domain socket in a fresh directory only this user can enter (removed when the server
     * closes). Named from the pid and a counter rather than by {@code Files.createTempDirectory},
     * whose random names cost a starting server the seeding of a SecureRandom; creating the
     * directory fails if the name is taken, and the next name is tried.
     */
    /** Socket directories this process named and that are not removed yet: removed at exit. */
    private static final java.util.Set<java.nio.file.Path> SOCKET_DIRECTORIES = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final java.util.concurrent.atomic.AtomicBoolean SOCKET_HOOK = new java.util.concurrent.atomic.AtomicBoolean();

    private static void rememberSocketDirectory(java.nio.file.Path dir) {
        SOCKET_DIRECTORIES.add(dir);
        if (SOCKET_HOOK.compareAndSet(false, true)) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                for (java.nio.file.Path d : SOCKET_DIRECTORIES) {
                    try {
                        java.nio.file.Files.deleteIfExists(d.resolve("socket"));
                        java.nio.file.Files.deleteIfExists(d);
                    } catch (IOException ignored) {
                        // an empty directory left in /tmp is harmless
                    }
                }
            }, "mp4j-manager-sockets"));
        }
    }

    /** A socket directory was removed: nothing to do for it at exit. */
    static void forgetSocketDirectory(java.nio.file.Path dir) {
        SOCKET_DIRECTORIES.remove(dir);
    }

    static SocketAddress freshUnixAddress() throws IOException {
        java.nio.file.Path tmp = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"));
        var ownerOnly = java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        for (int attempt = 0; ; attempt++) {
            java.nio.file.Path dir = tmp.resolve("mp4j-manager-" + ProcessHandle.current().pid() + "-" + SOCKETS.incrementAndGet()
                    + (attempt == 0 ? "" : "-" + Long.toHexString(System.nanoTime())));
            try {
                java.nio.file.Files.createDirectory(dir, ownerOnly);
                // Removed when the server closes, or by whoever shuts it down; and, for a server
                // that was never shut down (a daemon ended with its program), when this JVM exits.
                // Not File.deleteOnExit, whose list only grows: a program that starts and stops
                // many managers would keep every name till the end.
                rememberSocketDirectory(dir);
                return java.net.UnixDomainSocketAddress.of(dir.resolve("socket"));
            } catch (java.nio.file.FileAlreadyExistsException taken) {
                if (attempt > 100) {
                    throw taken;
                }
            }
        }
    }

    /** The address clients connect to (with the real port when port 0 was asked). */
    public SocketAddress address() {
        return listener.address();
    }

    String addressKey() {
        return addressKey;
    }

    /**
     * Serves until {@link #close()} is called (the serving manager's {@code shutdown()} calls it)
     * or this thread is interrupted (then the server closes, and the interrupt status stays
     * set). Clients that {@code connect()} cannot stop it.
     */
    public void serveForever() {
        if (dev.mp4j.process.MpLog.on(System.Logger.Level.INFO)) {
            dev.mp4j.process.MpLog.note(System.Logger.Level.INFO, "manager serving at " + address());
        }
        ExecutorService threads = Executors.newCachedThreadPool(Daemons.numbered("mp4j-manager-conn-"));
        listener.serve(threads, this::serve, e -> {
            if (!stopping) {
                Log.LOG.log(System.Logger.Level.WARNING, "manager at " + addressKey + " refused a connection: " + e.getMessage());
            }
        });
        if (Thread.currentThread().isInterrupted() && !stopping) {
            // serve() returned for the interrupt: stop serving for good, as a shutdown would.
            close();
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        threads.shutdownNow();
    }

    /**
     * Stops serving: closes the listener and every client connection. {@link #serveForever()}
     * returns before the listening socket itself is closed, which waits for the accepting thread
     * to wake: a manager's child ends then, on the way out of which the socket is closed anyway,
     * and nobody can connect once its file is gone.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        stopping = true;
        LOCAL.remove(addressKey, this);
        listener.unbind();
        if (listener.address() instanceof java.net.UnixDomainSocketAddress unix
                && unix.getPath().getParent().getFileName().toString().startsWith("mp4j-manager-")) {
            try {
                java.nio.file.Files.deleteIfExists(unix.getPath().getParent());
                forgetSocketDirectory(unix.getPath().getParent());
            } catch (IOException ignored) {
                // a leftover empty directory in /tmp is harmless
            }
        }
        // Calls being answered get a moment to send their answers: a put whose item the program
        // shutting down has just taken (the seed's manager exits on its last result) was cut
        // from its answer, and its caller could not tell a result delivered from one lost.
        // Calls still waiting (a get on an empty queue) are cut, after at most that moment.
        Session own = CURRENT.get();
        long deadline = System.nanoTime() + ANSWER_GRACE_NANOS;
        for (Session s : sessions) {
            while (s != own && s.inCall && System.nanoTime() - deadline < 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(200_000);
            }
        }
        for (Session s : sessions) {
            s.conn.close();
            if (s.pipe != null) {
                s.pipe.close();
            }
        }
        for (ClosedWithServer closer : closers) {
            try {
                closer.serverClosed();
            } catch (RuntimeException e) {
                Log.LOG.log(System.Logger.Level.WARNING, "manager at " + addressKey + ": " + e.getMessage());
            }
        }
        stopped.countDown();
        listener.close();
    }

    /** How long {@link #close} lets calls being answered finish sending their answers. */
    private static final long ANSWER_GRACE_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(100);

    /** How many objects the server holds now (Python's {@code number_of_objects}). */
    public int numberOfObjects() {
        return objects.size();
    }

    static ManagerServer local(String addressKey) {
        return LOCAL.get(addressKey);
    }

    /**
     * The object a proxy of a server running in this process stands for, or null (not a proxy,
     * another server's, or freed): what a factory given one of its own server's proxies works
     * on, as CPython's server rebuilds its own proxies, but without calling itself back.
     */
    static Object localReferent(Object proxy) {
        ProxyHandler handler = ProxyHandler.of(proxy);
        if (handler == null) {
            return null;
        }
        String key = handler.endpoint().addressKey;
        // The server serving this call first: a client names it by the address it reached it at
        // (127.0.0.1, or the host's own address, for a server bound to all of them).
        Session session = CURRENT.get();
        ManagerServer server = session != null && session.server.reachedAt(key) ? session.server : local(key);
        Held held = server == null ? null : server.objects.get(handler.id());
        return held == null ? null : held.referent;
    }

    /** Whether a client that reached a server at {@code key} reached this one. */
    boolean reachedAt(String key) {
        if (key.equals(addressKey)) {
            return true;
        }
        if (!key.startsWith("tcp:") || !addressKey.startsWith("tcp:")) {
            return false;
        }
        try {
            java.net.InetSocketAddress mine = (java.net.InetSocketAddress) Addresses.parse(addressKey);
            java.net.InetSocketAddress theirs = (java.net.InetSocketAddress) Addresses.parse(key);
            java.net.InetAddress host = theirs.getAddress();
            if (mine.getPort() != theirs.getPort() || host == null || mine.getAddress() == null) {
                return false;
            }
            // Bound to all addresses: reached at any of this host's. Else only at its own, which
            // the keys' equality above has already answered.
            return mine.getAddress().isAnyLocalAddress()
                    && (host.isLoopbackAddress() || host.isAnyLocalAddress() || java.net.NetworkInterface.getByInetAddress(host) != null);
        } catch (java.io.IOException | RuntimeException notAnAddress) {
            return false;
        }
    }

    /** Runs a request from this very process (a proxy whose server is here): same semantics, no socket. */
    byte[] handleLocal(byte[] request) {
        if (stopping) {
            throw new ManagerException("the manager at " + addressKey + " has shut down");
        }
        Endpoint.requestWent();
        byte[] reply = handle(request, localSession);
        if (request.length > 0 && request[0] == Wire.SHUTDOWN) {
            Daemons.start("mp4j-manager-shutdown", this::close);
        }
        return reply;
    }

    /**
     * Whether the client whose call this server thread is running has disconnected, or has
     * withdrawn the call ({@link Wire#CANCEL}; then {@link Session#cancelled} is set, and the
     * call is answered {@link Wire#CANCELLED} instead of the session ending).
     */
    static boolean callerGone() {
        Session s = CURRENT.get();
        if (s == null || s.conn == null) {
            return false;
        }
        if (s.cancelled) {
            return true;
        }
        return readSocket(s, true) || s.cancelled;
    }

    /**
     * Whether the client whose call this server thread is running has disconnected (its process
     * or channel ended), as opposed to having only withdrawn the call: then nobody will read the
     * answer, nor release what the call would take.
     */
    static boolean callerDisconnected() {
        Session s = CURRENT.get();
        return s != null && s.conn != null && readSocket(s, false);
    }

    /**
     * Reads what waits on a caller's socket while its call runs here: nothing but a
     * {@link Wire#CANCEL} comes there then (calls come through the pipe, if it has one), so
     * anything else readable is its end (the socket closes when the client's process or channel
     * ends). A withdrawal of this call marks the session cancelled, and with {@code stopAtCancel}
     * ends the look. Returns whether the caller has disconnected.
     */
    private static boolean readSocket(Session s, boolean stopAtCancel) {
        try {
            while (!s.conn.isClosed() && s.conn.poll(Duration.ZERO)) {
                // Whole within a bound: this thread may hold the object's monitor, and a client
                // that sent part of a frame and stopped would hold it, and every other client
                // of that object, for good. One that does is cut off (the connection closes).
                byte[] frame = dev.mp4j.connection.BoundedReceive.recvBytes(s.conn, 16, WITHDRAWAL_READ_BOUND);
                if (frame.length != 9 || frame[0] != Wire.CANCEL) {
                    return true;
                }
                Wire.In in = new Wire.In(frame);
                in.get();
                if (in.getLong() == s.requests) {
                    s.cancelled = true;
                    if (stopAtCancel) {
                        return false;
                    }
                }
                // a CANCEL of an earlier call, answered before it came: nothing to do
            }
            return s.conn.isClosed();
        } catch (IOException | RuntimeException | java.util.concurrent.TimeoutException e) {
            return true;
        }
    }

    /** How long a withdrawal ({@link Wire#CANCEL}) that has begun to arrive may take to arrive whole. */
    private static final Duration WITHDRAWAL_READ_BOUND = Duration.ofSeconds(1);

    /**
     * How often (in requests) a session with a pipe reads the withdrawals waiting on its socket:
     * one sent as its call was answered anyway stays unread there otherwise (only a waiting call
     * reads them), and enough of them would fill the socket and block the client's next one.
     */
    private static final int WITHDRAWALS_READ_EVERY = 64;

    /** Whether the caller of the call this thread serves withdrew it (and is still connected, as far as was seen). */
    static boolean callerWithdrew() {
        Session s = CURRENT.get();
        return s != null && s.cancelled && !s.conn.isClosed();
    }

    /** Notes that this thread holds a reentrant lock, to be released if its connection ends. */
    static void holding(ReentrantLock lock) {
        HELD.get().add(lock);
    }

    /**
     * This thread let go of a reentrant lock altogether: forgotten, so that a connection that
     * takes a new lock per task does not keep every one it ever took (and its object) alive.
     */
    static void notHolding(ReentrantLock lock) {
        HELD.get().remove(lock);
    }

    /** A plain lock {@code client} took was released: its end need not look at it (see {@link #holding(Referents.ServerLock)}). */
    static void letGo(Referents.ServerLock lock, long client) {
        Session s = CURRENT.get();
        if (s == null || client == 0) {
            return;
        }
        synchronized (s.server.refs) {
            Owner owner = s.server.owners.get(client);
            if (owner != null) {
                owner.plainLocks.remove(lock);
            }
        }
    }

    /**
     * Notes that the caller this thread serves took a plain lock, to be released if its process's
     * last connection ends first; returns the caller's client id (0 for a call made in this
     * process, which is never released so).
     */
    static long holding(Referents.ServerLock lock) {
        Session s = CURRENT.get();
        if (s == null || !s.greeted) {
            return 0;
        }
        synchronized (s.server.refs) {
            Owner owner = s.server.owners.get(s.client);
            if (owner == null) {
                return 0;
            }
            owner.plainLocks.add(lock);
        }
        return s.client;
    }

    private void serve(Connection conn) {
        Session session = new Session(this, conn);
        sessions.add(session);
        CURRENT.set(session);
        if (stopping) {
            conn.close();
        }
        try {
            while (!stopping) {
                byte[] request;
                try {
                    request = session.channel().recvBytes();
                } catch (OutOfMemoryError e) {
                    // A call too large for this heap: the channel read past it (see Connection),
                    // so its caller is told, short enough for a call that does not wait, and the
                    // session goes on with every object its client holds. Counted as the
                    // caller counted it, so that its later CANCELs name the call they mean.
                    session.requests++;
                    session.cancelled = false;
                    try {
                        session.channel().sendBytes(traceback("the manager could not receive the call: " + e.getMessage()));
                    } catch (IOException | RuntimeException gone) {
                        break;
                    }
                    continue;
                } catch (EOFException e) {
                    break;
                } catch (IOException | RuntimeException e) {
                    if (!stopping && !conn.isClosed()) {
                        Log.LOG.log(System.Logger.Level.WARNING, "manager at " + addressKey
                                + " dropped a client connection (pid " + session.pid + "): " + e.getMessage());
                    }
                    break;
                }
                if (request.length == 0) {
                    request = new byte[] {-1};   // answered below as an unknown op
                }
                session.inCall = request[0] != Wire.CANCEL;
                if (request[0] == Wire.CANCEL) {
                    // On a channel without a pipe: a CANCEL of a call answered before it came.
                    continue;
                }
                if (request[0] != Wire.HELLO && request[0] != Wire.UPGRADE) {
                    session.requests++;
                }
                session.cancelled = false;
                if (session.pipe != null && session.requests % WITHDRAWALS_READ_EVERY == 0
                        && callerGone() && !session.cancelled) {
                    break;   // its socket ended, or it sent what it should not have
                }
                byte[] reply;
                Connection upgrade = null;
                if (request.length > 0 && request[0] == Wire.UPGRADE) {
                    try {
                        upgrade = (Connection) serializer.deserialize(request, 1, request.length - 1);
                        reply = ok(null);
                    } catch (IOException | RuntimeException e) {
                        reply = traceback("cannot use the shared-memory channel offered: " + e.getMessage());
                    }
                } else {
                    try {
                        reply = handle(request, session);
                    } catch (Waits.CallerGoneException e) {
                        if (!session.cancelled) {
                            break;
                        }
                        // Withdrawn at its caller's CANCEL; the waits undid what they had begun
                        // (an item taken is put back, a barrier broken, a condition's lock held
                        // again), as for a caller gone.
                        reply = CANCELLED_REPLY;
                    }
                }
                try {
                    try {
                        session.channel().sendBytes(reply);
                    } catch (dev.mp4j.connection.MessageTooLargeException tooLarge) {
                        // Refused before a byte went: the channel is still in step, so the
                        // caller gets an error, not a lost session (and its objects with it).
                        session.channel().sendBytes(traceback("the answer could not be sent back: " + tooLarge.getMessage()));
                    }
                } catch (IOException | RuntimeException e) {
                    if (upgrade != null) {
                        upgrade.close();   // never put to use: its holder slot goes now, not at a GC
                    }
                    break;
                }
                session.inCall = false;
                if (upgrade != null) {
                    if (session.pipe != null) {
                        session.pipe.close();   // a second channel offered replaces the first
                    }
                    session.pipe = upgrade;
                }
                if (request[0] == Wire.SHUTDOWN) {
                    close();
                }
            }
        } finally {
            session.inCall = false;   // a call it broke off is over too (close() waits for none)
            for (ReentrantLock lock : HELD.get()) {
                while (lock.isHeldByCurrentThread()) {
                    lock.unlock();
                }
            }
            HELD.remove();
            CURRENT.remove();
            sessions.remove(session);
            conn.close();
            if (session.pipe != null) {
                session.pipe.close();
            }
            endSession(session);
        }
    }

    /** Requests handled so far (the collector looks whether the server has been busy). */
    private final java.util.concurrent.atomic.AtomicLong handled = new java.util.concurrent.atomic.AtomicLong();

    private byte[] handle(byte[] request, Session session) {
        handled.incrementAndGet();
        int[] depth = ANSWERING.get();
        depth[0]++;
        byte[] reply;
        try {
            reply = answer(request, session);
        } finally {
            depth[0]--;
        }
        // Every answer to a call the caller does not wait for is brief, a failure in reading the
        // call's arguments too: a window of them must fit the channel (see brief).
        return request.length > 0 && request[0] == Wire.CALL_NO_WAIT && reply[0] != Wire.RETURN ? brief(reply) : reply;
    }

    /** How deep this thread is in answering calls (a local client's thread too): see {@link #answering()}. */
    private static final ThreadLocal<int[]> ANSWERING = ThreadLocal.withInitial(() -> new int[1]);

    /**
     * Whether this thread is answering a call to a managed object: a proxy stored in that object
     * then describes itself instead of asking its manager (a dict that holds itself, printed,
     * would ask itself again for ever; two dicts that hold each other, printed by two clients at
     * once, would wait for each other's lock), as CPython's proxies' repr does.
     */
    static boolean answering() {
        return ANSWERING.get()[0] > 0;
    }

    private byte[] answer(byte[] request, Session session) {
        Wire.In in = new Wire.In(request);
        byte op = -1;
        try {
            op = in.get();
            return switch (op) {
                case Wire.HELLO -> {
                    long pid = in.getLong();
                    hello(session, pid, in.remaining() >= 8 ? in.getLong() : pid);
                    yield ok(null);
                }
                case Wire.CALL -> call(in, session);
                case Wire.CALL_NO_WAIT -> brief(call(in, session));
                case Wire.CREATE -> create(in, session);
                case Wire.TICKET -> ok(ticket(in.getLong()));
                case Wire.CLAIM -> {
                    claim(session, in.getLong(), in.getLong());
                    yield ok(null);
                }
                case Wire.RELEASE -> {
                    release(session, in);
                    yield ok(null);
                }
                case Wire.SHUTDOWN, Wire.DUMMY -> ok(null);
                case Wire.COUNT -> ok(objects.size());
                default -> throw new IOException("unknown op " + op);
            };
        } catch (Waits.CallerGoneException e) {
            throw e;
        } catch (IOException e) {
            Log.LOG.log(System.Logger.Level.WARNING, "manager at " + addressKey + " refused a request from pid "
                    + session.pid + ": " + e.getMessage());
            return traceback("the manager refused the request: " + e.getMessage());
        } catch (ManagerException e) {
            return traceback(e.getMessage());
        } catch (Exception | LinkageError | AssertionError | StackOverflowError e) {
            return error(e);
        } catch (OutOfMemoryError e) {
            // One call's arguments or result too large for this heap: that call fails, the
            // session (and every object its client holds) goes on.
            return traceback("the manager ran out of memory serving the call: " + e.getMessage());
        }
    }

    /**
     * The answer to a call whose caller does not wait for it: a byte when it went well, a short
     * text when not. Kept small so that a window of such answers always fits the channel, which
     * the caller reads only later.
     */
    private static byte[] brief(byte[] reply) {
        if (reply[0] == Wire.RETURN) {
            return OK_NO_WAIT;
        }
        String text;
        if (reply[0] == Wire.ERROR) {
            try {
                text = String.valueOf(SafeSerializer.javaDeserialize(reply, 2, reply.length - 2));
            } catch (IOException | RuntimeException e) {
                text = "an error that could not be read";
            }
        } else {
            try {
                Wire.In in = new Wire.In(reply);
                in.get();
                text = in.getString();
            } catch (IOException e) {
                text = "a malformed error";
            }
        }
        return traceback(cutToBytes(text, Wire.BRIEF_ERROR_BYTES));
    }

    /**
     * {@code text}, cut to at most {@code max} bytes of UTF-8 (with "..." in them) at a code
     * point: the ring counts bytes, and text in other scripts takes two or three a character.
     */
    static String cutToBytes(String text, int max) {
        if (text.length() * 3 <= max) {
            return text;
        }
        int bytes = 0;
        int budget = max - 3;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + n > budget) {
                return text.substring(0, i) + "...";
            }
            bytes += n;
            i += Character.charCount(cp);
        }
        return text;
    }

    private static final byte[] OK_NO_WAIT = {Wire.RETURN, 0};

    private byte[] call(Wire.In in, Session session) throws Exception {
        long id = in.getLong();
        String signature = in.getString();
        Object[] args = readArgs(in);
        Held held = objects.get(id);
        if (held == null) {
            throw new ManagerException("the manager holds no object with id " + id + " (it was freed, or never created here)");
        }
        Method method = METHODS.get(held.exposed).get(signature);
        if (method == null) {
            throw new ManagerException("'" + held.typeId + "' (" + held.exposed.getName() + ") exposes no method " + signature);
        }
        if (held.referent instanceof java.util.concurrent.BlockingQueue<?> foreign
                && !(held.referent instanceof Referents.ServerQueue<?>)) {
            Object served;
            try {
                served = ForeignQueueCalls.call(foreign, method, args);
            } catch (Waits.CallerGoneException gone) {
                throw gone;
            } catch (InterruptedException | RuntimeException thrown) {
                // as if the queue's own method had thrown it
                return error(thrown);
            }
            if (served != ForeignQueueCalls.NOT_SERVED) {
                return ok(served, signature);
            }
        }
        Object result;
        try {
            result = method.invoke(held.referent, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Waits.CallerGoneException gone) {
                throw gone;
            }
            return error(cause);
        } catch (IllegalArgumentException e) {
            throw new ManagerException("bad arguments for " + signature + ": " + e.getMessage());
        }
        Registration r = registry.get(held.typeId);
        String proxyType = r == null ? null : r.proxyTypeOf(method.getName());
        if (proxyType != null && result != null) {
            return keep(result, proxyType, session);
        }
        return ok(result, signature);
    }

    /** Keeps a method's result here and answers a proxy of {@code typeId} for it (Python's method_to_typeid). */
    private byte[] keep(Object result, String typeId, Session session) throws ClassNotFoundException {
        Registration target = registry.get(typeId);
        if (target == null) {
            throw new ManagerException("a method answers proxies of '" + typeId + "', which this manager does not know; it serves "
                    + new TreeSet<>(registry.keySet()));
        }
        ClassLoader loader = result.getClass().getClassLoader() != null ? result.getClass().getClassLoader() : getClass().getClassLoader();
        Class<?> exposed = Class.forName(target.interfaceName(), false, loader);
        if (!exposed.isInstance(result)) {
            throw new ManagerException("a method answering proxies of '" + typeId + "' returned a "
                    + result.getClass().getName() + ", which is not a " + exposed.getName());
        }
        long id = nextId.incrementAndGet();
        synchronized (refs) {
            objects.put(id, new Held(result, exposed, typeId));
            own(session, id);
        }
        return new Wire.Out(24 + target.interfaceName().length() + typeId.length())
                .put(Wire.PROXY).putLong(id).putString(target.interfaceName()).putString(typeId).toArray();
    }

    private byte[] create(Wire.In in, Session session) throws Exception {
        String typeId = in.getString();
        Object[] args = readArgs(in);
        Registration r = registry.get(typeId);
        if (r == null || r.factory() == null) {
            throw new ManagerException("this manager cannot make '" + typeId + "'; it serves " + new TreeSet<>(registry.keySet()));
        }
        Object referent = r.factory().create(Arrays.asList(args));
        if (referent instanceof ClosedWithServer closer && closers.addIfAbsent(closer) && stopping) {
            // Made while the server stopped: its stop work may have missed it (it is idempotent).
            closer.serverClosed();
        }
        Class<?> exposed = Class.forName(r.interfaceName(), false, referent == null ? getClass().getClassLoader()
                : referent.getClass().getClassLoader() == null ? getClass().getClassLoader() : referent.getClass().getClassLoader());
        if (!exposed.isInstance(referent)) {
            throw new ManagerException("the factory of '" + typeId + "' made " + (referent == null ? "null"
                    : "a " + referent.getClass().getName()) + ", which is not a " + exposed.getName());
        }
        long id = nextId.incrementAndGet();
        synchronized (refs) {
            objects.put(id, new Held(referent, exposed, typeId));
            own(session, id);
        }
        return new Wire.Out(16 + r.interfaceName().length()).put(Wire.PROXY).putLong(id).putString(r.interfaceName()).toArray();
    }

    private long ticket(long id) {
        synchronized (refs) {
            Held held = objects.get(id);
            if (held == null) {
                throw new ManagerException("the manager holds no object with id " + id + " to pass on (it was freed)");
            }
            held.refs++;
            long ticket = nextTicket.incrementAndGet();
            tickets.put(ticket, id);
            return ticket;
        }
    }

    private void claim(Session session, long ticket, long id) {
        synchronized (refs) {
            if (tickets.remove(ticket) == null) {
                Held held = objects.get(id);
                if (held == null) {
                    throw new ManagerException("the object behind this proxy (id " + id + ") was freed before it arrived");
                }
                held.refs++;
            }
            own(session, id);
        }
    }

    private void release(Session session, Wire.In in) throws IOException {
        int n = in.getInt();
        synchronized (refs) {
            Owner owner = owners.get(session.client);
            for (int i = 0; i < n; i++) {
                byte kind = in.get();
                long value = in.getLong();
                if (kind == Wire.RELEASE_TICKET) {
                    Long id = tickets.remove(value);
                    if (id != null) {
                        drop(id, 1);
                    }
                } else if (owner != null) {
                    Integer count = owner.owned.get(value);
                    if (count != null) {
                        if (count == 1) {
                            owner.owned.remove(value);
                        } else {
                            owner.owned.put(value, count - 1);
                        }
                        drop(value, 1);
                    }
                }
            }
        }
    }

    /**
     * A client says who it is: its pid (for the log) and its process's random id, which keys
     * what it owns: all connections of one process share their references, and two processes
     * never do, though their pids be equal (a client on another host, or in a container where
     * every JVM is pid 1, as this server may be).
     */
    private void hello(Session session, long pid, long client) {
        synchronized (refs) {
            if (session.greeted) {
                return;
            }
            session.greeted = true;
            session.pid = pid;
            session.client = client;
            owners.computeIfAbsent(client, p -> new Owner()).connections++;
        }
    }

    private void endSession(Session session) {
        List<Referents.ServerLock> taken;
        synchronized (refs) {
            Owner owner = session.greeted ? owners.get(session.client) : null;
            if (owner == null || --owner.connections > 0) {
                return;
            }
            owners.remove(session.client);
            taken = new ArrayList<>(owner.plainLocks);
            // A loop, not forEach(this::drop): a session's end is the first use of that path
            // in a server, and a method reference spins a class there (1-2 ms, on a manager's
            // way out too, when its clients' sessions close).
            for (Map.Entry<Long, Integer> e : owner.owned.entrySet()) {
                drop(e.getKey(), e.getValue());
            }
        }
        // Outside the references' lock: an acquire takes its lock, then that one.
        for (Referents.ServerLock lock : taken) {
            if (lock.releaseIfAcquiredBy(session.client) && !stopping) {
                Log.LOG.log(System.Logger.Level.WARNING, "manager at " + addressKey + " released a lock that pid "
                        + session.pid + " took and had not released when it went");
            }
        }
    }

    private void own(Session session, long id) {
        Owner owner = owners.computeIfAbsent(session.client, p -> new Owner());
        owner.owned.merge(id, 1, Integer::sum);
    }

    private void drop(long id, int count) {
        Held held = objects.get(id);
        if (held != null) {
            held.refs -= count;
            if (held.refs <= 0) {
                objects.remove(id);
            }
        }
    }

    private Object[] readArgs(Wire.In in) throws IOException {
        int argc = in.get() & 0xFF;
        Object[] args = new Object[argc];
        for (int i = 0; i < argc; i++) {
            int at = in.block();
            try {
                args[i] = serializer.deserialize(in.buf, at, in.lastLength);
            } catch (IOException | RuntimeException | StackOverflowError refused) {
                readTheRest(in, argc - i - 1);
                throw refused;
            }
        }
        return args;
    }

    /**
     * Reads, and drops, the arguments after one that was refused: a proxy among them carries a
     * ticket its client took for this call, and only a proxy rebuilt here gives it back (when
     * collected); unread, the ticket would hold its object until the manager stops.
     */
    private void readTheRest(Wire.In in, int left) {
        for (int i = 0; i < left; i++) {
            try {
                int at = in.block();
                serializer.deserialize(in.buf, at, in.lastLength);
            } catch (IOException | RuntimeException | StackOverflowError alsoRefused) {
                // nothing of it to give back
            }
        }
    }

    private byte[] ok(Object value) {
        return ok(value, null);
    }

    private byte[] ok(Object value, String what) {
        byte[] payload;
        try {
            payload = serializer.serialize(value);
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            return traceback("the result of " + (what == null ? "the call" : what) + " could not be sent back: " + e.getMessage());
        }
        byte[] reply = new byte[payload.length + 1];
        reply[0] = Wire.RETURN;
        System.arraycopy(payload, 0, reply, 1, payload.length);
        return reply;
    }

    private static byte[] error(Throwable t) {
        try {
            byte[] payload = SafeSerializer.javaSerialize(t);
            byte[] reply = new byte[payload.length + 1];
            reply[0] = Wire.ERROR;
            System.arraycopy(payload, 0, reply, 1, payload.length);
            return reply;
        } catch (RuntimeException cannotTravel) {
            StringWriter trace = new StringWriter();
            t.printStackTrace(new PrintWriter(trace));
            return traceback("\n" + "-".repeat(75) + "\n" + trace + "-".repeat(75));
        }
    }

    private static byte[] traceback(String text) {
        return new Wire.Out(text.length() + 8).put(Wire.TRACEBACK).putString(text.length() > 16_000 ? text.substring(0, 16_000) : text).toArray();
    }

    /** Created on the first warning only: setting up JDK logging costs a starting server tens of milliseconds. */
    private static final class Log {
        static final System.Logger LOG = System.getLogger("dev.mp4j.manager");
    }

    /** A served object and its reference count (guarded by {@code refs}). */
    private static final class Held {
        final Object referent;
        final Class<?> exposed;
        final String typeId;
        int refs = 1;

        Held(Object referent, Class<?> exposed, String typeId) {
            this.referent = referent;
            this.exposed = exposed;
            this.typeId = typeId;
        }
    }

    /** The references one client process holds, and how many connections it has open. */
    private static final class Owner {
        final Map<Long, Integer> owned = new HashMap<>();
        /** Plain locks this client took (released at its end if still its own). */
        final Set<Referents.ServerLock> plainLocks = Collections.newSetFromMap(new IdentityHashMap<>());
        int connections;
    }

    private static final byte[] CANCELLED_REPLY = {Wire.CANCELLED};

    private static final class Session {
        final ManagerServer server;
        final Connection conn;
        /** Requests read so far, HELLO and UPGRADE not counted: the number of the call being served. */
        long requests;
        /** Whether the call being served was withdrawn by its caller (see {@link ManagerServer#callerGone}). */
        boolean cancelled;
        /** The shared-memory channel a local client moved its calls to, if any. */
        volatile Connection pipe;
        long pid;
        /** The client process's random id (see {@link ManagerServer#hello}). */
        long client;
        boolean greeted;
        /** Between reading a call and sending its answer (see {@link ManagerServer#close}). */
        volatile boolean inCall;

        Connection channel() {
            Connection p = pipe;
            return p != null ? p : conn;
        }

        Session(ManagerServer server, Connection conn) {
            this.server = server;
            this.conn = conn;
        }
    }
}
