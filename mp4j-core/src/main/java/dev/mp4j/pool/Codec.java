package dev.mp4j.pool;

import dev.mp4j.serial.NotSerializableValueException;
import dev.mp4j.serial.SafeSerializer;
import dev.mp4j.serial.Serializer;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
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
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(8 + items.size() * 12);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(items.size());
            for (Object item : items) {
                byte[] b = SERIALIZER.serialize(item);
                out.writeInt(b.length);
                out.write(b);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
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
        DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(message));
        long id = in.readLong();
        int kind = in.readByte();
        int functionId = in.readInt();
        int fnLength = in.readInt();
        byte[] function = null;
        if (fnLength >= 0) {
            function = new byte[fnLength];
            in.readFully(function);
        }
        int n = in.readInt();
        List<Object> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] b = new byte[in.readInt()];
            in.readFully(b);
            items.add(SERIALIZER.deserialize(b, 0, b.length));
        }
        return new Job(id, kind, functionId, function, items);
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
                out.writeInt(values.size());
                for (Object v : values) {
                    byte[] b = SERIALIZER.serialize(v);
                    out.writeInt(b.length);
                    out.write(b);
                }
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
        DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(message));
        long id = in.readLong();
        boolean ok = in.readByte() == 1;
        long wait = in.readLong();
        long work = in.readLong();
        long decode = in.readLong();
        if (ok) {
            int n = in.readInt();
            List<Object> values = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                byte[] b = new byte[in.readInt()];
                in.readFully(b);
                values.add(SERIALIZER.deserialize(b, 0, b.length));
            }
            return new Done(id, values, null, wait, work, decode);
        }
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        Throwable error;
        try {
            error = (Throwable) SafeSerializer.javaDeserialize(b, 1, b.length - 1);
        } catch (IOException e) {
            error = new RemoteTaskException("(an exception this process cannot read)", e.getMessage(), "");
        }
        return new Done(id, null, error, wait, work, decode);
    }
}
