package dev.mp4j.examples.manager;

import dev.mp4j.Multiprocessing;
import dev.mp4j.examples.PyRepr;
import dev.mp4j.manager.ManagedList;
import dev.mp4j.manager.ManagedMap;
import dev.mp4j.manager.SyncManager;
import dev.mp4j.process.JvmProcess;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Ten children write their PIDs into a dict and a list that live in a manager: seed 002,
 * lines 846-867 ("python day9 学习整理", section "3.6进程间通信方式三:共享数据").
 *
 * <p>"Although the data of processes is separate, a Manager lets them share it, and a Manager
 * can do much more than that" (the section also advises passing messages through queues and
 * pipes rather than sharing data, wherever possible). The main process makes a shared dict
 * holding {@code {'name': 'egon'}} and a shared list holding {@code ['init']}, and starts ten
 * children. Each appends its PID to the list and stores it in the dict under {@code p0} to
 * {@code p9}. After joining them the main process prints both: the dict has {@code name} and
 * ten entries, the list {@code init} and the same ten PIDs, in the order the children got
 * there. The tutorial's comment on the joins, "there must be a join, or there is an error", is
 * about leaving the {@code with} block: the manager shuts down there, and a child still running
 * would lose its proxies' server.
 *
 * <p>{@code with Manager() as manager} is try-with-resources on {@link SyncManager}, which shuts
 * the manager down at the end of the block; {@code os.getpid()} is
 * {@link ProcessHandle#pid()}; {@code l.append} is {@link ManagedList#add} and {@code d[name] = }
 * {@link ManagedMap#put}. {@code print} shows the dict and the list as Python does
 * ({@link dev.mp4j.examples.PyRepr}): {@code {'name': 'egon', 'p0': ...}}.
 *
 * <p>The original:
 * <pre>{@code
 * from multiprocessing import Process,Manager
 * import os
 *
 * def foo(name,d,l):
 *     l.append(os.getpid())
 *     d[name]=os.getpid()
 * if __name__ == '__main__':
 *     with Manager() as manager:
 *         d=manager.dict({'name':'egon'})
 *         l=manager.list(['init',])
 *
 *         p_l=[]
 *         for i in range(10):
 *             p=Process(target=foo,args=('p%s' %i,d,l))
 *             p.start()
 *             p_l.append(p)
 *
 *         for p in p_l:
 *             p.join() #必须有join不然会报错
 *
 *         print(d)
 *         print(l)
 * }</pre>
 * Output (not shown in the tutorial; the children in the order they got to the manager):
 * <pre>
 * {'name': 'egon', 'p1': 41532, 'p0': 41529, 'p2': 41536, 'p4': 41544, 'p3': 41540, 'p5': 41548, 'p6': 41552, 'p7': 41556, 'p8': 41560, 'p9': 41564}
 * ['init', 41532, 41529, 41536, 41544, 41540, 41548, 41552, 41556, 41560, 41564]
 * </pre>
 */
public final class ManagerDictList {
    private ManagerDictList() {
    }

    /** {@code foo(name, d, l)}: runs in each child. */
    static void foo(String name, ManagedMap<String, Object> d, ManagedList<Object> l) {
        l.add(ProcessHandle.current().pid());
        d.put(name, ProcessHandle.current().pid());
    }

    public static void main(String[] args) {
        try (SyncManager manager = Multiprocessing.manager()) {
            ManagedMap<String, Object> d = manager.dict(Map.of("name", "egon"));
            ManagedList<Object> l = manager.list(List.of("init"));

            List<JvmProcess> pL = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                String name = "p" + i;
                JvmProcess p = new JvmProcess(() -> foo(name, d, l));
                p.start();
                pL.add(p);
            }

            for (JvmProcess p : pL) {
                p.join(); // there must be a join: the manager shuts down at the end of the block
            }

            System.out.println(PyRepr.repr(d)); // print(d): Python's repr, quotes and all
            System.out.println(PyRepr.repr(l));
        }
    }
}
