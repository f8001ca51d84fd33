package dev.mp4j.connection;

import dev.mp4j.process.JvmProcess;

/** Programs that connection tests run in a JVM of their own (a small heap, say). */
final class ConnectionScenarios {
    private ConnectionScenarios() {
    }

    /**
     * Run with a heap too small for 200 MiB: a child sends a message of that size, then a small
     * one. Prints what each receive got.
     */
    static final class MessageTooLargeForTheHeap {
        public static void main(String[] args) throws Exception {
            Pipe pipe = Pipe.open(false);
            Connection in = pipe.left();
            Connection out = pipe.right();
            JvmProcess child = new JvmProcess(() -> {
                out.sendBytes(new byte[200 << 20]);
                out.send("next");
            });
            child.start();
            try {
                byte[] big = in.recvBytes();
                System.out.println("first: " + big.length + " bytes");
            } catch (OutOfMemoryError e) {
                System.out.println("first: OutOfMemoryError: " + e.getMessage());
            }
            try {
                System.out.println("second: " + in.recv());
            } catch (Exception e) {
                System.out.println("second: " + e);
            }
            child.join();
            System.out.println("child exit " + child.exitCode());
        }
    }
}
