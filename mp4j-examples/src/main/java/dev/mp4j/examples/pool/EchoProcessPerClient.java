package dev.mp4j.examples.pool;

import dev.mp4j.connection.Connection;
import dev.mp4j.connection.Pipe;
import dev.mp4j.process.JvmProcess;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * An echo server with a process per client: seed 002, lines 287-329 ("python day9 学习整理",
 * "练习1:把上周所学的socket通信变成并发的形式": make last week's socket server concurrent).
 *
 * <p>The server accepts connections in a loop and starts a {@code Process} for each, running
 * {@code talk(conn, client_addr)}: receive up to 1024 bytes, send them back upper-cased, until
 * the client closes its end. Every client so has a process of its own, and any number are served
 * at once. The tutorial's closing remark: "one process per client: if ten thousand clients come
 * at once, will you start ten thousand processes? Try ten thousand, a hundred thousand on your
 * machine. The solution: a process pool", which is {@link PoolEchoServer}, the next exercise.
 *
 * <p><b>What Java cannot do, and what the twin does instead.</b> The original hands the accepted
 * socket to the child: on Linux the forked child inherits it, and Python's pickling of a socket
 * passes the file descriptor to a spawned one. A JVM can pass no file descriptor to another
 * process, so a child JVM cannot be given a connection. So the main process keeps each
 * connection, and opens a {@link Pipe} to the client's process: {@code talk} reads the client's
 * bytes from its end of the pipe and writes the upper-cased reply into it, and a relay thread in
 * the main process moves the bytes between the socket and the pipe, one message and one reply at a
 * time. When the client closes its socket, the relay closes its end of the pipe, and {@code talk}
 * reads end-of-file where the original reads an empty message. The protocol the client sees is
 * the original's, byte for byte; the work per client is done in the client's own process.
 *
 * <p>Further differences: the server binds port 0 (a free port the system picks) rather than
 * 8080, which may be taken; the accept loop runs on a thread of the main process, which meanwhile
 * runs the clients (see {@code Echo}), and ends when the demo closes the server socket, where the
 * original serves for ever; {@code talk} prints its process's pid on each new client, as in the
 * next exercise ({@code 进程pid: ...}), so the output shows one process per client.
 *
 * <p>The original server (the seed's caption "server端" stands below it; the client is in
 * {@code Echo}):
 * <pre>{@code
 * from socket import *
 * from multiprocessing import Process
 *
 * server=socket(AF_INET,SOCK_STREAM)
 * server.setsockopt(SOL_SOCKET,SO_REUSEADDR,1)
 * server.bind(('127.0.0.1',8080))
 * server.listen(5)
 *
 * def talk(conn,client_addr):
 *     while True:
 *         try:
 *             msg=conn.recv(1024)
 *             if not msg:break
 *             conn.send(msg.upper())
 *         except Exception:
 *             break
 *
 * if __name__ == '__main__': #windows下start进程一定要写到这下面
 *     while True:
 *         conn,client_addr=server.accept()
 *         p=Process(target=talk,args=(conn,client_addr))
 *         p.start()
 * }</pre>
 * Output (not shown in the tutorial; the twin's, with six clients typing two lines each): six
 * processes, one per client, and every line echoed in capitals:
 * <pre>
 * 进程pid: 4301
 * 进程pid: 4302
 * ...
 * HELLO FROM CLIENT 2
 * HELLO FROM CLIENT 1
 * ...
 * BYE FROM CLIENT 6
 * </pre>
 */
public final class EchoProcessPerClient {
    /** How many clients the demo starts at once. */
    static final int CLIENTS = 6;

    private EchoProcessPerClient() {
    }

    /**
     * {@code socket()}, {@code setsockopt(SO_REUSEADDR)}, {@code bind} and {@code listen(5)}, on
     * 127.0.0.1 and a free port.
     */
    static ServerSocket listen() throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 5);
        return server;
    }

    /**
     * {@code talk(conn, client_addr)}: runs in the client's process. {@code conn} is its end of
     * the pipe to the client's relay in the main process; {@code clientAddr} is, as in the
     * original, passed and not used.
     */
    static void talk(Connection conn, String clientAddr) {
        System.out.println("进程pid: " + ProcessHandle.current().pid());
        while (true) {
            try {
                byte[] msg = conn.recvBytes(); // conn.recv(1024): the relay sends at most 1024 bytes at a time
                conn.sendBytes(Echo.upper(msg, msg.length));
            } catch (EOFException clientLeft) {
                break; // if not msg: break (the client closed its socket, so the relay closed the pipe)
            } catch (IOException e) {
                break;
            }
        }
        conn.close();
    }

    /**
     * The original's {@code while True: conn, client_addr = server.accept(); Process(target=talk,
     * ...).start()}, until {@code server} is closed.
     */
    static void serve(ServerSocket server) {
        while (true) {
            Socket conn;
            try {
                conn = server.accept();
            } catch (IOException closed) {
                return;
            }
            String clientAddr = conn.getRemoteSocketAddress().toString();
            Pipe pipe = Pipe.open();
            Connection childEnd = pipe.right();
            JvmProcess p = new JvmProcess(() -> talk(childEnd, clientAddr));
            p.start();
            // The child holds its own copy now; when it exits, the relay reads end-of-file.
            childEnd.close();
            Thread.ofPlatform().name("relay " + clientAddr).start(() -> relay(conn, pipe.left()));
        }
    }

    /**
     * Carries the client's bytes to its process and the replies back, for as long as the client
     * stays: what the child would read and write on the socket itself if it could be given one.
     * Closing both at the end tells each side that the other has gone.
     */
    static void relay(Socket conn, Connection toChild) {
        try (conn; toChild) {
            InputStream in = conn.getInputStream();
            OutputStream out = conn.getOutputStream();
            byte[] buf = new byte[1024];
            for (int n = in.read(buf); n > 0; n = in.read(buf)) {
                toChild.sendBytes(buf, 0, n);
                out.write(toChild.recvBytes()); // talk answers each message with exactly one
            }
        } catch (IOException gone) {
            // The client reset its connection or its process died: both are closed above.
        }
    }

    public static void main(String[] args) throws Exception {
        Thread acceptor;
        try (ServerSocket server = listen()) {
            acceptor = Thread.ofPlatform().name("accept").start(() -> serve(server));
            Echo.clients(server.getLocalPort(), CLIENTS);
        }
        // Closed: accept() fails and the loop ends. Each client's process ends as its client left.
        acceptor.join();
    }
}
