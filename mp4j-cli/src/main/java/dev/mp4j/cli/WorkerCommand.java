package dev.mp4j.cli;

import dev.mp4j.manager.BaseManager;
import dev.mp4j.manager.ManagerException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mp4j worker}: the seed's {@code taskworker.py}. Connects to {@code mp4j manager}, takes
 * tasks, computes {@code n * n}, spends a second on each (the seed's {@code time.sleep(1)}, so
 * that several workers started together share the work), puts {@code "n * n = r"} back, and exits
 * when the task queue stays empty for a second.
 */
@Command(name = "worker", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Work for an 'mp4j manager' over TCP (the seed's taskworker.py).",
            "Takes tasks, spends --delay seconds on each, puts 'n * n = r' back, and exits when the task queue",
            "stays empty for --idle seconds. Several workers started together share the work."})
final class WorkerCommand implements Callable<Integer> {
    @Option(names = "--connect", required = true, paramLabel = "HOST:PORT", description = "the manager's address")
    String connect;

    @Option(names = "--authkey", required = true, description = "the manager's key")
    String authkey;

    @Option(names = "--idle", description = "seconds the task queue must stay empty before exiting (default: ${DEFAULT-VALUE})")
    int idleSeconds = 1;

    @Option(names = "--delay", description = "seconds spent on each task, as the seed's time.sleep(1) (default: ${DEFAULT-VALUE})")
    double delaySeconds = 1;

    @Override
    public Integer call() throws Exception {
        if (idleSeconds < 0 || !(delaySeconds >= 0) || delaySeconds > 3600) {
            System.err.println("mp4j worker: --idle wants 0 or more seconds and --delay 0 to 3600, got "
                    + idleSeconds + " and " + delaySeconds);
            return 2;
        }
        int colon = connect.lastIndexOf(':');
        if (colon < 0) {
            System.err.println("mp4j worker: --connect wants HOST:PORT, got " + connect);
            return 2;
        }
        String host = colon == 0 ? "127.0.0.1" : connect.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(connect.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) {
            System.err.println("mp4j worker: --connect wants HOST:PORT with a port from 1 to 65535, got " + connect);
            return 2;
        }
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            System.err.println("mp4j worker: cannot resolve the host '" + host + "' of --connect " + connect);
            return 1;
        }
        say("Connect to server " + host + ":" + port + "...");
        BaseManager manager = new BaseManager(address, authkey.getBytes(StandardCharsets.UTF_8))
                .register("get_task_queue", BlockingQueue.class)
                .register("get_result_queue", BlockingQueue.class);
        try {
            // Bounded: a host that drops the packets would hold the worker for the kernel's two
            // minutes of retries, and a server that never answers for ever.
            manager.connect(CONNECT_TIMEOUT);
        } catch (ManagerException e) {
            // A refused key says so; anything else (no listener, or one that closed mid-way as
            // the manager exited) is a manager this worker cannot reach.
            String message = e.getMessage();
            if (!message.startsWith("authentication") && !message.startsWith("cannot reach")) {
                message = "cannot reach the manager at " + host + ":" + port + ": " + message;
            }
            System.err.println("mp4j worker: " + message);
            return 1;
        }
        Integer taken = null;
        try {
            // Inside the try: a manager that exits just after our connect (it had every result
            // already) is gone, as it is for a worker further along.
            BlockingQueue<Integer> task = manager.create("get_task_queue");
            BlockingQueue<String> result = manager.create("get_result_queue");
            while (true) {
                Integer n = task.poll(idleSeconds, TimeUnit.SECONDS);
                if (n == null) {
                    say("task queue is empty.");
                    break;
                }
                taken = n;
                say("run task " + n + " * " + n + "...");
                String r = n + " * " + n + " = " + ((long) n * n);
                Thread.sleep(Math.round(delaySeconds * 1000));
                // offer, not put: a put into an unbounded queue is sent without waiting for the
                // manager's answer, so a manager gone meanwhile (killed, or cut off) went unseen
                // and the task counted as delivered; offer waits for the answer (a manager that
                // shuts down on its last result still sends it: see ManagerServer.close).
                if (!result.offer(r)) {
                    throw new ManagerException("the manager's result queue refused the result of task " + n);
                }
                taken = null;
            }
        } catch (ManagerException e) {
            if (taken != null) {
                // Taken from the manager, and its result never delivered: that task is lost.
                System.err.println("mp4j worker: task " + taken + " was taken but its result could not be delivered: "
                        + e.getMessage());
                return 1;
            }
            if (!managerGone(e)) {
                // A manager there but not the seed's (no such queue), or one that refused a call.
                System.err.println("mp4j worker: " + e.getMessage());
                return 1;
            }
            // The manager exits once it has every result; a worker still asking has simply finished.
            say("manager is gone: " + e.getMessage());
        }
        say("worker exit.");
        return 0;
    }

    /** How long reaching the manager, proving the key and its first answer may take. */
    private static final java.time.Duration CONNECT_TIMEOUT = java.time.Duration.ofSeconds(30);

    /** Whether a failed call says the manager has gone away (it exits once it has every result). */
    private static boolean managerGone(ManagerException e) {
        String m = String.valueOf(e.getMessage());
        return m.startsWith("lost the connection") || m.contains(" has shut down") || m.startsWith("cannot reach");
    }

    /** Prints a line at once: a pipe reader (a test, a supervisor) must see progress as it happens. */
    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
