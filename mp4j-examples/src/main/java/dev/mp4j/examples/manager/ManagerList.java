package dev.mp4j.examples.manager;

import dev.mp4j.Multiprocessing;
import dev.mp4j.examples.PyRepr;
import dev.mp4j.manager.ManagedList;
import dev.mp4j.manager.SyncManager;
import dev.mp4j.process.JvmProcess;
import java.util.ArrayList;
import java.util.List;

/**
 * Five children append to one list that lives in a manager: seed 000, lines 30-32 ("Day 32
 * process&amp;threading_4", section "2,3 Manager 数据共享").
 *
 * <p>"One process changes data that lives in another": the main process starts a manager
 * ({@link Multiprocessing#manager()}, Python's {@code Manager()}), makes a shared list holding
 * {@code [1, "a"]} in it, and starts five children, each appending its index. After joining
 * them it prints the list: the two initial items, then 0 to 4 in the order the children got
 * there. The list is not copied into the children: each one gets a proxy, and every
 * {@code append} is a call to the manager's server process, where the one list lives.
 *
 * <p>{@code append} is {@link ManagedList#add}; {@code print} shows the list as Python does
 * ({@link dev.mp4j.examples.PyRepr}), with the quotes around {@code 'a'}. The original never shuts its manager down: CPython does that when the
 * program exits, and here the manager's server process is a daemon, so it ends with the program
 * too. The seed lost the quotes around {@code '__main__'} and the closing parenthesis of the last
 * {@code print}; they are restored below.
 *
 * <p>The original:
 * <pre>{@code
 * ############## Manager 数据共享:一个数据去更改另一个进程里的数据
 *
 * from multiprocessing import Manager,Process
 *
 * def xl(Mlist,i):
 *     Mlist.append(i)
 *
 * if __name__ == '__main__':
 *     manager = Manager()  # 实例一个Manager
 *     Mlist = manager.list([1,"a"])  # 数据共享类型为列表,也可以用字典等
 *     l = []
 *
 *     # 开子进程,并往主线程共享列表添加变量
 *     for i in range(5):
 *         p = Process(target=xl,args=(Mlist,i,))
 *         p.start()
 *         l.append(p)
 *
 *     for j in l:
 *         j.join()
 *
 *     print(Mlist)
 * }</pre>
 * Output (not shown in the tutorial; the five indexes in the order the children appended them):
 * <pre>
 * [1, 'a', 0, 2, 1, 3, 4]
 * </pre>
 */
public final class ManagerList {
    private ManagerList() {
    }

    /** {@code xl(Mlist, i)}: runs in each child. */
    static void xl(ManagedList<Object> mlist, int i) {
        mlist.add(i);
    }

    public static void main(String[] args) {
        SyncManager manager = Multiprocessing.manager(); // an instance of Manager
        ManagedList<Object> mlist = manager.list(List.of(1, "a")); // a shared list; a dict and more work too
        List<JvmProcess> l = new ArrayList<>();

        // Start the children; each appends to the list the main process shares.
        for (int i = 0; i < 5; i++) {
            int n = i;
            JvmProcess p = new JvmProcess(() -> xl(mlist, n));
            p.start();
            l.add(p);
        }

        for (JvmProcess j : l) {
            j.join();
        }

        System.out.println(PyRepr.repr(mlist)); // print(mlist), as Python shows it
    }
}
