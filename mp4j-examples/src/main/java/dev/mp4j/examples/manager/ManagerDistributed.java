package dev.mp4j.examples.manager;

import dev.mp4j.examples.PyTime;
import dev.mp4j.manager.BaseManager;
import dev.mp4j.process.JvmProcess;
import dev.mp4j.queue.QueueEmptyException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Distributed processes: a manager serves a task queue and a result queue over TCP, workers
 * connect to it and square numbers: seed 003, lines 326-410 ("python基础-线程和进程", section
 * "四、分布式进程").
 *
 * <p>"The managers submodule of multiprocessing can spread processes over several machines":
 * {@code taskmanager.py} registers two queues with a {@code BaseManager} under the names
 * {@code get_task_queue} and {@code get_result_queue}, starts its server on port 5000 with the
 * authkey {@code abc}, puts ten random numbers into the task queue through the manager, and waits
 * for ten results. {@code taskworker.py}, run on another machine or in another terminal, registers
 * the same names without the queues, connects with the same authkey, takes tasks, and puts
 * {@code n * n = r} into the result queue. The tutorial stresses that tasks must go in through the
 * proxy that {@code manager.get_task_queue()} returns, never into {@code task_queue} itself: the
 * queues live in the manager's server process, and only the proxies reach them there.
 *
 * <p>Here one program plays both parts: the main process is the task manager, and it starts a
 * child process running {@link #taskworker}, which knows nothing but the server's address and
 * the authkey (the tutorial starts it by hand, in another terminal or on another machine; so can
 * {@code ./mp4j worker --connect HOST:PORT --authkey abc}, several at once). {@code QueueManager.register('get_task_queue', callable=lambda: task_queue)} is
 * {@link BaseManager#register(String, Class, dev.mp4j.manager.ManagedFactory)} with the
 * {@link BlockingQueue} interface and a lambda capturing the queue (it travels to the server
 * process with it), and {@code manager.get_task_queue()} is
 * {@code manager.create("get_task_queue")}. The server listens on 127.0.0.1 and a free port
 * (port 0; {@link BaseManager#address()} tells which), not on every interface at port 5000, so
 * that the demo never meets a busy port or opens one to the network. {@code task.get(timeout=1)}
 * is {@code task.poll(1, SECONDS)}, which returns null where Python raises {@code Queue.Empty};
 * {@code result.get(timeout=10)} is {@code result.poll(10, SECONDS)}, and a null there is thrown
 * as a {@link QueueEmptyException}, as Python lets its {@code Queue.Empty} escape.
 *
 * <p>The worker's seconds (its one-second wait for a task, its one-second task) are
 * {@linkplain PyTime#SECOND scaled}; the task manager's ten-second wait for a result is not, as
 * for the first result it also covers the worker's start.
 *
 * <p>The original (Python 2, {@code import Queue}):
 * <pre>{@code
 * # taskmanager.py
 *
 * import random, time, Queue
 * from multiprocessing.managers import BaseManager
 *
 * # 发送任务的队列:
 * task_queue = Queue.Queue()
 * # 接收结果的队列:
 * result_queue = Queue.Queue()
 *
 * # 从BaseManager继承的QueueManager:
 * class QueueManager(BaseManager):
 *     pass
 *
 * # 把两个Queue都注册到网络上, callable参数关联了Queue对象:
 * QueueManager.register('get_task_queue', callable=lambda: task_queue)
 * QueueManager.register('get_result_queue', callable=lambda: result_queue)
 * # 绑定端口5000, 设置验证码'abc':
 * manager = QueueManager(address=('', 5000), authkey='abc')
 * # 启动Queue:
 * manager.start()
 * # 获得通过网络访问的Queue对象:
 * task = manager.get_task_queue()
 * result = manager.get_result_queue()
 * # 放几个任务进去:
 * for i in range(10):
 *     n = random.randint(0, 10000)
 *     print('Put task %d...' % n)
 *     task.put(n)
 * # 从result队列读取结果:
 * print('Try get results...')
 * for i in range(10):
 *     r = result.get(timeout=10)
 *     print('Result: %s' % r)
 * # 关闭:
 * manager.shutdown()
 *
 * # taskworker.py
 *
 * import time, sys, Queue
 * from multiprocessing.managers import BaseManager
 *
 * # 创建类似的QueueManager:
 * class QueueManager(BaseManager):
 *     pass
 *
 * # 由于这个QueueManager只从网络上获取Queue,所以注册时只提供名字:
 * QueueManager.register('get_task_queue')
 * QueueManager.register('get_result_queue')
 *
 * # 连接到服务器,也就是运行taskmanager.py的机器:
 * server_addr = '127.0.0.1'
 * print('Connect to server %s...' % server_addr)
 * # 端口和验证码注意保持与taskmanager.py设置的完全一致:
 * m = QueueManager(address=(server_addr, 5000), authkey='abc')
 * # 从网络连接:
 * m.connect()
 * # 获取Queue的对象:
 * task = m.get_task_queue()
 * result = m.get_result_queue()
 * # 从task队列取任务,并把结果写入result队列:
 * for i in range(10):
 *     try:
 *         n = task.get(timeout=1)
 *         print('run task %d * %d...' % (n, n))
 *         r = '%d * %d = %d' % (n, n, n*n)
 *         time.sleep(1)
 *         result.put(r)
 *     except Queue.Empty:
 *         print('task queue is empty.')
 * # 处理结束:
 * print('worker exit.')
 * }</pre>
 * Output (from the tutorial, the two programs in two terminals, one worker):
 * <pre>
 * $ python taskmanager.py
 * Put task 3411...
 * Put task 1605...
 * ... (eight more)
 * Try get results...
 *
 * $ python taskworker.py 127.0.0.1
 * Connect to server 127.0.0.1...
 * run task 3411 * 3411...
 * run task 1605 * 1605...
 * ... (eight more)
 * worker exit.
 *
 * Result: 3411 * 3411 = 11634921
 * Result: 1605 * 1605 = 2576025
 * ... (eight more)
 * </pre>
 * Output here (one stdout for both processes, so the worker's lines and the results interleave):
 * <pre>
 * Put task 5157...
 * Put task 6229...
 * ... (eight more)
 * Try get results...
 * Connect to server 127.0.0.1...
 * run task 5157 * 5157...
 * run task 6229 * 6229...
 * Result: 5157 * 5157 = 26594649
 * run task 9679 * 9679...
 * Result: 6229 * 6229 = 38800441
 * ... (the other tasks and results)
 * worker exit.
 * Result: ...
 * </pre>
 */
public final class ManagerDistributed {
    /** {@code authkey='abc'}, the same in the task manager and the workers. */
    static final byte[] AUTHKEY = "abc".getBytes(StandardCharsets.US_ASCII);
    /** How many worker processes the main process starts: the tutorial runs one taskworker.py. */
    static final int WORKERS = 1;

    private ManagerDistributed() {
    }

    /** {@code taskworker.py}: runs in each worker process; knows only the address and the authkey. */
    static void taskworker(InetSocketAddress address) throws InterruptedException {
        // This manager only reaches queues over the network, so it registers only their names.
        // Connect to the server, the machine running the task manager:
        System.out.println("Connect to server " + address.getHostString() + "...");
        // The port and the authkey must be exactly those of the task manager.
        BaseManager m = new BaseManager(address, AUTHKEY)
                .register("get_task_queue", BlockingQueue.class)
                .register("get_result_queue", BlockingQueue.class);
        m.connect();
        // The queue objects:
        BlockingQueue<Integer> task = m.create("get_task_queue");
        BlockingQueue<String> result = m.create("get_result_queue");
        // Take tasks from the task queue, write results into the result queue:
        for (int i = 0; i < 10; i++) {
            Integer n = task.poll(PyTime.SECOND.toNanos(), TimeUnit.NANOSECONDS); // task.get(timeout=1)
            if (n == null) {
                System.out.println("task queue is empty.");
                continue;
            }
            System.out.println("run task %d * %d...".formatted(n, n));
            String r = "%d * %d = %d".formatted(n, n, n * n);
            PyTime.sleep(1);
            result.put(r);
        }
        // Done:
        System.out.println("worker exit.");
    }

    /** {@code taskmanager.py}, which also starts the workers. */
    public static void main(String[] args) throws InterruptedException, QueueEmptyException {
        // The queue that sends tasks:
        BlockingQueue<Integer> taskQueue = new LinkedBlockingQueue<>();
        // The queue that receives results:
        BlockingQueue<String> resultQueue = new LinkedBlockingQueue<>();

        // Register both queues on the network; each lambda carries its queue to the server.
        // Listen on 127.0.0.1 and a free port, authkey 'abc':
        BaseManager manager = new BaseManager(new InetSocketAddress("127.0.0.1", 0), AUTHKEY)
                .register("get_task_queue", BlockingQueue.class, a -> taskQueue)
                .register("get_result_queue", BlockingQueue.class, a -> resultQueue);
        // Start the queues' server:
        manager.start();
        // The queues, reached over the network:
        BlockingQueue<Integer> task = manager.create("get_task_queue");
        BlockingQueue<String> result = manager.create("get_result_queue");
        // Put some tasks in:
        for (int i = 0; i < 10; i++) {
            int n = ThreadLocalRandom.current().nextInt(0, 10_001); // random.randint(0, 10000)
            System.out.println("Put task %d...".formatted(n));
            task.put(n);
        }
        // Read from the result queue:
        System.out.println("Try get results...");
        // The workers, which the tutorial starts by hand, on another machine or in another terminal:
        InetSocketAddress address = (InetSocketAddress) manager.address();
        List<JvmProcess> workers = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            JvmProcess worker = new JvmProcess(() -> taskworker(address));
            worker.start();
            workers.add(worker);
        }
        for (int i = 0; i < 10; i++) {
            // result.get(timeout=10), in real seconds: for the first result they also cover the
            // worker's start (in the tutorial, a person starting taskworker.py).
            String r = result.poll(10, TimeUnit.SECONDS);
            if (r == null) {
                throw new QueueEmptyException("no result within 10 seconds");
            }
            System.out.println("Result: " + r);
        }
        for (JvmProcess worker : workers) {
            worker.join();
        }
        // Shut down:
        manager.shutdown();
    }
}
