package dev.mp4j.examples.pipe;

import dev.mp4j.Multiprocessing;
import dev.mp4j.connection.Connection;
import dev.mp4j.connection.Pipe;
import dev.mp4j.process.JvmProcess;
import java.io.IOException;

/**
 * Two children talk through one pipe, each holding an end: seed 001, lines 21-41 ("Python
 * multiprocessing", Vamei, "下面的程序展示了Pipe的使用").
 *
 * <p>{@code proc1} sends {@code hello} and prints what comes back; {@code proc2} prints what it
 * receives and answers {@code hello, too}. The main process only creates the pipe, starts both
 * children and joins them. The pipe is duplex ("这里的Pipe是双向的"): each end both sends and
 * receives ({@code Pipe(duplex=False)} would make a one-way pipe). The order of the two lines is
 * forced by the messages.
 *
 * <p>The original (its indentation was lost in the seed and is restored):
 * <pre>{@code
 * # Multiprocessing with Pipe
 * # Written by Vamei
 * import multiprocessing as mul
 *
 * def proc1(pipe):
 *     pipe.send('hello')
 *     print('proc1 rec:',pipe.recv())
 *
 * def proc2(pipe):
 *     print('proc2 rec:',pipe.recv())
 *     pipe.send('hello, too')
 *
 * # Build a pipe
 * pipe = mul.Pipe()
 * # Pass an end of the pipe to process 1
 * p1 = mul.Process(target=proc1, args=(pipe[0],))
 * # Pass the other end of the pipe to process 2
 * p2 = mul.Process(target=proc2, args=(pipe[1],))
 * p1.start()
 * p2.start()
 * p1.join()
 * p2.join()
 * }</pre>
 * Output (not shown in the tutorial; derived):
 * <pre>
 * proc2 rec: hello
 * proc1 rec: hello, too
 * </pre>
 */
public final class PipeBetweenChildren {
    private PipeBetweenChildren() {
    }

    static void proc1(Connection pipe) throws IOException {
        pipe.send("hello");
        System.out.println("proc1 rec: " + pipe.recv());
    }

    static void proc2(Connection pipe) throws IOException {
        System.out.println("proc2 rec: " + pipe.recv());
        pipe.send("hello, too");
    }

    public static void main(String[] args) {
        // Build a pipe
        Pipe pipe = Multiprocessing.pipe();
        // The lambdas capture one end each (not the Pipe record, which does not travel).
        Connection end0 = pipe.left();
        Connection end1 = pipe.right();
        // Pass an end of the pipe to process 1
        JvmProcess p1 = new JvmProcess(() -> proc1(end0));
        // Pass the other end of the pipe to process 2
        JvmProcess p2 = new JvmProcess(() -> proc2(end1));
        p1.start();
        p2.start();
        p1.join();
        p2.join();
    }
}
