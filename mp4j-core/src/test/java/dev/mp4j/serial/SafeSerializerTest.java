package dev.mp4j.serial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class SafeSerializerTest {
    private final Serializer s = Serializer.standard();

    private Object roundTrip(Object o) throws IOException {
        byte[] b = s.serialize(o);
        return s.deserialize(b, 0, b.length);
    }

    @Test
    void commonValuesTakeTheCompactPath() throws IOException {
        assertEquals(5, s.serialize(123).length);
        assertEquals(123, roundTrip(123));
        assertEquals(-7L, roundTrip(-7L));
        assertEquals(Math.PI, roundTrip(Math.PI));
        assertEquals("ünïcödé", roundTrip("ünïcödé"));
        assertEquals("pair \uD83D\uDE00 ok", roundTrip("pair \uD83D\uDE00 ok"));
        // UTF-8 cannot hold a lone surrogate: such strings must still arrive char for char.
        assertEquals("lone \uD800 high", roundTrip("lone \uD800 high"));
        assertEquals("lone low \uDC00", roundTrip("lone low \uDC00"));
        assertArrayEquals(new byte[] {9, 8}, (byte[]) roundTrip(new byte[] {9, 8}));
        assertEquals(null, roundTrip(null));
        assertEquals(false, roundTrip(false));
    }

    @Test
    void serializableLambdasAndCollectionsTravel() throws IOException {
        int base = 10;
        Function<Integer, Integer> add = (Function<Integer, Integer> & java.io.Serializable) x -> x + base;
        @SuppressWarnings("unchecked")
        Function<Integer, Integer> back = (Function<Integer, Integer>) roundTrip(add);
        assertEquals(15, back.apply(5));
        assertEquals(new ArrayList<>(List.of(1, 2)), roundTrip(new ArrayList<>(List.of(1, 2))));
    }

    @Test
    void jdkClassesOutsideTheAllowListAreRefusedWithAHint() {
        // Bytes a sender did not check (another program's): the receiver refuses them itself.
        byte[] b = SafeSerializer.javaSerializeTrusted(new java.net.InetSocketAddress("127.0.0.1", 1));
        IOException e = assertThrows(IOException.class, () -> s.deserialize(b, 0, b.length));
        assertTrue(e.getMessage().contains("java.net.InetSocketAddress") && e.getMessage().contains("mp4j.serial.filter"),
                e.getMessage());
    }

    @Test
    void anArrayClaimingMoreElementsThanTheStreamHoldsIsRefusedBeforeItIsAllocated() throws IOException {
        byte[] b = s.serialize(new long[] {7});
        java.nio.ByteBuffer.wrap(b).putInt(b.length - 8 - 4, 0x7FFFFFF0);
        IOException e = assertThrows(IOException.class, () -> s.deserialize(b, 0, b.length));
        assertTrue(e.getMessage().contains("array of " + 0x7FFFFFF0 + " elements"), e.getMessage());
        // An honest array still travels.
        byte[] ok = s.serialize(new long[] {7, 8});
        assertArrayEquals(new long[] {7, 8}, (long[]) s.deserialize(ok, 0, ok.length));
    }

    /** A value holding something that is not serializable, for a JVM of its own. */
    static final class HoldsAThread implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        final Object inside = new Object();

        public static void main(String[] args) {
            try {
                Serializer.standard().serialize(new HoldsAThread());
                System.out.println("sent");
            } catch (NotSerializableValueException e) {
                System.out.println("offending " + e.offendingClass());
            }
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(90)
    void theOffendingClassIsNamedAlsoWithTheJdksExtendedDebugInfo() throws Exception {
        // With it the JDK's message is the class name, then the path to the value on more lines:
        // taken for a reason, it named java.io.ObjectOutputStream as the offending class.
        dev.mp4j.testing.JavaRunner.Result r = dev.mp4j.testing.JavaRunner.run(java.time.Duration.ofSeconds(60),
                List.of("-Dsun.io.serialization.extendedDebugInfo=true"), HoldsAThread.class);
        assertTrue(r.stdout().contains("offending java.lang.Object"), r.toString());
    }

    @Test
    void arraysNestedInOneAnotherCannotMakeASmallStreamAllocateALot() throws IOException {
        // Each array alone claims no more elements than the stream has bytes, but each is made
        // before its first element, the next array, is read: before, a stream of 64 KiB made the
        // reader allocate 100 arrays of 60,000 references before it found the stream short.
        Object[] head = new Object[1];
        Object[] at = head;
        for (int i = 0; i < 99; i++) {
            Object[] next = new Object[1];
            at[0] = next;
            at = next;
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(head);
        }
        byte[] honest = bytes.toByteArray();
        byte[] forged = java.util.Arrays.copyOf(honest, 64 * 1024);   // padded: the claims pass one by one
        int lengths = 0;
        for (int i = 0; i + 4 <= honest.length; i++) {
            // Each array's length (1) comes right before its element: the next array (0x75) or null (0x70).
            boolean lengthOne = forged[i] == 0 && forged[i + 1] == 0 && forged[i + 2] == 0 && forged[i + 3] == 1;
            if (lengthOne && i + 4 < honest.length && (honest[i + 4] == 0x75 || honest[i + 4] == 0x70)) {
                java.nio.ByteBuffer.wrap(forged).putInt(i, 60_000);
                lengths++;
            }
        }
        assertEquals(100, lengths, "the forged stream is not what this test means");
        IOException e = assertThrows(IOException.class,
                () -> SafeSerializer.javaDeserialize(forged, 0, forged.length));
        assertTrue(e.getMessage().contains("bytes in all from a stream of"), e.getMessage());
        // The honest chain still travels.
        Object[] back = (Object[]) SafeSerializer.javaDeserialize(honest, 0, honest.length);
        assertTrue(back[0] instanceof Object[]);
    }

    @Test
    void aValueHoldingAClassReceiversRefuseIsRefusedWhenSentNamingIt() throws IOException {
        // Refused in the sender, where the caller sees it, rather than written and then lost
        // in a receiver that cannot read it.
        NotSerializableValueException inList = assertThrows(NotSerializableValueException.class,
                () -> s.serialize(new ArrayList<>(List.of(1, new java.io.File("data.txt")))));
        assertEquals("java.io.File", inList.offendingClass());
        assertTrue(inList.getMessage().contains("-Dmp4j.serial.filter=java.io.File"), inList.getMessage());
        java.io.File captured = new java.io.File("data.txt");
        Function<Integer, String> lambda = (Function<Integer, String> & java.io.Serializable) x -> captured.getName() + x;
        assertEquals("java.io.File",
                assertThrows(NotSerializableValueException.class, () -> s.serialize(lambda)).offendingClass());
        // Classes the stream names without an object of them: a Class as a value, the component
        // type of an array that is not serializable itself. Before, only the receiver refused them.
        assertEquals("java.io.File",
                assertThrows(NotSerializableValueException.class, () -> s.serialize(java.io.File.class)).offendingClass());
        assertEquals("java.lang.reflect.Type", assertThrows(NotSerializableValueException.class,
                () -> s.serialize(new java.lang.reflect.Type[] {String.class})).offendingClass());
        byte[] allowed = s.serialize(new Object[] {String.class, Integer[].class});
        assertEquals(String.class, ((Object[]) s.deserialize(allowed, 0, allowed.length))[0]);
        // A class of the program's own whose serializable superclass a receiver refuses.
        assertEquals("java.sql.Timestamp",
                assertThrows(NotSerializableValueException.class, () -> s.serialize(new Stamp(1))).offendingClass());
    }

    /** An enum whose constant has a body: its own class is Op$1, its stream names Op. */
    enum Op {
        PLUS {
            @Override
            int apply(int a, int b) {
                return a + b;
            }
        };

        abstract int apply(int a, int b);
    }

    @Test
    void theSenderJudgesTheClassesTheStreamNamesAsTheReceiverDoes() throws IOException {
        assertEquals(null, SafeSerializer.refusedIn(Op.PLUS.getClass()));
        byte[] b = s.serialize(Op.PLUS);
        assertEquals(Op.PLUS, s.deserialize(b, 0, b.length));
        // A dynamic proxy's stream names java.lang.reflect.Proxy and its interfaces, not the
        // proxy's own jdk.proxyN class: the default allow-list refuses Proxy on both sides.
        Object proxy = java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {Runnable.class}, (p, m, a) -> null);
        assertEquals(java.lang.reflect.Proxy.class, SafeSerializer.refusedIn(proxy.getClass()));
    }

    /** Serializable through a JDK superclass that is not on the allow-list. */
    static final class Stamp extends java.sql.Timestamp {
        Stamp(long time) {
            super(time);
        }
    }

    @Test
    void knownGadgetPackagesAreRefused() {
        assertTrue(!SafeSerializer.allowed(javax.management.ObjectName.class));
        assertTrue(SafeSerializer.allowed(SafeSerializerTest.class));
        assertTrue(SafeSerializer.allowed(java.util.HashMap.class));
    }

    @Test
    void garbageIsAClearError() {
        IOException e = assertThrows(IOException.class, () -> s.deserialize(new byte[] {99}, 0, 1));
        assertTrue(e.getMessage().contains("unknown tag"));
    }

    /** Refuses to travel, saying why, as a socket Connection does. */
    static final class StaysHere implements java.io.Serializable {
        private static final long serialVersionUID = 1L;

        @java.io.Serial
        private Object writeReplace() throws java.io.ObjectStreamException {
            throw new java.io.NotSerializableException("a thing that stays here cannot be passed to another process");
        }
    }

    record Holder(Object value) implements java.io.Serializable {
    }

    @Test
    void aValueThatRefusesToTravelIsReportedWithItsReasonNotAsAClassName() {
        NotSerializableValueException e = assertThrows(NotSerializableValueException.class,
                () -> SafeSerializer.javaSerialize(new Holder(new StaysHere())));
        assertTrue(e.getMessage().contains("a thing that stays here cannot be passed to another process"), e.getMessage());
        assertTrue(!e.getMessage().contains("of class a thing"), e.getMessage());
        assertEquals(StaysHere.class.getName(), e.offendingClass());
        // The JDK's own message is still read as the class it names.
        NotSerializableValueException plain = assertThrows(NotSerializableValueException.class,
                () -> SafeSerializer.javaSerialize(new Holder(new Object())));
        assertEquals("java.lang.Object", plain.offendingClass());
    }

    @Test
    void aTooDeepStructureIsRefusedSayingSo() throws Exception {
        // On a thread with room for the recursion of writing and reading it.
        Throwable[] refused = new Throwable[1];
        Thread t = new Thread(null, () -> {
            List<Object> deep = new ArrayList<>();
            List<Object> at = deep;
            for (int i = 0; i < 2_000; i++) {
                List<Object> next = new ArrayList<>();
                at.add(next);
                at = next;
            }
            try {
                byte[] b = s.serialize(new Holder(deep));
                s.deserialize(b, 0, b.length);
            } catch (Throwable e) {
                refused[0] = e;
            }
        }, "deep", 64L << 20);
        t.start();
        assertTrue(t.join(java.time.Duration.ofSeconds(60)), "writing and reading the deep structure did not end");
        assertTrue(refused[0] instanceof IOException, String.valueOf(refused[0]));
        assertTrue(refused[0].getMessage().contains("nested more than 500 deep"), refused[0].getMessage());
    }
}
