package dev.mp4j.pool;

import dev.mp4j.serial.NotSerializableValueException;
import dev.mp4j.serial.SafeSerializer;
import dev.mp4j.serial.Serializer;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * The pool's wire format, written by hand: an object-stream record per job cost tens of
 * microseconds each way, more than the work in a typical small task.
 *
 * <pre>
 * job:  id (long) | kind (byte) | function id (int) | function length (int, -1 when the worker
 *       has it already) | function bytes | items (values)
 * done: id (long) | ok (byte) | wait, work, decode nanos (longs) |
 *       ok:    values
 *       error: length int + the serialized Throwable (or a RemoteTaskException standing in for it)
 * values: count (int) | form (byte) | INTS: the ints, packed, little-endian
 *                                   | LONGS: the longs, packed, little-endian
 *                                   | MIXED: each value as length (int) + serialized
 *                                   | RANGE: start (int) | step (int): an {@link IntRange}
 * </pre>
 * The packed forms are little-endian whatever the machine: on the usual ones that makes a bulk
 * copy a plain memory copy. Mixed values go through the default serializer, whose tagged fast path makes an
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

    /** Values: each as length + serialized bytes. */
    private static final byte MIXED = 0;
    /** Values: all {@code Integer}, as an array of 4-byte ints little-endian. */
    private static final byte INTS = 1;
    /** Values: all {@code Long}, as an array of 8-byte longs little-endian. */
    private static final byte LONGS = 2;
    /** Values: an {@link IntRange}, as its start and step (the count says how many). */
    private static final byte RANGE = 3;
    private static final int VALUES_HEADER = 5;

    /**
     * Count, form, then the values. A list of only {@code Integer}s (or only {@code Long}s), the
     * bulk of {@code map} traffic, travels as one packed array: the per-item work on either side
     * is one unboxing or boxing in a loop of a few bytecodes, and the copy to and from bytes is
     * one native bulk copy. That matters most while the code is still interpreted, in the first
     * maps of a fresh JVM. Anything else is written item by item.
     */
    private static byte[] values(List<?> values) {
        if (values instanceof IntRange r) {
            // A chunk of a range: its bounds, whatever its length.
            return java.nio.ByteBuffer.allocate(VALUES_HEADER + 8).putInt(r.size()).put(RANGE).putInt(r.start()).putInt(r.step())
                    .array();
        }
        Object[] all = values.toArray();
        int n = all.length;
        if (n > 0 && all[0] instanceof Integer) {
            int[] ints = new int[n];
            int i = 0;
            while (i < n && all[i] instanceof Integer v) {
                ints[i++] = v;
            }
            if (i == n) {
                return packed(ints, n, INTS, INT_LE);
            }
        } else if (n > 0 && all[0] instanceof Long) {
            long[] longs = new long[n];
            int i = 0;
            while (i < n && all[i] instanceof Long v) {
                longs[i++] = v;
            }
            if (i == n) {
                return packed(longs, n, LONGS, LONG_LE);
            }
        }
        // One job's items are read together by one worker: one token per shared segment they
        // carry, not one per item (64 values from one slab would pin it).
        return SafeSerializer.asOneCopy(() -> mixed(all));
    }

    private static byte[] mixed(Object[] all) {
        int n = all.length;
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(Math.max(64, VALUES_HEADER + n * 9));
        out.putInt(n).put(MIXED);
        for (Object v : all) {
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

    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    /**
     * Up to this many packed values are copied by a plain loop: a bulk copy's first two thousand
     * calls in a fresh JVM cost 18 µs each (17 times a compiled call), the loop's 0.3 µs, and
     * jobs of one value (apply, map with chunk size 1, and every result of those) are its most
     * frequent kind.
     */
    private static final int LOOP_COPY_MAX = 32;

    /**
     * Count, form, then the {@code count} primitives of {@code array}, little-endian (on this
     * machine's order a bulk copy is a plain memory copy).
     */
    private static byte[] packed(Object array, int count, byte form, ValueLayout layout) {
        long body = layout.byteSize() * count;
        if (body > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException(count + " values do not fit in one message; use a smaller chunksize");
        }
        byte[] out = new byte[VALUES_HEADER + (int) body];
        java.nio.ByteBuffer.wrap(out).putInt(count).put(form);
        if (count > LOOP_COPY_MAX) {
            MemorySegment.copy(array, 0, MemorySegment.ofArray(out), layout, VALUES_HEADER, count);
        } else if (array instanceof int[] ints) {
            for (int i = 0, p = VALUES_HEADER; i < count; i++, p += 4) {
                putLittleEndian(out, p, ints[i], 4);
            }
        } else {
            long[] longs = (long[]) array;
            for (int i = 0, p = VALUES_HEADER; i < count; i++, p += 8) {
                putLittleEndian(out, p, longs[i], 8);
            }
        }
        return out;
    }

    private static void putLittleEndian(byte[] out, int at, long v, int bytes) {
        for (int b = 0; b < bytes; b++) {
            out[at + b] = (byte) (v >>> (8 * b));
        }
    }

    private static long getLittleEndian(byte[] in, int at, int bytes) {
        long v = 0;
        for (int b = 0; b < bytes; b++) {
            v |= (in[at + b] & 0xFFL) << (8 * b);
        }
        return v;
    }

    private static java.nio.ByteBuffer room(java.nio.ByteBuffer b, int need) {
        if (b.remaining() >= need) {
            return b;
        }
        java.nio.ByteBuffer bigger = java.nio.ByteBuffer.allocate(Math.max(b.capacity() * 2, b.position() + need));
        b.flip();
        return bigger.put(b);
    }

    /**
     * Reads what {@link #values} wrote: an {@code int[]} or {@code long[]} for the packed forms
     * (boxed only when and where they are used: see {@link #list}), an {@link IntRange}, else an
     * {@code Object[]}.
     */
    private static Object readValues(java.nio.ByteBuffer in) throws IOException {
        int n = in.getInt();
        byte form = in.get();
        if (form == RANGE) {
            try {
                return IntRange.ofParts(in.getInt(), in.getInt(), n);
            } catch (IllegalArgumentException e) {
                throw new IOException("malformed values: " + e.getMessage(), e);
            }
        }
        int at = in.arrayOffset() + in.position();
        if (form == INTS) {
            int[] ints = new int[n];
            if (n > LOOP_COPY_MAX) {
                MemorySegment.copy(MemorySegment.ofArray(in.array()), INT_LE, at, ints, 0, n);
            } else {
                for (int i = 0; i < n; i++) {
                    ints[i] = (int) getLittleEndian(in.array(), at + 4 * i, 4);
                }
            }
            in.position(in.position() + 4 * n);
            return ints;
        }
        if (form == LONGS) {
            long[] longs = new long[n];
            if (n > LOOP_COPY_MAX) {
                MemorySegment.copy(MemorySegment.ofArray(in.array()), LONG_LE, at, longs, 0, n);
            } else {
                for (int i = 0; i < n; i++) {
                    longs[i] = getLittleEndian(in.array(), at + 8 * i, 8);
                }
            }
            in.position(in.position() + 8 * n);
            return longs;
        }
        Object[] out = new Object[n];
        for (int i = 0; i < n; i++) {
            int length = in.getInt();
            byte tag = in.get(in.position());
            if (tag == SafeSerializer.TAG_INT && length == 5) {
                in.get();
                out[i] = in.getInt();
            } else if (tag == SafeSerializer.TAG_LONG && length == 9) {
                in.get();
                out[i] = in.getLong();
            } else {
                out[i] = SERIALIZER.deserialize(in.array(), in.arrayOffset() + in.position(), length);
                in.position(in.position() + length);
            }
        }
        return out;
    }

    /**
     * What {@link #readValues} returned, as a list: packed values stay packed (see
     * {@link PackedList}) and are boxed when read.
     */
    @SuppressWarnings("unchecked")
    static List<Object> list(Object values) {
        if (values instanceof IntRange r) {
            return (List<Object>) (List<?>) r;
        }
        if (values instanceof int[] ints) {
            return PackedList.ofInts(ints);
        }
        if (values instanceof long[] longs) {
            return PackedList.ofLongs(longs);
        }
        return java.util.Arrays.asList((Object[]) values);
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

    /**
     * A decoded job; {@code function} is null when the worker should use its cached one.
     * {@code values} is what {@link #readValues} returned: a packed array or an {@code Object[]}.
     */
    record Job(long id, int kind, int functionId, byte[] function, Object values) {
        List<Object> items() {
            return list(values);
        }
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
        Object values;
        try {
            values = readValues(in);
        } catch (IOException | RuntimeException | LinkageError | StackOverflowError e) {
            // Arguments this worker refuses (not on its allow-list, a class whose initializer
            // fails here): the job's error, not the worker's end; its function is still learned.
            values = new UnreadableValues(e);
        }
        return new Job(id, kind, functionId, function, values);
    }

    /** A job's arguments that could not be read here, and why. */
    record UnreadableValues(Throwable why) {
        IOException error() {
            return new IOException("the task's arguments could not be read in the worker: " + why, why);
        }
    }

    /** The answer to a job the worker skipped because the pool took it back (see {@link JobClaims}). */
    static byte[] skipped(long id) {
        return java.nio.ByteBuffer.allocate(SKIPPED_LENGTH).putLong(id).put(SKIPPED).array();
    }

    /** Whether {@code answer} is {@link #skipped}'s (a done answer is longer: it has its timings). */
    static boolean isSkipped(byte[] answer) {
        return answer.length == SKIPPED_LENGTH && answer[Long.BYTES] == SKIPPED;
    }

    /** The id of the job a {@link #skipped} answer is for. */
    static long skippedId(byte[] answer) {
        return java.nio.ByteBuffer.wrap(answer).getLong();
    }

    private static final byte SKIPPED = 2;
    private static final int SKIPPED_LENGTH = Long.BYTES + 1;

    static byte[] done(long id, List<?> values, Throwable error, long waitNanos, long workNanos, long decodeNanos) {
        return done(id, values, error, waitNanos, workNanos, decodeNanos, false);
    }

    /**
     * A job's outcome; {@code interruptedByPool}: the pool's interrupt (a timeout, a cancel) reached
     * the job while it ran, so its outcome, even a normal return, came after the pool gave up on it.
     */
    static byte[] done(long id, List<?> values, Throwable error, long waitNanos, long workNanos, long decodeNanos,
            boolean interruptedByPool) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + (values == null ? 0 : values.size() * 12));
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(id);
            // bit 0: returned (else threw); bit 1: the pool's interrupt reached it
            out.writeByte((error == null ? 1 : 0) | (interruptedByPool ? 2 : 0));
            out.writeLong(waitNanos);
            out.writeLong(workNanos);
            out.writeLong(decodeNanos);
            if (error == null) {
                out.write(values(values));
            } else {
                byte[] b;
                try {
                    b = SafeSerializer.javaSerialize(error);
                } catch (RuntimeException | StackOverflowError e) {
                    // Not serializable, or writing it threw (a custom writeObject, a cause chain
                    // too deep): its class, message and trace as text.
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
    record Done(long id, List<Object> values, Throwable error, long waitNanos, long workNanos, long decodeNanos,
            boolean interruptedByPool) {
    }

    static Done readDone(byte[] message) throws IOException {
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(message);
        long id = in.getLong();
        byte status = in.get();
        boolean ok = (status & 1) != 0;
        boolean interruptedByPool = (status & 2) != 0;
        long wait = in.getLong();
        long work = in.getLong();
        long decode = in.getLong();
        if (ok) {
            return new Done(id, list(readValues(in)), null, wait, work, decode, interruptedByPool);
        }
        byte[] b = new byte[in.getInt()];
        in.get(b);
        Throwable error;
        try {
            error = (Throwable) SafeSerializer.javaDeserialize(b, 1, b.length - 1);
        } catch (IOException e) {
            error = new RemoteTaskException("(an exception this process cannot read)", e.getMessage(), "");
        }
        return new Done(id, null, error, wait, work, decode, interruptedByPool);
    }
}
