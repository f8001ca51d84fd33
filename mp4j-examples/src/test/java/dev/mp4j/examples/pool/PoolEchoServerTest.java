package dev.mp4j.examples.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.examples.DemoRunner;
import dev.mp4j.examples.PyTime;
import dev.mp4j.process.JvmProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class PoolEchoServerTest {
    private static final Pattern PID = Pattern.compile("进程pid: (\\d+)");
    /** The clients of the in-process test. */
    private static final int CLIENTS = 20;

    @Test
    @Timeout(90)
    void sixClientsShareAtMostFourProcessesAndSomeWaitForAFreeOne() throws Exception {
        DemoRunner.Result run = DemoRunner.run("pool-echo-server", Duration.ofSeconds(80));

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderr(), run::toString);
        int n = PoolEchoServer.CLIENTS;
        assertEquals(3 * n, run.lines().size(), run::toString);
        List<DemoRunner.Line> served = run.linesWhere(l -> l.text().startsWith("进程pid: "));
        assertEquals(n, served.size(), run::toString);
        Set<Long> pids = new HashSet<>();
        for (DemoRunner.Line line : served) {
            Matcher m = PID.matcher(line.text());
            assertTrue(m.matches(), run::toString);
            long pid = Long.parseLong(m.group(1));
            assertNotEquals(run.pid(), pid, () -> "a client served by the main process\n" + run);
            pids.add(pid);
        }
        // "会发现pid使用为4个": the six clients share the pool's four processes (or fewer, when a
        // worker is free again before another has started).
        assertTrue(pids.size() <= PoolEchoServer.PROCESSES, () -> pids + "\n" + run);
        // "2个客户端处于等待状态": a worker prints its pid as it takes a client and keeps it for
        // the client's typing pause. Five clients taken within less than that pause would be
        // five served at once: the fifth waited until a worker was free.
        Duration fifthAfterFirst = served.get(PoolEchoServer.PROCESSES).at().minus(served.getFirst().at());
        assertTrue(fifthAfterFirst.compareTo(PyTime.SECOND.minusMillis(150)) >= 0,
                () -> "five clients taken within " + fifthAfterFirst + "\n" + run);
        for (int i = 1; i <= n; i++) {
            DemoRunner.Line hello = run.line("HELLO FROM CLIENT " + i);
            DemoRunner.Line bye = run.line("BYE FROM CLIENT " + i);
            assertTrue(bye.at().compareTo(hello.at()) > 0, run::toString);
        }
    }

    /** When a client had its first echo and its last: within the time a worker served it. */
    private record Served(long firstNanos, long lastNanos) {
    }

    /**
     * Twenty clients at once, each on a thread of this test, against a pool of four: every one
     * gets its echoes, yet at no moment are more than four being served, and at some moment more
     * than one is.
     */
    @Test
    @Timeout(120)
    void twentyClientsAtOnceAreAllServedByFourWorkersNeverMoreThanFourAtATime() throws Exception {
        int before = JvmProcess.activeChildren().size();
        List<Served> conversations = new ArrayList<>();
        try (PoolEchoServer.Server server = PoolEchoServer.Server.start(PoolEchoServer.PROCESSES)) {
            try (ExecutorService clients = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().factory())) {
                List<Future<Served>> done = new ArrayList<>();
                for (int i = 0; i < CLIENTS; i++) {
                    int number = i;
                    done.add(clients.submit(() -> {
                        try (Echo.Client client = Echo.Client.connect(server.port())) {
                            // bytes.upper(): ASCII letters only, the Chinese passes unchanged.
                            assertEquals("HELLO FROM CLIENT " + number + " (你好)",
                                    client.exchange("hello from client " + number + " (你好)"));
                            long first = System.nanoTime();
                            Thread.sleep(100); // typing the next line
                            assertEquals("BYE FROM CLIENT " + number, client.exchange("bye from client " + number));
                            return new Served(first, System.nanoTime());
                        }
                    }));
                }
                for (Future<Served> f : done) {
                    conversations.add(f.get());
                }
            }
        }
        // terminate() and join(): the workers are gone.
        assertEquals(before, JvmProcess.activeChildren().size(), () -> "still alive: " + JvmProcess.activeChildren());

        // Each interval lies within one worker's service of one client, and a worker serves one
        // client at a time: at any moment at most four intervals overlap.
        int most = 0;
        for (Served at : conversations) {
            int overlapping = 0;
            for (Served other : conversations) {
                if (other.firstNanos() <= at.firstNanos() && at.firstNanos() <= other.lastNanos()) {
                    overlapping++;
                }
            }
            most = Math.max(most, overlapping);
        }
        int mostAtOnce = most;
        assertTrue(mostAtOnce <= PoolEchoServer.PROCESSES, () -> mostAtOnce + " clients served at once");
        assertTrue(mostAtOnce >= 2, "the workers never served side by side");
    }
}
