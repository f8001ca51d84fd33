package dev.mp4j.connection;

/**
 * CPython's message framing: a 4-byte big-endian signed length, or {@code -1} followed by an
 * 8-byte big-endian length when the payload is longer than {@code 0x7fffffff} bytes.
 */
final class Framing {
    private Framing() {
    }

    /** Writes the header for a payload of {@code length} bytes into {@code out}; returns its size (4 or 12). */
    static int writeHeader(byte[] out, long length) {
        if (length <= Integer.MAX_VALUE) {
            writeInt(out, 0, (int) length);
            return 4;
        }
        writeInt(out, 0, -1);
        for (int i = 0; i < 8; i++) {
            out[4 + i] = (byte) (length >>> (56 - 8 * i));
        }
        return 12;
    }

    static void writeInt(byte[] out, int offset, int v) {
        out[offset] = (byte) (v >>> 24);
        out[offset + 1] = (byte) (v >>> 16);
        out[offset + 2] = (byte) (v >>> 8);
        out[offset + 3] = (byte) v;
    }

    static int readInt(byte[] b, int offset) {
        return ((b[offset] & 0xFF) << 24) | ((b[offset + 1] & 0xFF) << 16) | ((b[offset + 2] & 0xFF) << 8) | (b[offset + 3] & 0xFF);
    }

    static long readLong(byte[] b, int offset) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[offset + i] & 0xFF);
        }
        return v;
    }
}
