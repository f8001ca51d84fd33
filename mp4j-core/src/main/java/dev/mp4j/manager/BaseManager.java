package dev.mp4j.manager;

import dev.mp4j.Context;
import dev.mp4j.Multiprocessing;
import dev.mp4j.connection.Connection;
import dev.mp4j.connection.Pipe;
import dev.mp4j.process.JvmProcess;
import dev.mp4j.process.ProcessState;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server holding objects, and the way to reach it: Python's
 * {@code multiprocessing.managers.BaseManager}. Register type ids, then either {@link #start()} a
 * server process, serve from this process with {@link #server()}, or {@link #connect()} to a
 * server started elsewhere, possibly on another machine.
 *
 * <pre>{@code
 * // taskmanager: serves two queues on port 5000
 * BlockingQueue<Integer> tasks = new LinkedBlockingQueue<>();
 * BlockingQueue<String> results = new LinkedBlockingQueue<>();
 * BaseManager manager = new BaseManager(new InetSocketAddress("127.0.0.1", 5000), "abc".getBytes())
 *         .register("get_task_queue", BlockingQueue.class, args -> tasks)
 *         .register("get_result_queue", BlockingQueue.class, args -> results)
 *         .start();
 * BlockingQueue<Integer> task = manager.create("get_task_queue");
 *
 * // taskworker, another process or machine: only names and interfaces
 * BaseManager m = new BaseManager(new InetSocketAddress("127.0.0.1", 5000), "abc".getBytes())
 *         .register("get_task_queue", BlockingQueue.class)
 *         .connect();
 * BlockingQueue<Integer> remote = m.create("get_task_queue");
 * Integer n = remote.poll(1, TimeUnit.SECONDS);
 * }</pre>
 *
 * <p>The object behind a type id implements the registered interface, and a proxy implementing
 * that interface forwards each call to it (so the {@code ManagedFactory} captured
 * {@code tasks} above travels to the server and every {@code create("get_task_queue")} names that
 * one queue there). Arguments and results travel as copies; proxies travel as references. A
 * server listens on a fresh Unix-domain socket by default, on 127.0.0.1 with
 * {@code new BaseManager(port, key)}, or on the address it is given, and every connection proves the authkey (CPython's
 * HMAC handshake) before anything it sends is read. A proxy of a manager whose key is not the one
 * this program's processes inherit carries that key when it travels (so a child it is passed to
 * can connect): send such proxies only where you would send the key.
 *
 * <p>A proxy's call waits for the server's answer. The timed forms of the blocking operations
 * ({@code poll(t, unit)}, {@code get(true, t)}, {@code acquire(true, t)}, {@code join(t)}) bound
 * the wait in the server; when such an answer is more than a second overdue, the proxy asks the
 * server on a connection of its own whether it still answers, and if it does not within 5 s
 * (stopped with SIGSTOP, its host cut off) the call fails with a {@link ManagerException} (what
 * the call was doing in the server may or may not have happened; the thread's next call opens a
 * new connection, and the objects this process holds stay held) where CPython's would wait for
 * ever; a late answer from a server that still answers (a barrier's long action) is waited for.
 * An untimed call ({@code take()}, {@code acquire()}) waits as long as its connection lasts, as in
 * CPython. {@link #start()} and {@link #connect(Duration)} are bounded
 * ({@link #withStartTimeout}), and so is {@link #shutdown()} ({@link #withShutdownTimeout}).
 */
public class BaseManager implements AutoCloseable {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);
    /** The control pipe carries one-byte requests (and, on the ready path, the server's address). */
    private static final long CONTROL_MESSAGE_BYTES = 1 << 16;
    private static final int CONTROL_RING_BYTES = 4096;

    private enum State { INITIAL, STARTED, CONNECTED, SERVING, SHUTDOWN }

    private final SocketAddress requested;
    private final byte[] authkey;
    private final Map<String, Registration> registry = new LinkedHashMap<>();
    /** Whether the SyncManager types are registered (the server builds them itself). */
    private boolean syncBuiltins;
    private Context context;
    private Duration shutdownTimeout = Duration.ofSeconds(1);
    private Duration startTimeout = DEFAULT_START_TIMEOUT;
    private State state = State.INITIAL;
    private JvmProcess process;
    /** The directory of the Unix socket this process chose for the server, if it chose one. */
    private java.nio.file.Path socketDirectory;
    private ManagerServer server;
    private Endpoint endpoint;
    /** This process's end of the control pipe to a server it started: shutdown is asked there. */
    private Connection control;
    /** The server's end of {@link #control} as handed over, taken back after the server ended. */
    private byte[] serverControlEnd;

    /** A manager whose server will listen on a fresh Unix-domain socket, with this process's authkey. */
    public BaseManager() {
        this(null, null);
    }

    /**
     * A manager for TCP port {@code port} on 127.0.0.1: where {@link #start()} or {@link #server()}
     * listens (0 picks a free port), or where {@link #connect()} connects. To serve other machines,
     * give the address to bind, {@code new InetSocketAddress("0.0.0.0", port)}.
     */
    public BaseManager(int port, byte[] authkey) {
        this(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port), authkey);
    }

    /**
     * A manager for {@code address}: where {@link #start()} or {@link #server()} listens (port 0
     * picks a free one; null, a fresh Unix-domain socket), or where {@link #connect()} connects.
     *
     * @param authkey the key every connection must prove; null means this process's authkey
     */
    public BaseManager(SocketAddress address, byte[] authkey) {
        this.requested = address;
        this.authkey = (authkey != null ? authkey : ProcessState.authkey()).clone();
    }

    /**
     * Registers a type id the server can make: Python's {@code register(typeid, callable)}.
     * Returns this manager, for chaining.
     *
     * @param exposed the interface proxies implement; the object made must implement it
     * @param factory makes the object in the server process (it travels there)
     */
    public final <T> BaseManager register(String typeId, Class<T> exposed, ManagedFactory<? extends T> factory) {
        return register(typeId, exposed, factory, Map.of());
    }

    /**
     * As {@link #register(String, Class, ManagedFactory)}, with Python's
     * {@code method_to_typeid}: the methods named as keys return a proxy of the type id they map
     * to, for an object that stays in the server (a registry that hands out its parts), instead
     * of a copy. The method's return type must be that type's interface.
     *
     * <pre>{@code
     * manager.register("Accounts", Accounts.class, args -> new Bank(), Map.of("account", "Account"))
     *        .register("Account", Account.class);   // no factory: only Accounts makes them
     * Accounts bank = manager.create("Accounts");
     * bank.account("alice").deposit(10);   // the account in the server changes
     * }</pre>
     */
    public final <T> BaseManager register(String typeId, Class<T> exposed, ManagedFactory<? extends T> factory,
                                          Map<String, String> methodToTypeId) {
        requireState(State.INITIAL, "register");
        java.util.Objects.requireNonNull(methodToTypeId, "methodToTypeId");
        checkRegistration(typeId, exposed);
        java.util.Objects.requireNonNull(factory, "factory");
        try {
            // It travels to the server when it starts: refused here, naming the type id, rather
            // than at start() as "a value of class X".
            dev.mp4j.serial.SafeSerializer.checkTravels(factory);
        } catch (dev.mp4j.serial.NotSerializableValueException e) {
            throw new dev.mp4j.serial.NotSerializableValueException("the factory of '" + typeId
                    + "' cannot travel to the server process: " + e.getMessage(), e.offendingClass(), e);
        }
        for (Map.Entry<String, String> e : methodToTypeId.entrySet()) {
            boolean exists = false;
            for (java.lang.reflect.Method m : exposed.getMethods()) {
                exists |= m.getName().equals(e.getKey()) && !m.getReturnType().isPrimitive();
            }
            if (!exists) {
                throw new IllegalArgumentException(exposed.getName() + " has no method " + e.getKey()
                        + " returning an object, to answer as a proxy of '" + e.getValue() + "'");
            }
            java.util.Objects.requireNonNull(e.getValue(), "the type id of " + e.getKey());
        }
        registry.put(typeId, new Registration(typeId, exposed.getName(), factory, methodToTypeId));
        return this;
    }

    /**
     * Registers a type id by name and interface only, for a manager that will {@link #connect()}:
     * Python's {@code register(typeid)}.
     */
    public final BaseManager register(String typeId, Class<?> exposed) {
        requireState(State.INITIAL, "register");
        checkRegistration(typeId, exposed);
        registry.put(typeId, new Registration(typeId, exposed.getName(), null));
        return this;
    }

    /**
     * Each method registered to answer proxies (method_to_typeid) names a type id this manager
     * knows, whose interface its return type accepts: checked once everything is registered,
     * before a server runs, rather than failing after the method ran.
     */
    private void checkProxyTypes() {
        for (Registration r : registry.values()) {
            for (Map.Entry<String, String> e : r.methodToTypeId().entrySet()) {
                Registration target = registry.get(e.getValue());
                if (target == null) {
                    throw new IllegalStateException("'" + r.typeId() + "' answers " + e.getKey() + "() with proxies of '"
                            + e.getValue() + "', which is not registered");
                }
                Class<?> exposed = ProxyHandler.load(r.interfaceName());
                Class<?> made = ProxyHandler.load(target.interfaceName());
                boolean fits = false;
                for (java.lang.reflect.Method m : exposed.getMethods()) {
                    fits |= m.getName().equals(e.getKey()) && m.getReturnType().isAssignableFrom(made);
                }
                if (!fits) {
                    throw new IllegalStateException(exposed.getName() + "." + e.getKey() + "() cannot return a proxy of '"
                            + e.getValue() + "': no such method returns a " + made.getName() + " (or a supertype)");
                }
            }
        }
    }

    private static void checkRegistration(String typeId, Class<?> exposed) {
        if (typeId == null || typeId.isEmpty()) {
            throw new IllegalArgumentException("a type id must not be null or empty, got " + (typeId == null ? "null" : "\"\""));
        }
        java.util.Objects.requireNonNull(exposed, "exposed");
        if (!exposed.isInterface()) {
            throw new IllegalArgumentException(exposed.getName() + " is not an interface: proxies implement an interface");
        }
        if (!java.lang.reflect.Modifier.isPublic(exposed.getModifiers())) {
            throw new IllegalArgumentException(exposed.getName() + " is not public: the manager calls its methods from another package");
        }
    }

    /** Registers one of mp4j's own types, whose interface may be this package's alone. */
    final void registerInternal(String typeId, Class<?> exposed, ManagedFactory<?> factory) {
        registry.put(typeId, new Registration(typeId, exposed.getName(), factory));
    }

    /** Registers the SyncManager types; called by {@link SyncManager}'s constructor. */
    final void registerBuiltins(Map<String, Registration> builtins) {
        registry.putAll(builtins);
        syncBuiltins = true;
    }

    /** Starts the server process with this context (by default, the process's default context). */
    public final BaseManager withContext(Context context) {
        requireState(State.INITIAL, "withContext");
        this.context = context;
        return this;
    }

    /**
     * How long {@link #shutdown()} waits for the server process (1 s unless set) before
     * terminating it, then as long again before killing it. A server that does not stop when
     * asked is asked again over a socket first, which may take two more such waits.
     */
    public final BaseManager withShutdownTimeout(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("a shutdown timeout must be positive, got " + timeout);
        }
        this.shutdownTimeout = timeout;
        return this;
    }

    /**
     * How long {@link #start()} waits for the server process to listen (60 s unless set) before
     * it kills the process and throws: a JVM that starts on a loaded machine, or an initializer
     * that takes its time, may need longer; a caller that must not wait, less.
     *
     * <pre>{@code
     * SyncManager m = new SyncManager();
     * m.withStartTimeout(Duration.ofSeconds(5)).start();   // ManagerException after 5 s
     * }</pre>
     */
    public final BaseManager withStartTimeout(Duration timeout) {
        requireState(State.INITIAL, "withStartTimeout");
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("a start timeout must be positive, got " + timeout);
        }
        this.startTimeout = timeout;
        return this;
    }

    /**
     * Starts a server process (named like {@code SyncManager-1}) and waits until it listens, at
     * most 60 s or the time given to {@link #withStartTimeout}. The process is a daemon: it ends
     * with this program even without {@link #shutdown()}.
     *
     * @throws IllegalStateException if already started, connected or shut down
     * @throws ManagerException if the server cannot start (the address is in use, ...)
     */
    public BaseManager start() {
        return start(null);
    }

    /**
     * Python's {@code start(initializer)}: as {@link #start()}, running {@code initializer} in
     * the server process before it listens (to set up what the served objects need). If it
     * throws, the server exits and this throws a {@link ManagerException}.
     */
    public BaseManager start(dev.mp4j.serial.ProcessTarget initializer) {
        requireState(State.INITIAL, "start");
        checkProxyTypes();
        Map<String, Registration> extra = new LinkedHashMap<>(registry);
        if (syncBuiltins) {
            extra.keySet().removeAll(SyncManager.builtinRegistry().keySet());
        }
        byte[] key = authkey;
        Context ctx = context != null ? context : Multiprocessing.getContext();
        String name = getClass().getSimpleName() + "-" + COUNTER.incrementAndGet();
        // A control pipe to the server, kept for its life: shutdown is asked there (see
        // ManagerServer#obey). The server's end travels as bytes (Pipe.reduce), so that it can be
        // taken back if the server ends before it opened it.
        Pipe controlPipe = Pipe.open(true, CONTROL_MESSAGE_BYTES, CONTROL_RING_BYTES);
        control = controlPipe.left();
        try {
            serverControlEnd = Pipe.reduce(controlPipe.right());
        } finally {
            controlPipe.right().close();
        }
        byte[] serverEnd = serverControlEnd;
        if (requested == null) {
            // The usual local manager: this process names the socket and watches for it to
            // appear, so the server needs to send nothing back to start.
            java.net.UnixDomainSocketAddress socket;
            try {
                socket = (java.net.UnixDomainSocketAddress) ManagerServer.freshUnixAddress();
            } catch (IOException e) {
                closeControl();
                throw new ManagerException("cannot make a socket directory for the manager: " + e.getMessage(), e);
            }
            String address = Addresses.key(socket);
            boolean builtins = syncBuiltins;
            socketDirectory = socket.getPath().getParent();
            JvmProcess p = null;
            try {
                // With nothing registered beyond the built-in types, the server's launch is a
                // lambda capturing a flag, strings and bytes: it travels in the quick form and the
                // child calls its body without an object stream (see dev.mp4j.process.QuickForm);
                // the server opens its control end off its start path.
                dev.mp4j.serial.ProcessTarget launch = extra.isEmpty() && initializer == null
                        ? ManagerServer.localLauncher(builtins, address, key, serverEnd)
                        : new ManagerServer.Launch(extra, syncBuiltins, address, key, serverEnd, false, initializer);
                p = ctx.process(launch, name);
                p.setDaemon(true);
                p.start();
                awaitSocket(p, socket.getPath());
            } catch (RuntimeException e) {
                removeSocketDirectory();
                closeControl();
                if (p != null && p.pid() != null && p.isAlive()) {
                    // Started, then given up on: a server nobody can reach must not stay.
                    p.kill();
                    p.join();
                }
                throw e;
            }
            process = p;
            endpoint = Endpoint.of(address, key);
            state = State.STARTED;
            return this;
        }
        String address = Addresses.key(requested);
        // The server answers on the control pipe with its address (or why it cannot listen).
        JvmProcess p;
        Object answer;
        try {
            p = ctx.process(new ManagerServer.Launch(extra.isEmpty() ? Map.of() : extra, syncBuiltins, address, key, serverEnd, true,
                    initializer), name);
            p.setDaemon(true);
            p.start();
        } catch (RuntimeException e) {
            closeControl();
            throw e;
        }
        try {
            answer = awaitAnswer(p, control);
        } catch (IOException | TimeoutException | RuntimeException e) {
            p.kill();
            p.join();
            closeControl();
            throw new ManagerException("the manager process did not start (exit code " + p.exitCode() + "): " + e.getMessage(), e);
        }
        if (answer instanceof Throwable t) {
            p.join(shutdownTimeout);
            closeControl();
            throw new ManagerException("the manager could not start: " + t.getMessage(), t);
        }
        process = p;
        endpoint = Endpoint.of((String) answer, key);
        state = State.STARTED;
        return this;
    }

    /**
     * The server's first message on {@code readEnd}. Polls rather than blocks: a server that died
     * before it took over its end of the pipe would never close it.
     */
    private Object awaitAnswer(JvmProcess p, Connection readEnd) throws IOException, TimeoutException {
        long deadline = System.nanoTime() + startNanos();
        while (!readEnd.poll(Duration.ofMillis(10))) {
            if (!p.isAlive()) {
                p.join();
                throw new IOException("it exited before it listened (its error is on stderr)");
            }
            if (System.nanoTime() - deadline > 0) {
                throw new TimeoutException("no answer within " + startTimeout);
            }
        }
        return readEnd.recv();
    }

    /**
     * Closes this process's control end and, once the server is gone, takes back the end handed
     * to it: a server that ended before opening its end would otherwise leave the pipe's holder
     * slot reserved, and its segment in /dev/shm, until this process ends. Taking back an end the
     * server did open changes nothing (its slot is the server's).
     */
    private void closeControl() {
        if (control != null) {
            control.close();
            control = null;
        }
        if (serverControlEnd != null) {
            try {
                Pipe.rebuild(serverControlEnd).close();
            } catch (IOException | RuntimeException alreadyGone) {
                // the segment is gone: nothing held
            }
            serverControlEnd = null;
        }
    }

    /** A server that was killed could not remove its socket; this process named it, so it does. */
    private void removeSocketDirectory() {
        if (socketDirectory != null) {
            try {
                java.nio.file.Files.deleteIfExists(socketDirectory.resolve("socket"));
                java.nio.file.Files.deleteIfExists(socketDirectory);
                ManagerServer.forgetSocketDirectory(socketDirectory);
            } catch (IOException ignored) {
                // an empty directory left in /tmp is harmless
            }
        }
    }

    /** The start timeout in nanoseconds, at most about 292 years (Duration.toNanos would overflow). */
    private long startNanos() {
        return Math.min(java.util.concurrent.TimeUnit.NANOSECONDS.convert(startTimeout), Long.MAX_VALUE / 2);
    }

    /** Waits until the server's socket exists (it is bound and listening), or the server died. */
    private void awaitSocket(JvmProcess p, java.nio.file.Path socket) {
        long deadline = System.nanoTime() + startNanos();
        long nap = 50_000;
        while (!java.nio.file.Files.exists(socket)) {
            if (!p.isAlive()) {
                p.join();
                throw new ManagerException("the manager process exited with code " + p.exitCode()
                        + " before it listened (its error is on stderr)");
            }
            if (System.nanoTime() - deadline > 0) {
                p.kill();
                p.join();
                throw new ManagerException("the manager process did not listen within " + startTimeout);
            }
            // From 50 µs up to 1 ms: a warm spare listens within a millisecond or two, a fresh
            // JVM after some 40 ms, during which waking every 100 µs took CPU it needed.
            java.util.concurrent.locks.LockSupport.parkNanos(nap);
            nap = Math.min(nap * 2, 1_000_000);
        }
    }

    /**
     * Connects to a running server at this manager's address (Python's {@code connect()}), checking
     * the authkey at once.
     *
     * @throws ManagerException if the server cannot be reached or refuses the key
     */
    public BaseManager connect() {
        return connect(null);
    }

    /**
     * {@link #connect()} within {@code timeout} (null: no limit): reaching the server, proving
     * the key and its answer together. Without it, a host that does not answer holds the caller
     * for the system's connect limit (two minutes on Linux), and a server that accepts but never
     * answers, for ever.
     *
     * <pre>{@code
     * BaseManager m = new BaseManager(new InetSocketAddress("10.0.0.5", 5000), "abc".getBytes());
     * m.register("get_task_queue", BlockingQueue.class);
     * m.connect(Duration.ofSeconds(5));
     * }</pre>
     *
     * @throws ManagerException if the server cannot be reached, refuses the key or does not
     *         answer in time
     */
    public BaseManager connect(java.time.Duration timeout) {
        requireState(State.INITIAL, "connect");
        if (requested == null) {
            throw new IllegalStateException("connect() needs the server's address");
        }
        SocketAddress address = requested;
        if (address instanceof InetSocketAddress inet && inet.isUnresolved()) {
            address = new InetSocketAddress(inet.getHostString(), inet.getPort());
        }
        Endpoint e = Endpoint.of(Addresses.key(address), authkey);
        e.probe(timeout);
        endpoint = e;
        state = State.CONNECTED;
        return this;
    }

    /**
     * A server for this manager's registry, listening now, to be served from this process with
     * {@link ManagerServer#serveForever()} (Python's {@code get_server()}). Proxies made here
     * reach it directly, without a socket.
     */
    public ManagerServer server() {
        requireState(State.INITIAL, "server");
        checkProxyTypes();
        try {
            server = new ManagerServer(registry, requested != null ? requested : ManagerServer.freshUnixAddress(), authkey);
        } catch (IOException e) {
            throw new ManagerException("cannot listen on " + requested + ": " + e.getMessage(), e);
        }
        endpoint = Endpoint.of(server.addressKey(), authkey);
        state = State.SERVING;
        return server;
    }

    /**
     * Makes an object of a registered type in the server and returns a proxy for it: the method
     * Python's {@code register} adds to the manager class.
     *
     * @throws IllegalStateException before {@code start}, {@code connect} or {@code server}
     */
    @SuppressWarnings("unchecked")
    public <T> T create(String typeId, Object... args) {
        if (state == State.INITIAL || state == State.SHUTDOWN) {
            throw new IllegalStateException(state == State.SHUTDOWN ? "Manager has shut down"
                    : "the manager is neither started nor connected: call start(), connect() or server() first");
        }
        Endpoint.Created created;
        try {
            created = endpoint.create(typeId, args);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new ManagerException("creating '" + typeId + "' failed: " + t, t);
        }
        Registration r = registry.get(typeId);
        Class<?> exposed = ProxyHandler.load(r != null ? r.interfaceName() : created.interfaceName());
        return (T) ProxyHandler.created(endpoint, created.id(), typeId, exposed);
    }

    /** The server's address (with the real port), once started, connected or serving. */
    public SocketAddress address() {
        if (endpoint != null) {
            return Addresses.parse(endpoint.addressKey);
        }
        return requested;
    }

    /** The address key of the server this manager reaches, or null before start, connect or serve. */
    String endpointKey() {
        return endpoint == null ? null : endpoint.addressKey;
    }

    /** The key connections must prove. */
    public byte[] authkey() {
        return authkey.clone();
    }

    /** The server process, after {@link #start()}; null otherwise. */
    public JvmProcess process() {
        return process;
    }

    /** How many objects the server holds now (Python's {@code _number_of_objects()}). */
    public int numberOfObjects() {
        if (endpoint == null) {
            throw new IllegalStateException("the manager is neither started nor connected");
        }
        return endpoint.numberOfObjects();
    }

    /**
     * Stops the server: asks it to shut down, waits {@code shutdownTimeout} (1 s; see
     * {@link #withShutdownTimeout}), then terminates and finally kills it, as CPython does.
     * Proxies of a started manager fail with {@link ManagerException} after. A connected
     * manager only refuses further {@link #create} calls: the remote server keeps running and
     * proxies already made keep working.
     */
    public void shutdown() {
        switch (state) {
            case STARTED -> {
                boolean asked = askToStop();
                if (!asked) {
                    askOverASocket();
                }
                endpoint.markGone();
                if (!process.join(shutdownTimeout) && !(asked && askOverASocket() && process.join(shutdownTimeout))) {
                    // Not stopped by asking (a server that could not open its control end is
                    // asked over a socket too): terminate, then kill.
                    process.terminate();
                    if (!process.join(shutdownTimeout)) {
                        process.kill();
                        process.join();
                    }
                }
                closeControl();
                removeSocketDirectory();
            }
            case SERVING -> {
                server.close();
                endpoint.markGone();
            }
            default -> {
            }
        }
        state = State.SHUTDOWN;
    }

    /** Asks the server to stop over a connection of its own; false if it could not be reached or did not answer in time. */
    private boolean askOverASocket() {
        try {
            endpoint.shutdown(shutdownTimeout);
            return true;
        } catch (ManagerException gone) {
            // Already gone: the joins see it.
            return false;
        }
    }

    /** Asks the server this process started to stop, over the control pipe; false if that failed. */
    private boolean askToStop() {
        if (control == null) {
            return false;
        }
        try {
            control.sendBytes(new byte[] {Wire.SHUTDOWN});
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** {@link #shutdown()}: a manager in try-with-resources stops its server at the end of the block. */
    @Override
    public void close() {
        shutdown();
    }

    private void requireState(State wanted, String what) {
        if (state != wanted) {
            throw new IllegalStateException(switch (state) {
                case SHUTDOWN -> "Manager has shut down";
                case STARTED, SERVING -> "Already started server";
                case CONNECTED -> "already connected";
                default -> "cannot " + what + " now";
            } + " (" + what + " needs a new manager)");
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + state.name().toLowerCase() + (endpoint != null ? " at " + endpoint.addressKey : "") + "]";
    }
}
