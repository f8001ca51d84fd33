package dev.mp4j.serial;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The default {@link Serializer}: a one-byte-tag encoding for the values that dominate traffic
 * ({@code null}, {@code Integer}, {@code Long}, {@code Double}, {@code Boolean}, {@code String},
 * {@code byte[]}), and JDK serialization behind an {@link ObjectInputFilter} allow-list for
 * everything else (records, collections, lambdas, your own classes).
 *
 * <h2>Why this and not Apache Fory</h2>
 * Measured on the 2-core reference machine (figures in docs/BENCHMARKS.md, "Serializer choice"): Fory is
 * much faster per object once warm (about 0.14 µs against 4.6 µs for a record round trip), but its
 * first use in a fresh JVM costs 0.4–0.9 s, which would land on every child's first message, and
 * it does not carry captured lambdas as faithfully as {@code SerializedLambda}. The tagged fast
 * path makes the small messages that decide pipe and queue latency cost tens of nanoseconds
 * without any warm-up, which is where JDK serialization alone is slow (an {@code Integer} through
 * {@code ObjectOutputStream} costs about 1.5 µs because of the stream header and block buffers).
 *
 * <h2>What is accepted when reading</h2>
 * <ul>
 *   <li>JDK classes only from value-like packages: {@code java.lang} (and
 *   {@code java.lang.invoke.SerializedLambda}), {@code java.util.**}, {@code java.time.**},
 *   {@code java.math}, {@code java.net.URI}, and the JDK's exceptions (any {@code java.*}
 *   {@code Throwable}, so that a remote error arrives as itself); other JDK classes are refused.</li>
 *   <li>mp4j's own classes, and application classes (loaded from the class path), except the
 *   packages of well-known deserialization gadget chains (commons-collections functors, Groovy
 *   runtime, Spring bean factories, Xalan, ...).</li>
 *   <li>A filter you give with {@code -Dmp4j.serial.filter=pattern;...} (the syntax of
 *   {@link ObjectInputFilter.Config#createFilter}) is asked after mp4j's two size checks (a depth
 *   above 500, an array claiming more elements than its stream has bytes), which it cannot
 *   override; then its allow or reject wins.</li>
 * </ul>
 * Bytes are only ever deserialized after the channel they came from was authenticated
 * (or opened on purpose without a key: {@code Listener.openUnauthenticated},
 * {@code Client.connectUnauthenticated}), and always through the allow-list.
 */
public final class SafeSerializer implements Serializer {
    static final SafeSerializer INSTANCE = new SafeSerializer();

    private static final byte TAG_NULL = 0;
    /** First byte of an encoded {@code Integer}; four big-endian bytes follow. */
    public static final byte TAG_INT = 1;
    /** First byte of an encoded {@code Long}; eight big-endian bytes follow. */
    public static final byte TAG_LONG = 2;
    private static final byte TAG_DOUBLE = 3;
    private static final byte TAG_TRUE = 4;
    private static final byte TAG_FALSE = 5;
    private static final byte TAG_STRING = 6;
    /** First byte of an encoded {@code byte[]}; the array's bytes follow as they are. */
    public static final byte TAG_BYTES = 7;
    private static final byte TAG_JAVA = 8;

    private static final List<String> JDK_ALLOWED_PREFIXES = List.of(
            "java.util.", "java.time.", "java.math.");
    private static final List<String> GADGET_PREFIXES = List.of(
            "org.apache.commons.collections.functors.", "org.apache.commons.collections4.functors.",
            "org.apache.commons.beanutils.", "org.codehaus.groovy.runtime.", "groovy.",
            "org.springframework.beans.factory.", "org.springframework.aop.", "org.apache.xalan.",
            "com.sun.", "sun.", "jdk.", "javax.", "bsh.", "clojure.", "org.mozilla.javascript.",
            "com.mchange.v2.c3p0.", "org.hibernate.", "net.sf.json.", "com.rometools.",
            "org.python.", "org.apache.wicket.util.upload.", "org.apache.commons.fileupload.", "org.apache.myfaces.");

    private static final ObjectInputFilter USER_FILTER = userFilter();
    private static final ThreadLocal<String> LAST_REJECTED = new ThreadLocal<>();
    /** A named class rather than a method reference: a child's first deserialization should not pay for spinning a lambda. */

    private SafeSerializer() {
    }

    @Override
    public byte[] serialize(Object value) {
        // An instanceof chain rather than a pattern switch: a type switch links through method
        // handles, which a child's interpreter runs slowly on its first thousands of messages.
        if (value == null) {
            return new byte[] {TAG_NULL};
        }
        if (value instanceof Integer i) {
            int v = i;
            return new byte[] {TAG_INT, (byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
        }
        if (value instanceof String str) {
            // UTF-8 has no form for a lone surrogate (getBytes would write '?'): such a string
            // travels in an object stream, which keeps every char.
            return hasLoneSurrogate(str) ? javaSerialize(str) : tagged(TAG_STRING, str.getBytes(StandardCharsets.UTF_8));
        }
        if (value instanceof Long l) {
            return withLong(TAG_LONG, l);
        }
        if (value instanceof Double d) {
            return withLong(TAG_DOUBLE, Double.doubleToRawLongBits(d));
        }
        if (value instanceof Boolean b) {
            return new byte[] {b ? TAG_TRUE : TAG_FALSE};
        }
        if (value instanceof byte[] bytes) {
            return tagged(TAG_BYTES, bytes);
        }
        return javaSerialize(value);
    }

    @Override
    public Object deserialize(byte[] bytes, int offset, int length) throws IOException {
        if (length < 1) {
            throw new IOException("empty message: nothing to deserialize");
        }
        byte tag = bytes[offset];
        return switch (tag) {
            case TAG_NULL -> null;
            case TAG_INT -> (int) readLong(bytes, offset + 1, 4);
            case TAG_LONG -> readLong(bytes, offset + 1, 8);
            case TAG_DOUBLE -> Double.longBitsToDouble(readLong(bytes, offset + 1, 8));
            case TAG_TRUE -> Boolean.TRUE;
            case TAG_FALSE -> Boolean.FALSE;
            case TAG_STRING -> new String(bytes, offset + 1, length - 1, StandardCharsets.UTF_8);
            case TAG_BYTES -> java.util.Arrays.copyOfRange(bytes, offset + 1, offset + length);
            case TAG_JAVA -> javaDeserialize(bytes, offset + 1, length - 1);
            default -> throw new IOException("not an mp4j message: unknown tag " + tag);
        };
    }

    /**
     * Serializes with plain JDK serialization, naming the offending class when a value is not
     * serializable, or holds an object of a class the receiver's allow-list refuses (see "What is
     * accepted when reading"): such a value is refused here, in the sender, rather than written
     * and then lost in the receiver.
     */
    public static byte[] javaSerialize(Object value) {
        return javaSerialize(value, true);
    }

    /**
     * Whether {@code value} can be serialized for a process that reads it as a child's target
     * (see {@link #javaSerializeTrusted}), checked by writing it in a dry run: mp4j's own objects
     * that take something as they are written (a pipe end's holder slot, a queue's token, a
     * manager's ticket) take nothing (see {@link #probing()}), so nothing waits for a copy that
     * never travels.
     *
     * @throws NotSerializableValueException naming the class that cannot travel
     */
    public static void checkTravels(Object value) {
        if (PROBING.get() != null) {
            javaSerialize(value, false);
            return;
        }
        PROBING.set(Boolean.TRUE);
        try {
            javaSerialize(value, false);
        } finally {
            PROBING.remove();
        }
    }

    /**
     * Whether this thread is writing a dry run of {@link #checkTravels}: an object whose
     * serialization takes a hold, a slot or a ticket for its receiver takes none, and writes a
     * placeholder (the bytes are thrown away).
     */
    public static boolean probing() {
        return PROBING.get() != null;
    }

    private static final ThreadLocal<Boolean> PROBING = new ThreadLocal<>();

    /**
     * {@link #javaSerialize} for bytes read with {@link #javaDeserializeTrusted} (a child's
     * target, read from its parent's private pipe): no allow-list on either side.
     */
    public static byte[] javaSerializeTrusted(Object value) {
        return javaSerialize(value, false);
    }

    private static byte[] javaSerialize(Object value, boolean checked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.write(TAG_JAVA);
        Object outer = COPY.get();
        // Parts of one copy (asOneCopy) share the enclosing memo; anything else gets its own,
        // made only if something asks for it (copyMemo).
        boolean ownMemo = outer != ONE_COPY_NOTHING_YET && !(outer instanceof OneCopy);
        if (ownMemo) {
            COPY.set(NOTHING_YET);
        }
        try (ObjectOutputStream oos = checked ? new CheckedOutput(out) : new ObjectOutputStream(out)) {
            oos.writeObject(value);
        } catch (RefusedClassException e) {
            throw new NotSerializableValueException("cannot send a " + value.getClass().getName()
                    + " to another process: it holds a " + e.getMessage() + ", which receivers refuse to deserialize"
                    + " (it is not on mp4j's allow-list; allow it with -Dmp4j.serial.filter=" + e.getMessage()
                    + ", which children inherit)", e.getMessage(), e);
        } catch (NotSerializableException e) {
            String cls = e.getMessage();
            // With -Dsun.io.serialization.extendedDebugInfo=true the JDK puts the path to the
            // value (field by field) on the lines after the class's name: the name is the first.
            String path = "";
            int lineEnd = cls == null ? -1 : cls.indexOf('\n');
            if (lineEnd > 0) {
                path = cls.substring(lineEnd);
                cls = cls.substring(0, lineEnd);
            }
            if (!namesAClass(cls)) {
                // A class that refuses to travel and says why (a socket Connection, say): its
                // reason, not a class name, is the message, and the class is the one that threw.
                StackTraceElement[] where = e.getStackTrace();
                String refusing = where.length > 0 ? where[0].getClassName() : value.getClass().getName();
                throw new NotSerializableValueException("cannot send a " + value.getClass().getName()
                        + " to another process: it holds a " + refusing + ": " + cls, refusing, e);
            }
            throw new NotSerializableValueException(
                    "cannot send a " + value.getClass().getName() + " to another process: it holds a value of class "
                            + cls + ", which is not Serializable (mark it Serializable or transient, or capture a "
                            + "serializable copy instead)" + path, cls, e);
        } catch (IOException e) {
            throw new NotSerializableValueException(
                    "cannot serialize a " + value.getClass().getName() + ": " + e, value.getClass().getName(), e);
        } finally {
            if (ownMemo) {
                // set, not removed: a removed entry is made again by the next call
                COPY.set(outer);
            }
        }
        return out.toByteArray();
    }

    /**
     * The memo of the copy being written by {@link #javaSerialize} on this thread (see
     * {@link #copyMemo}): a sentinel until something asks for it, then the map; null outside.
     */
    private static final ThreadLocal<Object> COPY = new ThreadLocal<>();
    private static final Object NOTHING_YET = new Object();
    private static final Object ONE_COPY_NOTHING_YET = new Object();

    /** The memo of several serializations that are one copy (see {@link #asOneCopy}). */
    private static final class OneCopy extends java.util.IdentityHashMap<Object, Object> {
        @java.io.Serial
        private static final long serialVersionUID = 1L;
    }

    /**
     * Runs {@code writing}, whose serializations are parts of one copy, always read together by
     * one reader (the items of one pool job): they share one memo (see {@link #copyMemo}).
     */
    public static <T> T asOneCopy(java.util.function.Supplier<T> writing) {
        Object outer = COPY.get();
        if (outer == ONE_COPY_NOTHING_YET || outer instanceof OneCopy) {
            return writing.get();
        }
        COPY.set(ONE_COPY_NOTHING_YET);
        try {
            return writing.get();
        } finally {
            COPY.set(outer);
        }
    }

    /**
     * While {@link #javaSerialize} writes one copy on this thread: a map, by identity, for
     * objects that want to write something once per copy however many of their parts the copy
     * holds (a shared-memory slab's token, whose 505 records may all be in one list); null
     * outside.
     */
    @SuppressWarnings("unchecked")
    public static java.util.Map<Object, Object> copyMemo() {
        Object memo = COPY.get();
        if (memo == NOTHING_YET || memo == ONE_COPY_NOTHING_YET) {
            java.util.Map<Object, Object> made = memo == NOTHING_YET ? new java.util.IdentityHashMap<>(4) : new OneCopy();
            COPY.set(made);
            return made;
        }
        return (java.util.Map<Object, Object>) memo;
    }

    /** Reverses {@link #javaSerialize}: the allow-list applies. */
    public static Object javaDeserialize(byte[] bytes, int offset, int length) throws IOException {
        try (ObjectInputStream in = new FilteredInput(new ByteArrayInputStream(bytes, offset, length), true)) {
            return in.readObject();
        } catch (ClassNotFoundException e) {
            throw new IOException("class not found in this process: " + e.getMessage(), e);
        } catch (java.io.InvalidClassException e) {
            String why = LAST_REJECTED.get();
            LAST_REJECTED.remove();
            if (why == null) {
                throw e;
            }
            throw new IOException(why, e);
        }
    }

    /**
     * Reverses {@link #javaSerialize} without the allow-list: only for bytes from a trusted
     * source, such as the bootstrap a parent writes to its own child's private stdin.
     */
    public static Object javaDeserializeTrusted(byte[] bytes, int offset, int length) throws IOException {
        try (ObjectInputStream in = new FilteredInput(new ByteArrayInputStream(bytes, offset, length), false)) {
            return in.readObject();
        } catch (ClassNotFoundException e) {
            throw new IOException("class not found in this process: " + e.getMessage(), e);
        }
    }

    /**
     * Whether the message of a {@link NotSerializableException} is what the JDK puts there, the
     * name of the class that is not serializable (a hidden class's with its {@code /0x...}
     * suffix), rather than a reason a class gives for refusing to travel.
     */
    private static boolean namesAClass(String message) {
        if (message == null || message.isEmpty() || !Character.isJavaIdentifierStart(message.charAt(0))) {
            return false;
        }
        for (int i = 1; i < message.length(); i++) {
            char c = message.charAt(i);
            if (c == '/') {
                return message.startsWith("/0x", i);
            }
            if (c != '.' && !Character.isJavaIdentifierPart(c)) {
                return false;
            }
        }
        return true;
    }

    private static ObjectInputFilter.Status check(ObjectInputFilter.FilterInfo info, long streamBytes) {
        // These two hold whatever the user's filter allows (it names classes, not sizes).
        if (info.depth() > 500) {
            LAST_REJECTED.set("refused to deserialize objects nested more than 500 deep");
            return ObjectInputFilter.Status.REJECTED;
        }
        // Every element takes at least a byte of the stream: an array claiming more is a lie
        // that would make the reader allocate what the claim says (gigabytes from a few bytes)
        // before reading any element.
        if (info.arrayLength() > streamBytes) {
            LAST_REJECTED.set("refused to deserialize an array of " + info.arrayLength() + " elements from a stream of "
                    + streamBytes + " bytes");
            return ObjectInputFilter.Status.REJECTED;
        }
        if (USER_FILTER != null) {
            ObjectInputFilter.Status verdict = USER_FILTER.checkInput(info);
            if (verdict != ObjectInputFilter.Status.UNDECIDED) {
                return verdict;
            }
        }
        Class<?> cls = info.serialClass();
        if (cls == null) {
            return ObjectInputFilter.Status.UNDECIDED;
        }
        while (cls.isArray()) {
            cls = cls.getComponentType();
        }
        if (allowed(cls)) {
            return ObjectInputFilter.Status.ALLOWED;
        }
        LAST_REJECTED.set("refused to deserialize " + cls.getName() + ": it is not on mp4j's allow-list"
                + " (allow it with -Dmp4j.serial.filter=" + cls.getName() + ")");
        return ObjectInputFilter.Status.REJECTED;
    }

    static boolean allowed(Class<?> cls) {
        if (cls.isPrimitive()) {
            return true;
        }
        String name = cls.getName();
        ClassLoader loader = cls.getClassLoader();
        boolean jdk = loader == null || loader == ClassLoader.getPlatformClassLoader();
        if (jdk) {
            if (name.startsWith("java.lang.")) {
                return name.indexOf('.', "java.lang.".length()) < 0
                        || name.equals("java.lang.invoke.SerializedLambda");
            }
            if (name.equals("java.net.URI")) {
                return true;
            }
            if (name.startsWith("java.") && Throwable.class.isAssignableFrom(cls)) {
                // The JDK's own exceptions (java.io.IOException, java.sql.SQLException, ...):
                // a remote error arrives as itself, not as "refused to deserialize".
                return true;
            }
            for (String prefix : JDK_ALLOWED_PREFIXES) {
                if (name.startsWith(prefix)) {
                    return true;
                }
            }
            return false;
        }
        if (name.startsWith("dev.mp4j.")) {
            return true;
        }
        for (String prefix : GADGET_PREFIXES) {
            if (name.startsWith(prefix)) {
                return false;
            }
        }
        return true;
    }

    private static ObjectInputFilter userFilter() {
        String spec = System.getProperty("mp4j.serial.filter");
        return spec == null || spec.isBlank() ? null : ObjectInputFilter.Config.createFilter(spec);
    }

    private static boolean hasLoneSurrogate(String str) {
        for (int i = 0; i < str.length(); i++) {
            char c = str.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < str.length() && Character.isLowSurrogate(str.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    private static byte[] withLong(byte tag, long v) {
        byte[] b = new byte[9];
        b[0] = tag;
        for (int i = 0; i < 8; i++) {
            b[1 + i] = (byte) (v >>> (56 - 8 * i));
        }
        return b;
    }

    private static byte[] tagged(byte tag, byte[] payload) {
        byte[] b = new byte[payload.length + 1];
        b[0] = tag;
        System.arraycopy(payload, 0, b, 1, payload.length);
        return b;
    }

    private static long readLong(byte[] b, int offset, int size) {
        long v = 0;
        for (int i = 0; i < size; i++) {
            v = (v << 8) | (b[offset + i] & 0xFF);
        }
        return size == 4 ? (int) v : v;
    }

    /**
     * Whether a receiver's allow-list takes objects of a class, and of its serializable
     * superclasses (each comes with a descriptor of its own), decided once per class.
     */
    private static final ClassValue<Boolean> SENDABLE = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            return refusedIn(type) == null;
        }
    };

    /**
     * The first class of {@code type}'s serialized form a receiver refuses, or null: the classes
     * its stream names, as the receiver's filter sees them (an enum constant with a body as its
     * enum, a dynamic proxy as {@code java.lang.reflect.Proxy} and its interfaces).
     */
    static Class<?> refusedIn(Class<?> type) {
        Class<?> cls = type;
        while (cls.isArray()) {
            cls = cls.getComponentType();
        }
        if (java.lang.reflect.Proxy.isProxyClass(cls)) {
            if (!receivable(java.lang.reflect.Proxy.class)) {
                return java.lang.reflect.Proxy.class;
            }
            for (Class<?> i : cls.getInterfaces()) {
                if (!receivable(i)) {
                    return i;
                }
            }
            return null;
        }
        if (Enum.class.isAssignableFrom(cls) && cls != Enum.class) {
            while (cls.getSuperclass() != Enum.class) {
                cls = cls.getSuperclass();   // a constant with a body: its class's superclass is the enum
            }
            return receivable(cls) ? null : cls;
        }
        for (Class<?> c = cls; c != null && java.io.Serializable.class.isAssignableFrom(c); c = c.getSuperclass()) {
            if (!receivable(c)) {
                return c;
            }
        }
        return null;
    }

    /** What {@link #check} decides for a class alone: the user's filter first, then the allow-list. */
    private static boolean receivable(Class<?> cls) {
        if (USER_FILTER != null) {
            ObjectInputFilter.Status verdict = USER_FILTER.checkInput(new ClassOnly(cls));
            if (verdict != ObjectInputFilter.Status.UNDECIDED) {
                return verdict == ObjectInputFilter.Status.ALLOWED;
            }
        }
        return allowed(cls);
    }

    /** A filter's question about a class alone (no array, depth or size to judge). */
    private record ClassOnly(Class<?> serialClass) implements ObjectInputFilter.FilterInfo {
        @Override
        public long arrayLength() {
            return -1;
        }

        @Override
        public long depth() {
            return 1;
        }

        @Override
        public long references() {
            return 0;
        }

        @Override
        public long streamBytes() {
            return 0;
        }
    }

    /** An object stream that refuses, as it writes them, objects a receiver would refuse to read. */
    private static final class CheckedOutput extends ObjectOutputStream {
        CheckedOutput(ByteArrayOutputStream out) throws IOException {
            super(out);
            enableReplaceObject(true);
        }

        @Override
        protected Object replaceObject(Object obj) throws IOException {
            // Called for each object after its own writeReplace (a lambda arrives here as its
            // SerializedLambda, a pipe end as its reference): what the receiver will read.
            if (obj != null && !SENDABLE.get(obj.getClass())) {
                throw new RefusedClassException(refusedIn(obj.getClass()).getName());
            }
            return obj;
        }

        /**
         * Called for every class the stream names, once each: also those no object of which
         * reaches {@link #replaceObject}, which the receiver's filter judges all the same (a
         * {@code Class} written as a value, the component type of an array that is not itself
         * serializable, as in a {@code Type[]}). Written, they were refused only there.
         */
        @Override
        protected void annotateClass(Class<?> cl) throws IOException {
            Class<?> named = cl;
            while (named.isArray()) {
                named = named.getComponentType();
            }
            if (!named.isPrimitive() && !java.lang.reflect.Proxy.isProxyClass(named) && !RECEIVABLE.get(named)) {
                throw new RefusedClassException(named.getName());
            }
        }
    }

    private static final ClassValue<Boolean> RECEIVABLE = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            return receivable(type);
        }
    };

    /** Thrown by {@link CheckedOutput} with the refused class's name as its message. */
    private static final class RefusedClassException extends IOException {
        @java.io.Serial
        private static final long serialVersionUID = 1L;

        RefusedClassException(String className) {
            super(className);
        }
    }

    /**
     * The allow-list for one stream of {@code streamBytes} bytes, which also adds up what the
     * stream's arrays make the reader allocate. Each array is made before any of its elements is
     * read, so arrays nested in the first element of one another, each claiming as many elements
     * as the stream has bytes, made a 1 MiB message allocate gigabytes. An element takes at least
     * a byte of the stream and a primitive one as many as it occupies, so a stream read for what
     * it holds never claims more than a few times its size (references: 4 to 8 bytes each; a
     * hash table's capacity: under three times its mappings).
     */
    private static final class AllowList implements ObjectInputFilter {
        private final long streamBytes;
        private final long budget;
        private long claimed;

        AllowList(long streamBytes) {
            this.streamBytes = streamBytes;
            this.budget = 8 * streamBytes + ARRAY_BUDGET_SLACK;
        }

        @Override
        public Status checkInput(FilterInfo info) {
            Status verdict = check(info, streamBytes);
            if (verdict != Status.REJECTED && info.arrayLength() > 0 && info.serialClass() != null
                    && info.serialClass().isArray()) {
                claimed += info.arrayLength() * elementBytes(info.serialClass().getComponentType());
                if (claimed > budget) {
                    LAST_REJECTED.set("refused to deserialize arrays of " + claimed + " bytes in all from a stream of "
                            + streamBytes + " bytes");
                    return Status.REJECTED;
                }
            }
            return verdict;
        }

        private static long elementBytes(Class<?> component) {
            if (!component.isPrimitive()) {
                return 8;
            }
            return component == long.class || component == double.class ? 8
                    : component == int.class || component == float.class ? 4
                    : component == short.class || component == char.class ? 2 : 1;
        }
    }

    /** What any stream's arrays may take beyond {@link AllowList}'s multiple of its size. */
    private static final long ARRAY_BUDGET_SLACK = 1 << 20;

    /** Resolves classes through the context loader too, so frameworks with their own loaders work. */
    private static final class FilteredInput extends ObjectInputStream {
        FilteredInput(ByteArrayInputStream in, boolean filtered) throws IOException {
            super(in);
            if (filtered) {
                setObjectInputFilter(new AllowList(in.available()));
            }
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            try {
                return super.resolveClass(desc);
            } catch (ClassNotFoundException e) {
                ClassLoader context = Thread.currentThread().getContextClassLoader();
                if (context == null) {
                    throw e;
                }
                return Class.forName(desc.getName(), false, context);
            }
        }
    }
}
