package dev.mp4j.manager;

import dev.mp4j.process.ProcessState;
import java.lang.ref.Cleaner;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a proxy does with a call: forwards it to the manager, runs it here (default methods built
 * on forwarded ones, snapshots for iteration, a namespace's {@code _} names), and keeps the
 * proxy's reference to its object.
 */
final class ProxyHandler implements InvocationHandler {
    private static final Cleaner CLEANER = Cleaner.create(Daemons.numbered("mp4j-manager-cleaner-"));
    private static final Map<Method, String> SIGNATURES = new ConcurrentHashMap<>();
    /** The encoded form of each method called through a dynamic proxy, made once. */
    private static final Map<Method, Call> CALLS = new ConcurrentHashMap<>();
    private static final Map<Method, Boolean> LOCAL_DEFAULTS = new ConcurrentHashMap<>();
    /** JDK default methods that must run against the real object to be atomic. */
    private static final Set<String> FORWARDED_JDK_DEFAULTS = Set.of(
            "getOrDefault", "replaceAll", "putIfAbsent", "remove", "replace", "computeIfAbsent",
            "computeIfPresent", "compute", "merge", "removeIf", "sort",
            "addFirst", "addLast", "getFirst", "getLast", "removeFirst", "removeLast");
    private static final Set<String> SNAPSHOT_METHODS = Set.of("iterator", "listIterator", "subList");

    private final Endpoint endpoint;
    private final long id;
    private final String typeId;
    private final Class<?> exposed;
    private final Reference reference;

    private ProxyHandler(Endpoint endpoint, long id, String typeId, Class<?> exposed, long ticket) {
        this.endpoint = endpoint;
        this.id = id;
        this.typeId = typeId;
        this.exposed = exposed;
        this.reference = new Reference(endpoint, id, ticket);
    }

    /** A proxy for an object this process just created (it holds the creator's reference). */
    static <T> T created(Endpoint endpoint, long id, String typeId, Class<T> exposed) {
        return exposed.cast(newProxy(new ProxyHandler(endpoint, id, typeId, exposed, 0)));
    }

    /**
     * A proxy through {@code endpoint} for an object its holder handed over with {@code ticket}:
     * what {@link #rebuild} makes in a child, for a second client in this process (the AOT
     * training's, which reaches a server running here through a socket of its own).
     */
    static <T> T handedOver(Endpoint endpoint, long id, String typeId, Class<T> exposed, long ticket) {
        return exposed.cast(newProxy(new ProxyHandler(endpoint, id, typeId, exposed, ticket)));
    }

    /** Proxies rebuilt in this process so far (a manager's server collects garbage while new ones come). */
    static final java.util.concurrent.atomic.AtomicLong REBUILT = new java.util.concurrent.atomic.AtomicLong();
    /** Of those, the ones not yet collected. */
    static final java.util.concurrent.atomic.AtomicLong REBUILT_LIVE = new java.util.concurrent.atomic.AtomicLong();

    /** A proxy arriving from another process, holding the ticket its sender took. */
    static Object rebuild(Token token) {
        Class<?> exposed = load(token.interfaceName());
        Endpoint endpoint = Endpoint.of(token.address(), token.authkey());
        ProxyHandler handler = new ProxyHandler(endpoint, token.id(), token.typeId(), exposed, token.ticket());
        handler.reference.rebuilt = true;
        REBUILT.incrementAndGet();
        REBUILT_LIVE.incrementAndGet();
        return newProxy(handler);
    }

    static Class<?> load(String name) {
        try {
            ClassLoader context = Thread.currentThread().getContextClassLoader();
            return Class.forName(name, false, context != null ? context : ProxyHandler.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            try {
                return Class.forName(name, false, ProxyHandler.class.getClassLoader());
            } catch (ClassNotFoundException again) {
                throw new ManagerException("the managed interface " + name + " is not on this process's class path", again);
            }
        }
    }

    private static Object newProxy(ProxyHandler handler) {
        Object proxy = Proxies.forInterface(handler.exposed, handler);
        if (proxy != null) {
            CLEANER.register(proxy, handler.reference);
            return proxy;
        }
        proxy = Proxy.newProxyInstance(handler.exposed.getClassLoader() != null
                        ? handler.exposed.getClassLoader() : ProxyHandler.class.getClassLoader(),
                new Class<?>[] {handler.exposed, ManagedProxy.class}, handler);
        CLEANER.register(proxy, handler.reference);
        return proxy;
    }

    /** Forwards one call of a hand-written proxy. */
    Object forward(Call call, Object[] args) throws Throwable {
        reference.claim();
        return endpoint.call(id, call.signatureBytes(), call.signature(), args, call.method());
    }

    /** Sends one call of a hand-written proxy without waiting for its answer (see {@link Endpoint#send}). */
    void send(Call call, Object[] args) throws Throwable {
        reference.claim();
        endpoint.send(id, call.signatureBytes(), call.signature(), args);
    }

    /** The handler behind a proxy, or null if it is not one of ours. */
    static ProxyHandler of(Object proxy) {
        if (proxy instanceof BaseProxy p) {
            return p.handler;
        }
        if (proxy != null && Proxy.isProxyClass(proxy.getClass()) && Proxy.getInvocationHandler(proxy) instanceof ProxyHandler h) {
            return h;
        }
        return null;
    }

    long id() {
        return id;
    }

    Endpoint endpoint() {
        return endpoint;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        try {
            return dispatch(proxy, method, args);
        } finally {
            // The proxy must outlive its call (see BaseProxy#call).
            java.lang.ref.Reference.reachabilityFence(proxy);
        }
    }

    private Object dispatch(Object proxy, Method method, Object[] args) throws Throwable {
        Class<?> declaring = method.getDeclaringClass();
        if (declaring == Object.class) {
            return switch (method.getName()) {
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                case "toString" -> {
                    if (ManagerServer.answering()) {
                        yield toString();   // inside a managed object's own toString (see answering)
                    }
                    try {
                        yield forward(method, args);
                    } catch (RuntimeException e) {
                        yield failedToString(e);
                    }
                }
                default -> forward(method, args);
            };
        }
        if (declaring == ManagedProxy.class) {
            // Whoever keeps the bytes (a pool's task) keeps this proxy, and so the object it refers to.
            dev.mp4j.shm.Cleanup.noteSent(proxy);
            return token();
        }
        if (method.isDefault() && runsHere(method)) {
            return InvocationHandler.invokeDefault(proxy, method, args);
        }
        if (SNAPSHOT_METHODS.contains(method.getName()) && proxy instanceof Collection<?> collection) {
            // Read-only, as the built-in proxies' snapshots: a write would change nothing in the manager.
            List<Object> copy = java.util.Collections.unmodifiableList(new ArrayList<>(Arrays.asList(collection.toArray())));
            return switch (method.getName()) {
                case "iterator" -> copy.iterator();
                case "subList" -> copy.subList((Integer) args[0], (Integer) args[1]);
                default -> args == null ? copy.listIterator() : copy.listIterator((Integer) args[0]);
            };
        }
        return forward(method, args);
    }

    private Object forward(Method method, Object[] args) throws Throwable {
        return forward(CALLS.computeIfAbsent(method, m -> new Call(signature(m), m)), args);
    }

    private static boolean runsHere(Method method) {
        return LOCAL_DEFAULTS.computeIfAbsent(method, m -> {
            if (m.isAnnotationPresent(RunsInManager.class)) {
                return false;
            }
            String owner = m.getDeclaringClass().getName();
            boolean jdk = owner.startsWith("java.");
            return !(jdk && FORWARDED_JDK_DEFAULTS.contains(m.getName()));
        });
    }

    /** What this proxy becomes when serialized: its address and id, plus a ticket for the receiver. */
    Token token() {
        if (dev.mp4j.serial.SafeSerializer.probing()) {
            // A dry run: no copy will travel, so the server is not asked for a ticket.
            return new Token(endpoint.addressKey, null, id, typeId, exposed.getName(), 0);
        }
        long ticket = endpoint.ticket(id);
        // A message that never goes gives the ticket back (see Cleanup.collectUndos).
        Endpoint issuer = endpoint;
        dev.mp4j.shm.Cleanup.noteUndo(() -> issuer.releaseLater(Wire.RELEASE_TICKET, ticket));
        byte[] key = endpoint.authkey();
        boolean inherited = java.util.Arrays.equals(key, ProcessState.receiverAuthkey());
        return new Token(endpoint.addressKey, inherited ? null : key, id, typeId, exposed.getName(), ticket);
    }

    static String signature(Method m) {
        String cached = SIGNATURES.get(m);
        if (cached != null) {
            return cached;
        }
        StringBuilder b = new StringBuilder(m.getName()).append('(');
        Class<?>[] params = m.getParameterTypes();
        for (int i = 0; i < params.length; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(params[i].getName());
        }
        String sig = b.append(')').toString();
        SIGNATURES.put(m, sig);
        return sig;
    }

    /** What a proxy's toString() gives when the manager cannot answer (CPython: "...; '__str__()' failed>"). */
    String failedToString(RuntimeException e) {
        String self = toString();
        return self.substring(0, self.length() - 1) + "; toString() failed: " + e.getMessage() + ">";
    }

    @Override
    public String toString() {
        return "<" + exposed.getSimpleName() + " proxy, typeid '" + typeId + "', id " + id + " at " + endpoint.addressKey + ">";
    }

    /** This proxy's claim on its object; also the cleaning action that gives it back. */
    private static final class Reference implements Runnable {
        private final Endpoint endpoint;
        private final long id;
        private volatile long ticket;

        Reference(Endpoint endpoint, long id, long ticket) {
            this.endpoint = endpoint;
            this.id = id;
            this.ticket = ticket;
        }

        void claim() {
            if (ticket != 0) {
                synchronized (this) {
                    if (ticket != 0) {
                        endpoint.claim(ticket, id);
                        ticket = 0;
                    }
                }
            }
        }

        /** Made by {@link #rebuild} (counted in {@link #REBUILT_LIVE} until collected). */
        volatile boolean rebuilt;

        @Override
        public void run() {
            if (rebuilt) {
                REBUILT_LIVE.decrementAndGet();
            }
            long t = ticket;
            if (t != 0) {
                endpoint.releaseLater(Wire.RELEASE_TICKET, t);
            } else {
                endpoint.releaseLater(Wire.RELEASE_REF, id);
            }
        }
    }
}
