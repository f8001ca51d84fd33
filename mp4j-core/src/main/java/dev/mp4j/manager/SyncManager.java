package dev.mp4j.manager;

import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A manager that serves the usual shared objects: Python's {@code SyncManager}, what
 * {@code multiprocessing.Manager()} returns. {@link dev.mp4j.Multiprocessing#manager()} starts one.
 *
 * <pre>{@code
 * try (SyncManager manager = Multiprocessing.manager()) {
 *     ManagedMap<String, Long> d = manager.dict();
 *     ManagedList<Long> l = manager.list();
 *     List<JvmProcess> ps = new ArrayList<>();
 *     for (int i = 0; i < 10; i++) {
 *         String name = "p" + i;
 *         JvmProcess p = new JvmProcess(() -> {
 *             long pid = ProcessHandle.current().pid();
 *             l.add(pid);
 *             d.put(name, pid);
 *         });
 *         p.start();
 *         ps.add(p);
 *     }
 *     ps.forEach(JvmProcess::join);
 *     System.out.println(d + " " + l);
 * }
 * }</pre>
 *
 * <p>Proxies can be passed to child processes (as captured values), sent through queues and
 * pipes, and stored inside other managed objects (a queue inside a dict): they travel as
 * references to the one object in the server. See {@link ManagerServer} for how objects are
 * freed when no proxy names them any more.
 *
 * <p>A call that waits ({@code take()}, {@code put} into a full queue, {@code acquire()},
 * {@code await()}, {@code join()}) waits in the manager. Unlike CPython's, it ends on an
 * interrupt, as Java's own blocking calls do: the client asks the manager to withdraw the call,
 * which it does within a few hundred milliseconds if the call has not taken effect (no item is
 * taken, no lock acquired; an interrupted barrier wait breaks the barrier, as
 * {@link java.util.concurrent.CyclicBarrier}'s does; a condition's {@code await()} first takes
 * the condition's lock back, as Java's does, however long another holds it), and the call throws
 * {@link InterruptedException}; if it had taken effect, or what it waits for is there already,
 * it returns as usual with the interrupt still set. The waiting calls of a queue a registered
 * factory made itself are withdrawn the same way (if its class keeps the JDK's own {@code take},
 * {@code put}, {@code poll} and {@code offer}; one that overrides them is called as it is); a
 * registered object's own methods, and calls that do not wait (a dict's {@code get}), are never
 * cut short: the interrupt stays set for after them. To bound a wait, use the timed form each of
 * them has ({@code poll(timeout, unit)}, {@code get(true, timeout)}, {@code acquire(true,
 * timeout)}, {@code await(timeout)}, {@code join(timeout)}).
 */
public final class SyncManager extends BaseManager {
    /** A manager whose server will listen on a fresh Unix-domain socket, with this process's authkey. */
    public SyncManager() {
        this(null, null);
    }

    /** A manager for {@code address} and {@code authkey} (see {@link BaseManager#BaseManager(SocketAddress, byte[])}). */
    public SyncManager(SocketAddress address, byte[] authkey) {
        super(address, authkey);
        registerBuiltins(builtinRegistry());
    }

    /** The type ids every SyncManager serves; a server process builds these itself instead of receiving them. */
    static Map<String, Registration> builtinRegistry() {
        Map<String, Registration> r = new java.util.LinkedHashMap<>();
        builtin(r, "dict", ManagedMap.class, Builtin.DICT);
        builtin(r, "list", ManagedList.class, Builtin.LIST);
        builtin(r, "Namespace", Namespace.class, Builtin.NAMESPACE);
        builtin(r, "Queue", ManagedQueue.class, Builtin.QUEUE);
        builtin(r, "JoinableQueue", ManagedQueue.class, Builtin.QUEUE);
        builtin(r, "Lock", ManagedLock.class, Builtin.LOCK);
        builtin(r, "RLock", ManagedLock.class, Builtin.RLOCK);
        builtin(r, "Semaphore", ManagedSemaphore.class, Builtin.SEMAPHORE);
        builtin(r, "BoundedSemaphore", ManagedSemaphore.class, Builtin.BOUNDED_SEMAPHORE);
        builtin(r, "Event", ManagedEvent.class, Builtin.EVENT);
        builtin(r, "Condition", ManagedCondition.class, Builtin.CONDITION);
        builtin(r, "Barrier", ManagedBarrier.class, Builtin.BARRIER);
        builtin(r, "Value", ManagedValue.class, Builtin.VALUE);
        builtin(r, "Array", ManagedArray.class, Builtin.ARRAY);
        return r;
    }

    private static void builtin(Map<String, Registration> r, String typeId, Class<?> exposed, Builtin factory) {
        r.put(typeId, new Registration(typeId, exposed.getName(), factory));
    }

    /**
     * The built-in factories: constants of an enum rather than lambdas, because they travel to
     * every server process and an enum constant costs a name there, a lambda a class to spin.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private enum Builtin implements ManagedFactory {
        DICT, LIST, NAMESPACE, QUEUE, LOCK, RLOCK, SEMAPHORE, BOUNDED_SEMAPHORE, EVENT, CONDITION, BARRIER, VALUE, ARRAY;

        @Override
        public Object create(List args) {
            Object first = args.isEmpty() ? null : args.get(0);
            return switch (this) {
                case DICT -> new Referents.ServerMap<>((Map<Object, Object>) first);
                case LIST -> new Referents.ServerList<>((Collection<Object>) first);
                case NAMESPACE -> new Referents.ServerNamespace((Map<String, Object>) first);
                case QUEUE -> new Referents.ServerQueue<>(first == null ? 0 : (Integer) first);
                case LOCK -> new Referents.ServerLock();
                case RLOCK -> new Referents.ServerRLock();
                case SEMAPHORE -> new Referents.ServerSemaphore((Integer) first, false);
                case BOUNDED_SEMAPHORE -> new Referents.ServerSemaphore((Integer) first, true);
                case EVENT -> new Referents.ServerEvent();
                case CONDITION -> first == null ? new Referents.ServerCondition() : new Referents.ServerCondition(ownLock(first));
                case BARRIER -> new Referents.ServerBarrier((Integer) first,
                        args.size() > 1 ? (dev.mp4j.serial.ProcessTarget) args.get(1) : null,
                        args.size() > 2 ? (java.time.Duration) args.get(2) : null);
                case VALUE -> new Referents.ServerValue<>(first);
                case ARRAY -> new Referents.ServerArray<>((List<?>) first);
            };
        }
    }

    /** The lock a proxy passed to this server stands for, or a clear error for anything else. */
    private static Object ownLock(Object proxy) {
        Object referent = ManagerServer.localReferent(proxy);
        if (!(referent instanceof Referents.ServerLock) && !(referent instanceof Referents.ServerRLock)) {
            throw new IllegalArgumentException("a manager's Condition takes a Lock or RLock made by the same manager, got "
                    + (referent != null ? "a " + referent.getClass().getSimpleName() : proxy == null ? "null" : "a " + proxy.getClass().getName()));
        }
        return referent;
    }

    @Override
    public SyncManager start() {
        super.start();
        return this;
    }

    @Override
    public SyncManager start(dev.mp4j.serial.ProcessTarget initializer) {
        super.start(initializer);
        return this;
    }

    /** An empty shared map: Python's {@code manager.dict()}. */
    public <K, V> ManagedMap<K, V> dict() {
        return create("dict");
    }

    /** A shared map holding a copy of {@code initial}: Python's {@code manager.dict(mapping)}. */
    public <K, V> ManagedMap<K, V> dict(Map<? extends K, ? extends V> initial) {
        return create("dict", new java.util.LinkedHashMap<>(initial));
    }

    /** An empty shared list: Python's {@code manager.list()}. */
    public <E> ManagedList<E> list() {
        return create("list");
    }

    /** A shared list holding a copy of {@code initial}: Python's {@code manager.list(sequence)}. */
    public <E> ManagedList<E> list(Collection<? extends E> initial) {
        return create("list", new ArrayList<>(initial));
    }

    /** An empty shared namespace: Python's {@code manager.Namespace()}. */
    public Namespace namespace() {
        return create("Namespace");
    }

    /** A shared namespace with initial attributes: Python's {@code manager.Namespace(**kw)}. */
    public Namespace namespace(Map<String, ?> attributes) {
        return create("Namespace", new java.util.LinkedHashMap<>(attributes));
    }

    /** An unbounded shared queue: Python's {@code manager.Queue()}. */
    public <E> ManagedQueue<E> queue() {
        return create("Queue");
    }

    /** A shared queue holding at most {@code maxsize} items (0 or less: unbounded). */
    public <E> ManagedQueue<E> queue(int maxsize) {
        return create("Queue", maxsize);
    }

    /** Python's {@code manager.JoinableQueue()}: the same queue, used with {@code taskDone}/{@code join}. */
    public <E> ManagedQueue<E> joinableQueue() {
        return create("JoinableQueue");
    }

    /** Python's {@code manager.JoinableQueue(maxsize)}. */
    public <E> ManagedQueue<E> joinableQueue(int maxsize) {
        return create("JoinableQueue", maxsize);
    }

    /** Python's {@code manager.Lock()}. */
    public ManagedLock lock() {
        return create("Lock");
    }

    /** Python's {@code manager.RLock()}. */
    public ManagedLock rLock() {
        return create("RLock");
    }

    /** Python's {@code manager.Semaphore()}: one permit. */
    public ManagedSemaphore semaphore() {
        return semaphore(1);
    }

    /** Python's {@code manager.BoundedSemaphore()}: one permit. */
    public ManagedSemaphore boundedSemaphore() {
        return boundedSemaphore(1);
    }

    /** Python's {@code manager.Semaphore(value)}. */
    public ManagedSemaphore semaphore(int value) {
        return create("Semaphore", value);
    }

    /** Python's {@code manager.BoundedSemaphore(value)}. */
    public ManagedSemaphore boundedSemaphore(int value) {
        return create("BoundedSemaphore", value);
    }

    /** Python's {@code manager.Event()}. */
    public ManagedEvent event() {
        return create("Event");
    }

    /** Python's {@code manager.Condition()}: a condition with a reentrant lock of its own. */
    public ManagedCondition condition() {
        return create("Condition");
    }

    /**
     * Python's {@code manager.Condition(lock)}: a condition over {@code lock}, a {@link #lock()}
     * or {@link #rLock()} of this same manager, so that holding the lock through its own proxy
     * is holding the condition's.
     *
     * <pre>{@code
     * ManagedLock lock = manager.lock();
     * ManagedCondition ready = manager.condition(lock);
     * lock.acquire();
     * try {
     *     ready.await(Duration.ofSeconds(5));   // gives up lock while it waits
     * } finally {
     *     lock.release();
     * }
     * }</pre>
     *
     * @throws IllegalArgumentException if {@code lock} is not a lock proxy of this manager
     */
    public ManagedCondition condition(ManagedLock lock) {
        java.util.Objects.requireNonNull(lock, "lock");
        ProxyHandler handler = ProxyHandler.of(lock);
        String mine = endpointKey();
        String theirs = handler == null ? null : handler.endpoint().addressKey;
        // Two socket files are two servers; two TCP addresses may name one server (127.0.0.1 and
        // the host's own address), which the server itself tells apart.
        if (handler == null || mine != null && !theirs.equals(mine) && !(theirs.startsWith("tcp:") && mine.startsWith("tcp:"))) {
            throw new IllegalArgumentException("a manager's Condition takes a Lock or RLock made by the same manager; "
                    + (handler == null ? "this lock is not a manager's proxy" : "this one belongs to the manager at " + handler.endpoint().addressKey));
        }
        return create("Condition", lock);
    }

    /** Python's {@code manager.Barrier(parties)}. */
    public ManagedBarrier barrier(int parties) {
        return create("Barrier", parties);
    }

    /** Python's {@code manager.Barrier(parties, action)}: no default timeout. */
    public ManagedBarrier barrier(int parties, dev.mp4j.serial.ProcessTarget action) {
        return barrier(parties, action, null);
    }

    /**
     * Python's {@code manager.Barrier(parties, action, timeout)}: {@code action} (may be null)
     * runs in the manager's process, in the last arrival's call, before the others are
     * released; {@code timeout} (null: none) bounds {@code await()}, which breaks the barrier
     * when it runs out.
     */
    public ManagedBarrier barrier(int parties, dev.mp4j.serial.ProcessTarget action, java.time.Duration timeout) {
        if (timeout != null && timeout.isNegative()) {
            throw new IllegalArgumentException("a barrier's timeout must not be negative, got " + timeout);
        }
        return create("Barrier", parties, action, timeout);
    }

    /** Python's {@code manager.Value(typecode, value)}; the type is the value's. */
    public <T> ManagedValue<T> value(T initial) {
        return create("Value", initial);
    }

    /** Python's {@code manager.Array(typecode, sequence)} for any element type. */
    public <E> ManagedArray<E> array(List<E> initial) {
        return create("Array", new ArrayList<>(initial));
    }

    /** Python's {@code manager.Array('i', values)}. */
    public ManagedArray<Integer> array(int[] initial) {
        return array(java.util.Arrays.stream(initial).boxed().toList());
    }

    /** Python's {@code manager.Array('q', values)}. */
    public ManagedArray<Long> array(long[] initial) {
        return array(java.util.Arrays.stream(initial).boxed().toList());
    }

    /** Python's {@code manager.Array('d', values)}. */
    public ManagedArray<Double> array(double[] initial) {
        return array(java.util.Arrays.stream(initial).boxed().toList());
    }
}
