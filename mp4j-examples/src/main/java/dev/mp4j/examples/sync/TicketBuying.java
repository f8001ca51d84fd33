package dev.mp4j.examples.sync;

import dev.mp4j.examples.PyTime;
import dev.mp4j.process.JvmProcess;
import dev.mp4j.sync.ProcessLock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A hundred processes try to buy the one ticket in a file "database", under a lock: seed 002,
 * lines 877-913 ("python day9 学习整理", "3.7进程同步锁", 模拟抢票, simulated ticket grabbing).
 *
 * <p>Processes share no memory but do share the file system, so a file can serve as a database,
 * provided they lock around its use. The file {@code db} holds {@code {"count":1}}: one ticket
 * left. Each of 100 children takes the lock, reads the count, and, if a ticket is left, takes it,
 * waits 1-3 seconds (network latency) and writes the new count back before printing
 * {@code <pid> 购票成功} (bought); otherwise it prints {@code <pid> 购票失败} (failed). The lock
 * makes each read-then-write one step, so exactly one child succeeds. Without it, every child
 * that read the file during the winner's latency would also see the ticket, and sell it again.
 * The tutorial's comment: locking is slow, as it makes the changes serial, but keeps the data
 * correct.
 *
 * <p>The twin runs all 100 children: on two cores the demo takes about 14 seconds, nearly all of
 * it starting 100 JVMs (the winner's latency is at most 1.5 seconds). The database is a file {@code db} in a fresh temporary directory, written
 * with the tutorial's content before the children start and deleted at the end, rather than a
 * {@code db} file the user must create in the working directory. Its JSON is read and written by
 * {@link #loads}/{@link #dumps}, a few lines that handle the one shape used here, a flat object of
 * integers, since the JDK has no JSON library. The latency is 1-3
 * {@linkplain PyTime#SECOND scaled seconds}. The PIDs printed are those of the child JVMs.
 *
 * <p>The original:
 * <pre>{@code
 * #文件db的内容为:{"count":1}
 * #注意一定要用双引号,不然json无法识别
 * from multiprocessing import Process,Lock
 * import json
 * import time
 * import random
 * import os
 *
 * def work(filename,lock): #买票
 *     # lock.acquire()
 *     with lock:
 *         with open(filename,encoding='utf-8') as f:
 *             dic=json.loads(f.read())
 *             # print('剩余票数: %s' % dic['count'])
 *         if dic['count'] > 0:
 *             dic['count']-=1
 *             time.sleep(random.randint(1,3)) #模拟网络延迟
 *             with open(filename,'w',encoding='utf-8') as f:
 *                 f.write(json.dumps(dic))
 *             print('%s 购票成功' %os.getpid())
 *         else:
 *             print('%s 购票失败' %os.getpid())
 *     # lock.release()
 *
 * if __name__ == '__main__':
 *     lock=Lock()
 *     p_l=[]
 *     for i in range(100):
 *         p=Process(target=work,args=('db',lock))
 *         p_l.append(p)
 *         p.start()
 *     for p in p_l:
 *         p.join()
 *
 *     print('主线程')
 * }</pre>
 * Output (not shown in the tutorial; derived): the one success first, since the first child to
 * get the lock takes the ticket and prints before it lets anyone else read the file; then 99
 * failures, one per child, in the order they got the lock:
 * <pre>
 * 51234 购票成功
 * 51240 购票失败
 * 51236 购票失败
 * ...
 * 主线程
 * </pre>
 */
public final class TicketBuying {
    /** How many buyers, as in the original. */
    static final int BUYERS = 100;

    /** One {@code "key": integer} member of a JSON object. */
    private static final Pattern MEMBER = Pattern.compile("\\s*\"([^\"\\\\]*)\"\\s*:\\s*(-?\\d+)\\s*");

    private TicketBuying() {
    }

    /** {@code work(filename, lock)}: buys a ticket; runs in each child. */
    static void work(String filename, ProcessLock lock) throws IOException, InterruptedException {
        Path db = Path.of(filename);
        lock.lock(); // with lock:
        try {
            Map<String, Integer> dic = loads(Files.readString(db, StandardCharsets.UTF_8));
            if (dic.get("count") > 0) {
                dic.merge("count", -1, Integer::sum);
                PyTime.sleep(ThreadLocalRandom.current().nextInt(1, 4)); // randint(1,3): simulated network latency
                Files.writeString(db, dumps(dic), StandardCharsets.UTF_8);
                System.out.println(ProcessHandle.current().pid() + " 购票成功");
            } else {
                System.out.println(ProcessHandle.current().pid() + " 购票失败");
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@code json.loads} for a flat JSON object of integers, such as {@code {"count":1}}; fails on
     * anything else, as the tutorial warns single quotes would.
     */
    static Map<String, Integer> loads(String json) {
        String body = json.strip();
        if (!body.startsWith("{") || !body.endsWith("}")) {
            throw new IllegalArgumentException("not a JSON object: " + json);
        }
        Map<String, Integer> members = new LinkedHashMap<>();
        String inner = body.substring(1, body.length() - 1);
        if (inner.isBlank()) {
            return members;
        }
        for (String member : inner.split(",", -1)) {
            Matcher m = MEMBER.matcher(member);
            if (!m.matches()) {
                throw new IllegalArgumentException("not a \"name\": integer member: " + member);
            }
            members.put(m.group(1), Integer.valueOf(m.group(2)));
        }
        return members;
    }

    /** {@code json.dumps} for the same objects, spaced as Python spaces it: {@code {"count": 0}}. */
    static String dumps(Map<String, Integer> members) {
        List<String> parts = new ArrayList<>();
        members.forEach((name, value) -> parts.add("\"" + name + "\": " + value));
        return "{" + String.join(", ", parts) + "}";
    }

    public static void main(String[] args) throws IOException {
        // The file the original expects to find, with the content its first comment gives.
        Path dir = Files.createTempDirectory("mp4j-tickets");
        Path db = dir.resolve("db");
        Files.writeString(db, "{\"count\":1}", StandardCharsets.UTF_8);
        String filename = db.toString(); // a Path is not Serializable: the child gets the name, as in args=('db',lock)
        try {
            ProcessLock lock = ProcessLock.create();
            List<JvmProcess> pl = new ArrayList<>();
            for (int i = 0; i < BUYERS; i++) {
                JvmProcess p = new JvmProcess(() -> work(filename, lock));
                pl.add(p);
                p.start();
            }
            for (JvmProcess p : pl) {
                p.join();
            }

            System.out.println("主线程");
        } finally {
            Files.deleteIfExists(db);
            Files.delete(dir);
        }
    }
}
