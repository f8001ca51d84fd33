package dev.mp4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The seed's distributed example as commands: {@code mp4j manager} and two {@code mp4j worker}s,
 * each in a JVM of its own, over TCP with an authkey; a worker with a wrong key is turned away
 * while the manager goes on serving the others.
 */
class ManagerWorkerCommandsTest {
    private static final Pattern TASK = Pattern.compile("Put task (\\d+)\\.\\.\\.");
    private static final Pattern RESULT = Pattern.compile("Result: (\\d+) \\* (\\d+) = (\\d+)");

    private static Process mp4j(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(false).start();
    }

    /** Reads a stream to its end on a thread of its own (the common pool has one thread on 2 cores). */
    private static CompletableFuture<String> drain(java.io.InputStream in) {
        CompletableFuture<String> text = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                text.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                text.complete("<" + e + ">");
            }
        });
        return text;
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    @Timeout(120)
    void badArgumentsAreAUsageErrorInOneLineNotAStackTrace() throws Exception {
        for (String[] args : List.of(new String[] {"worker", "--connect", "127.0.0.1:abc", "--authkey", "k"},
                new String[] {"worker", "--connect", "127.0.0.1:70000", "--authkey", "k"},
                new String[] {"manager", "--port", "70000", "--authkey", "k"},
                new String[] {"bench", "--method", "fork", "lock_ops"},
                new String[] {"manager", "--port", "0", "--authkey", "k", "--tasks", "0"},
                new String[] {"worker", "--connect", "127.0.0.1:5000", "--authkey", "k", "--delay", "-1"})) {
            Process p = mp4j(args);
            CompletableFuture<String> err = drain(p.getErrorStream());
            drain(p.getInputStream());
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(2, p.exitValue(), List.of(args) + ": " + err.join());
            String said = err.join();
            assertTrue(!said.contains("\tat ") && (said.contains("port") || said.contains("start method")
                    || said.contains("--tasks") || said.contains("--delay")), said);
        }
    }

    @Test
    @Timeout(120)
    void aWorkerConnectedToAManagerWithoutTheSeedsQueuesFailsInsteadOfFinishing() throws Exception {
        // The right key, but another program's manager: not "the manager is gone", an error.
        try (dev.mp4j.manager.BaseManager other = new dev.mp4j.manager.BaseManager(
                new java.net.InetSocketAddress("127.0.0.1", 0), "abc".getBytes(StandardCharsets.UTF_8)).start()) {
            int port = ((java.net.InetSocketAddress) other.address()).getPort();
            Process worker = mp4j("worker", "--connect", "127.0.0.1:" + port, "--authkey", "abc");
            CompletableFuture<String> err = drain(worker.getErrorStream());
            CompletableFuture<String> out = drain(worker.getInputStream());
            assertTrue(worker.waitFor(60, TimeUnit.SECONDS));
            assertEquals(1, worker.exitValue(), out.join() + err.join());
            assertTrue(err.join().contains("get_task_queue") && !err.join().contains("\tat "), err.join());
        }
    }

    /** Waits until the manager accepts connections (a bare TCP connect, which it logs as refused). */
    private static void awaitListening(int port, Process manager) throws Exception {
        boolean listening = dev.mp4j.testing.Await.until(() -> !manager.isAlive() || accepts(port), Duration.ofSeconds(60));
        if (!listening || !manager.isAlive()) {
            throw new AssertionError("the manager never listened on port " + port);
        }
    }

    private static boolean accepts(int port) {
        try (java.net.Socket probe = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
            return probe.isConnected();
        } catch (IOException notYet) {
            return false;
        }
    }

    @Test
    @Timeout(120)
    void aWorkerWhoseManagerDiesWhileItWorksSaysItsTaskWasLost() throws Exception {
        // Before, the result went with a put that does not wait for the manager's answer: the
        // worker took the task for delivered and, its next call failing, exited 0 as if the
        // manager had simply finished.
        String port = String.valueOf(freePort());
        Process manager = mp4j("manager", "--port", port, "--authkey", "abc", "--wait", "60");
        drain(manager.getErrorStream());
        drain(manager.getInputStream());
        awaitListening(Integer.parseInt(port), manager);
        Process worker = mp4j("worker", "--connect", "127.0.0.1:" + port, "--authkey", "abc", "--delay", "5");
        CompletableFuture<String> workerErr = drain(worker.getErrorStream());
        java.util.concurrent.BlockingQueue<String> workerLines = new java.util.concurrent.LinkedBlockingQueue<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(worker.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = in.readLine()) != null; ) {
                    workerLines.add(l);
                }
            } catch (IOException ignored) {
                // the worker is gone
            }
        });
        String line;
        do {
            line = workerLines.poll(60, TimeUnit.SECONDS);
        } while (line != null && !line.startsWith("run task "));
        assertTrue(line != null, "the worker never took a task");
        manager.destroyForcibly();
        assertTrue(manager.waitFor(30, TimeUnit.SECONDS));
        assertTrue(worker.waitFor(60, TimeUnit.SECONDS));
        assertEquals(1, worker.exitValue(), workerErr::join);
        assertTrue(workerErr.join().contains("was taken but its result could not be delivered"), workerErr::join);
    }

    @Test
    @Timeout(120)
    void twoWorkersAnswerEveryTaskAndAWrongKeyIsTurnedAway() throws Exception {
        String port = String.valueOf(freePort());
        Process manager = mp4j("manager", "--port", port, "--authkey", "abc", "--wait", "60");
        CompletableFuture<String> managerErr = drain(manager.getErrorStream());
        CompletableFuture<String> managerOut = drain(manager.getInputStream());
        awaitListening(Integer.parseInt(port), manager);

        Process intruder = mp4j("worker", "--connect", "127.0.0.1:" + port, "--authkey", "wrong");
        CompletableFuture<String> intruderErr = drain(intruder.getErrorStream());
        drain(intruder.getInputStream());
        assertTrue(intruder.waitFor(60, TimeUnit.SECONDS));
        assertEquals(1, intruder.exitValue());
        assertTrue(intruderErr.join().contains("authentication"), intruderErr::join);

        // The seed's one second a task: two workers started together both get a share of the
        // ten, as the issue asks, even when one JVM comes up seconds after the other.
        List<Process> workers = List.of(
                mp4j("worker", "--connect", "127.0.0.1:" + port, "--authkey", "abc", "--delay", "1"),
                mp4j("worker", "--connect", "127.0.0.1:" + port, "--authkey", "abc", "--delay", "1"));
        List<CompletableFuture<String>> workerOut = workers.stream().map(w -> drain(w.getInputStream())).toList();
        List<CompletableFuture<String>> workerErr = workers.stream().map(w -> drain(w.getErrorStream())).toList();
        assertTrue(manager.waitFor(60, TimeUnit.SECONDS));
        List<String> lines = managerOut.join().lines().toList();
        assertEquals(0, manager.exitValue(), lines + managerErr.join());
        assertTrue(lines.getFirst().equals("Manager listening on 127.0.0.1:" + port), lines::toString);
        for (int i = 0; i < workers.size(); i++) {
            Process w = workers.get(i);
            assertTrue(w.waitFor(60, TimeUnit.SECONDS));
            String err = workerErr.get(i).join();
            assertEquals(0, w.exitValue(), err);
            // Each worker ran a share of the tasks.
            String out = workerOut.get(i).join();
            assertTrue(out.lines().anyMatch(l -> l.startsWith("run task ")), () -> "a worker ran no task: " + out);
        }

        List<Long> tasks = new ArrayList<>();
        Set<Long> answered = new HashSet<>();
        for (String l : lines) {
            Matcher t = TASK.matcher(l);
            if (t.matches()) {
                tasks.add(Long.parseLong(t.group(1)));
            }
            Matcher r = RESULT.matcher(l);
            if (r.matches()) {
                long n = Long.parseLong(r.group(1));
                assertEquals(n, Long.parseLong(r.group(2)));
                assertEquals(n * n, Long.parseLong(r.group(3)), l);
                answered.add(n);
            }
        }
        assertEquals(10, tasks.size(), lines::toString);
        assertEquals(new HashSet<>(tasks), answered, lines::toString);
        assertEquals(10, lines.stream().filter(l -> l.startsWith("Result: ")).count());
        long run = workerOut.stream().map(CompletableFuture::join)
                .flatMap(String::lines).filter(l -> l.startsWith("run task ")).count();
        assertEquals(10, run, "every task ran in exactly one worker");
        assertTrue(managerErr.join().contains("digest received was wrong"), "the wrong key is logged: " + managerErr.join());
    }
}
