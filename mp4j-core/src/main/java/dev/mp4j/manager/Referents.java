package dev.mp4j.manager;

import dev.mp4j.queue.QueueEmptyException;
import dev.mp4j.queue.QueueFullException;
import dev.mp4j.serial.SerializableUnaryOperator;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Vector;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The objects a {@link SyncManager}'s server holds. Each call from a proxy is one method call
 * here, made atomic by the object's own lock, the way CPython's GIL makes each call on a managed
 * object atomic. Views and iterators are returned as copies, since what leaves the server is a
 * value.
 */
final class Referents {
    private Referents() {
    }

    /** An insertion-ordered map with null values allowed, like a Python dict. */
    static final class ServerMap<K, V> implements ManagedMap<K, V> {
        private final LinkedHashMap<K, V> map = new LinkedHashMap<>();

        ServerMap(Map<? extends K, ? extends V> initial) {
            if (initial != null) {
                map.putAll(initial);
            }
        }

        @Override public synchronized int size() { return map.size(); }
        @Override public synchronized boolean isEmpty() { return map.isEmpty(); }
        @Override public synchronized boolean containsKey(Object key) { return map.containsKey(key); }
        @Override public synchronized boolean containsValue(Object value) { return map.containsValue(value); }
        @Override public synchronized V get(Object key) { return map.get(key); }
        @Override public synchronized V put(K key, V value) { return map.put(key, value); }
        @Override public synchronized V remove(Object key) { return map.remove(key); }
        @Override public synchronized void putAll(Map<? extends K, ? extends V> m) { map.putAll(m); }
        @Override public synchronized void clear() { map.clear(); }
        // Snapshots, read-only: a write to one would change nothing on the server, so it is refused.
        @Override public synchronized Set<K> keySet() { return java.util.Collections.unmodifiableSet(new LinkedHashSet<>(map.keySet())); }
        @Override public synchronized Collection<V> values() { return java.util.Collections.unmodifiableList(new ArrayList<>(map.values())); }

        @Override
        public synchronized Set<Map.Entry<K, V>> entrySet() {
            Set<Map.Entry<K, V>> copy = new LinkedHashSet<>();
            for (Map.Entry<K, V> e : map.entrySet()) {
                copy.add(new AbstractMap.SimpleImmutableEntry<>(e));
            }
            return java.util.Collections.unmodifiableSet(copy);
        }

        @Override public synchronized V getOrDefault(Object key, V fallback) { return map.getOrDefault(key, fallback); }
        @Override public synchronized void forEach(BiConsumer<? super K, ? super V> action) { map.forEach(action); }
        @Override public synchronized void replaceAll(BiFunction<? super K, ? super V, ? extends V> f) { map.replaceAll(f); }
        @Override public synchronized V putIfAbsent(K key, V value) { return map.putIfAbsent(key, value); }
        @Override public synchronized boolean remove(Object key, Object value) { return map.remove(key, value); }
        @Override public synchronized boolean replace(K key, V oldValue, V newValue) { return map.replace(key, oldValue, newValue); }
        @Override public synchronized V replace(K key, V value) { return map.replace(key, value); }

        @Override
        public synchronized V computeIfAbsent(K key, Function<? super K, ? extends V> mapping) {
            return map.computeIfAbsent(key, mapping);
        }

        @Override
        public synchronized V computeIfPresent(K key, BiFunction<? super K, ? super V, ? extends V> remapping) {
            return map.computeIfPresent(key, remapping);
        }

        @Override
        public synchronized V compute(K key, BiFunction<? super K, ? super V, ? extends V> remapping) {
            return map.compute(key, remapping);
        }

        @Override
        public synchronized V merge(K key, V value, BiFunction<? super V, ? super V, ? extends V> remapping) {
            return map.merge(key, value, remapping);
        }

        @Override public synchronized String toString() { return map.toString(); }
    }

    /** A list whose every method holds its lock (a {@link Vector}), with copies for views. */
    static final class ServerList<E> extends Vector<E> implements ManagedList<E> {
        private static final long serialVersionUID = 1L;

        ServerList(Collection<? extends E> initial) {
            super(initial == null ? List.of() : initial);
        }

        @Override public synchronized Iterator<E> iterator() { return new ArrayList<>(this).iterator(); }
        @Override public synchronized List<E> subList(int from, int to) { return new ArrayList<>(super.subList(from, to)); }
        @Override public synchronized void addFirst(E e) { add(0, e); }
        @Override public synchronized void addLast(E e) { add(e); }

        @Override
        public synchronized E getFirst() {
            if (isEmpty()) {
                throw new java.util.NoSuchElementException("list is empty");
            }
            return get(0);
        }

        @Override
        public synchronized E getLast() {
            if (isEmpty()) {
                throw new java.util.NoSuchElementException("list is empty");
            }
            return get(size() - 1);
        }

        @Override
        public synchronized E removeFirst() {
            if (isEmpty()) {
                throw new java.util.NoSuchElementException("list is empty");
            }
            return remove(0);
        }

        @Override
        public synchronized E removeLast() {
            if (isEmpty()) {
                throw new java.util.NoSuchElementException("list is empty");
            }
            return remove(size() - 1);
        }
    }

    static final class ServerNamespace implements Namespace {
        private final LinkedHashMap<String, Object> attributes = new LinkedHashMap<>();

        ServerNamespace(Map<String, ?> initial) {
            if (initial != null) {
                attributes.putAll(initial);
            }
        }

        @Override
        public synchronized Object get(String name) {
            if (!attributes.containsKey(name)) {
                throw new IllegalArgumentException("'Namespace' object has no attribute '" + name + "'");
            }
            return attributes.get(name);
        }

        @Override public synchronized Object get(String name, Object fallback) { return attributes.getOrDefault(name, fallback); }
        @Override public synchronized void set(String name, Object value) { attributes.put(name, value); }

        @Override
        public synchronized void delete(String name) {
            if (!attributes.containsKey(name)) {
                throw new IllegalArgumentException("'Namespace' object has no attribute '" + name + "'");
            }
            attributes.remove(name);
        }

        @Override public synchronized boolean has(String name) { return attributes.containsKey(name); }

        /** The shared attributes; a {@code _} name, which only an initial map can bring here, is hidden as in a proxy. */
        @Override
        public synchronized Map<String, Object> attributes() {
            LinkedHashMap<String, Object> shown = new LinkedHashMap<>();
            attributes.forEach((name, value) -> {
                if (!name.startsWith("_")) {
                    shown.put(name, value);
                }
            });
            return shown;
        }

        /** As CPython's {@code Namespace.__repr__}: the attributes but {@code _} ones, sorted by name. */
        @Override
        public synchronized String toString() {
            java.util.List<String> parts = new java.util.ArrayList<>();
            for (Map.Entry<String, Object> e : attributes.entrySet()) {
                if (!e.getKey().startsWith("_")) {
                    parts.add(e.getKey() + "=" + e.getValue());
                }
            }
            java.util.Collections.sort(parts);
            return "Namespace(" + String.join(", ", parts) + ")";
        }
    }

    /**
     * Python's queue.Queue: a blocking queue with task accounting. Waits check that the caller is
     * still there, and an item taken for a caller that has gone is put back at the head, so a
     * client killed while blocked in {@code get} takes nothing with it.
     */
    static final class ServerQueue<E> extends LinkedBlockingDeque<E> implements ManagedQueue<E> {
        private static final long serialVersionUID = 1L;
        private final int maxsize;
        private final transient Object tasks = new Object();
        private transient long unfinished;

        ServerQueue(int maxsize) {
            super(maxsize <= 0 ? Integer.MAX_VALUE : maxsize);
            this.maxsize = maxsize;
        }

        /**
         * Counts a task before its item is in the queue (as CPython does, under the queue's lock):
         * counted after, a consumer could take the item and call taskDone() in between and be
         * told it called it too many times.
         */
        private void added() {
            synchronized (tasks) {
                unfinished++;
            }
        }

        /** Takes back the count of an item that did not go in. */
        private void notAdded() {
            discarded(1);
        }

        /**
         * Counts {@code n} items as done that nobody will process: they were removed without
         * being taken (clear, remove), so nobody would call taskDone() for them and join() would
         * wait for ever. Taking (get, poll, take, drainTo) still leaves the count to taskDone().
         */
        private void discarded(long n) {
            if (n == 0) {
                return;
            }
            synchronized (tasks) {
                unfinished -= n;
                if (unfinished <= 0) {
                    unfinished = 0;
                    tasks.notifyAll();
                }
            }
        }

        @Override
        public void clear() {
            java.util.List<E> gone = new java.util.ArrayList<>();
            super.drainTo(gone);
            discarded(gone.size());
        }

        @Override
        public boolean remove(Object o) {
            if (super.remove(o)) {
                discarded(1);
                return true;
            }
            return false;
        }

        /** Element by element through {@link #remove(Object)}, so that each one removed is counted. */
        @Override
        public boolean removeIf(java.util.function.Predicate<? super E> filter) {
            java.util.Objects.requireNonNull(filter);
            boolean changed = false;
            for (Object e : super.toArray()) {
                @SuppressWarnings("unchecked")
                E item = (E) e;
                if (filter.test(item) && remove(item)) {
                    changed = true;
                }
            }
            return changed;
        }

        @Override
        public boolean removeAll(java.util.Collection<?> c) {
            java.util.Objects.requireNonNull(c);
            return removeIf(c::contains);
        }

        @Override
        public boolean retainAll(java.util.Collection<?> c) {
            java.util.Objects.requireNonNull(c);
            return removeIf(e -> !c.contains(e));
        }

        @Override
        public boolean offer(E e) {
            added();
            boolean ok = false;
            try {
                ok = super.offer(e);
            } finally {
                if (!ok) {
                    notAdded();
                }
            }
            return ok;
        }

        /**
         * One item at a time, each counted: the deque's own addAll links its nodes directly, past
         * offer(), and join() then returned while they were still queued.
         */
        @Override
        public boolean addAll(java.util.Collection<? extends E> c) {
            if (c == this) {
                throw new IllegalArgumentException("a queue cannot be added to itself");
            }
            for (E e : c) {
                // As the deque's own addAll: a null refused before anything goes in.
                java.util.Objects.requireNonNull(e, "a queue holds no null");
            }
            boolean changed = false;
            for (E e : c) {
                add(e);
                changed = true;
            }
            return changed;
        }

        @Override
        public boolean add(E e) {
            if (!offer(e)) {
                throw new IllegalStateException("Queue full");
            }
            return true;
        }

        @Override
        public boolean offer(E e, long timeout, TimeUnit unit) throws InterruptedException {
            long deadline = Waits.deadline(unit.toNanos(timeout));
            added();
            boolean ok = false;
            try {
                do {
                    if (super.offer(e, Waits.slice(deadline), TimeUnit.NANOSECONDS)) {
                        ok = true;
                        return true;
                    }
                    Waits.checkCaller();
                } while (Waits.before(deadline));
                return false;
            } finally {
                if (!ok) {
                    notAdded();
                }
            }
        }

        @Override
        public void put(E e) throws InterruptedException {
            offer(e, Waits.FOREVER, TimeUnit.NANOSECONDS);
        }

        @Override
        public E poll(long timeout, TimeUnit unit) throws InterruptedException {
            // An item that is there at once goes to a caller that was there a moment ago; only
            // one that arrives during a wait needs the check that the caller is still there.
            E ready = super.poll();
            if (ready != null) {
                return ready;
            }
            long deadline = Waits.deadline(unit.toNanos(timeout));
            do {
                E e = super.poll(Waits.slice(deadline), TimeUnit.NANOSECONDS);
                if (e != null) {
                    return handOver(e);
                }
                Waits.checkCaller();
            } while (Waits.before(deadline));
            return null;
        }

        @Override
        public E take() throws InterruptedException {
            return poll(Waits.FOREVER, TimeUnit.NANOSECONDS);
        }

        @Override
        public E get() throws InterruptedException {
            return take();
        }

        @Override
        public E get(boolean block, Duration timeout) throws QueueEmptyException, InterruptedException {
            long nanos = Waits.nanos(block, timeout);
            E e = nanos == 0 ? super.poll() : poll(nanos, TimeUnit.NANOSECONDS);
            if (e == null) {
                throw new QueueEmptyException(nanos == 0 ? "the queue is empty" : "no item within " + timeout);
            }
            return e;
        }

        @Override
        public E getNowait() throws QueueEmptyException {
            E e = super.poll();
            if (e == null) {
                throw new QueueEmptyException("the queue is empty");
            }
            return e;
        }

        @Override
        public void put(E item, boolean block, Duration timeout) throws QueueFullException, InterruptedException {
            long nanos = Waits.nanos(block, timeout);
            boolean ok = nanos == 0 ? offer(item) : offer(item, nanos, TimeUnit.NANOSECONDS);
            if (!ok) {
                throw new QueueFullException(nanos == 0 ? "the queue is full (maxsize " + maxsize + ")"
                        : "no room within " + timeout + " (maxsize " + maxsize + ")");
            }
        }

        @Override
        public void putNowait(E item) throws QueueFullException {
            if (!offer(item)) {
                throw new QueueFullException("the queue is full (maxsize " + maxsize + ")");
            }
        }

        /** Returns a taken item, or puts it back first in line if whoever asked for it is gone (see {@link ForeignQueueCalls#handOver}). */
        private E handOver(E e) {
            // offerFirst and putFirst are the deque's own here: the item was counted when it came.
            return ForeignQueueCalls.handOver(this, e);
        }

        @Override public int qsize() { return size(); }
        @Override public boolean empty() { return isEmpty(); }
        @Override public boolean full() { return remainingCapacity() == 0; }

        @Override
        public void taskDone() {
            synchronized (tasks) {
                if (unfinished <= 0) {
                    throw new IllegalStateException("task_done() called too many times");
                }
                if (--unfinished == 0) {
                    tasks.notifyAll();
                }
            }
        }

        @Override
        public void join() throws InterruptedException {
            join(null);
        }

        @Override
        public boolean join(Duration timeout) throws InterruptedException {
            synchronized (tasks) {
                return Waits.await(tasks, () -> unfinished == 0, Waits.nanos(timeout));
            }
        }
    }

    /** Python's threading.Lock: owned by nobody, so anyone may release it. */
    static final class ServerLock implements ManagedLock {
        private boolean locked;
        /**
         * The client process that took the lock (its random id; 0 for none, or a call made in
         * the server's own process), until someone releases it: if that process's last
         * connection ends first (it exited or died), the lock is released, as a ProcessLock whose
         * owner died is. CPython's stays locked, and every later acquire waits for ever.
         */
        private long acquiredBy;

        @Override
        public boolean acquire() throws InterruptedException {
            return acquire(true, null);
        }

        @Override
        public synchronized boolean acquire(boolean block, Duration timeout) throws InterruptedException {
            if (Waits.await(this, () -> !locked, Waits.nanos(block, timeout))) {
                locked = true;
                acquiredBy = ManagerServer.holding(this);
                return true;
            }
            return false;
        }

        @Override
        public synchronized void release() {
            if (!locked) {
                throw new IllegalStateException("release unlocked lock");
            }
            locked = false;
            ManagerServer.letGo(this, acquiredBy);
            acquiredBy = 0;
            notify();
        }

        /**
         * Takes the lock, waiting as long as it takes whether the caller withdrew its call or was
         * interrupted (not once it has disconnected): a condition's waiter taking back the lock
         * it gave up (see ServerCondition).
         */
        synchronized void takeBack() {
            boolean interrupted = false;
            while (locked) {
                try {
                    // In slices: a release's single notify may go to a waiter that is leaving.
                    wait(100);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
                if (locked && ManagerServer.callerDisconnected()) {
                    // Nobody would release it: the holder may be waiting for what this caller's
                    // session's end releases.
                    throw new Waits.CallerGoneException();
                }
            }
            locked = true;
            acquiredBy = ManagerServer.holding(this);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        /** Releases the lock if {@code client} took it and nobody released it since; returns whether it did. */
        synchronized boolean releaseIfAcquiredBy(long client) {
            if (locked && client != 0 && acquiredBy == client) {
                locked = false;
                acquiredBy = 0;
                notify();
                return true;
            }
            return false;
        }

        @Override public synchronized boolean isLocked() { return locked; }
        @Override public synchronized String toString() { return "<Lock " + (locked ? "locked" : "unlocked") + ">"; }
    }

    /**
     * Python's threading.RLock. The owner is the server thread serving the caller's connection,
     * and each client thread has its own connection, so the owner is in effect the client thread.
     * A connection that closes while holding it (its process died) releases it.
     */
    static final class ServerRLock implements ManagedLock {
        final ReentrantLock lock = new ReentrantLock();

        @Override
        public boolean acquire() throws InterruptedException {
            return acquire(true, null);
        }

        @Override
        public boolean acquire(boolean block, Duration timeout) throws InterruptedException {
            long nanos = Waits.nanos(block, timeout);
            if (nanos == 0) {
                return held(lock.tryLock());
            }
            long deadline = Waits.deadline(nanos);
            do {
                if (lock.tryLock(Waits.slice(deadline), TimeUnit.NANOSECONDS)) {
                    return held(true);
                }
                Waits.checkCaller();
            } while (Waits.before(deadline));
            return false;
        }

        private boolean held(boolean acquired) {
            if (acquired) {
                ManagerServer.holding(lock);
            }
            return acquired;
        }

        @Override
        public void release() {
            if (!lock.isHeldByCurrentThread()) {
                throw new IllegalMonitorStateException("cannot release un-acquired lock");
            }
            lock.unlock();
            if (!lock.isHeldByCurrentThread()) {
                ManagerServer.notHolding(lock);
            }
        }

        @Override public boolean isLocked() { return lock.isLocked(); }
        @Override public String toString() { return "<RLock " + (lock.isLocked() ? "locked" : "unlocked") + ">"; }
    }

    static final class ServerSemaphore implements ManagedSemaphore {
        private final int bound;
        private int value;

        ServerSemaphore(int value, boolean bounded) {
            if (value < 0) {
                throw new IllegalArgumentException("semaphore initial value must be >= 0, got " + value);
            }
            this.value = value;
            this.bound = bounded ? value : Integer.MAX_VALUE;
        }

        @Override
        public boolean acquire() throws InterruptedException {
            return acquire(true, null);
        }

        @Override
        public synchronized boolean acquire(boolean block, Duration timeout) throws InterruptedException {
            // A negative timeout is no wait, as threading.Semaphore (and ProcessSemaphore) take
            // it, where Lock and Queue refuse one.
            Duration wait = timeout != null && timeout.isNegative() ? Duration.ZERO : timeout;
            if (Waits.await(this, () -> value > 0, Waits.nanos(block, wait))) {
                value--;
                return true;
            }
            return false;
        }

        @Override
        public synchronized void release() {
            if (value >= bound) {
                throw new IllegalStateException("Semaphore released too many times");
            }
            value++;
            notify();
        }

        @Override public synchronized int value() { return value; }
        @Override public synchronized String toString() { return "<Semaphore value=" + value + ">"; }
    }

    static final class ServerEvent implements ManagedEvent {
        private boolean flag;
        /** Counts set() calls, so a waiter woken by one returns even if clear() came right after. */
        private long sets;

        @Override
        public synchronized void set() {
            flag = true;
            sets++;
            notifyAll();
        }

        @Override public synchronized void clear() { flag = false; }
        @Override public synchronized boolean isSet() { return flag; }

        @Override
        public void await() throws InterruptedException {
            await(null);
        }

        @Override
        public synchronized boolean await(Duration timeout) throws InterruptedException {
            long seen = sets;
            return Waits.await(this, () -> flag || sets != seen, Waits.nanos(timeout));
        }

        @Override public synchronized String toString() { return "<Event " + (flag ? "set" : "unset") + ">"; }
    }

    /**
     * Python's threading.Condition over a lock of this manager: its own reentrant lock, or a
     * {@code Lock} or {@code RLock} the caller made in the same manager (Python's
     * {@code manager.Condition(lock)}). Each waiter has its own notified flag, as CPython gives
     * each waiter its own lock: a wait returns true only when a notify chose it, and a notify that
     * lands between two slices of a wait is not lost. A waiter gives up the lock wholly (every
     * hold of a reentrant one) while it waits, and takes it back as it held it.
     */
    static final class ServerCondition implements ManagedCondition {
        /** The lock, exactly one of these two. */
        private final ServerRLock rLock;
        private final ServerLock plainLock;
        /**
         * Waiters in arrival order. Callers change it holding the lock; it is also its own
         * monitor, for a waiter whose take-back failed (its caller left) removing itself.
         */
        private final java.util.ArrayDeque<boolean[]> waiters = new java.util.ArrayDeque<>();

        ServerCondition() {
            this(null);
        }

        /** Over {@code lock} (a ServerLock or ServerRLock of this server), or a fresh reentrant lock when null. */
        ServerCondition(Object lock) {
            if (lock == null || lock instanceof ServerRLock) {
                this.rLock = lock == null ? new ServerRLock() : (ServerRLock) lock;
                this.plainLock = null;
            } else if (lock instanceof ServerLock plain) {
                this.rLock = null;
                this.plainLock = plain;
            } else {
                throw new IllegalArgumentException("a manager's Condition takes a Lock or RLock of the same manager, got a "
                        + lock.getClass().getName());
            }
        }

        @Override
        public boolean acquire() throws InterruptedException {
            return acquire(true, null);
        }

        @Override
        public boolean acquire(boolean block, Duration timeout) throws InterruptedException {
            return rLock != null ? rLock.acquire(block, timeout) : plainLock.acquire(block, timeout);
        }

        @Override
        public void release() {
            if (rLock != null) {
                rLock.release();
            } else {
                plainLock.release();
            }
        }

        /**
         * Whether the caller may wait or notify: holds the reentrant lock, or, for a plain lock
         * (which has no owner thread), finds it taken, as CPython's {@code _is_owned} does.
         */
        private boolean owned() {
            return rLock != null ? rLock.lock.isHeldByCurrentThread() : plainLock.isLocked();
        }

        @Override
        public void await() throws InterruptedException {
            await(null);
        }

        @Override
        public boolean await(Duration timeout) throws InterruptedException {
            if (!owned()) {
                throw new IllegalMonitorStateException("cannot wait on un-acquired lock");
            }
            boolean[] notified = new boolean[1];
            synchronized (waiters) {
                waiters.add(notified);
            }
            long deadline = Waits.deadline(Waits.nanos(timeout));
            int holds = rLock != null ? rLock.lock.getHoldCount() : 1;
            try {
                for (int i = 0; i < holds; i++) {
                    release();
                }
            } catch (RuntimeException notHeld) {
                // A plain lock released by another client meanwhile (which CPython allows): this
                // wait never began, and its entry must not absorb the next signal; one a signal
                // already took goes to the next waiter.
                synchronized (waiters) {
                    if (!waiters.remove(notified)) {
                        passOn();
                    }
                }
                throw notHeld;
            }
            RuntimeException gone = null;
            InterruptedException interrupted = null;
            boolean chosen;
            try {
                chosen = awaitSignal(notified, deadline);
            } catch (Waits.CallerGoneException e) {
                gone = e;
                chosen = false;
            } catch (InterruptedException e) {
                interrupted = e;
                chosen = false;
            }
            if (!chosen) {
                // Leaving without a signal: out of the list, unless a signal took this waiter
                // meanwhile, which then counts (else that signal would be lost to the others).
                synchronized (waiters) {
                    chosen = !waiters.remove(notified);
                }
            }
            boolean retaken = false;
            try {
                // Taken back however the wait ended (as Condition.await does), even for a caller
                // that has withdrawn: its own finally releases the lock next, which must then be
                // its own. Not for a caller that has disconnected: nobody would release it.
                if (gone == null || !ManagerServer.callerDisconnected()) {
                    takeBack(holds);
                    retaken = true;
                }
            } finally {
                if (chosen && (gone != null || interrupted != null || !retaken)) {
                    passOn(); // a signal this waiter cannot use goes to the next one
                }
            }
            if (gone != null) {
                throw gone;
            }
            if (interrupted != null) {
                throw interrupted;
            }
            return chosen;
        }

        /** Wakes the longest waiter, if any (the caller holds the lock, or has let it go for good). */
        private boolean passOn() {
            boolean[] waiter;
            synchronized (waiters) {
                waiter = waiters.poll();
            }
            if (waiter == null) {
                return false;
            }
            synchronized (waiter) {
                waiter[0] = true;
                waiter.notify();
            }
            return true;
        }

        /** Waits for {@code notified}; false when the deadline passed first. */
        private static boolean awaitSignal(boolean[] notified, long deadline) throws InterruptedException {
            while (true) {
                synchronized (notified) {
                    if (notified[0]) {
                        return true;
                    }
                    if (!Waits.before(deadline)) {
                        return false;
                    }
                    java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(notified, Math.max(1, Waits.slice(deadline)));
                    if (notified[0]) {
                        return true;
                    }
                }
                // Outside the waiter's monitor: a look at the caller may read its connection for a
                // while, and a signaller must not wait for that.
                Waits.checkCaller();
            }
        }

        /**
         * Takes the lock back {@code holds} times, waiting as long as it takes whether the caller
         * withdrew its call or was interrupted, but not once it has disconnected (then
         * {@link Waits.CallerGoneException}: its session's end releases what it holds, which the
         * lock's holder may be waiting for).
         */
        private void takeBack(int holds) {
            if (rLock == null) {
                plainLock.takeBack();
                return;
            }
            boolean interrupted = false;
            while (true) {
                try {
                    if (rLock.lock.tryLock(Waits.SLICE_NANOS, java.util.concurrent.TimeUnit.NANOSECONDS)) {
                        break;
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                }
                if (ManagerServer.callerDisconnected()) {
                    throw new Waits.CallerGoneException();
                }
            }
            for (int i = 1; i < holds; i++) {
                rLock.lock.lock(); // held already: at once
            }
            ManagerServer.holding(rLock.lock);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void signal() {
            signal(1);
        }

        @Override
        public void signal(int n) {
            if (!owned()) {
                throw new IllegalMonitorStateException("cannot notify on un-acquired lock");
            }
            for (int i = 0; i < n && passOn(); i++) {
                // each pass wakes one
            }
        }

        @Override
        public void signalAll() {
            signal(Integer.MAX_VALUE);
        }

        @Override public String toString() { return "<Condition(" + (rLock != null ? rLock : plainLock) + ")>"; }
    }

    /** Python's threading.Barrier: generations, abort and reset. */
    static final class ServerBarrier implements ManagedBarrier {
        /** One round of the barrier; broken when aborted, reset, or a waiter gave up. */
        private static final class Generation {
            boolean broken;
        }

        private final int parties;
        /** Run by the last arrival before the others are released (Python's action), or null. */
        private final dev.mp4j.serial.ProcessTarget action;
        /** What {@link #await()} waits at most (Python's timeout), or null for ever. */
        private final Duration defaultTimeout;
        private int waiting;
        private Generation generation = new Generation();

        ServerBarrier(int parties) {
            this(parties, null, null);
        }

        ServerBarrier(int parties, dev.mp4j.serial.ProcessTarget action, Duration defaultTimeout) {
            if (parties < 1) {
                throw new IllegalArgumentException("parties must be > 0, got " + parties);
            }
            this.parties = parties;
            this.action = action;
            this.defaultTimeout = defaultTimeout;
        }

        @Override
        public int await() throws InterruptedException, BrokenBarrierException {
            try {
                return await(defaultTimeout);
            } catch (TimeoutException e) {
                // As CPython's wait() under the barrier's own timeout: the barrier is broken.
                BrokenBarrierException broken = new BrokenBarrierException("the barrier's timeout of " + defaultTimeout + " ran out");
                broken.initCause(e);
                throw broken;
            }
        }

        @Override
        public synchronized int await(Duration timeout)
                throws InterruptedException, BrokenBarrierException, TimeoutException {
            Generation mine = generation;
            if (mine.broken) {
                throw new BrokenBarrierException();
            }
            // Arrival order, as CPython's wait() and ProcessBarrier: 0 for the first, parties - 1
            // for the last, which releases the others.
            int index = waiting;
            if (index == parties - 1) {
                if (action != null) {
                    try {
                        action.run();
                    } catch (Exception | Error e) {
                        // As CPython: the barrier breaks, and its runner gets the error itself.
                        breakIt(mine);
                        if (e instanceof RuntimeException unchecked) {
                            throw unchecked;
                        }
                        if (e instanceof Error error) {
                            throw error;
                        }
                        BrokenBarrierException broken = new BrokenBarrierException("the barrier action failed: " + e);
                        broken.initCause(e);
                        throw broken;
                    }
                }
                generation = new Generation();
                waiting = 0;
                notifyAll();
                return index;
            }
            waiting++;
            boolean passed;
            try {
                // null: the barrier's own timeout, as CPython's wait(None) and ProcessBarrier.
                passed = Waits.await(this, () -> generation != mine || mine.broken,
                        Waits.nanos(timeout != null ? timeout : defaultTimeout));
            } catch (InterruptedException | RuntimeException e) {
                breakIt(mine);
                throw e;
            }
            if (mine.broken) {
                throw new BrokenBarrierException();
            }
            if (passed) {
                return index;
            }
            breakIt(mine);
            throw new TimeoutException("barrier wait timed out after " + (timeout != null ? timeout : defaultTimeout));
        }

        private void breakIt(Generation g) {
            if (g == generation) {
                g.broken = true;
                waiting = 0;
                notifyAll();
            }
        }

        @Override public synchronized void abort() { breakIt(generation); }

        @Override
        public synchronized void reset() {
            if (waiting > 0) {
                breakIt(generation);
            }
            generation = new Generation();
            waiting = 0;
        }

        @Override public int parties() { return parties; }
        @Override public synchronized int numberWaiting() { return waiting; }
        @Override public synchronized boolean isBroken() { return generation.broken; }
        @Override public synchronized String toString() { return "<Barrier parties=" + parties + " waiting=" + waiting + ">"; }
    }

    static final class ServerValue<T> implements ManagedValue<T> {
        private T value;

        ServerValue(T value) {
            this.value = value;
        }

        @Override public synchronized T get() { return value; }
        @Override public synchronized void set(T v) { value = v; }

        @Override
        public synchronized T updateAndGet(SerializableUnaryOperator<T> update) {
            value = update.apply(value);
            return value;
        }

        @Override public synchronized String toString() { return "Value(" + value + ")"; }
    }

    static final class ServerArray<E> implements ManagedArray<E> {
        private final Object[] items;
        private final Class<?> elementType;

        ServerArray(List<?> initial) {
            items = initial.toArray();
            Class<?> type = null;
            for (Object o : items) {
                if (o == null) {
                    continue;
                }
                type = type == null || type == o.getClass() ? o.getClass() : Object.class;
            }
            elementType = type == null ? Object.class : type;
        }

        @Override public int length() { return items.length; }

        @Override
        @SuppressWarnings("unchecked")
        public synchronized E get(int index) {
            return (E) items[index];
        }

        @Override
        public synchronized void set(int index, E value) {
            if (value != null && !elementType.isInstance(value)) {
                throw new ClassCastException("this array holds " + elementType.getName() + ", not " + value.getClass().getName());
            }
            items[java.util.Objects.checkIndex(index, items.length)] = value;
        }

        @Override
        @SuppressWarnings("unchecked")
        public synchronized List<E> toList() {
            return (List<E>) new ArrayList<>(Arrays.asList(items));
        }

        @Override public synchronized String toString() { return "Array(" + Arrays.toString(items) + ")"; }
    }
}
