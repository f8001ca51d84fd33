package dev.mp4j.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mp4j.connection.Connection;
import dev.mp4j.connection.Pipe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class SmokeTest {
    @Test
    @Timeout(30)
    void childEchoesThroughPipe() throws Exception {
        Pipe pipe = Pipe.open();
        Connection right = pipe.right();
        long t0 = System.nanoTime();
        JvmProcess p = new JvmProcess(() -> right.send("got " + right.recv()));
        p.start();
        pipe.left().send("hi");
        assertEquals("got hi", pipe.left().recv());
        p.join();
        System.out.println("took ms " + (System.nanoTime() - t0) / 1e6);
        assertEquals(0, p.exitCode());
    }
}
