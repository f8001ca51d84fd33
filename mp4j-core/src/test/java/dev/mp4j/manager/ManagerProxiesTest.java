package dev.mp4j.manager;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.Multiprocessing;
import dev.mp4j.process.JvmProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The collection contracts a proxy keeps, and errors that arrive as themselves. */
@Timeout(120)
class ManagerProxiesTest {

    /** A served object whose method declares a checked JDK exception. */
    public interface Store {
        String load(String key) throws IOException;
    }

    static final class FailingStore implements Store {
        @Override
        public String load(String key) throws IOException {
            throw new IOException("disk failed reading " + key);
        }
    }

    /** A registry that hands out its parts, which stay in the server (Python's method_to_typeid). */
    public interface Accounts {
        Account account(String name);

        int total();
    }

    public interface Account {
        void deposit(int amount);

        int balance();
    }

    static final class Bank implements Accounts {
        private final java.util.Map<String, Ledger> accounts = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public Account account(String name) {
            return accounts.computeIfAbsent(name, n -> new Ledger());
        }

        @Override
        public int total() {
            return accounts.values().stream().mapToInt(Ledger::balance).sum();
        }
    }

    static final class Ledger implements Account {
        private int balance;

        @Override
        public synchronized void deposit(int amount) {
            balance += amount;
        }

        @Override
        public synchronized int balance() {
            return balance;
        }
    }

    @Test
    void aMethodMappedToATypeIdAnswersAProxyOfAnObjectThatStaysInTheServer() throws Exception {
        try (BaseManager m = new BaseManager()
                .register("Accounts", Accounts.class, args -> new Bank(), java.util.Map.of("account", "Account"))
                .register("Account", Account.class)
                .start()) {
            Accounts bank = m.create("Accounts");
            Account alice = bank.account("alice");
            alice.deposit(10);
            bank.account("alice").deposit(5);
            assertEquals(15, alice.balance(), "a copy was changed, not the server's account");
            JvmProcess child = new JvmProcess(() -> bank.account("bob").deposit(7));
            child.start();
            child.join();
            assertEquals(0, child.exitCode());
            assertEquals(22, bank.total());
            assertEquals(7, bank.account("bob").balance());
        }
        BaseManager unknown = new BaseManager();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> unknown.register("Accounts", Accounts.class, args -> new Bank(), java.util.Map.of("open", "Account")));
        assertTrue(e.getMessage().contains("open"), e.getMessage());
        // A type id nobody registered, or whose interface the method cannot return: refused
        // before a server runs.
        BaseManager unregistered = new BaseManager()
                .register("Accounts", Accounts.class, args -> new Bank(), java.util.Map.of("account", "Account"));
        IllegalStateException missing = assertThrows(IllegalStateException.class, unregistered::start);
        assertTrue(missing.getMessage().contains("'Account'"), missing.getMessage());
        BaseManager misfit = new BaseManager()
                .register("Accounts", Accounts.class, args -> new Bank(), java.util.Map.of("account", "Store"))
                .register("Store", Store.class);
        IllegalStateException wrong = assertThrows(IllegalStateException.class, misfit::start);
        assertTrue(wrong.getMessage().contains("account()"), wrong.getMessage());
    }

    @Test
    void aCheckedJdkExceptionFromTheServerArrivesAsItself() throws Exception {
        byte[] key = "proxies-test".getBytes();
        try (BaseManager server = new BaseManager(new InetSocketAddress("127.0.0.1", 0), key)
                .register("Store", Store.class, args -> new FailingStore()).start()) {
            Store store = server.create("Store");
            IOException e = assertThrows(IOException.class, () -> store.load("k"));
            assertTrue(e.getMessage().contains("disk failed reading k"), e.getMessage());
        }
    }

    @Test
    void aBuiltInProxyOnlyAMapsFunctionRefersToStaysServedUntilTheMapIsDone() throws Exception {
        // Each recycled worker reads the map's one serialized function, and claims the proxy's
        // reference again. The caller has let go of the event: the pool's tasks keep the proxy
        // (and so the server's object) until the map is done, as they do for dynamic proxies.
        try (SyncManager m = Multiprocessing.manager();
             dev.mp4j.pool.ProcessPool recycling = dev.mp4j.pool.ProcessPool.create(
                     dev.mp4j.pool.ProcessPool.Options.defaults().withProcesses(1).withMaxTasksPerChild(1))) {
            dev.mp4j.pool.AsyncResult<List<Integer>> seen = setsOfAnEventNobodyKeeps(m, recycling);
            List<Integer> got = null;
            while (got == null) {
                System.gc();
                try {
                    got = seen.get(java.time.Duration.ofMillis(20));
                } catch (java.util.concurrent.TimeoutException notYet) {
                    // collect again: the event must stay served while the map runs
                }
            }
            assertEquals(List.of(0, 1, 2, 3), got);
        }
    }

    private static dev.mp4j.pool.AsyncResult<List<Integer>> setsOfAnEventNobodyKeeps(SyncManager m, dev.mp4j.pool.ProcessPool pool) {
        ManagedEvent event = m.event();
        return pool.mapAsync(i -> {
            event.set();
            return event.isSet() ? i : -1;
        }, List.of(0, 1, 2, 3), 1, null, null);
    }

    @Test
    void aNestedProxyRemovedFromItsContainerFreesItsObjectWithoutWaitingForTheServersGarbageCollector() throws Exception {
        // In the server a list stored in a dict is a real proxy, holding the list: removed from
        // the dict it is garbage, and the list stayed until the server happened to collect.
        try (SyncManager m = Multiprocessing.manager()) {
            ConcurrentMapHolder holder = new ConcurrentMapHolder(m.dict());
            int withTheDict = m.numberOfObjects();
            holder.storeAndRemoveAList(m);
            assertTrue(dev.mp4j.testing.Await.until(() -> {
                System.gc();
                return m.numberOfObjects() == withTheDict;
            }, java.time.Duration.ofSeconds(20)), "the removed list is still held: " + m.numberOfObjects() + " objects");
        }
    }

    /** Keeps the dict; the list lives only inside {@link #storeAndRemoveAList}. */
    private record ConcurrentMapHolder(java.util.concurrent.ConcurrentMap<String, Object> dict) {
        void storeAndRemoveAList(SyncManager m) {
            ManagedList<Integer> list = m.list();
            list.add(1);
            dict.put("l", list);
            dict.remove("l");
        }
    }

    @Test
    void toArrayFillsTheCallersArrayWhenItFits() {
        try (SyncManager m = Multiprocessing.manager()) {
            ManagedList<String> l = m.list();
            l.addAll(List.of("a", "b"));
            String[] room = {"x", "x", "x", "x"};
            assertSame(room, l.toArray(room));
            assertArrayEquals(new String[] {"a", "b", null, "x"}, room);
            String[] small = l.toArray(new String[0]);
            assertArrayEquals(new String[] {"a", "b"}, small);
        }
    }

    @Test
    void aStreamOverAListChangingInAnotherProcessIsOneSnapshot() throws Exception {
        try (SyncManager m = Multiprocessing.manager()) {
            ManagedList<Integer> l = m.list();
            l.add(0);
            JvmProcess churn = new JvmProcess(() -> {
                for (int i = 0; i < 5_000; i++) {
                    l.add(1);
                    l.remove(0);
                }
            });
            churn.start();
            int snapshots = 0;
            try {
                while (churn.isAlive()) {
                    List<Integer> seen = l.stream().toList();
                    assertTrue(seen.size() == 1 || seen.size() == 2, "size " + seen.size());
                    snapshots++;
                }
            } finally {
                if (churn.isAlive()) {
                    churn.kill();
                }
                churn.join();
            }
            assertEquals(0, churn.exitCode());
            assertTrue(snapshots > 0, "no stream was taken while the list changed");
        }
    }

    @Test
    void aHiddenNamespaceAttributeHoldingNullCanBeDeleted() {
        try (SyncManager m = Multiprocessing.manager()) {
            Namespace ns = m.namespace();
            ns.set("_x", null);
            assertNull(ns.get("_x"));
            ns.delete("_x");
            assertThrows(IllegalArgumentException.class, () -> ns.delete("_x"));
        }
    }
}
