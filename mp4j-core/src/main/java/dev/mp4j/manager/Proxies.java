package dev.mp4j.manager;

import dev.mp4j.queue.QueueEmptyException;
import dev.mp4j.queue.QueueFullException;
import dev.mp4j.serial.SerializableBiFunction;
import dev.mp4j.serial.SerializableFunction;
import dev.mp4j.serial.SerializablePredicate;
import dev.mp4j.serial.SerializableUnaryOperator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.ListIterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Hand-written proxies for the built-in managed interfaces, one forwarding line per method.
 * Default methods they do not override run here, on top of the forwarded ones (as with
 * {@link ProxyHandler}); the ones that must be atomic are overridden to run in the manager.
 */
final class Proxies {
    private Proxies() {
    }

    /** A hand-written proxy for {@code exposed}, or null if there is none (a dynamic proxy is used). */
    static Object forInterface(Class<?> exposed, ProxyHandler h) {
        if (exposed == ManagedMap.class || exposed == ConcurrentMap.class || exposed == Map.class) {
            return new MapProxy<>(h);
        }
        if (exposed == ManagedList.class || exposed == List.class) {
            return new ListProxy<>(h);
        }
        if (exposed == ManagedQueue.class || exposed == BlockingQueue.class || exposed == java.util.Queue.class) {
            return new QueueProxy<>(h);
        }
        if (exposed == Namespace.class) {
            return new NamespaceProxy(h);
        }
        if (exposed == ManagedLock.class) {
            return new LockProxy(h);
        }
        if (exposed == ManagedSemaphore.class) {
            return new SemaphoreProxy(h);
        }
        if (exposed == ManagedEvent.class) {
            return new EventProxy(h);
        }
        if (exposed == ManagedCondition.class) {
            return new ConditionProxy(h);
        }
        if (exposed == ManagedBarrier.class) {
            return new BarrierProxy(h);
        }
        if (exposed == ManagedValue.class) {
            return new ValueProxy<>(h);
        }
        if (exposed == ManagedArray.class) {
            return new ArrayProxy<>(h);
        }
        return null;
    }

    /** The calls shared by every collection proxy. */
    private abstract static class CollectionProxy<E> extends BaseProxy implements Collection<E> {
        private static final long serialVersionUID = 1L;
        static final Call SIZE = Call.of(Collection.class, "size");
        static final Call IS_EMPTY = Call.of(Collection.class, "isEmpty");
        static final Call CONTAINS = Call.of(Collection.class, "contains", Object.class);
        static final Call TO_ARRAY = Call.of(Collection.class, "toArray");
        static final Call ADD = Call.of(Collection.class, "add", Object.class);
        static final Call REMOVE = Call.of(Collection.class, "remove", Object.class);
        static final Call CONTAINS_ALL = Call.of(Collection.class, "containsAll", Collection.class);
        static final Call ADD_ALL = Call.of(Collection.class, "addAll", Collection.class);
        static final Call REMOVE_ALL = Call.of(Collection.class, "removeAll", Collection.class);
        static final Call RETAIN_ALL = Call.of(Collection.class, "retainAll", Collection.class);
        static final Call CLEAR = Call.of(Collection.class, "clear");
        static final Call REMOVE_IF = Call.of(Collection.class, "removeIf", Predicate.class);

        CollectionProxy(ProxyHandler h) {
            super(h);
        }

        @Override public int size() { return (Integer) call(SIZE); }
        @Override public boolean isEmpty() { return (Boolean) call(IS_EMPTY); }
        @Override public boolean contains(Object o) { return (Boolean) call(CONTAINS, o); }
        @Override public Object[] toArray() { return (Object[]) call(TO_ARRAY); }

        /**
         * As {@link Collection#toArray(Object[])}: into {@code a} when the elements fit (the rest
         * of it set to null after the last), else into a new array of its type. The elements come
         * in one call, {@code a} itself does not travel.
         */
        @Override
        @SuppressWarnings("unchecked")
        public <T> T[] toArray(T[] a) {
            Object[] all = toArray();
            T[] out = a.length >= all.length ? a : (T[]) java.lang.reflect.Array.newInstance(a.getClass().getComponentType(), all.length);
            System.arraycopy(all, 0, out, 0, all.length);
            if (out.length > all.length) {
                out[all.length] = null;
            }
            return out;
        }

        @Override public boolean add(E e) { return (Boolean) call(ADD, e); }
        @Override public boolean remove(Object o) { return (Boolean) call(REMOVE, o); }
        @Override public boolean containsAll(Collection<?> c) { return (Boolean) call(CONTAINS_ALL, new ArrayList<>(c)); }
        @Override public boolean addAll(Collection<? extends E> c) { return (Boolean) call(ADD_ALL, new ArrayList<>(c)); }
        @Override public boolean removeAll(Collection<?> c) { return (Boolean) call(REMOVE_ALL, new ArrayList<>(c)); }
        @Override public boolean retainAll(Collection<?> c) { return (Boolean) call(RETAIN_ALL, new ArrayList<>(c)); }
        @Override public void clear() { call(CLEAR); }
        @Override public boolean removeIf(Predicate<? super E> filter) { return (Boolean) call(REMOVE_IF, filter); }

        /** Iteration works on a snapshot taken by one call; it is read-only ({@code remove()} is refused). */
        @Override
        public Iterator<E> iterator() {
            return snapshot().iterator();
        }

        /**
         * Streams too: one snapshot, its size taken from it (the default asks the manager for
         * the size in a second call, and a change between the two broke the stream).
         */
        @Override
        @SuppressWarnings("unchecked")
        public java.util.Spliterator<E> spliterator() {
            return (java.util.Spliterator<E>) java.util.Spliterators.spliterator(toArray(), java.util.Spliterator.ORDERED);
        }

        @SuppressWarnings("unchecked")
        List<E> snapshot() {
            // Read-only: a write through a copy would change nothing in the manager, silently
            // (Collections.reverse and shuffle write through listIterator(); subList(a, b).clear()).
            return (List<E>) java.util.Collections.unmodifiableList(new ArrayList<>(Arrays.asList(toArray())));
        }
    }

    static final class MapProxy<K, V> extends BaseProxy implements ManagedMap<K, V> {
        private static final long serialVersionUID = 1L;
        private static final Call SIZE = Call.of(Map.class, "size");
        private static final Call IS_EMPTY = Call.of(Map.class, "isEmpty");
        private static final Call CONTAINS_KEY = Call.of(Map.class, "containsKey", Object.class);
        private static final Call CONTAINS_VALUE = Call.of(Map.class, "containsValue", Object.class);
        private static final Call GET = Call.of(Map.class, "get", Object.class);
        private static final Call PUT = Call.of(Map.class, "put", Object.class, Object.class);
        private static final Call REMOVE = Call.of(Map.class, "remove", Object.class);
        private static final Call PUT_ALL = Call.of(Map.class, "putAll", Map.class);
        private static final Call CLEAR = Call.of(Map.class, "clear");
        private static final Call KEY_SET = Call.of(Map.class, "keySet");
        private static final Call VALUES = Call.of(Map.class, "values");
        private static final Call ENTRY_SET = Call.of(Map.class, "entrySet");
        private static final Call GET_OR_DEFAULT = Call.of(Map.class, "getOrDefault", Object.class, Object.class);
        private static final Call PUT_IF_ABSENT = Call.of(Map.class, "putIfAbsent", Object.class, Object.class);
        private static final Call REMOVE_PAIR = Call.of(Map.class, "remove", Object.class, Object.class);
        private static final Call REPLACE_IF = Call.of(Map.class, "replace", Object.class, Object.class, Object.class);
        private static final Call REPLACE = Call.of(Map.class, "replace", Object.class, Object.class);
        private static final Call COMPUTE_IF_ABSENT = Call.of(Map.class, "computeIfAbsent", Object.class, Function.class);
        private static final Call COMPUTE_IF_PRESENT = Call.of(Map.class, "computeIfPresent", Object.class, BiFunction.class);
        private static final Call COMPUTE = Call.of(Map.class, "compute", Object.class, BiFunction.class);
        private static final Call MERGE = Call.of(Map.class, "merge", Object.class, Object.class, BiFunction.class);
        private static final Call REPLACE_ALL = Call.of(Map.class, "replaceAll", BiFunction.class);

        MapProxy(ProxyHandler h) {
            super(h);
        }

        @Override public int size() { return (Integer) call(SIZE); }
        @Override public boolean isEmpty() { return (Boolean) call(IS_EMPTY); }
        @Override public boolean containsKey(Object key) { return (Boolean) call(CONTAINS_KEY, key); }
        @Override public boolean containsValue(Object value) { return (Boolean) call(CONTAINS_VALUE, value); }
        @Override @SuppressWarnings("unchecked") public V get(Object key) { return (V) call(GET, key); }
        @Override @SuppressWarnings("unchecked") public V put(K key, V value) { return (V) call(PUT, key, value); }
        @Override @SuppressWarnings("unchecked") public V remove(Object key) { return (V) call(REMOVE, key); }
        @Override public void putAll(Map<? extends K, ? extends V> m) { call(PUT_ALL, new java.util.LinkedHashMap<>(m)); }
        @Override public void clear() { call(CLEAR); }
        @Override @SuppressWarnings("unchecked") public Set<K> keySet() { return (Set<K>) call(KEY_SET); }
        @Override @SuppressWarnings("unchecked") public Collection<V> values() { return (Collection<V>) call(VALUES); }
        @Override @SuppressWarnings("unchecked") public Set<Map.Entry<K, V>> entrySet() { return (Set<Map.Entry<K, V>>) call(ENTRY_SET); }
        @Override @SuppressWarnings("unchecked") public V getOrDefault(Object key, V fallback) { return (V) call(GET_OR_DEFAULT, key, fallback); }
        @Override @SuppressWarnings("unchecked") public V putIfAbsent(K key, V value) { return (V) call(PUT_IF_ABSENT, key, value); }
        @Override public boolean remove(Object key, Object value) { return (Boolean) call(REMOVE_PAIR, key, value); }
        @Override public boolean replace(K key, V oldValue, V newValue) { return (Boolean) call(REPLACE_IF, key, oldValue, newValue); }
        @Override @SuppressWarnings("unchecked") public V replace(K key, V value) { return (V) call(REPLACE, key, value); }

        @Override
        @SuppressWarnings("unchecked")
        public V computeIfAbsent(K key, Function<? super K, ? extends V> mapping) {
            return (V) call(COMPUTE_IF_ABSENT, key, mapping);
        }

        @Override
        @SuppressWarnings("unchecked")
        public V computeIfPresent(K key, BiFunction<? super K, ? super V, ? extends V> remapping) {
            return (V) call(COMPUTE_IF_PRESENT, key, remapping);
        }

        @Override
        @SuppressWarnings("unchecked")
        public V compute(K key, BiFunction<? super K, ? super V, ? extends V> remapping) {
            return (V) call(COMPUTE, key, remapping);
        }

        @Override
        @SuppressWarnings("unchecked")
        public V merge(K key, V value, BiFunction<? super V, ? super V, ? extends V> remapping) {
            return (V) call(MERGE, key, value, remapping);
        }

        @Override public void replaceAll(BiFunction<? super K, ? super V, ? extends V> function) { call(REPLACE_ALL, function); }

        // The serializable overloads travel the same way: the server runs the JDK method.
        @Override public V compute(K key, SerializableBiFunction<? super K, ? super V, ? extends V> f) { return compute(key, (BiFunction<? super K, ? super V, ? extends V>) f); }
        @Override public V computeIfAbsent(K key, SerializableFunction<? super K, ? extends V> f) { return computeIfAbsent(key, (Function<? super K, ? extends V>) f); }
        @Override public V computeIfPresent(K key, SerializableBiFunction<? super K, ? super V, ? extends V> f) { return computeIfPresent(key, (BiFunction<? super K, ? super V, ? extends V>) f); }
        @Override public V merge(K key, V value, SerializableBiFunction<? super V, ? super V, ? extends V> f) { return merge(key, value, (BiFunction<? super V, ? super V, ? extends V>) f); }
        @Override public void replaceAll(SerializableBiFunction<? super K, ? super V, ? extends V> f) { replaceAll((BiFunction<? super K, ? super V, ? extends V>) f); }
    }

    /**
     * RandomAccess: each {@code get}/{@code set} is one call to the manager, and the JDK's list
     * algorithms (Collections.reverse, shuffle, swap, fill) then use them rather than writing
     * through an iterator.
     */
    static final class ListProxy<E> extends CollectionProxy<E> implements ManagedList<E>, java.util.RandomAccess {
        private static final long serialVersionUID = 1L;
        private static final Call GET = Call.of(List.class, "get", int.class);
        private static final Call SET = Call.of(List.class, "set", int.class, Object.class);
        private static final Call ADD_AT = Call.of(List.class, "add", int.class, Object.class);
        private static final Call REMOVE_AT = Call.of(List.class, "remove", int.class);
        private static final Call INDEX_OF = Call.of(List.class, "indexOf", Object.class);
        private static final Call LAST_INDEX_OF = Call.of(List.class, "lastIndexOf", Object.class);
        private static final Call ADD_ALL_AT = Call.of(List.class, "addAll", int.class, Collection.class);
        private static final Call REPLACE_ALL = Call.of(List.class, "replaceAll", UnaryOperator.class);
        private static final Call SORT = Call.of(List.class, "sort", Comparator.class);
        private static final Call ADD_FIRST = Call.of(List.class, "addFirst", Object.class);
        private static final Call ADD_LAST = Call.of(List.class, "addLast", Object.class);
        private static final Call GET_FIRST = Call.of(List.class, "getFirst");
        private static final Call GET_LAST = Call.of(List.class, "getLast");
        private static final Call REMOVE_FIRST = Call.of(List.class, "removeFirst");
        private static final Call REMOVE_LAST = Call.of(List.class, "removeLast");

        ListProxy(ProxyHandler h) {
            super(h);
        }

        @Override @SuppressWarnings("unchecked") public E get(int index) { return (E) call(GET, index); }
        @Override @SuppressWarnings("unchecked") public E set(int index, E element) { return (E) call(SET, index, element); }
        @Override public void add(int index, E element) { call(ADD_AT, index, element); }
        @Override @SuppressWarnings("unchecked") public E remove(int index) { return (E) call(REMOVE_AT, index); }
        @Override public int indexOf(Object o) { return (Integer) call(INDEX_OF, o); }
        @Override public int lastIndexOf(Object o) { return (Integer) call(LAST_INDEX_OF, o); }
        @Override public boolean addAll(int index, Collection<? extends E> c) { return (Boolean) call(ADD_ALL_AT, index, new ArrayList<>(c)); }
        @Override public void replaceAll(UnaryOperator<E> operator) { call(REPLACE_ALL, operator); }
        @Override public void sort(Comparator<? super E> c) { call(SORT, c); }
        @Override public void addFirst(E e) { call(ADD_FIRST, e); }
        @Override public void addLast(E e) { call(ADD_LAST, e); }
        @Override @SuppressWarnings("unchecked") public E getFirst() { return (E) call(GET_FIRST); }
        @Override @SuppressWarnings("unchecked") public E getLast() { return (E) call(GET_LAST); }
        @Override @SuppressWarnings("unchecked") public E removeFirst() { return (E) call(REMOVE_FIRST); }
        @Override @SuppressWarnings("unchecked") public E removeLast() { return (E) call(REMOVE_LAST); }
        @Override public ListIterator<E> listIterator() { return snapshot().listIterator(); }
        @Override public ListIterator<E> listIterator(int index) { return snapshot().listIterator(index); }
        @Override public List<E> subList(int from, int to) { return snapshot().subList(from, to); }
        @Override public boolean removeIf(SerializablePredicate<? super E> filter) { return removeIf((Predicate<? super E>) filter); }
        @Override public void replaceAll(SerializableUnaryOperator<E> operator) { replaceAll((UnaryOperator<E>) operator); }
    }

    static final class QueueProxy<E> extends CollectionProxy<E> implements ManagedQueue<E> {
        private static final long serialVersionUID = 1L;
        private static final Call OFFER = Call.of(BlockingQueue.class, "offer", Object.class);
        private static final Call OFFER_TIMED = Call.of(BlockingQueue.class, "offer", Object.class, long.class, TimeUnit.class);
        private static final Call PUT = Call.of(BlockingQueue.class, "put", Object.class);
        private static final Call TAKE = Call.of(BlockingQueue.class, "take");
        private static final Call POLL_TIMED = Call.of(BlockingQueue.class, "poll", long.class, TimeUnit.class);
        private static final Call REMAINING = Call.of(BlockingQueue.class, "remainingCapacity");
        private static final Call POLL = Call.of(java.util.Queue.class, "poll");
        private static final Call REMOVE_HEAD = Call.of(java.util.Queue.class, "remove");
        private static final Call ELEMENT = Call.of(java.util.Queue.class, "element");
        private static final Call PEEK = Call.of(java.util.Queue.class, "peek");
        private static final Call GET = Call.of(ManagedQueue.class, "get");
        private static final Call GET_TIMED = Call.of(ManagedQueue.class, "get", boolean.class, Duration.class);
        private static final Call GET_NOWAIT = Call.of(ManagedQueue.class, "getNowait");
        private static final Call PUT_TIMED = Call.of(ManagedQueue.class, "put", Object.class, boolean.class, Duration.class);
        private static final Call PUT_NOWAIT = Call.of(ManagedQueue.class, "putNowait", Object.class);
        private static final Call QSIZE = Call.of(ManagedQueue.class, "qsize");
        private static final Call EMPTY = Call.of(ManagedQueue.class, "empty");
        private static final Call FULL = Call.of(ManagedQueue.class, "full");
        private static final Call TASK_DONE = Call.of(ManagedQueue.class, "taskDone");
        private static final Call JOIN = Call.of(ManagedQueue.class, "join");
        private static final Call JOIN_TIMED = Call.of(ManagedQueue.class, "join", Duration.class);

        /** -1 not known yet, 0 unbounded, 1 bounded. */
        private transient volatile int bounded = -1;

        QueueProxy(ProxyHandler h) {
            super(h);
        }

        /**
         * A put into an unbounded queue cannot block or be refused for room, so it is sent without
         * waiting for the answer: a producer streams instead of paying a round trip per item.
         */
        private boolean unbounded() {
            int b = bounded;
            if (b < 0) {
                b = remainingCapacity() > Integer.MAX_VALUE / 2 ? 0 : 1;
                bounded = b;
            }
            return b == 0;
        }

        @Override public boolean offer(E e) { return (Boolean) call(OFFER, e); }
        @Override public boolean offer(E e, long timeout, TimeUnit unit) throws InterruptedException { return (Boolean) call(OFFER_TIMED, e, timeout, unit); }
        @Override
        public void put(E e) throws InterruptedException {
            if (e == null) {
                throw new NullPointerException("a queue does not hold null");
            }
            if (unbounded()) {
                send(PUT, e);
            } else {
                call(PUT, e);
            }
        }
        @Override @SuppressWarnings("unchecked") public E take() throws InterruptedException { return (E) call(TAKE); }
        @Override @SuppressWarnings("unchecked") public E poll(long timeout, TimeUnit unit) throws InterruptedException { return (E) call(POLL_TIMED, timeout, unit); }
        @Override public int remainingCapacity() { return (Integer) call(REMAINING); }
        @Override @SuppressWarnings("unchecked") public E poll() { return (E) call(POLL); }
        @Override @SuppressWarnings("unchecked") public E remove() { return (E) call(REMOVE_HEAD); }
        @Override @SuppressWarnings("unchecked") public E element() { return (E) call(ELEMENT); }
        @Override @SuppressWarnings("unchecked") public E peek() { return (E) call(PEEK); }

        /** Drains here, one item per call: the target collection is in this process. */
        @Override
        public int drainTo(Collection<? super E> c) {
            return drainTo(c, Integer.MAX_VALUE);
        }

        @Override
        public int drainTo(Collection<? super E> c, int maxElements) {
            int n = 0;
            E e;
            while (n < maxElements && (e = poll()) != null) {
                c.add(e);
                n++;
            }
            return n;
        }

        @Override @SuppressWarnings("unchecked") public E get() throws InterruptedException { return (E) call(GET); }

        @Override
        @SuppressWarnings("unchecked")
        public E get(boolean block, Duration timeout) throws QueueEmptyException, InterruptedException {
            return (E) call(GET_TIMED, block, timeout);
        }

        @Override @SuppressWarnings("unchecked") public E getNowait() throws QueueEmptyException { return (E) call(GET_NOWAIT); }

        @Override
        public void put(E item, boolean block, Duration timeout) throws QueueFullException, InterruptedException {
            call(PUT_TIMED, item, block, timeout);
        }

        @Override public void putNowait(E item) throws QueueFullException { call(PUT_NOWAIT, item); }
        @Override public int qsize() { return (Integer) call(QSIZE); }
        @Override public boolean empty() { return (Boolean) call(EMPTY); }
        @Override public boolean full() { return (Boolean) call(FULL); }
        @Override public void taskDone() { call(TASK_DONE); }
        @Override public void join() throws InterruptedException { call(JOIN); }
        @Override public boolean join(Duration timeout) throws InterruptedException { return (Boolean) call(JOIN_TIMED, timeout); }
    }

    static final class NamespaceProxy extends BaseProxy implements Namespace {
        private static final long serialVersionUID = 1L;
        private static final Call GET = Call.of(Namespace.class, "get", String.class);
        private static final Call GET_OR = Call.of(Namespace.class, "get", String.class, Object.class);
        private static final Call SET = Call.of(Namespace.class, "set", String.class, Object.class);
        private static final Call DELETE = Call.of(Namespace.class, "delete", String.class);
        private static final Call HAS = Call.of(Namespace.class, "has", String.class);
        private static final Call ATTRIBUTES = Call.of(Namespace.class, "attributes");
        /** Names starting with {@code _} stay with this proxy, as in CPython. */
        private transient Map<String, Object> hidden;

        NamespaceProxy(ProxyHandler h) {
            super(h);
        }

        private static boolean local(String name) {
            return name.startsWith("_");
        }

        private synchronized Map<String, Object> hidden() {
            if (hidden == null) {
                hidden = new java.util.LinkedHashMap<>();
            }
            return hidden;
        }

        @Override
        public Object get(String name) {
            if (local(name)) {
                Map<String, Object> h = hidden();
                synchronized (this) {
                    if (!h.containsKey(name)) {
                        throw new IllegalArgumentException("'NamespaceProxy' object has no attribute '" + name + "'");
                    }
                    return h.get(name);
                }
            }
            return call(GET, name);
        }

        @Override
        public Object get(String name, Object fallback) {
            if (local(name)) {
                synchronized (this) {
                    return hidden().getOrDefault(name, fallback);
                }
            }
            return call(GET_OR, name, fallback);
        }

        @Override
        public void set(String name, Object value) {
            if (local(name)) {
                synchronized (this) {
                    hidden().put(name, value);
                }
            } else {
                call(SET, name, value);
            }
        }

        @Override
        public void delete(String name) {
            if (local(name)) {
                synchronized (this) {
                    if (!hidden().containsKey(name)) {
                        throw new IllegalArgumentException("'NamespaceProxy' object has no attribute '" + name + "'");
                    }
                    hidden().remove(name);
                }
            } else {
                call(DELETE, name);
            }
        }

        @Override
        public boolean has(String name) {
            if (local(name)) {
                synchronized (this) {
                    return hidden().containsKey(name);
                }
            }
            return (Boolean) call(HAS, name);
        }

        @Override
        @SuppressWarnings("unchecked")
        public Map<String, Object> attributes() {
            return (Map<String, Object>) call(ATTRIBUTES);
        }
    }

    static final class LockProxy extends BaseProxy implements ManagedLock {
        private static final long serialVersionUID = 1L;
        private static final Call ACQUIRE = Call.of(ManagedLock.class, "acquire");
        private static final Call ACQUIRE_TIMED = Call.of(ManagedLock.class, "acquire", boolean.class, Duration.class);
        private static final Call RELEASE = Call.of(ManagedLock.class, "release");
        private static final Call IS_LOCKED = Call.of(ManagedLock.class, "isLocked");

        LockProxy(ProxyHandler h) {
            super(h);
        }

        @Override public boolean acquire() throws InterruptedException { return (Boolean) call(ACQUIRE); }
        @Override public boolean acquire(boolean block, Duration timeout) throws InterruptedException { return (Boolean) call(ACQUIRE_TIMED, block, timeout); }
        @Override public void release() { call(RELEASE); }
        @Override public boolean isLocked() { return (Boolean) call(IS_LOCKED); }
    }

    static final class SemaphoreProxy extends BaseProxy implements ManagedSemaphore {
        private static final long serialVersionUID = 1L;
        private static final Call ACQUIRE = Call.of(ManagedSemaphore.class, "acquire");
        private static final Call ACQUIRE_TIMED = Call.of(ManagedSemaphore.class, "acquire", boolean.class, Duration.class);
        private static final Call RELEASE = Call.of(ManagedSemaphore.class, "release");
        private static final Call VALUE = Call.of(ManagedSemaphore.class, "value");

        SemaphoreProxy(ProxyHandler h) {
            super(h);
        }

        @Override public boolean acquire() throws InterruptedException { return (Boolean) call(ACQUIRE); }
        @Override public boolean acquire(boolean block, Duration timeout) throws InterruptedException { return (Boolean) call(ACQUIRE_TIMED, block, timeout); }
        @Override public void release() { call(RELEASE); }
        @Override public int value() { return (Integer) call(VALUE); }
    }

    static final class EventProxy extends BaseProxy implements ManagedEvent {
        private static final long serialVersionUID = 1L;
        private static final Call SET = Call.of(ManagedEvent.class, "set");
        private static final Call CLEAR = Call.of(ManagedEvent.class, "clear");
        private static final Call IS_SET = Call.of(ManagedEvent.class, "isSet");
        private static final Call AWAIT = Call.of(ManagedEvent.class, "await");
        private static final Call AWAIT_TIMED = Call.of(ManagedEvent.class, "await", Duration.class);

        EventProxy(ProxyHandler h) {
            super(h);
        }

        @Override public void set() { call(SET); }
        @Override public void clear() { call(CLEAR); }
        @Override public boolean isSet() { return (Boolean) call(IS_SET); }
        @Override public void await() throws InterruptedException { call(AWAIT); }
        @Override public boolean await(Duration timeout) throws InterruptedException { return (Boolean) call(AWAIT_TIMED, timeout); }
    }

    static final class ConditionProxy extends BaseProxy implements ManagedCondition {
        private static final long serialVersionUID = 1L;
        private static final Call ACQUIRE = Call.of(ManagedCondition.class, "acquire");
        private static final Call ACQUIRE_TIMED = Call.of(ManagedCondition.class, "acquire", boolean.class, Duration.class);
        private static final Call RELEASE = Call.of(ManagedCondition.class, "release");
        private static final Call AWAIT = Call.of(ManagedCondition.class, "await");
        private static final Call AWAIT_TIMED = Call.of(ManagedCondition.class, "await", Duration.class);
        private static final Call SIGNAL = Call.of(ManagedCondition.class, "signal");
        private static final Call SIGNAL_N = Call.of(ManagedCondition.class, "signal", int.class);
        private static final Call SIGNAL_ALL = Call.of(ManagedCondition.class, "signalAll");

        ConditionProxy(ProxyHandler h) {
            super(h);
        }

        @Override public boolean acquire() throws InterruptedException { return (Boolean) call(ACQUIRE); }
        @Override public boolean acquire(boolean block, Duration timeout) throws InterruptedException { return (Boolean) call(ACQUIRE_TIMED, block, timeout); }
        @Override public void release() { call(RELEASE); }
        @Override public void await() throws InterruptedException { call(AWAIT); }
        @Override public boolean await(Duration timeout) throws InterruptedException { return (Boolean) call(AWAIT_TIMED, timeout); }
        @Override public void signal() { call(SIGNAL); }
        @Override public void signal(int n) { call(SIGNAL_N, n); }
        @Override public void signalAll() { call(SIGNAL_ALL); }
    }

    static final class BarrierProxy extends BaseProxy implements ManagedBarrier {
        private static final long serialVersionUID = 1L;
        private static final Call AWAIT = Call.of(ManagedBarrier.class, "await");
        private static final Call AWAIT_TIMED = Call.of(ManagedBarrier.class, "await", Duration.class);
        private static final Call ABORT = Call.of(ManagedBarrier.class, "abort");
        private static final Call RESET = Call.of(ManagedBarrier.class, "reset");
        private static final Call PARTIES = Call.of(ManagedBarrier.class, "parties");
        private static final Call NUMBER_WAITING = Call.of(ManagedBarrier.class, "numberWaiting");
        private static final Call IS_BROKEN = Call.of(ManagedBarrier.class, "isBroken");

        BarrierProxy(ProxyHandler h) {
            super(h);
        }

        @Override public int await() throws InterruptedException, BrokenBarrierException { return (Integer) call(AWAIT); }

        @Override
        public int await(Duration timeout) throws InterruptedException, BrokenBarrierException, TimeoutException {
            return (Integer) call(AWAIT_TIMED, timeout);
        }

        @Override public void abort() { call(ABORT); }
        @Override public void reset() { call(RESET); }
        @Override public int parties() { return (Integer) call(PARTIES); }
        @Override public int numberWaiting() { return (Integer) call(NUMBER_WAITING); }
        @Override public boolean isBroken() { return (Boolean) call(IS_BROKEN); }
    }

    static final class ValueProxy<T> extends BaseProxy implements ManagedValue<T> {
        private static final long serialVersionUID = 1L;
        private static final Call GET = Call.of(ManagedValue.class, "get");
        private static final Call SET = Call.of(ManagedValue.class, "set", Object.class);
        private static final Call UPDATE = Call.of(ManagedValue.class, "updateAndGet", SerializableUnaryOperator.class);

        ValueProxy(ProxyHandler h) {
            super(h);
        }

        @Override @SuppressWarnings("unchecked") public T get() { return (T) call(GET); }
        @Override public void set(T value) { call(SET, value); }
        @Override @SuppressWarnings("unchecked") public T updateAndGet(SerializableUnaryOperator<T> update) { return (T) call(UPDATE, update); }
    }

    static final class ArrayProxy<E> extends BaseProxy implements ManagedArray<E> {
        private static final long serialVersionUID = 1L;
        private static final Call LENGTH = Call.of(ManagedArray.class, "length");
        private static final Call GET = Call.of(ManagedArray.class, "get", int.class);
        private static final Call SET = Call.of(ManagedArray.class, "set", int.class, Object.class);
        private static final Call TO_LIST = Call.of(ManagedArray.class, "toList");

        ArrayProxy(ProxyHandler h) {
            super(h);
        }

        @Override public int length() { return (Integer) call(LENGTH); }
        @Override @SuppressWarnings("unchecked") public E get(int index) { return (E) call(GET, index); }
        @Override public void set(int index, E value) { call(SET, index, value); }
        @Override @SuppressWarnings("unchecked") public List<E> toList() { return (List<E>) call(TO_LIST); }
    }
}
