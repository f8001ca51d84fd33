package dev.mp4j.examples.manager;

import dev.mp4j.Multiprocessing;
import dev.mp4j.examples.PyRepr;
import dev.mp4j.manager.ManagedList;
import dev.mp4j.manager.ManagedMap;
import dev.mp4j.manager.SyncManager;
import dev.mp4j.pool.IntRange;
import dev.mp4j.process.JvmProcess;
import java.util.ArrayList;
import java.util.List;

/**
 * Ten children fill a Manager dict with keys of three types and append to a Manager list: seed
 * 004, lines 130-158 ("多进程", section "Managers").
 *
 * <p>The main process makes an empty shared dict and a shared list holding {@code range(5)}, and
 * starts ten children. Child {@code n} sets {@code d[n] = '1'}, {@code d['2'] = 2} and
 * {@code d[0.25] = None}, and appends {@code n} to the list. After joining them the main process
 * prints both. The dict ends with twelve keys: the ints 0 to 9, in the order the children got
 * there, with the string {@code '2'} and the float {@code 0.25} among them where they were first
 * put (the later children only overwrite their values, which keeps their place). The list is 0
 * to 4 followed by the ten {@code n}, also in order of arrival.
 *
 * <p>The keys keep their types: Integer, String and Double, and a {@code null} value, which a
 * managed map allows as a Python dict allows {@code None}. {@code print} shows the dict as Python
 * does ({@link dev.mp4j.examples.PyRepr}), so the string key {@code '2'} (value {@code 2}) and the
 * int key {@code 2} (value {@code '1'}) are told apart.
 * {@code with Manager() as manager} is try-with-resources on {@link SyncManager};
 * {@code l.append} is {@link ManagedList#add} and {@code d[key] = } {@link ManagedMap#put}.
 *
 * <p>The original:
 * <pre>{@code
 * from multiprocessing import Process, Manager
 *
 * def f(d, l,n):
 *     d[n] = '1'
 *     d['2'] = 2
 *     d[0.25] = None
 *     l.append(n)
 *
 * if __name__ == '__main__':
 *
 *     with Manager() as manager:
 *         d = manager.dict()
 *         l = manager.list(range(5))
 *         p_list = []
 *
 *         for i in range(10):
 *             p = Process(target=f, args=(d,l,i))
 *             p.start()
 *             p_list.append(p)
 *         for res in p_list:
 *             res.join()
 *
 *         print(d)
 *         print(l)
 * }</pre>
 * Output (from the tutorial):
 * <pre>
 * {6: '1', '2': 2, 0.25: None, 2: '1', 7: '1', 1: '1', 4: '1', 0: '1', 3: '1', 8: '1', 5: '1', 9: '1'}
 * [0, 1, 2, 3, 4, 6, 2, 7, 1, 4, 0, 3, 8, 5, 9]
 * </pre>
 * Output here (the children in the order they got to the manager):
 * <pre>
 * {0: '1', 1: '1', 4: '1', '2': 2, 0.25: None, 2: '1', 3: '1', 5: '1', 8: '1', 7: '1', 6: '1', 9: '1'}
 * [0, 1, 2, 3, 4, 4, 0, 2, 1, 3, 5, 8, 7, 6, 9]
 * </pre>
 */
public final class ManagerDictMixed {
    private ManagerDictMixed() {
    }

    /** {@code f(d, l, n)}: runs in each child. */
    static void f(ManagedMap<Object, Object> d, ManagedList<Integer> l, int n) {
        d.put(n, "1");
        d.put("2", 2);
        d.put(0.25, null);
        l.add(n);
    }

    public static void main(String[] args) {
        try (SyncManager manager = Multiprocessing.manager()) {
            ManagedMap<Object, Object> d = manager.dict();
            ManagedList<Integer> l = manager.list(IntRange.of(5)); // manager.list(range(5))
            List<JvmProcess> pList = new ArrayList<>();

            for (int i = 0; i < 10; i++) {
                int n = i;
                JvmProcess p = new JvmProcess(() -> f(d, l, n));
                p.start();
                pList.add(p);
            }
            for (JvmProcess res : pList) {
                res.join();
            }

            System.out.println(PyRepr.repr(d)); // print(d): Python's repr shows each key's type
            System.out.println(PyRepr.repr(l));
        }
    }
}
