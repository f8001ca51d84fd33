package dev.mp4j.manager;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The manager protocol's messages, written by hand so that a small call (an op, an object id, a
 * method signature and a couple of ints) costs a few hundred nanoseconds to encode rather than
 * the microseconds of an object stream. Arguments and results inside are {@code Serializer}
 * payloads.
 *
 * <pre>
 * request: op(1) ...                      reply: status(1) ...
 *   HELLO    pid(8) client id(8)             RETURN    value
 *   CALL     id(8) signature argc(1) args    ERROR     serialized Throwable
 *   CALL_NO_WAIT  as CALL; answered RETURN or a TRACEBACK of at most 800 characters
 *   CREATE   typeId argc(1) args             TRACEBACK text (the error could not travel)
 *   TICKET   id(8)                           PROXY     id(8) interface name
 *   CLAIM    ticket(8) id(8)
 *   RELEASE  n(4) n x (kind(1) value(8))
 *   UPGRADE  a serialized Pipe end: later requests come through it
 *   SHUTDOWN / DUMMY / COUNT                 CANCELLED (nothing more)
 *   CANCEL   call(8): on the socket, while the call-th request of the channel (HELLO and
 *            UPGRADE not counted) waits in the server; not a request, never answered itself
 *            (the call is: CANCELLED, or its result if it was done first)
 * strings: length(2) UTF-8; args: length(4) payload
 * </pre>
 */
final class Wire {
    static final byte HELLO = 1;
    static final byte CALL = 2;
    static final byte CREATE = 3;
    static final byte TICKET = 4;
    static final byte CLAIM = 5;
    static final byte RELEASE = 6;
    static final byte SHUTDOWN = 7;
    static final byte DUMMY = 8;
    static final byte COUNT = 9;
    static final byte UPGRADE = 10;
    /** A CALL whose caller does not wait for the answer; the answer is brief (see {@link #BRIEF_ERROR_BYTES}). */
    static final byte CALL_NO_WAIT = 11;
    /**
     * How much of an error text a no-wait answer carries, in UTF-8 bytes: a window of 64 such
     * answers (with their frames) must fit a 64 KiB ring.
     */
    static final int BRIEF_ERROR_BYTES = 800;
    /** The caller of the call waiting in the server was interrupted: give it up if it has not taken effect. */
    static final byte CANCEL = 12;

    static final byte RETURN = 0;
    static final byte ERROR = 1;
    static final byte TRACEBACK = 2;
    static final byte PROXY = 3;
    /** The call was given up, having taken no effect, at its caller's {@link #CANCEL}. */
    static final byte CANCELLED = 4;

    /** A RELEASE entry that drops one reference held by the sender. */
    static final byte RELEASE_REF = 0;
    /** A RELEASE entry that drops an unclaimed ticket. */
    static final byte RELEASE_TICKET = 1;

    private Wire() {
    }

    /** A signature as {@link Out#putString} writes it, encoded once instead of on every call. */
    static byte[] signatureBytes(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[b.length + 2];
        out[0] = (byte) (b.length >>> 8);
        out[1] = (byte) b.length;
        System.arraycopy(b, 0, out, 2, b.length);
        return out;
    }

    /** A growable output buffer. */
    static final class Out {
        byte[] buf;
        int size;

        Out(int capacity) {
            buf = new byte[capacity];
        }

        Out put(byte b) {
            ensure(1);
            buf[size++] = b;
            return this;
        }

        Out putInt(int v) {
            ensure(4);
            buf[size] = (byte) (v >>> 24);
            buf[size + 1] = (byte) (v >>> 16);
            buf[size + 2] = (byte) (v >>> 8);
            buf[size + 3] = (byte) v;
            size += 4;
            return this;
        }

        Out putLong(long v) {
            ensure(8);
            for (int i = 0; i < 8; i++) {
                buf[size + i] = (byte) (v >>> (56 - 8 * i));
            }
            size += 8;
            return this;
        }

        Out putString(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            if (b.length > 0xFFFF) {
                throw new IllegalArgumentException("name too long for the manager protocol: " + b.length + " bytes");
            }
            ensure(2 + b.length);
            buf[size] = (byte) (b.length >>> 8);
            buf[size + 1] = (byte) b.length;
            System.arraycopy(b, 0, buf, size + 2, b.length);
            size += 2 + b.length;
            return this;
        }

        Out putBlock(byte[] b) {
            putInt(b.length);
            return putRaw(b);
        }

        Out putRaw(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, buf, size, b.length);
            size += b.length;
            return this;
        }

        byte[] toArray() {
            return size == buf.length ? buf : Arrays.copyOf(buf, size);
        }

        private void ensure(int more) {
            if (size + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
            }
        }
    }

    /** A reader over one message that reports truncation as a protocol error. */
    static final class In {
        final byte[] buf;
        int pos;

        In(byte[] buf) {
            this.buf = buf;
        }

        byte get() throws IOException {
            need(1);
            return buf[pos++];
        }

        int getInt() throws IOException {
            need(4);
            int v = ((buf[pos] & 0xFF) << 24) | ((buf[pos + 1] & 0xFF) << 16) | ((buf[pos + 2] & 0xFF) << 8) | (buf[pos + 3] & 0xFF);
            pos += 4;
            return v;
        }

        long getLong() throws IOException {
            need(8);
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (buf[pos + i] & 0xFF);
            }
            pos += 8;
            return v;
        }

        String getString() throws IOException {
            need(2);
            int n = ((buf[pos] & 0xFF) << 8) | (buf[pos + 1] & 0xFF);
            pos += 2;
            need(n);
            String s = new String(buf, pos, n, StandardCharsets.UTF_8);
            pos += n;
            return s;
        }

        /** Returns the offset of a length-prefixed block and skips it; the length is in {@link #lastLength}. */
        int block() throws IOException {
            int n = getInt();
            if (n < 0) {
                throw new IOException("malformed manager message: negative block length " + n);
            }
            need(n);
            int at = pos;
            pos += n;
            lastLength = n;
            return at;
        }

        int lastLength;

        int remaining() {
            return buf.length - pos;
        }

        private void need(int n) throws IOException {
            if (n < 0 || pos + n > buf.length) {
                throw new IOException("malformed manager message: truncated at byte " + pos + " of " + buf.length);
            }
        }
    }
}
