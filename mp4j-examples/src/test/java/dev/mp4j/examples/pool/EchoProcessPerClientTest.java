package dev.mp4j.examples.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.examples.DemoRunner;
import dev.mp4j.examples.PyTime;
import dev.mp4j.process.JvmProcess;
import dev.mp4j.testing.Await;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class EchoProcessPerClientTest {
    private static final Pattern PID = Pattern.compile("进程pid: (\\d+)");
    /** The clients of the in-process test. */
    private static final int CLIENTS = 20;

    @Test
    @Timeout(90)
    void theDemoServesItsSixClientsEachInAProcessOfItsOwn() throws Exception {
        DemoRunner.Result run = DemoRunner.run("echo-process-per-client", Duration.ofSeconds(80));

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderr(), run::toString);
        int n = EchoProcessPerClient.CLIENTS;
        assertEquals(3 * n, run.lines().size(), run::toString);
        Set<Long> pids = new HashSet<>();
        for (DemoRunner.Line line : run.linesWhere(l -> l.text().startsWith("进程pid: "))) {
            Matcher m = PID.matcher(line.text());
            assertTrue(m.matches(), run::toString);
            long pid = Long.parseLong(m.group(1));
            assertNotEquals(run.pid(), pid, () -> "a client served by the main process\n" + run);
            pids.add(pid);
        }
        assertEquals(n, pids.size(), () -> "not one process per client\n" + run);
        for (int i = 1; i <= n; i++) {
            // Each line came back in capitals; the second a typing pause after the first.
            DemoRunner.Line hello = run.line("HELLO FROM CLIENT " + i);
            DemoRunner.Line bye = run.line("BYE FROM CLIENT " + i);
            assertTrue(bye.at().minus(hello.at()).compareTo(PyTime.SECOND.minusMillis(150)) >= 0, run::toString);
        }
    }

    /**
     * Twenty clients, each on a thread of this test, all connected at once: each gets its first
     * echo, then waits until every other has had its own. That is only possible if the server
     * serves them all at the same time, here in twenty processes, all alive at that moment.
     * Then each sends a second line, gets it back and leaves, and its process ends.
     */
    @Test
    @Timeout(240)
    void twentyClientsAreServedAtOnceInTwentyProcesses() throws Exception {
        int before = JvmProcess.activeChildren().size();
        List<Integer> aliveWhenAllServed = new ArrayList<>();
        CyclicBarrier allServed = new CyclicBarrier(CLIENTS,
                () -> aliveWhenAllServed.add(JvmProcess.activeChildren().size()));
        Thread acceptor;
        try (ServerSocket server = EchoProcessPerClient.listen();
             ExecutorService clients = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().factory())) {
            acceptor = Thread.ofPlatform().start(() -> EchoProcessPerClient.serve(server));
            int port = server.getLocalPort();
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                int number = i;
                done.add(clients.submit(() -> {
                    try (Echo.Client client = Echo.Client.connect(port)) {
                        // bytes.upper(): ASCII letters only, the Chinese passes unchanged.
                        assertEquals("HELLO FROM CLIENT " + number + " (你好)",
                                client.exchange("hello from client " + number + " (你好)"));
                        // Child JVMs start slowly on a busy machine: generous, yet bounded.
                        allServed.await(150, TimeUnit.SECONDS);
                        assertEquals("BYE FROM CLIENT " + number, client.exchange("bye from client " + number));
                    } catch (Exception | AssertionError e) {
                        allServed.reset(); // the others stop waiting for this one
                        throw e;
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        acceptor.join();
        assertEquals(List.of(before + CLIENTS), aliveWhenAllServed, "one live process per client while all were connected");
        // Each client's process ends once its client has left.
        Await.until(() -> JvmProcess.activeChildren().size() <= before, Duration.ofSeconds(30));
        assertEquals(before, JvmProcess.activeChildren().size(), () -> "still alive: " + JvmProcess.activeChildren());
    }
}
