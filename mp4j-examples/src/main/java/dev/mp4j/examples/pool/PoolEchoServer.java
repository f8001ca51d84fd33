package dev.mp4j.examples.pool;

import dev.mp4j.connection.Connection;
import dev.mp4j.connection.Pipe;
import dev.mp4j.pool.ProcessPool;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;

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
 * <p>The twin does what the original does: the main process accepts each connection and hands
 * {@code talk(conn, client_addr)} to the pool with {@code applyAsync}, and a worker runs it for
 * as long as its client stays. Python pickles the socket itself, sending its file descriptor to
 * the worker; a JVM has no way to hand a socket to another process, so, as in
 * {@link EchoProcessPerClient}, the task carries the end of a {@link Pipe} instead, and a relay
 * thread in the main process carries the client's bytes to it and the replies back. Pipe ends
 * travel in tasks, and a task still queued keeps its end open. So with six clients and four
 * workers, two clients wait (their {@code talk} is queued) until a worker is free, and only four
 * pids ever serve, as the comments say. The original serves for ever; the twin stops after its
 * clients (see {@code Echo}), with {@link ProcessPool#terminate()}, Python's {@code terminate()}.
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

    /**
     * {@code talk(conn, client_addr)}: runs in a worker, for as long as the client stays.
     * {@code conn} is the worker's end of the pipe to the client's relay; {@code clientAddr} is,
     * as in the original, passed and not used.
     */
    static void talk(Connection conn, String clientAddr) {
        EchoProcessPerClient.talk(conn, clientAddr);
    }

    /** The running server: an accept loop in this process, and a pool that talks to the clients. */
    static final class Server implements AutoCloseable {
        private final ServerSocket server;
        private final ProcessPool pool;
        private final Thread acceptor;

        private Server(ServerSocket server, ProcessPool pool) {
            this.server = server;
            this.pool = pool;
            this.acceptor = Thread.ofPlatform().name("accept").start(this::serve);
        }

        /** {@code socket()}, {@code bind}, {@code listen(5)} on a free port, and {@code p = Pool(processes)}. */
        static Server start(int processes) throws IOException {
            ServerSocket server = EchoProcessPerClient.listen();
            return new Server(server, ProcessPool.create(processes));
        }

        int port() {
            return server.getLocalPort();
        }

        /**
         * The original's {@code while True: conn, client_addr = server.accept();
         * p.apply_async(talk, args=(conn, client_addr))}, until the server is closed.
         */
        private void serve() {
            while (true) {
                Socket conn;
                try {
                    conn = server.accept();
                } catch (IOException closed) {
                    return;
                }
                String clientAddr = conn.getRemoteSocketAddress().toString();
                Pipe pipe = Pipe.open();
                Connection workerEnd = pipe.right();
                pool.applyAsync(() -> {
                    talk(workerEnd, clientAddr);
                    return null; // talk returns nothing, as in Python
                });
                // The task holds its own copy now, queued or running; when talk ends, the relay reads end-of-file.
                workerEnd.close();
                Thread.ofPlatform().name("relay " + clientAddr).start(() -> EchoProcessPerClient.relay(conn, pipe.left()));
            }
        }

        /** Stops serving, as Ctrl+C stops the original: no more accepts, then the pool is terminated. */
        @Override
        public void close() throws IOException {
            server.close();
            try {
                acceptor.join();
                pool.terminate();
                pool.join(); // brief: the workers are being killed
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // for the caller to see; the workers die anyway
            }
        }
    }

    public static void main(String[] args) throws Exception {
        try (Server server = Server.start(PROCESSES)) {
            Echo.clients(server.port(), CLIENTS);
        }
    }
}
