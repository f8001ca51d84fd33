package dev.mp4j.process;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;

/**
 * Random bytes from the kernel, as Python's {@code os.urandom}: for authkeys, handshake challenges
 * and shared-memory names. Internal to mp4j.
 *
 * <p>Why not {@link SecureRandom}: its first use in a JVM costs about 30 ms (provider lookup and
 * seeding), and each call then mixes in SHA-1, about 50 µs until the JIT has compiled it. A child
 * JVM pays both on its first connection or pipe; reading {@code /dev/urandom} costs a microsecond.
 * Where there is no {@code /dev/urandom}, a {@link SecureRandom} serves instead.
 */
public final class RandomBytes {
    private static InputStream urandom;
    private static boolean unavailable;
    /**
     * Read ahead, a few hundred bytes at a time: a shared-memory name takes 6 bytes, and a read
     * of {@code /dev/urandom} per name was a system call more in every create-unlink cycle.
     */
    private static final byte[] buffered = new byte[256];
    private static int next = buffered.length;

    private RandomBytes() {
    }

    /** Fills {@code out} with random bytes. */
    public static void fill(byte[] out) {
        synchronized (RandomBytes.class) {
            if (!unavailable) {
                try {
                    if (urandom == null) {
                        // A stream, not a FileChannel: interrupting a reader would close a channel for everyone.
                        urandom = new FileInputStream("/dev/urandom");
                    }
                    int done = 0;
                    while (done < out.length) {
                        if (next == buffered.length) {
                            readFully(urandom, buffered);
                            next = 0;
                        }
                        int n = Math.min(out.length - done, buffered.length - next);
                        System.arraycopy(buffered, next, out, done, n);
                        // Each byte is handed out once.
                        java.util.Arrays.fill(buffered, next, next + n, (byte) 0);
                        next += n;
                        done += n;
                    }
                    return;
                } catch (IOException e) {
                    unavailable = true;
                }
            }
        }
        Fallback.RANDOM.nextBytes(out);
    }

    private static void readFully(InputStream in, byte[] into) throws IOException {
        int done = 0;
        while (done < into.length) {
            int n = in.read(into, done, into.length - done);
            if (n < 0) {
                throw new IOException("end of /dev/urandom");
            }
            done += n;
        }
    }

    private static final class Fallback {
        static final SecureRandom RANDOM = new SecureRandom();
    }
}
