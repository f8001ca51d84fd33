package dev.mp4j.manager;

import dev.mp4j.connection.Client;
import dev.mp4j.connection.Connection;
import dev.mp4j.connection.Pipe;
import dev.mp4j.process.ProcessState;
import dev.mp4j.serial.NotSerializableValueException;
import dev.mp4j.serial.Serializer;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * One process's way to one manager: a connection per thread (so a call that blocks in the server
 * blocks only its own thread, as in CPython), or direct calls when the server runs in this very
 * process. Also sends back, in batches, the references of collected proxies.
 */
final class Endpoint {
    private static final Map<String, Endpoint> ENDPOINTS = new ConcurrentHashMap<>();
    private static final LinkedBlockingQueue<Release> RELEASES = new LinkedBlockingQueue<>();
    private static volatile Thread releaser;
    /** Whether local clients move their calls to shared memory ({@code -Dmp4j.manager.sharedMemory=false}: never). */
    private static final boolean SHARED_MEMORY = !"false".equals(System.getProperty("mp4j.manager.sharedMemory"));
    private static final int PIPE_RING_BYTES = 64 * 1024;
    private static final long MAX_MESSAGE_BYTES = 1L << 30;

    final String addressKey;
    private final SocketAddress address;
    private final byte[] authkey;
    private final Serializer serializer = Serializer.standard();
    private final ThreadLocal<Channel> connection = new ThreadLocal<>();
    /** Every channel of this endpoint, so that replies still owed are collected at exit. */
    private final List<Channel> channels = new ArrayList<>();
    /** Pipelined requests a channel may have in flight before it collects their replies. */
    private static final int PIPELINE_WINDOW = 64;
    /**
     * This process's id as a manager client, random: a pid alone is not unique across hosts, nor
     * in containers where each JVM is pid 1 (see ManagerServer's hello).
     */
    static final long CLIENT_ID = java.util.concurrent.ThreadLocalRandom.current().nextLong() | 1;
    private static volatile boolean exitHookAdded;
    /** Every connection made, kept reachable so none closes (and drops this process's references) early. */
    private final List<Connection> connections = new ArrayList<>();
    private volatile boolean gone;

    /** Whether calls go through a socket even when the server is in this process (the AOT training's case). */
    private final boolean viaSocket;

    private Endpoint(String addressKey, byte[] authkey) {
        this(addressKey, authkey, false);
    }

    private Endpoint(String addressKey, byte[] authkey, boolean viaSocket) {
        this.viaSocket = viaSocket;
        this.addressKey = addressKey;
        this.address = Addresses.parse(addressKey);
        this.authkey = authkey;
    }

    /**
     * The endpoint for a manager address, shared by this process's proxies; one left over from a
     * manager that shut down at the same address is replaced. {@code authkey} null means this
     * process's authkey.
     */
    static Endpoint of(String addressKey, byte[] authkey) {
        byte[] key = authkey != null ? authkey : ProcessState.authkey();
        return ENDPOINTS.compute(addressKey + "#" + HexFormat.of().formatHex(key),
                (k, old) -> old == null || old.gone ? new Endpoint(addressKey, key.clone()) : old);
    }

    /** An endpoint that is not shared and always uses a socket, for exercising the client path in-process. */
    static Endpoint viaSocket(String addressKey, byte[] authkey) {
        return new Endpoint(addressKey, authkey.clone(), true);
    }

    byte[] authkey() {
        return authkey;
    }

    /** Marks the manager as shut down: later calls fail at once and releases are not sent. */
    void markGone() {
        gone = true;
        // Forgotten here: a program that starts and stops many managers keeps none of them.
        ENDPOINTS.values().remove(this);
        synchronized (connections) {
            for (Connection c : connections) {
                c.close();
            }
            connections.clear();
        }
    }

    /**
     * Calls a method on a served object, its signature already encoded ({@link Call}); returns
     * its result or throws what it threw.
     */
    Object call(long id, byte[] signature, String name, Object[] args, Method method) throws Throwable {
        // An interrupted thread's call goes too: what it would wait for may be there at once (a
        // non-blocking get, an item ready), and a barrier wait is withdrawn by breaking the barrier
        // for the others, which only the server can do.
        TimedWait wait = method == null ? null : CANCELLABLE.get(method.getDeclaringClass()).get(method);
        boolean cancellable = wait != null;
        long waitNanos = cancellable ? wait.nanos(args) : -1;
        Wire.Out out = requestHead(id, signature);
        java.util.List<Runnable> tickets = writeArgs(out, args, name);
        if (tickets == null) {
            // No proxy among the arguments, nothing to give back: nothing to track either.
            return result(roundTrip(out.toArray(), cancellable, waitNanos), method);
        }
        boolean[] outer = trackRequest();
        try {
            return result(roundTrip(out.toArray(), cancellable, waitNanos), method);
        } finally {
            endRequest(outer, tickets);
        }
    }

    /**
     * Whether the request of this thread's current call went out (or was taken by a manager in
     * this process). One per call: a call made inside another (a registered object's method
     * calling a proxy, in a manager in this process) has its own, and the outer one's is back
     * when it ends.
     */
    private static final ThreadLocal<boolean[]> REQUEST_WENT = ThreadLocal.withInitial(() -> new boolean[1]);

    /** Starts a call's record of whether its request went out; returns the enclosing call's, for {@link #endRequest}. */
    private static boolean[] trackRequest() {
        boolean[] outer = REQUEST_WENT.get();
        REQUEST_WENT.set(new boolean[1]);
        return outer;
    }

    /** Ends a call's record; its tickets go back if its request never went out (see {@link #giveBackUnlessSent}). */
    private static void endRequest(boolean[] outer, java.util.List<Runnable> tickets) {
        boolean went = REQUEST_WENT.get()[0];
        REQUEST_WENT.set(outer);
        giveBackUnlessSent(tickets, went);
    }

    /** Notes that the current call's request went out. */
    static void requestWent() {
        REQUEST_WENT.get()[0] = true;
    }

    /**
     * A request that never went out (the manager gone, no channel to it, too large, its
     * connection lost while it was written) gives back the tickets its proxy arguments took,
     * which nobody would ever claim. One that went out keeps them whatever happens next: the
     * manager's own proxies rebuilt from them hold them (claimed at their first call, given back
     * when collected), and giving one back then could free an object they still name.
     */
    private static void giveBackUnlessSent(java.util.List<Runnable> tickets, boolean went) {
        if (!went) {
            dev.mp4j.shm.Cleanup.undoAll(tickets);
        }
    }

    /**
     * Per interface, the methods whose calls an interrupt withdraws while they wait in the server:
     * those of mp4j's managed types that declare {@link InterruptedException} ({@code take()},
     * {@code acquire()}, {@code await()}, {@code join()} and their timed forms), and the waiting
     * calls of any {@link java.util.concurrent.BlockingQueue} ({@code take}, {@code put}, and
     * {@code poll} and {@code offer} with a timeout), which the server serves in slices whatever
     * made the queue (a queue class of the JDK's own). The server withdraws these within a slice
     * of its wait (100 ms), or, for a condition's {@code await()}, once it has the condition's
     * lock back. Others (a registered object's own method, which may block in code that never
     * looks) wait on, as in CPython, and the interrupt is the caller's again when they return; so
     * does a call of these methods on a registered object of a class of its own, whose server
     * side never reads the cancel.
     */
    private static final ClassValue<java.util.Map<Method, TimedWait>> CANCELLABLE = new ClassValue<>() {
        @Override
        protected java.util.Map<Method, TimedWait> computeValue(Class<?> type) {
            java.util.Map<Method, TimedWait> methods = new java.util.HashMap<>();
            for (Method m : type.getMethods()) {
                if (withdrawable(m)) {
                    methods.put(m, TimedWait.of(m));
                }
            }
            return java.util.Map.copyOf(methods);
        }
    };

    /**
     * Where a method's timeout is among its parameters, by their declared types (an item that is
     * itself a Duration is not a timeout): its {@code Duration}, or its {@code long} and
     * {@code TimeUnit}; -1 where it has none. Found once per method (see {@link #CANCELLABLE}).
     */
    record TimedWait(int durationAt, int unitAt) {
        static TimedWait of(Method method) {
            Class<?>[] types = method.getParameterTypes();
            for (int i = 0; i < types.length; i++) {
                if (types[i] == java.time.Duration.class) {
                    return new TimedWait(i, -1);
                }
                if (types[i] == java.util.concurrent.TimeUnit.class && i > 0 && types[i - 1] == long.class) {
                    return new TimedWait(-1, i);
                }
            }
            return new TimedWait(-1, -1);
        }

        /** The wait the call asks the manager for, in nanoseconds; -1 for none (or a null one). */
        long nanos(Object[] args) {
            if (durationAt >= 0 && args[durationAt] instanceof java.time.Duration d) {
                return Math.max(0, java.util.concurrent.TimeUnit.NANOSECONDS.convert(d));
            }
            if (unitAt >= 0 && args[unitAt] instanceof java.util.concurrent.TimeUnit unit && args[unitAt - 1] instanceof Long amount) {
                return Math.max(0, unit.toNanos(amount));
            }
            return -1;
        }
    }

    private static boolean withdrawable(Method m) {
        boolean interruptible = false;
        for (Class<?> declared : m.getExceptionTypes()) {
            interruptible |= declared == InterruptedException.class;
        }
        if (!interruptible) {
            return false;
        }
        Class<?> owner = m.getDeclaringClass();
        if (owner.getPackageName().equals(Endpoint.class.getPackageName())) {
            return true;
        }
        return (owner == java.util.concurrent.BlockingQueue.class || owner == java.util.concurrent.BlockingDeque.class)
                && switch (m.getName() + m.getParameterCount()) {
                    case "take0", "put1", "poll2", "offer3" -> true;
                    default -> false;
                };
    }

    /** A call's request up to its arguments. */
    private static Wire.Out requestHead(long id, byte[] signature) {
        Wire.Out out = new Wire.Out(48 + signature.length);
        out.put(Wire.CALL).putLong(id).putRaw(signature);
        return out;
    }

    /** Creates an object of a registered type; returns its id and interface name. */
    Created create(String typeId, Object[] args) throws Throwable {
        Wire.Out out = new Wire.Out(64);
        out.put(Wire.CREATE).putString(typeId);
        java.util.List<Runnable> tickets = writeArgs(out, args, typeId);
        byte[] reply;
        if (tickets == null) {
            reply = roundTrip(out.toArray());
        } else {
            boolean[] outer = trackRequest();
            try {
                reply = roundTrip(out.toArray());
            } finally {
                endRequest(outer, tickets);
            }
        }
        if (reply[0] == Wire.PROXY) {
            Wire.In in = new Wire.In(reply);
            in.get();
            return new Created(in.getLong(), in.getString());
        }
        result(reply, null);
        throw new ManagerException("the manager answered a create with status " + reply[0]);
    }

    record Created(long id, String interfaceName) {
    }

    long ticket(long id) {
        return (Long) control(new Wire.Out(9).put(Wire.TICKET).putLong(id).toArray());
    }

    void claim(long ticket, long id) {
        control(new Wire.Out(17).put(Wire.CLAIM).putLong(ticket).putLong(id).toArray());
    }

    int numberOfObjects() {
        return (Integer) control(new byte[] {Wire.COUNT});
    }

    /**
     * Opens a connection of its own, proves the key, asks the server for nothing and closes: how
     * {@code BaseManager.connect()} checks that the server is there (CPython's {@code dummy} call).
     */
    void probe() {
        oneOff(Wire.DUMMY, null);
    }

    /** {@link #probe()} within {@code timeout}: connecting, proving the key and the answer together. */
    void probe(java.time.Duration timeout) {
        oneOff(Wire.DUMMY, timeout);
    }

    /**
     * Asks the server to stop, over a connection of its own (no pipe is worth setting up for one
     * request): connecting, proving the key and the answer all within {@code timeout} (null: no
     * limit), so that a server that does not answer is not waited for longer.
     */
    void shutdown(java.time.Duration timeout) {
        if (ManagerServer.local(addressKey) != null) {
            control(new byte[] {Wire.SHUTDOWN});
            return;
        }
        oneOff(Wire.SHUTDOWN, timeout);
    }

    /** Sends {@code op} over a connection of its own and reads the answer, all within {@code timeout} (null: no limit). */
    private void oneOff(byte op, java.time.Duration timeout) {
        long start = System.nanoTime();
        Connection conn;
        try {
            conn = connect(timeout);
        } catch (IOException e) {
            throw unreachable(e);
        }
        try (conn) {
            conn.sendBytes(new byte[] {op});
            byte[] reply = timeout == null ? conn.recvBytes() : conn.recvBytes(Long.MAX_VALUE, left(timeout, start));
            result(reply, null);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new ManagerException("the manager at " + addressKey + " did not answer within " + timeout, e);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new ManagerException("the manager at " + addressKey + " did not answer: " + t, t);
        }
    }

    /** What is left of {@code timeout} (null: no limit) since {@code start}, never negative. */
    private static java.time.Duration left(java.time.Duration timeout, long start) {
        if (timeout == null) {
            return null;
        }
        long nanos = Math.max(0, java.util.concurrent.TimeUnit.NANOSECONDS.convert(timeout));
        return java.time.Duration.ofNanos(Math.max(0, nanos - (System.nanoTime() - start)));
    }

    private Object control(byte[] request) {
        try {
            return result(roundTrip(request), null);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new ManagerException(t.toString(), t);
        }
    }

    /** Arguments a call can carry: their count travels in one byte. */
    static final int MAX_ARGS = 255;

    /**
     * Writes a call's arguments; returns the tickets the proxies among them took as they were
     * written (a segment's copy a token, a pipe end a holder slot), which the caller gives back
     * if the request never goes ({@link #endRequest}); null if none.
     */
    private java.util.List<Runnable> writeArgs(Wire.Out out, Object[] args, String what) {
        int argc = args == null ? 0 : args.length;
        if (argc > MAX_ARGS) {
            throw new IllegalArgumentException("a manager call carries at most " + MAX_ARGS + " arguments, got " + argc
                    + (what == null ? "" : " for " + what) + " (pass a list instead)");
        }
        out.put((byte) argc);
        if (argc == 0) {
            return null;
        }
        Object outer = dev.mp4j.shm.Cleanup.collectUndos();
        boolean written = false;
        java.util.List<Runnable> taken;
        try {
            for (int i = 0; i < argc; i++) {
                byte[] arg;
                try {
                    arg = serializer.serialize(args[i]);
                } catch (NotSerializableValueException e) {
                    throw new NotSerializableValueException("argument " + (i + 1) + " of " + what
                            + " cannot travel to the manager: " + e.getMessage(), e.offendingClass(), e);
                }
                out.putBlock(arg);
            }
            written = true;
        } finally {
            // If a later argument cannot be written, the call never goes and nobody would ever
            // claim or return the tickets the earlier ones took: they go back here.
            taken = dev.mp4j.shm.Cleanup.stopCollectingUndos(outer, !written);
        }
        return taken;
    }

    private Object result(byte[] reply, Method method) throws Throwable {
        if (reply.length == 0) {
            throw new ManagerException("empty reply from the manager at " + addressKey);
        }
        switch (reply[0]) {
            case Wire.RETURN:
                try {
                    return serializer.deserialize(reply, 1, reply.length - 1);
                } catch (IOException e) {
                    throw new ManagerException("could not read the manager's answer: " + e.getMessage(), e);
                }
            case Wire.ERROR:
                Object thrown;
                try {
                    thrown = serializer.deserialize(reply, 1, reply.length - 1);
                } catch (IOException e) {
                    throw new ManagerException("the manager raised an error this process cannot read: " + e.getMessage(), e);
                }
                Throwable t = (Throwable) thrown;
                t.addSuppressed(new ManagerException("raised in the manager at " + addressKey + ", called here"));
                if (t instanceof RuntimeException || t instanceof Error) {
                    throw t;
                }
                if (method != null) {
                    for (Class<?> declared : method.getExceptionTypes()) {
                        if (declared.isInstance(t)) {
                            throw t;
                        }
                    }
                }
                throw new ManagerException("the manager raised " + t, t);
            case Wire.PROXY:
                // A method whose result stays in the server (method_to_typeid): its proxy.
                Wire.In made = new Wire.In(reply);
                made.get();
                long id = made.getLong();
                Class<?> exposed = ProxyHandler.load(made.getString());
                return ProxyHandler.created(this, id, made.getString(), exposed);
            case Wire.TRACEBACK:
                Wire.In in = new Wire.In(reply);
                in.get();
                throw new ManagerException(in.getString());
            case Wire.CANCELLED:
                // The interrupt that cancelled the call goes with this exception.
                Thread.interrupted();
                throw new InterruptedException("interrupted while waiting in the manager at " + addressKey
                        + " (the call was withdrawn)");
            default:
                throw new ManagerException("unknown reply status " + reply[0] + " from the manager at " + addressKey);
        }
    }

    private byte[] roundTrip(byte[] request) {
        return roundTrip(request, false, -1);
    }

    /** The wait a call of {@code method} with {@code args} asks the manager for, in nanoseconds; -1 for none (see {@link TimedWait}). */
    static long timedWait(Method method, Object[] args) {
        return args == null ? -1 : TimedWait.of(method).nanos(args);
    }

    /**
     * As {@link #roundTrip(byte[])}; {@code cancellable}: an interrupt while the call waits cancels
     * it, and {@code waitNanos} (-1: none) is how long the call asked the manager to wait (see
     * {@link #replyOrCancel}).
     */
    private byte[] roundTrip(byte[] request, boolean cancellable, long waitNanos) {
        // Puts this thread sent without waiting to other managers go first (see settleOwedPuts).
        settleOwedPuts();
        ManagerServer local = viaSocket ? null : ManagerServer.local(addressKey);
        if (local != null) {
            return local.handleLocal(request);   // notes requestWent() once it takes the request
        }
        if (gone) {
            throw new ManagerException("the manager at " + addressKey + " has shut down");
        }
        Channel ch = channel(cancellable ? waitNanos : -1);
        ch.lock.lock();
        // An interrupt never cuts a request or an answer short, which would leave the channel
        // out of step: it is kept for the caller (IoInterrupts gives it back when the call is
        // over), and a cancellable call asks the server to withdraw it.
        dev.mp4j.shm.IoInterrupts.hold();
        try {
            collect(ch);
            send(ch, request);
            try {
                return cancellable ? replyOrCancel(ch, waitNanos) : ch.conn.recvBytes();
            } catch (OutOfMemoryError tooLarge) {
                if (!ch.conn.isReadable()) {
                    throw tooLarge;   // cut half-way: the channel goes (below)
                }
                // Read past (see Connection): the channel is in step. Closing it could end
                // this process's session, and the server would let go of every object it holds.
                throw new ManagerException("the manager's answer is too large for this process's heap: "
                        + tooLarge.getMessage(), tooLarge);
            }
        } catch (NoAnswer e) {
            abandon(ch);
            throw new ManagerException("no answer from the manager at " + addressKey + ": " + e.getMessage(), e);
        } catch (IOException e) {
            lose(ch);
            throw new ManagerException("lost the connection to the manager at " + addressKey + ": " + e.getMessage(), e);
        } catch (Error e) {
            // Out of memory reading an answer, say: the channel may be mid-frame; start afresh.
            lose(ch);
            throw e;
        } finally {
            ch.lock.unlock();
            dev.mp4j.shm.IoInterrupts.release();
        }
    }

    /** Writes one request; one refused before a byte is written (too large) leaves the channel as it was. */
    private void send(Channel ch, byte[] request) throws IOException {
        try {
            ch.conn.sendBytes(request);
        } catch (dev.mp4j.connection.MessageTooLargeException e) {
            throw new ManagerException("the call is too large for the manager connection: " + e.getMessage(), e);
        }
        requestWent();
        ch.sent++;
    }

    /** How often a cancellable call waiting for its answer looks whether its thread was interrupted. */
    private static final java.time.Duration CANCEL_LOOK = java.time.Duration.ofMillis(50);

    /**
     * Waits for the answer to the call just sent, looking every {@link #CANCEL_LOOK} whether this
     * thread was interrupted; if so, asks the server over the socket to withdraw the call
     * ({@link Wire#CANCEL}). The server answers {@link Wire#CANCELLED} if the call had not taken
     * effect, or the call's own answer if it had: either way exactly one answer comes and the
     * channel stays in step. A registered object of a class of its own may never read the
     * cancel: the call then waits until it returns, as an uncancellable one does.
     */
    private byte[] replyOrCancel(Channel ch, long waitNanos) throws IOException {
        boolean cancelled = false;
        long start = System.nanoTime();
        long nextLook = waitNanos < 0 ? Long.MAX_VALUE : saturatedAdd(waitNanos, OVERDUE.toNanos());
        while (true) {
            try {
                return ch.conn.recvBytes(Long.MAX_VALUE, CANCEL_LOOK);
            } catch (java.util.concurrent.TimeoutException notYet) {
                // still waiting in the server
            }
            if (!cancelled && dev.mp4j.shm.IoInterrupts.pending()) {
                ch.socket.sendBytes(new Wire.Out(9).put(Wire.CANCEL).putLong(ch.sent).toArray());
                cancelled = true;
            }
            if (System.nanoTime() - start > nextLook) {
                // A timed call whose answer is overdue: the manager may have stopped answering
                // (stopped with SIGSTOP, its host cut off), and this wait, bounded in the server,
                // would have no bound here. A connection of its own asks whether it still
                // answers; if it does, the answer is only late (a barrier's long action, say).
                // Asked with the interrupt set aside (it is this call's to report), so that an
                // interrupted connect does not make a manager that answers look dead.
                boolean interrupted = Thread.interrupted();
                try {
                    probe(PROBE_TIMEOUT);
                } catch (ManagerException noAnswer) {
                    throw new NoAnswer("the call asked for a wait of " + java.time.Duration.ofNanos(waitNanos)
                            + " and its answer is overdue, and the manager did not answer a new connection within "
                            + PROBE_TIMEOUT + " (" + noAnswer.getMessage() + ")", noAnswer);
                } finally {
                    if (interrupted) {
                        Thread.currentThread().interrupt();
                    }
                }
                nextLook = saturatedAdd(System.nanoTime() - start, PROBE_TIMEOUT.toNanos());
            }
        }
    }

    /** A timed call's answer is overdue and the manager does not answer a new connection either. */
    private static final class NoAnswer extends IOException {
        @java.io.Serial
        private static final long serialVersionUID = 1L;

        NoAnswer(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Sets aside the channel of a call the manager did not answer (see {@link #replyOrCancel}):
     * this thread's next call opens another. It stays open until then: closing what may be this
     * process's only connection to the server would end its session there, and the server would
     * let go of every object this process holds (as it does for a process that has gone).
     */
    private void abandon(Channel ch) {
        connection.remove();
        ch.abandoned = true;
    }

    /** Closes the channels set aside ({@link #abandon}), now that this process has a new one; called holding {@code channels}. */
    private void closeAbandoned(Channel fresh) {
        for (java.util.Iterator<Channel> it = channels.iterator(); it.hasNext(); ) {
            Channel old = it.next();
            if (old != fresh && old.abandoned) {
                it.remove();
                closeChannel(old);
            }
        }
    }

    /** How long past its own wait a timed call's answer may be before the manager is asked whether it still answers. */
    private static final java.time.Duration OVERDUE = java.time.Duration.ofSeconds(1);
    /** How long the manager has to answer that question on a connection of its own. */
    private static final java.time.Duration PROBE_TIMEOUT = java.time.Duration.ofSeconds(5);

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

    /**
     * Sends a call whose answer the caller does not wait for (a put on an unbounded queue): the
     * request is in the channel, in order, when this returns; its reply is collected later, before
     * this thread's next call or at exit. If the manager refused such a call, the next one of
     * these on this thread throws that error (without being sent), and a process exiting with one
     * unreported prints it.
     */
    void send(long id, byte[] signature, String name, Object[] args) throws Throwable {
        ManagerServer local = viaSocket ? null : ManagerServer.local(addressKey);
        if (local != null || gone) {
            call(id, signature, name, args, null);
            return;
        }
        Wire.Out out = requestHead(id, signature);
        java.util.List<Runnable> tickets = writeArgs(out, args, name);
        boolean[] outer = tickets == null ? null : trackRequest();
        try {
            byte[] request = out.toArray();
            request[0] = Wire.CALL_NO_WAIT;
            Channel ch = channel(-1);
            ch.lock.lock();
            dev.mp4j.shm.IoInterrupts.hold();
            try {
                // At most a window of brief answers is owed, so the answer direction never fills up.
                if (ch.deferred != null) {
                    Throwable earlier = ch.deferred;
                    ch.deferred = null;
                    throw new ManagerException("an earlier put sent without waiting was refused by the manager at "
                            + addressKey + ": " + earlier, earlier);
                }
                send(ch, request);
                if (ch.pending++ == 0) {
                    owe(ch);
                }
                if (ch.pending >= PIPELINE_WINDOW) {
                    collect(ch);
                }
            } catch (IOException e) {
                lose(ch);
                throw new ManagerException("lost the connection to the manager at " + addressKey + ": " + e.getMessage(), e);
            } finally {
                ch.lock.unlock();
                dev.mp4j.shm.IoInterrupts.release();
            }
        } finally {
            // Not sent (no channel, an earlier refusal reported instead, too large, the
            // connection lost): nobody will claim the tickets.
            if (tickets != null) {
                endRequest(outer, tickets);
            }
        }
        if (!exitHookAdded) {
            addExitHook();
        }
    }

    /** How long the exit hook waits for a manager's confirmations of puts sent without waiting. */
    private static final long EXIT_FLUSH_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);

    /** Reads the replies a channel still owes, keeping the first error among them for later. */
    private void collect(Channel ch) throws IOException {
        while (ch.pending > 0) {
            readOwed(ch);
        }
    }

    private void readOwed(Channel ch) throws IOException {
        byte[] reply = ch.conn.recvBytes();
        ch.pending--;
        if (ch.deferred == null && (reply.length == 0 || reply[0] != Wire.RETURN)) {
            try {
                result(reply, null);
            } catch (Throwable t) {
                ch.deferred = t;
            }
        }
    }

    private void lose(Channel ch) {
        connection.remove();
        synchronized (channels) {
            channels.remove(ch);
        }
        ch.conn.close();
        if (ch.socket != ch.conn) {
            ch.socket.close();
        }
    }

    // ---- ordering of puts sent without waiting ----

    /** The channels this thread sent a put on without waiting for its answer, with their endpoints. */
    private static final ThreadLocal<List<Object[]>> OWED = ThreadLocal.withInitial(ArrayList::new);

    private void owe(Channel ch) {
        OWED.get().add(new Object[] {this, ch});
        dev.mp4j.shm.Handoffs.onHandoff(Endpoint::settleOwedPuts);
    }

    /**
     * Waits for the manager's answers to the puts this thread sent without waiting. mp4j calls
     * this before anything leaves the thread for another process (a message on a pipe, socket or
     * queue, a lock released, an event set, a pool task's result, a process started) and before
     * a call to any manager: whoever learns of it then finds the items in the manager's queues,
     * as after CPython's synchronous put. An error the manager sent for one of them is kept for
     * the thread's next put, as before.
     */
    static void settleOwedPuts() {
        List<Object[]> owed = OWED.get();
        if (owed.isEmpty()) {
            return;
        }
        // Most often the only channel owed is the one this thread is sending on right now (the
        // pipe under a put calls this as it sends): nothing to do, and nothing to allocate.
        boolean others = false;
        for (int i = owed.size() - 1; i >= 0; i--) {
            Channel ch = (Channel) owed.get(i)[1];
            if (ch.pending == 0) {
                owed.remove(i);
            } else if (!ch.lock.isHeldByCurrentThread()) {
                others = true;
            }
        }
        if (!others) {
            return;
        }
        Object[][] all = owed.toArray(Object[][]::new);
        owed.clear();
        int done = 0;
        try {
            for (Object[] entry : all) {
                Endpoint e = (Endpoint) entry[0];
                Channel ch = (Channel) entry[1];
                done++;
                if (ch.pending == 0 || ch.lock.isHeldByCurrentThread()) {
                    // Nothing owed, or this thread is inside that channel's own I/O: the call in
                    // progress collects them.
                    if (ch.pending > 0) {
                        owed.add(entry);
                    }
                    continue;
                }
                ch.lock.lock();
                dev.mp4j.shm.IoInterrupts.hold();
                try {
                    e.collect(ch);
                } catch (IOException failed) {
                    e.lose(ch);
                } catch (Error failed) {
                    // Out of memory reading an answer, say: the channel may be mid-frame.
                    e.lose(ch);
                    throw failed;
                } finally {
                    ch.lock.unlock();
                    dev.mp4j.shm.IoInterrupts.release();
                }
            }
        } finally {
            // Whatever was not reached (an Error above) stays owed.
            for (int i = done; i < all.length; i++) {
                owed.add(all[i]);
            }
        }
    }

    private static synchronized void addExitHook() {
        if (exitHookAdded) {
            return;
        }
        exitHookAdded = true;
        // A process that puts and exits: its last puts are processed before it is gone, so that
        // whoever joins it and then looks at the queue finds them there.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // One bound for the whole flush, however many channels owe confirmations: a
            // manager that stopped answering (stopped, or its host gone) must not keep this
            // process from exiting.
            long deadline = System.nanoTime() + EXIT_FLUSH_NANOS;
            for (Endpoint e : ENDPOINTS.values()) {
                if (e.gone) {
                    continue;
                }
                List<Channel> all;
                synchronized (e.channels) {
                    all = new ArrayList<>(e.channels);
                }
                for (Channel ch : all) {
                    // A channel owes replies only between calls; one whose thread is blocked in
                    // a call (a daemon thread in get(), say) owes none, and must not hold up exit.
                    if (ch.pending == 0 && ch.deferred == null) {
                        continue;
                    }
                    try {
                        long left = deadline - System.nanoTime();
                        if (left <= 0 || !ch.lock.tryLock(Math.min(left, java.util.concurrent.TimeUnit.SECONDS.toNanos(1)),
                                java.util.concurrent.TimeUnit.NANOSECONDS)) {
                            continue;
                        }
                    } catch (InterruptedException interrupted) {
                        return;
                    }
                    try {
                        while (ch.pending > 0) {
                            if (!ch.conn.poll(java.time.Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                                System.err.println("mp4j: the manager at " + e.addressKey + " did not confirm "
                                        + ch.pending + " put(s) sent without waiting before this process exited");
                                break;
                            }
                            e.readOwed(ch);
                        }
                        if (ch.deferred != null) {
                            System.err.println("mp4j: a put sent without waiting was refused by the manager at "
                                    + e.addressKey + ": " + ch.deferred);
                        }
                    } catch (IOException | RuntimeException failed) {
                        System.err.println("mp4j: " + failed.getMessage());
                    } finally {
                        ch.lock.unlock();
                    }
                }
            }
        }, "mp4j-manager-flush"));
    }

    /** One thread's connection to the manager and the replies it still owes. */
    private static final class Channel {
        final Connection conn;
        /** The authenticated socket the channel began on (the same as {@code conn} without a pipe). */
        final Connection socket;
        final Thread owner = Thread.currentThread();
        final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();
        volatile int pending;
        /** Set aside after a call the manager did not answer; closed once the process has another channel. */
        volatile boolean abandoned;
        /** Requests sent on {@code conn}: the number a {@link Wire#CANCEL} names its call by. */
        long sent;
        /** The first error among replies collected but not yet reported. */
        Throwable deferred;

        Channel(Connection conn, Connection socket) {
            this.conn = conn;
            this.socket = socket;
        }
    }

    /**
     * This thread's channel, opened if it has none. A timed call ({@code waitNanos} its wait, -1
     * for none) gives the manager as long to greet a new one as it gives the call's own answer
     * (see {@link #replyOrCancel}): a manager that stopped answering otherwise held a thread's
     * first timed call for ever, before the call was even sent.
     */
    private Channel channel(long waitNanos) {
        Channel ch = connection.get();
        if (ch != null && !ch.conn.isClosed()) {
            return ch;
        }
        Connection[] opened = openUninterrupted(waitNanos < 0 ? null
                : java.time.Duration.ofNanos(saturatedAdd(waitNanos, OVERDUE.plus(PROBE_TIMEOUT).toNanos())));
        ch = new Channel(opened[0], opened[1]);
        synchronized (channels) {
            sweepDeadThreads();
            channels.add(ch);
            closeAbandoned(ch);
        }
        connection.set(ch);
        return ch;
    }

    /**
     * Opens a channel as a call runs, uninterruptibly (see roundTrip): a socket channel that is
     * interrupted while it connects is closed by the JDK, so the attempt is made again with the
     * interrupt held back, and the interrupt is the thread's again afterwards.
     */
    private Connection[] openUninterrupted(java.time.Duration bound) {
        boolean interrupted = false;
        dev.mp4j.shm.IoInterrupts.hold();
        try {
            for (int attempt = 0; ; attempt++) {
                interrupted |= Thread.interrupted();
                try {
                    return openChannel(bound);
                } catch (ManagerException e) {
                    boolean byInterrupt = Thread.currentThread().isInterrupted()
                            || hasCause(e, java.nio.channels.ClosedByInterruptException.class);
                    if (!byInterrupt || attempt >= 10) {
                        throw e;
                    }
                }
            }
        } finally {
            dev.mp4j.shm.IoInterrupts.release();
            if (interrupted || Thread.interrupted()) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Closes the channels of threads that have ended (a thread per task, virtual threads), so a
     * process does not keep a connection, a server thread and a pipe per thread it ever had. The
     * first channel stays: the server counts this process's references while it has a connection.
     */
    private void sweepDeadThreads() {
        for (java.util.Iterator<Channel> it = channels.iterator(); it.hasNext(); ) {
            Channel old = it.next();
            if (old == channels.getFirst() || old.owner.isAlive() || !old.lock.tryLock()) {
                continue;
            }
            try {
                if (settledAfterItsThread(old)) {
                    it.remove();
                    closeChannel(old);
                }
            } finally {
                old.lock.unlock();
            }
        }
    }

    /**
     * A channel whose thread has ended, often just after a put sent without waiting (a task per
     * thread): the confirmations already here are read, and a refusal among them is reported as
     * at exit (its thread is not there to be told). Whether nothing is owed any more; a channel
     * that still waits for confirmations is looked at again by a later sweep (before, it was
     * never closed: a connection, a server thread and a pipe per such thread, for good).
     */
    private boolean settledAfterItsThread(Channel ch) {
        // The sweeping thread's interrupt is its own call's: held back here, or a socket's look
        // would end on it, and a channel still owed confirmations be closed for broken.
        dev.mp4j.shm.IoInterrupts.hold();
        try {
            while (ch.pending > 0 && ch.conn.poll(java.time.Duration.ZERO)) {
                readOwed(ch);
            }
        } catch (IOException | RuntimeException broken) {
            return true;   // nothing more will come on it
        } finally {
            dev.mp4j.shm.IoInterrupts.release();
        }
        if (ch.pending > 0) {
            return false;
        }
        if (ch.deferred != null) {
            System.err.println("mp4j: a put sent without waiting by thread " + ch.owner.getName()
                    + ", which has ended, was refused by the manager at " + addressKey + ": " + ch.deferred);
            ch.deferred = null;
        }
        return true;
    }

    /** Closes a channel taken out of {@code channels}, and forgets its connections. */
    private void closeChannel(Channel old) {
        old.conn.close();
        old.socket.close();
        synchronized (connections) {
            connections.remove(old.conn);
            connections.remove(old.socket);
        }
    }

    /** Why connecting failed, for the caller: a refused key is said to be one. */
    private ManagerException unreachable(IOException e) {
        if (e instanceof dev.mp4j.connection.AuthenticationException
                && !(e.getCause() instanceof java.net.SocketTimeoutException)) {
            return new ManagerException("authentication with the manager at " + addressKey + " failed: " + e.getMessage()
                    + " (is the authkey the server's?)", e);
        }
        return new ManagerException("cannot reach the manager at " + addressKey + ": " + e, e);
    }

    /**
     * Opens, greets and (locally) upgrades a connection, all within {@code bound} (null: no
     * limit): {the channel to use, its socket}.
     */
    private Connection[] openChannel(java.time.Duration bound) {
        long start = System.nanoTime();
        Connection conn = null;
        try {
            conn = connect(bound);
            conn.sendBytes(new Wire.Out(17).put(Wire.HELLO).putLong(ProcessHandle.current().pid()).putLong(CLIENT_ID).toArray());
            byte[] reply = answer(conn, bound, start);
            if (reply.length == 0 || reply[0] != Wire.RETURN) {
                conn.close();
                throw new ManagerException("the manager at " + addressKey + " refused this process's greeting");
            }
        } catch (java.util.concurrent.TimeoutException e) {
            conn.close();
            throw notGreeted(bound, e);
        } catch (IOException e) {
            if (conn != null) {
                // connected but the greeting failed: the socket (and its selector) goes now
                conn.close();
            }
            throw unreachable(e);
        }
        synchronized (connections) {
            connections.add(conn);
        }
        return new Connection[] {SHARED_MEMORY && addressKey.startsWith("unix:") ? upgrade(conn, bound, start) : conn, conn};
    }

    /** The next answer on {@code conn}, within what is left of {@code bound} since {@code start} (null: no limit). */
    private static byte[] answer(Connection conn, java.time.Duration bound, long start)
            throws IOException, java.util.concurrent.TimeoutException {
        return bound == null ? conn.recvBytes() : conn.recvBytes(Long.MAX_VALUE, left(bound, start));
    }

    private ManagerException notGreeted(java.time.Duration bound, Throwable cause) {
        return new ManagerException("the manager at " + addressKey + " did not answer a new connection within "
                + bound + " (the call's wait, and the time a late answer is given)", cause);
    }

    /**
     * Connects and authenticates within {@code timeout} (null: no limit), the retries included. A
     * Unix socket's file appears when it is bound, a moment before it listens; a server started a
     * moment ago may refuse the very first connect, so that is retried for a little while.
     */
    private Connection connect(java.time.Duration timeout) throws IOException {
        long start = System.nanoTime();
        for (int attempt = 0; ; attempt++) {
            try {
                return Client.connect(address, authkey, left(timeout, start));
            } catch (java.net.ConnectException e) {
                if (!addressKey.startsWith("unix:") || attempt >= 200
                        || (timeout != null && left(timeout, start).toNanos() < 1_000_000)) {
                    throw e;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
        }
    }

    /**
     * Moves this thread's calls to a shared-memory pipe: a round trip through it costs a few
     * microseconds where a Unix socket costs tens. The socket stays open: it is how the server
     * learns that this process has gone. Falls back to the socket if the server declines.
     */
    private Connection upgrade(Connection socket, java.time.Duration bound, long start) {
        Pipe pipe;
        try {
            pipe = Pipe.openPrivate(MAX_MESSAGE_BYTES, PIPE_RING_BYTES);
        } catch (RuntimeException noSharedMemory) {
            return socket;
        }
        try {
            byte[] end = serializer.serialize(pipe.right());
            byte[] request = new byte[end.length + 1];
            request[0] = Wire.UPGRADE;
            System.arraycopy(end, 0, request, 1, end.length);
            socket.sendBytes(request);
            byte[] reply = answer(socket, bound, start);
            pipe.right().close();
            if (reply.length > 0 && reply[0] == Wire.RETURN) {
                synchronized (connections) {
                    connections.add(pipe.left());
                }
                return pipe.left();
            }
        } catch (IOException | java.util.concurrent.TimeoutException e) {
            pipe.right().close();
            pipe.left().close();
            socket.close();
            throw e instanceof java.util.concurrent.TimeoutException ? notGreeted(bound, e)
                    : new ManagerException("lost the connection to the manager at " + addressKey + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // The pipe could not be offered (no room in /dev/shm, say): stay on the socket.
            pipe.right().close();
            pipe.left().close();
            return socket;
        }
        pipe.left().close();
        return socket;
    }

    /** Queues a reference (or unclaimed ticket) to give back; sent in batches by one daemon thread. */
    void releaseLater(byte kind, long value) {
        if (gone) {
            return;
        }
        RELEASES.add(new Release(this, kind, value));
        if (releaser == null) {
            synchronized (Endpoint.class) {
                if (releaser == null) {
                    releaser = Daemons.start("mp4j-manager-release", Endpoint::releaseLoop);
                }
            }
        }
    }

    private record Release(Endpoint endpoint, byte kind, long value) {
    }

    private static void releaseLoop() {
        List<Release> batch = new ArrayList<>();
        while (true) {
            try {
                batch.add(RELEASES.take());
            } catch (InterruptedException e) {
                return;
            }
            RELEASES.drainTo(batch);
            Map<Endpoint, List<Release>> byEndpoint = new java.util.HashMap<>();
            for (Release r : batch) {
                byEndpoint.computeIfAbsent(r.endpoint, e -> new ArrayList<>()).add(r);
            }
            batch.clear();
            byEndpoint.forEach((endpoint, releases) -> {
                if (endpoint.gone) {
                    return;
                }
                Wire.Out out = new Wire.Out(5 + 9 * releases.size());
                out.put(Wire.RELEASE).putInt(releases.size());
                for (Release r : releases) {
                    out.put(r.kind).putLong(r.value);
                }
                try {
                    endpoint.control(out.toArray());
                } catch (RuntimeException e) {
                    // The manager is gone or unreachable (its objects went with it), or this
                    // batch was refused: either way there is nothing to retry.
                }
            });
        }
    }

    @Override
    public String toString() {
        return "Endpoint[" + addressKey + "]";
    }
}
