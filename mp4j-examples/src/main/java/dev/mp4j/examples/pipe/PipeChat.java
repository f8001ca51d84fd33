package dev.mp4j.examples.pipe;

import dev.mp4j.connection.Connection;
import dev.mp4j.connection.Pipe;
import dev.mp4j.process.JvmProcess;
import java.io.IOException;

/**
 * A request and a reply over a duplex pipe: seed 000, line 28 ("Day 32 process&amp;threading_4",
 * section "2、2 进程管道 Pipe").
 *
 * <p>{@code Pipe()} returns two connected ends, each with {@code send()} and {@code recv()}. The
 * main process keeps one end ({@code x_conn}) and gives the other ({@code l_conn}) to a child;
 * the child sends {@code Welcome to beijing!}, the parent prints it and answers
 * {@code Im coming!}, which the child prints. The order of the two lines is forced by the
 * messages. The docstring warns that two processes (or threads) reading or writing the same end
 * at once may corrupt the data. (The seed text lost its apostrophes: {@code Im coming!} is
 * printed as the tutorial shows it.)
 *
 * <p>The original:
 * <pre>{@code
 * ############## Pipe 进程管道
 * """
 * Pipe()返回的两个连接对象代表管道的两端。
 *     每个连接对象都有send()和recv()方法(等等)。
 *     请注意,如果两个进程(或线程)尝试同时读取或写入管道的同一端,管道中的数据可能会损坏。
 * """
 *
 * from multiprocessing import Process,Pipe
 *
 * def x_l(l_conn):
 *     """
 *     开辟一个进程负责lc的通话
 *     :param l_conn:
 *     :return:
 *     """
 *     l_conn.send("Welcome to beijing!")
 *     response = l_conn.recv()
 *     print("x:",response)
 *     l_conn.close()
 *
 * if __name__ == '__main__':
 *     x_conn,l_conn = Pipe()
 *     p = Process(target=x_l,args=(l_conn,))  # 开子进程,负责lc
 *     p.start()
 *     res = x_conn.recv()
 *     print("l:",res)
 *     x_conn.send("Im coming!")
 *     p.join()
 *
 * """
 * l: Welcome to beijing!
 * x: Im coming!
 * """
 * }</pre>
 * Output (from the tutorial):
 * <pre>
 * l: Welcome to beijing!
 * x: Im coming!
 * </pre>
 */
public final class PipeChat {
    private PipeChat() {
    }

    /** {@code x_l(l_conn)}: the child, which talks through its end of the pipe. */
    static void xL(Connection lConn) throws IOException {
        lConn.send("Welcome to beijing!");
        Object response = lConn.recv();
        System.out.println("x: " + response);
        lConn.close();
    }

    public static void main(String[] args) throws IOException {
        Pipe pipe = Pipe.open();
        Connection xConn = pipe.left();
        Connection lConn = pipe.right();
        JvmProcess p = new JvmProcess(() -> xL(lConn)); // the child gets its own copy of l_conn
        p.start();
        Object res = xConn.recv();
        System.out.println("l: " + res);
        xConn.send("Im coming!");
        p.join();
    }
}
