package dev.mp4j.shared;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.process.JvmProcess;
import dev.mp4j.shm.SharedSegment;
import dev.mp4j.testing.Await;
import dev.mp4j.testing.Segments;
import java.time.Duration;
import java.util.Set;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ValueAndArrayTest {
    @SuppressWarnings("unchecked")
    private static <T> T copied(T object) throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(object);
        }
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }

    @Test
    void aValuesLockIsOneObjectInAProcessHoweverItsCopiesArrived() throws Exception {
        // Read from separate messages, a value and its lock (or another copy of the value) are
        // one lock in the reading process: what one copy's taker learns (ownerDied), another's
        // caller sees.
        IntValue v = Value.ofInt(0);
        dev.mp4j.sync.AbstractProcessLock lock = v.getLock();
        assertTrue(lock == copied(v).getLock(), "a copy of the value has a lock object of its own");
        assertTrue(lock == copied(lock), "a copy of the lock is another object");
        SharedArray array = SharedArray.of(SharedArray.Type.INT, 4);
        assertTrue(array.getLock() == copied(array).getLock(), "a copy of the array has a lock object of its own");
    }


    @Test
    void valuesOfEveryTypeAreWrittenByAChild() {
        IntValue i = Value.ofInt(1);
        LongValue l = Value.ofLong(2);
        DoubleValue d = Value.ofDouble(0.5);
        ByteValue b = Value.ofByte((byte) 1);
        CharValue c = Value.ofChar('a');
        BooleanValue z = Value.ofBoolean(false);
        FloatValue f = Value.ofFloat(0.25f);
        ShortValue h = Value.ofShort((short) 32_000);
        SharedArray fs = SharedArray.ofFloats(1.5f, 2.5f);
        SharedArray hs = SharedArray.ofShorts((short) 1, (short) -2);
        JvmProcess p = new JvmProcess(() -> {
            i.set(i.get() * 10);
            l.addAndGet(40);
            d.addAndGet(1.0);
            b.set((byte) -3);
            c.set('中');
            z.set(true);
            f.addAndGet(1.0f);
            h.addAndGet((short) 1000);
            fs.setFloat(1, fs.getFloat(0) * 2);
            hs.setShorts(0, new short[] {hs.getShort(1), (short) 7});
        });
        p.start();
        p.join();
        assertEquals(0, p.exitCode());
        assertEquals(10, i.get());
        assertEquals(42L, l.get());
        assertEquals(1.5, d.get());
        assertEquals((byte) -3, b.get());
        assertEquals('中', c.get());
        assertTrue(z.get());
        assertEquals(1.25f, f.get());
        // A C short wraps: 32000 + 1000 is -32536.
        assertEquals((short) -32_536, h.get());
        assertEquals("<Value('f', 1.25)>", f.toString());
        assertArrayEquals(new float[] {1.5f, 3.0f}, fs.toFloatArray());
        assertArrayEquals(new short[] {-2, 7}, hs.toShortArray());
        assertEquals(3.0f, fs.memory().get(java.lang.foreign.ValueLayout.JAVA_FLOAT, 4));
        assertThrows(IllegalStateException.class, () -> fs.getShort(0));
    }

    @Test
    void lockedIncrementsFromManyProcessesAreNeverLost() {
        IntValue counter = Value.ofInt(0);
        IntValue atomic = Value.ofInt(0, false);
        List<JvmProcess> ps = new ArrayList<>();
        for (int n = 0; n < 3; n++) {
            JvmProcess p = new JvmProcess(() -> {
                for (int k = 0; k < 10_000; k++) {
                    counter.getLock().lock();
                    try {
                        counter.set(counter.get() + 1);
                    } finally {
                        counter.getLock().unlock();
                    }
                    atomic.incrementAndGet();
                }
            });
            p.start();
            ps.add(p);
        }
        ps.forEach(JvmProcess::join);
        assertEquals(30_000, counter.get());
        assertEquals(30_000, atomic.get());
    }

    @Test
    void compareAndSetAndRawValues() {
        IntValue v = Value.ofInt(5, false);
        assertTrue(v.compareAndSet(5, 6));
        assertFalse(v.compareAndSet(5, 7));
        assertEquals(6, v.get());
        assertThrows(UnsupportedOperationException.class, v::getLock);
    }

    @Test
    void arraysAreSharedAndBulkCopiesMatchElementAccess() {
        SharedArray a = SharedArray.ofDoubles(1, 2, 3, 4);
        SharedArray ints = SharedArray.of(SharedArray.Type.INT, 1000);
        JvmProcess p = new JvmProcess(() -> {
            for (int k = 0; k < a.length(); k++) {
                a.setDouble(k, -a.getDouble(k));
            }
            int[] fill = new int[1000];
            for (int k = 0; k < fill.length; k++) {
                fill[k] = k * k;
            }
            ints.setInts(0, fill);
        });
        p.start();
        p.join();
        assertArrayEquals(new double[] {-1, -2, -3, -4}, a.toDoubleArray());
        int[] slice = new int[3];
        ints.getInts(10, slice);
        assertArrayEquals(new int[] {100, 121, 144}, slice);
        assertEquals(999 * 999, ints.getInt(999));
    }

    @Test
    void elementAccessOfEveryTypeIsTheRawMemoryInNativeOrder() {
        SharedArray ints = SharedArray.of(SharedArray.Type.INT, 5, false);
        ints.setInt(3, 0x01020304);
        assertEquals(0x01020304, ints.memory().get(java.lang.foreign.ValueLayout.JAVA_INT, 12));
        ints.memory().set(java.lang.foreign.ValueLayout.JAVA_INT, 16, -7);
        assertEquals(-7, ints.getInt(4));
        SharedArray longs = SharedArray.of(SharedArray.Type.LONG, 3, false);
        longs.setLong(2, Long.MIN_VALUE + 5);
        assertEquals(Long.MIN_VALUE + 5, longs.memory().get(java.lang.foreign.ValueLayout.JAVA_LONG, 16));
        SharedArray doubles = SharedArray.of(SharedArray.Type.DOUBLE, 3, false);
        doubles.setDouble(1, Math.PI);
        assertEquals(Math.PI, doubles.memory().get(java.lang.foreign.ValueLayout.JAVA_DOUBLE, 8));
        SharedArray chars = SharedArray.of(SharedArray.Type.CHAR, 3, false);
        chars.setChar(2, '\u4e2d');
        assertEquals('\u4e2d', chars.memory().get(java.lang.foreign.ValueLayout.JAVA_CHAR, 4));
        SharedArray bytes = SharedArray.of(SharedArray.Type.BYTE, 3, false);
        bytes.setByte(0, (byte) -2);
        assertEquals((byte) -2, bytes.memory().get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0));
        SharedArray flags = SharedArray.of(SharedArray.Type.BOOLEAN, 2, false);
        flags.setBoolean(1, true);
        assertTrue(flags.getBoolean(1));
        assertEquals(Math.PI, doubles.getDouble(1));
        assertEquals('\u4e2d', chars.getChar(2));
        assertThrows(IndexOutOfBoundsException.class, () -> doubles.setDouble(-1, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> longs.getLong(3));
        assertThrows(IndexOutOfBoundsException.class, () -> bytes.setByte(3, (byte) 1));
        assertThrows(IllegalStateException.class, () -> bytes.setChar(0, 'x'));
    }

    @Test
    void wrongTypesAndIndicesAreClearErrors() {
        SharedArray a = SharedArray.ofInts(1, 2, 3);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> a.getDouble(0));
        assertTrue(e.getMessage().contains("INT"), e.getMessage());
        IndexOutOfBoundsException outside = assertThrows(IndexOutOfBoundsException.class, () -> a.getInt(3));
        assertTrue(String.valueOf(outside.getMessage()).contains("3"), "the error names the index: " + outside.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> a.setInts(2, new int[] {1, 2}));
        assertThrows(IllegalArgumentException.class, () -> SharedArray.of(SharedArray.Type.INT, -1));
        assertEquals("hi", SharedArray.ofChars('h', 'i').charsAsString());
        // As ctypes reads a character array: up to the first NUL.
        SharedArray ten = SharedArray.of(SharedArray.Type.CHAR, 10);
        ten.setChars(0, new char[] {'h', 'i'});
        assertEquals("hi", ten.charsAsString());
    }

    @Test
    void anArrayGoesOnceNoProcessHoldsIt() throws Exception {
        Set<String> before = Segments.like(SharedSegment.PREFIX);
        doubledByAChild();
        Set<String> made = Segments.like(SharedSegment.PREFIX);
        made.removeAll(before);
        assertEquals(1, made.size(), made::toString);
        // The child ended, and this process's array is unreachable: nothing holds the segment.
        assertTrue(Await.until(() -> {
            System.gc();
            return made.stream().noneMatch(SharedSegment::exists);
        }, Duration.ofSeconds(20)), () -> "still there: " + made);
    }

    private static void doubledByAChild() {
        SharedArray a = SharedArray.ofDoubles(1, 2, 3);
        JvmProcess p = new JvmProcess(() -> {
            for (int i = 0; i < a.length(); i++) {
                a.setDouble(i, 2 * a.getDouble(i));
            }
        });
        p.start();
        p.join();
        assertEquals(0, p.exitCode());
        assertArrayEquals(new double[] {2, 4, 6}, a.toDoubleArray());
    }

    @Test
    void anArraysLockOutlivesTheArrayObjectAndTheSegmentGoesWithIt() throws Exception {
        Set<String> before = Segments.like(SharedSegment.PREFIX);
        java.util.concurrent.atomic.AtomicReference<dev.mp4j.sync.AbstractProcessLock> lock =
                new java.util.concurrent.atomic.AtomicReference<>();
        java.lang.ref.WeakReference<SharedArray> array = arrayWhoseLockIsKept(lock);
        Set<String> made = Segments.like(SharedSegment.PREFIX);
        made.removeAll(before);
        assertEquals(1, made.size(), made::toString);
        assertTrue(Await.until(() -> {
            System.gc();
            return array.get() == null;
        }, Duration.ofSeconds(20)), "the array object was never collected");
        // The lock lives in the array's segment and holds it: it works here and in a child.
        assertTrue(made.stream().allMatch(SharedSegment::exists), "the lock's segment went with the array object");
        lockedAndUnlockedByAChild(lock.get());
        lock.set(null);
        assertTrue(Await.until(() -> {
            System.gc();
            return made.stream().noneMatch(SharedSegment::exists);
        }, Duration.ofSeconds(20)), () -> "the lock's last holder let go, still there: " + made);
    }

    private static void lockedAndUnlockedByAChild(dev.mp4j.sync.AbstractProcessLock lock) {
        JvmProcess p = new JvmProcess(() -> {
            lock.lock();
            lock.unlock();
        });
        p.start();
        p.join();
        assertEquals(0, p.exitCode());
    }

    private static java.lang.ref.WeakReference<SharedArray> arrayWhoseLockIsKept(
            java.util.concurrent.atomic.AtomicReference<dev.mp4j.sync.AbstractProcessLock> lock) {
        SharedArray array = SharedArray.ofInts(1, 2, 3);
        lock.set(array.getLock());
        return new java.lang.ref.WeakReference<>(array);
    }

    @Test
    void aSegmentThatIsNotTheArrayItClaimsToBeIsRefused() throws Exception {
        SharedArray ints = SharedArray.ofInts(1, 2, 3);
        byte[] bytes = dev.mp4j.serial.SafeSerializer.javaSerialize(ints);
        // the same stream, claiming four elements: the segment holds three
        int at = indexOfLength(bytes, 3);
        bytes[at + 3] = 4;
        java.io.InvalidObjectException e = assertThrows(java.io.InvalidObjectException.class,
                () -> dev.mp4j.serial.SafeSerializer.javaDeserializeTrusted(bytes, 1, bytes.length - 1));
        assertTrue(e.getMessage().contains("does not hold a shared array of 4 INT elements"), e.getMessage());
        assertArrayEquals(new int[] {1, 2, 3}, ints.toIntArray());
    }

    /** Where the big-endian int {@code value} is in a stream (the array's only int field of that value). */
    private static int indexOfLength(byte[] bytes, int value) {
        for (int i = 0; i + 4 <= bytes.length; i++) {
            if (bytes[i] == 0 && bytes[i + 1] == 0 && bytes[i + 2] == 0 && bytes[i + 3] == value) {
                return i;
            }
        }
        throw new AssertionError("no int " + value + " in the stream");
    }

    @Test
    void valuesAndArraysCanShareOneLockAcrossProcesses() throws Exception {
        // Python's Value(t, v, lock=some_rlock): several shared objects, one lock.
        shareOneLockAcrossProcesses(dev.mp4j.sync.ReentrantProcessLock.create());
    }

    @Test
    void aPlainLockCanGuardValuesAndArraysToo() throws Exception {
        // Python's Value(t, v, lock=Lock()), as in its sharedctypes example.
        shareOneLockAcrossProcesses(dev.mp4j.sync.ProcessLock.create());
    }

    private static void shareOneLockAcrossProcesses(dev.mp4j.sync.AbstractProcessLock lock) throws Exception {
        IntValue a = Value.ofInt(1, lock);
        DoubleValue b = Value.ofDouble(2.5, lock);
        SharedArray c = SharedArray.of(SharedArray.Type.INT, 4, lock);
        assertTrue(a.getLock() == lock && b.getLock() == lock && c.getLock() == lock);
        dev.mp4j.sync.ProcessEvent held = dev.mp4j.sync.ProcessEvent.create();
        dev.mp4j.sync.ProcessEvent done = dev.mp4j.sync.ProcessEvent.create();
        JvmProcess child = new JvmProcess(() -> {
            // The child takes the lock through the array's copy of it ...
            c.getLock().lock();
            try {
                a.set(a.get() + 1);
                c.setInt(0, 7);
                held.set();
                done.await(Duration.ofSeconds(30));
            } finally {
                c.getLock().unlock();
            }
        });
        child.start();
        try {
            assertTrue(held.await(Duration.ofSeconds(30)));
            // ... and the parent finds it taken through the other values' copies.
            assertFalse(a.getLock().tryLock());
            assertFalse(b.getLock().tryLock());
        } finally {
            done.set();
            child.join();
        }
        assertEquals(0, child.exitCode());
        assertEquals(2, a.get());
        assertEquals(7, c.getInt(0));
        assertTrue(b.getLock().tryLock());
        b.getLock().unlock();
    }
}
