package dev.mp4j.cli;

import dev.mp4j.manager.BaseManager;
import dev.mp4j.manager.ManagerServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mp4j manager}: the seed's {@code taskmanager.py}. Serves a task queue and a result queue
 * over TCP with an authkey, puts random numbers on the task queue, and prints the results workers
 * ({@code mp4j worker}) put back, then exits.
 */
@Command(name = "manager", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Serve task and result queues over TCP with an authkey (the seed's taskmanager.py).",
            "Puts random numbers as tasks, prints 'Result: n * n = r' as workers answer, and exits after the last one."})
final class ManagerCommand implements Callable<Integer> {
    @Option(names = "--port", description = "TCP port to listen on (default: ${DEFAULT-VALUE}; 0 picks a free one)")
    int port = 5000;

    @Option(names = "--host", description = "address to bind (default: ${DEFAULT-VALUE}, this machine only; 0.0.0.0 for"
            + " every interface, as the seed's '' does, so that workers on other machines can connect)")
    String host = "127.0.0.1";

    @Option(names = "--authkey", required = true, description = "the key workers must prove")
    String authkey;

    @Option(names = "--tasks", description = "how many tasks to put (default: ${DEFAULT-VALUE})")
    int tasks = 10;

    @Option(names = "--wait", description = "seconds to wait for each result (default: ${DEFAULT-VALUE})")
    int waitSeconds = 120;

    @Override
    public Integer call() throws Exception {
        BlockingQueue<Integer> taskQueue = new LinkedBlockingQueue<>();
        BlockingQueue<String> resultQueue = new LinkedBlockingQueue<>();
        if (port < 0 || port > 65535) {
            System.err.println("mp4j manager: --port wants 0 to 65535, got " + port);
            return 2;
        }
        if (tasks < 1 || waitSeconds < 1) {
            System.err.println("mp4j manager: --tasks and --wait want 1 or more, got " + tasks + " and " + waitSeconds);
            return 2;
        }
        BaseManager manager = new BaseManager(new InetSocketAddress(host, port), authkey.getBytes(StandardCharsets.UTF_8))
                .register("get_task_queue", BlockingQueue.class, args -> taskQueue)
                .register("get_result_queue", BlockingQueue.class, args -> resultQueue);
        ManagerServer server;
        try {
            server = manager.server();
        } catch (dev.mp4j.manager.ManagerException e) {
            // a port in use, an address not of this host: one line, not a stack trace
            System.err.println("mp4j manager: " + e.getMessage());
            return 1;
        }
        Thread.ofPlatform().daemon().name("mp4j-manager-serve").start(server::serveForever);
        say("Manager listening on " + server.address().toString().replaceFirst("^/", ""));
        try {
            // Through the manager, as the seed insists, though the queues live in this process.
            BlockingQueue<Integer> task = manager.create("get_task_queue");
            BlockingQueue<String> result = manager.create("get_result_queue");
            Random random = new Random();
            for (int i = 0; i < tasks; i++) {
                int n = random.nextInt(10_001);
                say("Put task " + n + "...");
                task.put(n);
            }
            say("Try get results...");
            for (int i = 0; i < tasks; i++) {
                String r = result.poll(waitSeconds, TimeUnit.SECONDS);
                if (r == null) {
                    String listening = server.address().toString().replaceFirst("^[^/]*/", "");
                    System.err.println("mp4j manager: no result within " + waitSeconds + " s; is a worker running?"
                            + " (./mp4j worker --connect " + listening + " --authkey ...)");
                    return 1;
                }
                say("Result: " + r);
            }
            say("manager exit.");
            return 0;
        } finally {
            manager.shutdown();
        }
    }

    /** Prints a line at once: a pipe reader (a test, a supervisor) must see progress as it happens. */
    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
