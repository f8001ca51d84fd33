package dev.mp4j.pool;

import dev.mp4j.serial.NotSerializableValueException;
import dev.mp4j.serial.SafeSerializer;
import dev.mp4j.serial.Serializer;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The pool's wire format, written by hand: an object-stream record per job cost tens of
 * microseconds each way, more than the work in a typical small task.
 *
 * <pre>
 * job:  id (long) | kind (byte) | function id (int) | function length (int, -1 when the worker
 *       has it already) | function bytes | item count (int) | items (length int + serialized)
 * done: id (long) | ok (byte) | wait, work, decode nanos (longs) |
 *       ok:    value count (int) | values (length int + serialized)
 *       error: length int + the serialized Throwable (or a RemoteTaskException standing in for it)
 * </pre>
 * Items and values go through the default serializer, whose tagged fast path makes an
 * {@code Integer} five bytes.
 */
final class Codec {
    private static final Serializer SERIALIZER = Serializer.standard();

    private Codec() {
    }

    /**
     * Serializes a job's items (count, then each): done when the job is submitted, so an item that
     * cannot be serialized fails in the caller, and never again when the job is sent.
     */
    static byte[] items(List<?> items) {
        return values(items);
    }

    /**
     * Count, then each value as length + serialized bytes. Integers and longs, the bulk of
     * {@code map} traffic, are written in place without an intermediate array.
     */
    private static byte[] values(List<?> values) {
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(Math.max(64, 4 + values.size() * 9));
        out.putInt(values.size());
        for (Object v : values) {
            if (v instanceof Integer i) {
                out = room(out, 9);
                out.putInt(5).put(SafeSerializer.TAG_INT).putInt(i);
            } else if (v instanceof Long l) {
                out = room(out, 13);
                out.putInt(9).put(SafeSerializer.TAG_LONG).putLong(l);
            } else {
                byte[] b = SERIALIZER.serialize(v);
                out = room(out, 4 + b.length);
                out.putInt(b.length).put(b);
            }
        }
        return java.util.Arrays.copyOf(out.array(), out.position());
    }

    private static java.nio.ByteBuffer room(java.nio.ByteBuffer b, int need) {
        if (b.remaining() >= need) {
            return b;
        }
        java.nio.ByteBuffer bigger = java.nio.ByteBuffer.allocate(Math.max(b.capacity() * 2, b.position() + need));
        b.flip();
        return bigger.put(b);
    }

    /** Reads what {@link #values} wrote. */
    private static List<Object> readValues(java.nio.ByteBuffer in) throws IOException {
        int n = in.getInt();
        List<Object> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int length = in.getInt();
            byte tag = in.get(in.position());
            if (tag == SafeSerializer.TAG_INT && length == 5) {
                in.get();
                out.add(in.getInt());
            } else if (tag == SafeSerializer.TAG_LONG && length == 9) {
                in.get();
                out.add(in.getLong());
            } else {
                out.add(SERIALIZER.deserialize(in.array(), in.arrayOffset() + in.position(), length));
                in.position(in.position() + length);
            }
        }
        return out;
    }

    static byte[] job(long id, int kind, int functionId, byte[] function, byte[] items) {
        int fn = function == null ? 0 : function.length;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + 1 + 4 + 4 + fn + items.length);
        b.putLong(id).put((byte) kind).putInt(functionId).putInt(function == null ? -1 : fn);
        if (function != null) {
            b.put(function);
        }
        b.put(items);
        return b.array();
    }

    /** A decoded job; {@code function} is null when the worker should use its cached one. */
    record Job(long id, int kind, int functionId, byte[] function, List<Object> items) {
    }

    static Job readJob(byte[] message) throws IOException {
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(message);
        long id = in.getLong();
        int kind = in.get();
        int functionId = in.getInt();
        int fnLength = in.getInt();
        byte[] function = null;
        if (fnLength >= 0) {
            function = new byte[fnLength];
            in.get(function);
        }
        return new Job(id, kind, functionId, function, readValues(in));
    }

    static byte[] done(long id, List<?> values, Throwable error, long waitNanos, long workNanos, long decodeNanos) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + (values == null ? 0 : values.size() * 12));
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(id);
            out.writeByte(error == null ? 1 : 0);
            out.writeLong(waitNanos);
            out.writeLong(workNanos);
            out.writeLong(decodeNanos);
            if (error == null) {
                out.write(values(values));
            } else {
                byte[] b;
                try {
                    b = SafeSerializer.javaSerialize(error);
                } catch (NotSerializableValueException e) {
                    b = SafeSerializer.javaSerialize(remote(error));
                }
                out.writeInt(b.length);
                out.write(b);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    static RemoteTaskException remote(Throwable t) {
        StringWriter trace = new StringWriter();
        t.printStackTrace(new PrintWriter(trace));
        return new RemoteTaskException(t.getClass().getName(), t.getMessage(), trace.toString());
    }

    /** A decoded outcome: values (a list) or an error, and the worker's timings. */
    record Done(long id, List<Object> values, Throwable error, long waitNanos, long workNanos, long decodeNanos) {
    }

    static Done readDone(byte[] message) throws IOException {
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(message);
        long id = in.getLong();
        boolean ok = in.get() == 1;
        long wait = in.getLong();
        long work = in.getLong();
        long decode = in.getLong();
        if (ok) {
            return new Done(id, readValues(in), null, wait, work, decode);
        }
        byte[] b = new byte[in.getInt()];
        in.get(b);
        Throwable error;
        try {
            error = (Throwable) SafeSerializer.javaDeserialize(b, 1, b.length - 1);
        } catch (IOException e) {
            error = new RemoteTaskException("(an exception this process cannot read)", e.getMessage(), "");
        }
        return new Done(id, null, error, wait, work, decode);
    }
}
