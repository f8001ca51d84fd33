package dev.mp4j.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The pool's wire format of packed values, byte by byte: short lists and long ones alike. */
class CodecTest {

    @Test
    void packedIntsAreLittleEndianWhetherCopiedOneByOneOrInBulk() throws Exception {
        for (int n : new int[] {1, 32, 33, 100}) {
            List<Integer> values = IntStream.range(0, n).map(i -> i * 0x01020304 - 7).boxed().toList();
            byte[] bytes = Codec.items(values);
            ByteBuffer in = ByteBuffer.wrap(bytes);
            assertEquals(n, in.getInt(), "count");
            assertEquals(1, in.get(), "form INTS");
            in.order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                assertEquals(values.get(i), in.getInt(), "value " + i + " of " + n);
            }
            assertEquals(bytes.length, in.position());
            Codec.Job job = Codec.readJob(Codec.job(1, Messages.MAP, 1, null, bytes));
            assertEquals(values, job.items());
        }
    }

    @Test
    void packedLongsAreLittleEndianWhetherCopiedOneByOneOrInBulk() throws Exception {
        for (int n : new int[] {2, 32, 40}) {
            List<Long> values = LongStream.range(0, n).map(i -> i * 0x0102030405060708L - 3).boxed().toList();
            ByteBuffer in = ByteBuffer.wrap(Codec.items(values));
            assertEquals(n, in.getInt());
            assertEquals(2, in.get(), "form LONGS");
            in.order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                assertEquals(values.get(i), in.getLong(), "value " + i + " of " + n);
            }
        }
    }

    @Test
    void aRangeTravelsAsItsBoundsAndAMalformedOneIsTheJobsError() throws Exception {
        IntRange r = IntRange.of(-3, 1_000_000, 4);
        byte[] bytes = Codec.items(r);
        assertEquals(13, bytes.length, "count, form, start and step, whatever the length");
        Codec.Job job = Codec.readJob(Codec.job(1, Messages.MAP, 1, null, bytes));
        assertEquals(r, job.items());
        // A step of 0 on the wire: the job's arguments cannot be read, the worker goes on.
        ByteBuffer.wrap(bytes).putInt(9, 0);
        Codec.Job bad = Codec.readJob(Codec.job(2, Messages.MAP, 1, null, bytes));
        org.junit.jupiter.api.Assertions.assertTrue(bad.values() instanceof Codec.UnreadableValues u
                && u.error().getMessage().contains("not a range"), String.valueOf(bad.values()));
    }
}
