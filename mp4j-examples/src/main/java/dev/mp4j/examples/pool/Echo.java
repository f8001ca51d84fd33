package dev.mp4j.examples.pool;

import dev.mp4j.examples.PyTime;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What the two echo servers ({@link EchoProcessPerClient}, {@link PoolEchoServer}) share: the
 * tutorial's client program and Python's {@code bytes.upper()}.
 *
 * <p>The client, as seed 002 gives it (lines 313-325 and 1211-1223, the same both times; the
 * seed's captions "server端" and "客户端" stand below the code they name):
 * <pre>{@code
 * from socket import *
 *
 * client=socket(AF_INET,SOCK_STREAM)
 * client.connect(('127.0.0.1',8080))
 *
 *
 * while True:
 *     msg=input('>>: ').strip()
 *     if not msg:continue
 *
 *     client.send(msg.encode('utf-8'))
 *     msg=client.recv(1024)
 *     print(msg.decode('utf-8'))
 * }</pre>
 * The twin's client types its lines itself instead of reading them with {@code input()}, one
 * {@linkplain PyTime#SECOND scaled second} apart, and leaves when it has typed them all; the
 * demos start several at once, as the tutorial's "多个client端" (several clients) does by hand.
 */
final class Echo {
    private Echo() {
    }

    /**
     * Python's {@code bytes.upper()}: ASCII letters upper-cased, every other byte kept, so the
     * bytes of a UTF-8 character beyond ASCII pass unchanged.
     */
    static byte[] upper(byte[] msg, int length) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            byte b = msg[i];
            out[i] = b >= 'a' && b <= 'z' ? (byte) (b - 'a' + 'A') : b;
        }
        return out;
    }

    /** The tutorial's client: a connection to the echo server on 127.0.0.1. */
    static final class Client implements AutoCloseable {
        private final Socket client;
        private final InputStream in;
        private final OutputStream out;

        private Client(Socket client) throws IOException {
            this.client = client;
            this.in = client.getInputStream();
            this.out = client.getOutputStream();
        }

        /** {@code client.connect(('127.0.0.1', port))}. */
        static Client connect(int port) throws IOException {
            return new Client(new Socket(InetAddress.getLoopbackAddress(), port));
        }

        /**
         * One turn of the loop: sends {@code msg} as UTF-8 and returns the reply, read with one
         * {@code recv(1024)} as the original does (a short message arrives in one piece on
         * 127.0.0.1). Fails if the server closed the connection instead.
         */
        String exchange(String msg) throws IOException {
            out.write(msg.getBytes(StandardCharsets.UTF_8)); // client.send(msg.encode('utf-8'))
            byte[] reply = new byte[1024];
            int n = in.read(reply); // client.recv(1024)
            if (n < 0) {
                throw new IOException("the server closed the connection");
            }
            return new String(reply, 0, n, StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws IOException {
            client.close();
        }
    }

    /** The lines client {@code number} of a demo types: a greeting, then a goodbye. */
    static List<String> lines(int number) {
        return List.of("hello from client " + number, "bye from client " + number);
    }

    /**
     * Runs clients 1 to {@code count} at once, each on a thread of its own, and waits for them
     * all; each prints every reply it gets. Throws what a client failed with.
     */
    static void clients(int port, int count) throws Exception {
        try (ExecutorService running = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().name("client-", 1).factory())) {
            List<Future<?>> done = new ArrayList<>();
            for (int number = 1; number <= count; number++) {
                List<String> lines = lines(number);
                done.add(running.submit(() -> {
                    try (Client client = Client.connect(port)) {
                        for (int i = 0; i < lines.size(); i++) {
                            if (i > 0) {
                                PyTime.sleep(1); // the user types the next line
                            }
                            System.out.println(client.exchange(lines.get(i)));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
    }
}
