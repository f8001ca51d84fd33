package dev.mp4j.connection;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;

/**
 * CPython's authkey challenge/response, byte for byte (Lib/multiprocessing/connection.py, 3.12+),
 * also answering the 20-byte HMAC-MD5 challenges of CPython 3.11 and older.
 *
 * <pre>
 * serving side                         answering side
 *   #CHALLENGE#{sha256}&lt;40 random&gt;  --&gt;
 *                                   &lt;--  {sha256}HMAC-SHA256(key, "{sha256}&lt;40 random&gt;")
 *   #WELCOME# or #FAILURE#           --&gt;
 * </pre>
 * Both directions run, so each side proves it knows the key.
 */
final class Handshake {
    private static final byte[] CHALLENGE = bytes("#CHALLENGE#");
    private static final byte[] WELCOME = bytes("#WELCOME#");
    private static final byte[] FAILURE = bytes("#FAILURE#");
    private static final byte[] SHA256_PREFIX = bytes("{sha256}");
    private static final int MESSAGE_LENGTH = 40;
    private static final int LEGACY_MESSAGE_LENGTH = 20;
    private static final int MAX_RESPONSE = 256;

    private Handshake() {
    }

    static void deliverChallenge(Connection conn, byte[] authkey, Duration timeout) throws IOException {
        checkResponse(conn, authkey, sendChallenge(conn), timeout);
    }

    /**
     * The first half of {@link #deliverChallenge}: sends a fresh challenge and returns it. It does
     * not wait, so a listener sends it from its accepting thread while the thread that will finish
     * the handshake is still being woken.
     */
    static byte[] sendChallenge(Connection conn) throws IOException {
        byte[] message = new byte[SHA256_PREFIX.length + MESSAGE_LENGTH];
        System.arraycopy(SHA256_PREFIX, 0, message, 0, SHA256_PREFIX.length);
        byte[] random = new byte[MESSAGE_LENGTH];
        dev.mp4j.process.RandomBytes.fill(random);
        System.arraycopy(random, 0, message, SHA256_PREFIX.length, MESSAGE_LENGTH);
        conn.sendBytes(concat(CHALLENGE, message));
        return message;
    }

    /** The second half of {@link #deliverChallenge}: waits for the answer to {@code message} and judges it. */
    static void checkResponse(Connection conn, byte[] authkey, byte[] message, Duration timeout) throws IOException {
        byte[] response = receive(conn, timeout);
        if (!verify(authkey, message, response)) {
            conn.sendBytes(FAILURE);
            throw new AuthenticationException("digest received was wrong");
        }
        conn.sendBytes(WELCOME);
    }

    static void answerChallenge(Connection conn, byte[] authkey, Duration timeout) throws IOException {
        // One deadline for both answers awaited here, not one timeout each.
        long deadline = System.nanoTime() + Math.max(0, java.util.concurrent.TimeUnit.NANOSECONDS.convert(timeout));
        byte[] challenge = receive(conn, timeout);
        if (!startsWith(challenge, CHALLENGE)) {
            throw new AuthenticationException("Protocol error, expected challenge: " + printable(challenge));
        }
        byte[] message = Arrays.copyOfRange(challenge, CHALLENGE.length, challenge.length);
        if (message.length < LEGACY_MESSAGE_LENGTH) {
            throw new AuthenticationException("challenge too short: " + message.length + " bytes");
        }
        byte[] response;
        if (message.length == LEGACY_MESSAGE_LENGTH) {
            response = hmac("HmacMD5", authkey, message);
        } else {
            response = concat(SHA256_PREFIX, hmac("HmacSHA256", authkey, message));
        }
        conn.sendBytes(response);
        byte[] verdict = receive(conn, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        if (!Arrays.equals(verdict, WELCOME)) {
            throw new AuthenticationException("digest sent was rejected");
        }
    }

    private static boolean verify(byte[] authkey, byte[] message, byte[] response) throws AuthenticationException {
        byte[] expected;
        byte[] digest;
        if (response.length == 16 || response.length == 20) {
            // Legacy peers (CPython <= 3.11) answer with a bare HMAC-MD5 of the whole message.
            expected = hmac("HmacMD5", authkey, message);
            digest = response;
        } else if (startsWith(response, SHA256_PREFIX)) {
            expected = hmac("HmacSHA256", authkey, message);
            digest = Arrays.copyOfRange(response, SHA256_PREFIX.length, response.length);
            if (digest.length != expected.length) {
                throw new AuthenticationException("expected 'sha256' of length " + expected.length + " got " + digest.length);
            }
        } else {
            return false;
        }
        return MessageDigest.isEqual(expected, digest);
    }

    /**
     * A handshake that ran out of time says so in its cause, a {@link java.net.SocketTimeoutException}:
     * no key was refused, so a caller need not suggest a wrong one.
     */
    private static AuthenticationException timedOut(AuthenticationException e) {
        e.initCause(new java.net.SocketTimeoutException("the peer did not answer in time"));
        return e;
    }

    private static byte[] receive(Connection conn, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + Math.max(0, java.util.concurrent.TimeUnit.NANOSECONDS.convert(timeout));
        if (!conn.poll(timeout)) {
            throw timedOut(new AuthenticationException("no answer within " + timeout + " during the authkey handshake"));
        }
        if (!(conn instanceof SocketConnection socket)) {
            return conn.recvBytes(MAX_RESPONSE);
        }
        // The whole message within the time, not only its first byte.
        socket.setReadDeadline(deadline);
        try {
            return conn.recvBytes(MAX_RESPONSE);
        } catch (java.net.SocketTimeoutException partial) {
            throw timedOut(new AuthenticationException("no whole answer within " + timeout + " during the authkey handshake"));
        } finally {
            socket.clearReadDeadline();
        }
    }

    /** HMAC works on the hash's 64-byte blocks, for SHA-256 and MD5 alike (RFC 2104). */
    private static final int HMAC_BLOCK = 64;

    /** A digest per hash and thread: looking one up through the providers costs more than the HMAC. */
    private static final ThreadLocal<java.util.Map<String, MessageDigest>> DIGESTS = ThreadLocal.withInitial(java.util.HashMap::new);

    /**
     * HMAC (RFC 2104) over the JDK's {@link MessageDigest}: {@code H((K ^ opad) || H((K ^ ipad) || m))}.
     * Not {@code javax.crypto.Mac}: its first use in a JVM sets up the JCE (the crypto policy files,
     * the providers' verification), which cost a fresh manager server 30-50 ms on its first
     * client's handshake; a digest needs none of it. {@code HandshakeTest} checks this against
     * {@code Mac} and RFC 4231's vectors.
     */
    static byte[] hmac(String algorithm, byte[] key, byte[] message) {
        String hash = switch (algorithm) {
            case "HmacSHA256" -> "SHA-256";
            case "HmacMD5" -> "MD5";
            default -> throw new IllegalArgumentException("unsupported HMAC " + algorithm);
        };
        MessageDigest digest = DIGESTS.get().get(hash);
        if (digest == null) {
            try {
                digest = MessageDigest.getInstance(hash);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(algorithm + " unavailable", e);
            }
            DIGESTS.get().put(hash, digest);
        }
        byte[] k = key.length > HMAC_BLOCK ? digest.digest(key) : key;
        byte[] pad = new byte[HMAC_BLOCK];
        for (int i = 0; i < HMAC_BLOCK; i++) {
            pad[i] = (byte) ((i < k.length ? k[i] : 0) ^ 0x36);
        }
        digest.update(pad);
        byte[] inner = digest.digest(message);
        for (int i = 0; i < HMAC_BLOCK; i++) {
            pad[i] = (byte) ((i < k.length ? k[i] : 0) ^ 0x5c);
        }
        digest.update(pad);
        return digest.digest(inner);
    }

    private static boolean startsWith(byte[] data, byte[] prefix) {
        return data.length >= prefix.length && Arrays.equals(data, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static String printable(byte[] b) {
        String s = new String(b, 0, Math.min(b.length, 40), StandardCharsets.ISO_8859_1);
        return s.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
