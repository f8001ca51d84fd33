package dev.mp4j.examples.sync;

import dev.mp4j.examples.PyTime;
import dev.mp4j.process.JvmProcess;
import dev.mp4j.sync.ProcessSemaphore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Thirteen processes share five places through a semaphore: seed 002, lines 914-939 ("python day9
 * 学习整理", "信号量Semahpore").
 *
 * <p>A lock lets one process at a time change the data; a semaphore lets a fixed number in. The
 * tutorial's picture: a toilet with five stalls ({@code 茅坑}). Thirteen users arrive; each takes
 * a permit ({@code 占到一个茅坑}: got a stall), stays 0-3 seconds at random ("0: some get up as
 * soon as they squat down") and gives the permit back. The first five go straight in; everyone
 * else waits until someone comes out. The main process joins all thirteen, then prints a line.
 *
 * <p>As in the original, a user prints only when it gets in. The stay is 0-3
 * {@linkplain PyTime#SECOND scaled seconds}.
 *
 * <p>The original:
 * <pre>{@code
 * from multiprocessing import Process,Semaphore
 * import time,random
 *
 * def go_wc(sem,user):
 *     sem.acquire()
 *     print('%s 占到一个茅坑' %user)
 *     time.sleep(random.randint(0,3)) #模拟每个人拉屎速度不一样,0代表有的人蹲下就起来了
 *     sem.release()
 *
 * if __name__ == '__main__':
 *     sem=Semaphore(5)
 *     p_l=[]
 *     for i in range(13):
 *         p=Process(target=go_wc,args=(sem,'user%s' %i,))
 *         p.start()
 *         p_l.append(p)
 *
 *     for i in p_l:
 *         i.join()
 *     print('============》')
 * }</pre>
 * Output (not shown in the tutorial; derived): five users at once, then one more each time
 * someone comes out, then the main process's line:
 * <pre>
 * user0 占到一个茅坑
 * user1 占到一个茅坑
 * user3 占到一个茅坑
 * user2 占到一个茅坑
 * user4 占到一个茅坑
 * user7 占到一个茅坑
 * ...
 * ============》
 * </pre>
 */
public final class SemaphoreWc {
    /** How many may be inside at once: {@code Semaphore(5)}. */
    static final int STALLS = 5;
    /** How many users come. */
    static final int USERS = 13;

    private SemaphoreWc() {
    }

    /** {@code go_wc(sem, user)}: runs in each child. */
    static void goWc(ProcessSemaphore sem, String user) throws InterruptedException {
        sem.acquire();
        System.out.println(user + " 占到一个茅坑");
        // randint(0,3), 0 to 3 inclusive: everyone takes a different time; 0 means up at once.
        PyTime.sleep(ThreadLocalRandom.current().nextInt(0, 4));
        sem.release();
    }

    public static void main(String[] args) {
        ProcessSemaphore sem = ProcessSemaphore.create(STALLS);
        List<JvmProcess> pl = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            String user = "user" + i;
            JvmProcess p = new JvmProcess(() -> goWc(sem, user));
            p.start();
            pl.add(p);
        }

        for (JvmProcess p : pl) {
            p.join();
        }
        System.out.println("============》");
    }
}
