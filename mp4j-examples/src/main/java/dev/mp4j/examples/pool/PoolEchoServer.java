package dev.mp4j.examples.pool;

import dev.mp4j.pool.ProcessPool;
import dev.mp4j.sync.ProcessSemaphore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.time.Duration;

/**
 * An echo server on a fixed number of processes: seed 002, lines 1179-1225 ("python day9
 * 学习整理", section "3.8 进程池", "练习2:使用进程池维护固定数目的进程(重写练习1)": keep a fixed
 * number of processes with a pool, rewriting exercise 1).
 *
 * <p>Exercise 1 ({@link EchoProcessPerClient}) starts a process per client. Here the server
 * accepts each connection and hands {@code talk(conn, client_addr)} to a {@code Pool()} with
 * {@code apply_async}; {@code talk} holds its worker for as long as its client stays. The
 * comments: the pool has as many processes as CPUs, say 4; start six clients and two of them
 * wait; print the pid in each process and you see only four pids, the four processes shared by
 * all the clients. (And with {@code apply} instead of {@code apply_async}, only one client at a
 * time would be served.)
 *
 * <p><b>What Java cannot do, and what the twin does instead.</b> The original passes each
 * accepted socket to a worker: Python pickles a socket by sending its file descriptor to the
 * worker process. A JVM can pass no file descriptor to another process. What the twin does is
 * what pre-forking servers do: each of the {@value #PROCESSES} workers opens a listening socket of
 * its own on the same port, with {@link StandardSocketOptions#SO_REUSEPORT} set, and accepts and
 * serves its clients itself, one after the other; the kernel spreads the incoming connections
 * over the workers' sockets. A worker does this from the pool's {@code initializer} (the second
 * parameter of {@code Pool(numprocess, initializer, initargs)} in the tutorial's list), which runs
 * once in each worker as it starts: {@link #serveInWorker} binds the socket and starts the
 * worker's accept loop on a thread of its own. (Not as a task: a task that never ends holds its
 * worker for good, and what was queued behind it runs elsewhere only once another worker is idle,
 * since {@link ProcessPool} sends a worker its next task before the current one is done.) A client that arrives while its worker is busy waits in that worker's
 * backlog: with six clients and four workers, at least two wait, as the comment says, and only
 * four pids ever serve. One difference remains: the kernel picks a worker by a hash of the
 * connection's addresses, not the first free one, so a client may wait for a busy worker while
 * another worker is idle. Load balancing over {@code SO_REUSEPORT} listeners is Linux's; other
 * systems may send every connection to one socket.
 *
 * <p>The port: before the pool starts, the main process binds a plain socket to 127.0.0.1 and a
 * free port with {@code SO_REUSEPORT} and never listens on it. That keeps the port for the
 * workers (nothing without {@code SO_REUSEPORT} can bind it) while no connection is ever queued
 * on it. The main process waits until every worker listens (a {@link ProcessSemaphore} each
 * releases), then runs six clients (see {@code Echo}). The original serves for ever; the twin
 * stops after its clients, with {@link ProcessPool#terminate()}, Python's {@code terminate()}.
 * The pool has four workers, where {@code Pool()} has one per CPU: the four the comment assumes.
 *
 * <p>The original server (the seed's caption "server端" stands below it; the client is in
 * {@code Echo}):
 * <pre>{@code
 * #Pool内的进程数默认是cpu核数,假设为4(查看方法os.cpu_count())
 * #开启6个客户端,会发现2个客户端处于等待状态
 * #在每个进程内查看pid,会发现pid使用为4个,即多个客户端公用4个进程
 * from socket import *
 * from multiprocessing import Pool
 * import os
 *
 * server=socket(AF_INET,SOCK_STREAM)
 * server.setsockopt(SOL_SOCKET,SO_REUSEADDR,1)
 * server.bind(('127.0.0.1',8080))
 * server.listen(5)
 *
 * def talk(conn,client_addr):
 *     print('进程pid: %s' %os.getpid())
 *     while True:
 *         try:
 *             msg=conn.recv(1024)
 *             if not msg:break
 *             conn.send(msg.upper())
 *         except Exception:
 *             break
 *
 * if __name__ == '__main__':
 *     p=Pool()
 *     while True:
 *         conn,client_addr=server.accept()
 *         p.apply_async(talk,args=(conn,client_addr))
 *         # p.apply(talk,args=(conn,client_addr)) #同步的话,则同一时间只有一个客户端能访问
 * }</pre>
 * Output (not shown in the tutorial; the twin's, with six clients typing two lines each a second
 * apart): six clients served by at most four pids, the last ones only once a worker is free:
 * <pre>
 * 进程pid: 4301
 * 进程pid: 4302
 * 进程pid: 4303
 * HELLO FROM CLIENT 3
 * ...
 * BYE FROM CLIENT 3
 * 进程pid: 4302
 * HELLO FROM CLIENT 6
 * ...
 * </pre>
 */
public final class PoolEchoServer {
    /** {@code Pool()} on the comment's machine: "假设为4", say four. */
    static final int PROCESSES = 4;
    /** "开启6个客户端": start six clients. */
    static final int CLIENTS = 6;

    private PoolEchoServer() {
    }

    /** {@code talk(conn, client_addr)}: runs in a worker, for as long as the client stays. */
    static void talk(Socket conn) {
        System.out.println("进程pid: " + ProcessHandle.current().pid());
        try (conn) {
            InputStream in = conn.getInputStream();
            OutputStream out = conn.getOutputStream();
            byte[] msg = new byte[1024];
            while (true) {
                try {
                    int n = in.read(msg); // conn.recv(1024)
                    if (n < 0) {
                        break; // if not msg: break
                    }
                    out.write(Echo.upper(msg, n));
                } catch (IOException e) {
                    break;
                }
            }
        } catch (IOException closing) {
            // nothing left to tell the client
        }
    }

    /**
     * The pool's initializer, run once in each worker as it starts: listens on {@code port} beside
     * the other workers, tells the main process so, and from then on accepts clients and talks to
     * each in turn, on a thread that ends with the worker.
     */
    static void serveInWorker(int port, ProcessSemaphore listening) throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.setOption(StandardSocketOptions.SO_REUSEPORT, true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5);
        Thread.ofPlatform().daemon().name("accept").start(() -> {
            while (true) {
                Socket conn;
                try {
                    conn = server.accept();
                } catch (IOException e) {
                    return;
                }
                talk(conn);
            }
        });
        listening.release();
    }

    /** The running server: a pool whose workers all listen on {@link #port()}. */
    static final class Server implements AutoCloseable {
        /** How long the workers may take to start and listen, on a busy machine too. */
        private static final Duration STARTUP = Duration.ofSeconds(60);

        private final Socket reservation;
        private final ProcessPool pool;

        private Server(Socket reservation, ProcessPool pool) {
            this.reservation = reservation;
            this.pool = pool;
        }

        /** Starts {@code processes} workers on a free port and returns once every one listens. */
        static Server start(int processes) throws IOException, InterruptedException {
            // Keeps the port: bound, with SO_REUSEPORT so the workers may bind it too, but never
            // listening, so no connection waits here for an accept() that never comes.
            Socket reservation = new Socket();
            reservation.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            reservation.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = reservation.getLocalPort();

            ProcessSemaphore listening = ProcessSemaphore.create(0);
            ProcessPool p = ProcessPool.create(ProcessPool.Options.defaults().withProcesses(processes)
                    .withInitializer(() -> serveInWorker(port, listening)));
            Server server = new Server(reservation, p);
            long deadline = System.nanoTime() + STARTUP.toNanos();
            for (int listeners = 0; listeners < processes; ) {
                if (listening.acquire(true, Duration.ofMillis(100))) {
                    listeners++;
                } else if (Thread.interrupted()) {
                    server.close();
                    throw new InterruptedException("while waiting for the workers to listen");
                } else if (System.nanoTime() > deadline) {
                    // A worker whose initializer fails is restarted by the pool, again and again
                    // (each time saying so on stderr): give up rather than wait for ever.
                    server.close();
                    throw new IOException("only " + listeners + " of " + processes
                            + " workers listen on port " + port + " after " + STARTUP);
                }
            }
            return server;
        }

        int port() {
            return reservation.getLocalPort();
        }

        /** Stops serving, as Ctrl+C stops the original: terminates the pool, frees the port. */
        @Override
        public void close() throws IOException {
            pool.terminate();
            try {
                pool.join(); // brief: the workers are being killed
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // for the caller to see; the workers die anyway
            } finally {
                reservation.close();
            }
        }
    }

    public static void main(String[] args) throws Exception {
        try (Server server = Server.start(PROCESSES)) {
            Echo.clients(server.port(), CLIENTS);
        }
    }
}
