package dev.mp4j.examples.pipe;

import dev.mp4j.connection.Connection;
import dev.mp4j.connection.Pipe;
import dev.mp4j.process.JvmProcess;
import java.io.IOException;

/**
 * A child greets its parent through a pipe and the parent greets back: seed 004, lines 109-128
 * ("多进程", section "管道").
 *
 * <p>The same exchange as {@link PipeChat}, with Chinese messages: the child sends
 * {@code 爸爸你好!} ("hello dad!"), the parent prints it and sends {@code 儿子你好!}
 * ("hello son!"), which the child prints. Worth its own demo because the strings that travel
 * through the pipe are not ASCII. The original's comment {@code # prints "[42, None, 'hello']"}
 * was copied from the Python documentation and does not describe this program.
 *
 * <p>The original:
 * <pre>{@code
 * from multiprocessing import Process, Pipe
 *
 * def f(conn):
 *     conn.send("爸爸你好!")
 *     response=conn.recv()
 *     print(response)
 *     conn.close()
 *
 * if __name__ == '__main__':
 *     parent_conn, child_conn = Pipe()
 *     p = Process(target=f, args=(child_conn,))
 *     p.start()
 *     print(parent_conn.recv())   # prints "[42, None, 'hello']"
 *     parent_conn.send("儿子你好!")
 *     p.join()
 * }</pre>
 * Output (from the tutorial):
 * <pre>
 * 爸爸你好!
 * 儿子你好!
 * </pre>
 */
public final class PipeGreeting {
    private PipeGreeting() {
    }

    /** {@code f(conn)}: the child. */
    static void f(Connection conn) throws IOException {
        conn.send("爸爸你好!");
        Object response = conn.recv();
        System.out.println(response);
        conn.close();
    }

    public static void main(String[] args) throws IOException {
        Pipe pipe = Pipe.open();
        Connection parentConn = pipe.left();
        Connection childConn = pipe.right();
        JvmProcess p = new JvmProcess(() -> f(childConn));
        p.start();
        System.out.println(parentConn.recv());
        parentConn.send("儿子你好!");
        p.join();
    }
}
