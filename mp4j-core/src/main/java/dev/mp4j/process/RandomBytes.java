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
                        int n = urandom.read(out, done, out.length - done);
                        if (n < 0) {
                            throw new IOException("end of /dev/urandom");
                        }
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

    private static final class Fallback {
        static final SecureRandom RANDOM = new SecureRandom();
    }
}
