package dev.mp4j.connection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Wire compatibility with CPython's multiprocessing.connection, against real interpreters: the
 * installed python3 (3.11 answers and sends the legacy HMAC-MD5 challenge) and python3.12+ (the
 * {sha256} protocol) where present.
 */
@Timeout(60)
class CPythonInteropTest {
    private static final String KEY = "secret password";

    static Stream<String> pythons() {
        List<String> found = new ArrayList<>();
        List<String> candidates = new ArrayList<>(List.of("python3", "python3.12", "python3.13"));
        // pyenv keeps other versions off PATH; a 3.12+ one exercises the {sha256} handshake.
        java.io.File[] pyenv = new java.io.File(System.getProperty("user.home"), ".pyenv/versions").listFiles();
        if (pyenv != null) {
            for (java.io.File v : pyenv) {
                if (v.getName().matches("3\\.(1[2-9]|[2-9]\\d)\\..*")) {
                    candidates.add(new java.io.File(v, "bin/python3").getPath());
                }
            }
        }
        for (String exe : candidates) {
            String version = version(exe);
            if (version != null && found.stream().noneMatch(f -> version.equals(version(f)))) {
                found.add(exe);
            }
        }
        if (found.isEmpty()) {
            System.out.println("CPythonInteropTest skipped: no python3 on PATH");
            found.add("none");
        }
        return found.stream();
    }

    private static String version(String exe) {
        try {
            Process p = new ProcessBuilder(exe, "-c", "import sys; print(sys.version_info[:2])").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
        } catch (IOException | InterruptedException e) {
            return null;
        }
    }

    private static Process python(String exe, String script, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(exe, "-c", script));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).start();
    }

    private static final String PY_LISTENER = """
            import sys
            from multiprocessing.connection import Listener
            key = None if sys.argv[1] == '-' else sys.argv[1].encode()
            with Listener(('127.0.0.1', 0), authkey=key) as l:
                print(l.address[1], flush=True)
                try:
                    with l.accept() as c:
                        msg = c.recv_bytes()
                        c.send_bytes(b'pong: ' + msg)
                        big = c.recv_bytes()
                        c.send_bytes(str(len(big)).encode())
                    print('served', flush=True)
                except Exception as e:
                    print(type(e).__name__, e, flush=True)
            """;

    private static final String PY_CLIENT = """
            import sys
            from multiprocessing.connection import Client
            try:
                key = None if sys.argv[2] == '-' else sys.argv[2].encode()
                with Client(('127.0.0.1', int(sys.argv[1])), authkey=key) as c:
                    c.send_bytes(b'hello from python')
                    print(c.recv_bytes().decode(), flush=True)
            except Exception as e:
                print(type(e).__name__, e, flush=True)
            """;

    @ParameterizedTest
    @MethodSource("pythons")
    void javaClientTalksToAPythonListener(String exe) throws Exception {
        assumeTrue(!exe.equals("none"), "no python3 on this machine");
        talkToAPythonListener(exe, KEY, port -> Client.connect(new InetSocketAddress("127.0.0.1", port), KEY.getBytes()));
    }

    /** A connection made to the port a Python listener printed. */
    private interface Connect {
        Connection to(int port) throws Exception;
    }

    /** Starts a Python listener with {@code pyKey} ("-": none), connects with {@code connect} and talks. */
    private static void talkToAPythonListener(String exe, String pyKey, Connect connect) throws Exception {
        Process py = python(exe, PY_LISTENER, pyKey);
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(py.getInputStream(), StandardCharsets.UTF_8));
            int port = Integer.parseInt(out.readLine().trim());
            try (Connection c = connect.to(port)) {
                c.sendBytes("ping".getBytes());
                assertArrayEquals("pong: ping".getBytes(), c.recvBytes());
                c.sendBytes(new byte[300_000]);
                assertEquals("300000", new String(c.recvBytes()));
            }
            assertEquals("served", out.readLine());
        } finally {
            py.destroyForcibly();
        }
    }

    @ParameterizedTest
    @MethodSource("pythons")
    void pythonClientTalksToAJavaListener(String exe) throws Exception {
        assumeTrue(!exe.equals("none"), "no python3 on this machine");
        try (Listener listener = Listener.open(new InetSocketAddress("127.0.0.1", 0), KEY.getBytes())) {
            talkToAPythonClient(exe, KEY, listener);
        }
    }

    /** Starts a Python client with {@code pyKey} ("-": none) against {@code listener} and talks. */
    private static void talkToAPythonClient(String exe, String pyKey, Listener listener) throws Exception {
        int port = ((InetSocketAddress) listener.address()).getPort();
        Process py = python(exe, PY_CLIENT, String.valueOf(port), pyKey);
        try (Connection c = listener.accept()) {
            assertArrayEquals("hello from python".getBytes(), c.recvBytes());
            c.sendBytes("hello from java".getBytes());
            assertEquals("hello from java", readAll(py).trim());
        } finally {
            py.destroyForcibly();
        }
    }

    @ParameterizedTest
    @MethodSource("pythons")
    void aWrongKeyIsRefusedBothWays(String exe) throws Exception {
        assumeTrue(!exe.equals("none"), "no python3 on this machine");
        // Java client, Python listener with another key.
        Process py = python(exe, PY_LISTENER, "another key");
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(py.getInputStream(), StandardCharsets.UTF_8));
            int port = Integer.parseInt(out.readLine().trim());
            AuthenticationException e = assertThrows(AuthenticationException.class,
                    () -> Client.connect(new InetSocketAddress("127.0.0.1", port), KEY.getBytes()));
            assertEquals("digest sent was rejected", e.getMessage());
            assertTrue(out.readLine().startsWith("AuthenticationError"));
        } finally {
            py.destroyForcibly();
        }
        // Python client with another key, Java listener.
        try (Listener listener = Listener.open(new InetSocketAddress("127.0.0.1", 0), KEY.getBytes())) {
            int port = ((InetSocketAddress) listener.address()).getPort();
            Process client = python(exe, PY_CLIENT, String.valueOf(port), "another key");
            try {
                AuthenticationException e = assertThrows(AuthenticationException.class, listener::accept);
                assertEquals("digest received was wrong", e.getMessage());
                assertTrue(readAll(client).startsWith("AuthenticationError"));
            } finally {
                client.destroyForcibly();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("pythons")
    void peersWithoutAnAuthkeyTalkBothWaysWhenBothSidesSaySo(String exe) throws Exception {
        assumeTrue(!exe.equals("none"), "no python3 on this machine");
        // CPython's Listener(address) and Client(address) with no authkey do no handshake.
        talkToAPythonListener(exe, "-",
                port -> Client.connectUnauthenticated(new InetSocketAddress("127.0.0.1", port), java.time.Duration.ofSeconds(20)));
        try (Listener listener = Listener.openUnauthenticated(new InetSocketAddress("127.0.0.1", 0))) {
            talkToAPythonClient(exe, "-", listener);
        }
    }

    private static String readAll(Process p) throws Exception {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        p.getInputStream().transferTo(sink);
        p.waitFor(10, TimeUnit.SECONDS);
        return sink.toString(StandardCharsets.UTF_8);
    }
}
