package dev.mp4j.examples.pipe;

import dev.mp4j.connection.Connection;
import dev.mp4j.connection.Pipe;
import dev.mp4j.process.JvmProcess;
import java.io.EOFException;
import java.io.IOException;
import java.io.Serializable;

/**
 * A child serves additions over a duplex pipe until EOF: seed 002, lines 792-824 ("python day9
 * 学习整理", "管道可以用于双向通信", request/response as in client/server or RPC).
 *
 * <p>The child ("adder") reads {@code (x, y)} pairs from its {@code server} end and sends back
 * {@code x + y}; on EOF it prints {@code server done}. The main process, the client, sends
 * {@code (10, 20)}, prints the reply {@code 30} and closes its end: since both processes closed
 * the ends they do not use, that close is the EOF that stops the server. Then the main process
 * joins it and prints {@code 主进程}. The tutorial remarks that {@code send()} and
 * {@code recv()} serialize objects with pickle; here Java serialization carries a record that
 * stands for the tuple. The original also passes the name {@code 'c1'}, which {@code adder}
 * never uses; the twin leaves it out.
 *
 * <p>The original:
 * <pre>{@code
 * from multiprocessing import Process,Pipe
 *
 * import time,os
 * def adder(p,name):
 *     server,client=p
 *     client.close()
 *     while True:
 *         try:
 *             x,y=server.recv()
 *         except EOFError:
 *             server.close()
 *             break
 *         res=x+y
 *         server.send(res)
 *     print('server done')
 * if __name__ == '__main__':
 *     server,client=Pipe()
 *
 *     c1=Process(target=adder,args=((server,client),'c1'))
 *     c1.start()
 *
 *     server.close()
 *
 *     client.send((10,20))
 *     print(client.recv())
 *     client.close()
 *
 *     c1.join()
 *     print('主进程')
 * }</pre>
 * Output (not shown in the tutorial; derived):
 * <pre>
 * 30
 * server done
 * 主进程
 * </pre>
 */
public final class AdderServer {
    private AdderServer() {
    }

    /** The request: the original's tuple {@code (x, y)}. */
    record Operands(int x, int y) implements Serializable {
    }

    /** {@code adder(p, name)}: the child, serving until EOF. */
    static void adder(Connection server, Connection client) throws IOException {
        client.close(); // the client's end belongs to the main process; EOF needs every copy closed
        while (true) {
            Operands operands;
            try {
                operands = (Operands) server.recv();
            } catch (EOFException e) {
                server.close();
                break;
            }
            int res = operands.x() + operands.y();
            server.send(res);
        }
        System.out.println("server done");
    }

    public static void main(String[] args) throws IOException {
        Pipe pipe = Pipe.open();
        Connection server = pipe.left();
        Connection client = pipe.right();

        JvmProcess c1 = new JvmProcess(() -> adder(server, client));
        c1.start();

        server.close(); // the main process only plays the client

        client.send(new Operands(10, 20));
        System.out.println(client.recv());
        client.close();

        c1.join();
        System.out.println("主进程");
    }
}
