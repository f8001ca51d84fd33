package dev.mp4j.serial;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link SerializedLambda} of a serializable lambda, as object streams see it, and a form of
 * it written by hand: what the pool sends once per function and what a plain child's quick form
 * carries. Internal to mp4j.
 *
 * <p>The hand-written form exists because a fresh JVM's first {@code ObjectInputStream} costs it
 * 25–35 ms before it reads a byte (the input filter's configuration initializes the system
 * logger and the security properties); a child that receives only lambdas capturing simple
 * values (numbers, booleans, strings, byte arrays, null) never pays it. The lambda is rebuilt
 * through its capturing class's {@code $deserializeLambda$}, exactly as an object stream would.
 */
public final class SerializedLambdas {
    /** First byte of a lambda's hand-written form; the serializer's tags are below 16. */
    public static final byte HAND_FORM = 101;
    /** Each lambda class's {@code writeReplace}, looked up once (null: not a serializable lambda). */
    private static final Map<Class<?>, Method> WRITE_REPLACE = new ConcurrentHashMap<>();
    /** Each capturing class's {@code $deserializeLambda$}, by the class's internal name, looked up once. */
    private static final Map<String, Method> DESERIALIZE = new ConcurrentHashMap<>();

    private SerializedLambdas() {
    }

    /** The serialized form of {@code function}, or null when it is not a serializable lambda. */
    public static SerializedLambda of(Object function) {
        if (function == null || !(function instanceof Serializable) || !function.getClass().isSynthetic()) {
            return null;
        }
        Method writeReplace = WRITE_REPLACE.computeIfAbsent(function.getClass(), SerializedLambdas::writeReplace);
        if (writeReplace == null) {
            return null;
        }
        try {
            return writeReplace.invoke(function) instanceof SerializedLambda s ? s : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static Method writeReplace(Class<?> lambdaClass) {
        try {
            Method m = lambdaClass.getDeclaredMethod("writeReplace");
            m.setAccessible(true);
            return m;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /**
     * {@code function}'s hand-written form ({@link #HAND_FORM}, then what {@link #write} writes),
     * or null when it is not a serializable lambda or captures something not simple.
     */
    public static byte[] handForm(Object function) {
        SerializedLambda lambda = of(function);
        return lambda == null ? null : handForm(lambda, true);
    }

    /**
     * The hand-written form of {@code lambda}, with its captured values or only its shape (the
     * pool's lambda calls send those with each call); null when a captured value is not simple.
     */
    public static byte[] handForm(SerializedLambda lambda, boolean withCaptured) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(HAND_FORM);
            if (!write(lambda, withCaptured, out)) {
                return null;
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            return null;
        }
    }

    /** Reads a {@link #handForm} back into its {@link SerializedLambda}. */
    public static SerializedLambda fromHandForm(byte[] bytes) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        if (in.readByte() != HAND_FORM) {
            throw new InvalidObjectException("not a lambda's hand-written form");
        }
        return read(in);
    }

    /**
     * Writes the lambda's shape and, if {@code withCaptured}, its captured values (each in the
     * serializer's tagged form). False, with nothing useful written, when a captured value is not
     * simple enough to go without an object stream.
     */
    public static boolean write(SerializedLambda lambda, boolean withCaptured, DataOutputStream out) throws IOException {
        out.writeUTF(lambda.getCapturingClass());
        out.writeUTF(lambda.getFunctionalInterfaceClass());
        out.writeUTF(lambda.getFunctionalInterfaceMethodName());
        out.writeUTF(lambda.getFunctionalInterfaceMethodSignature());
        out.writeInt(lambda.getImplMethodKind());
        out.writeUTF(lambda.getImplClass());
        out.writeUTF(lambda.getImplMethodName());
        out.writeUTF(lambda.getImplMethodSignature());
        out.writeUTF(lambda.getInstantiatedMethodType());
        int count = withCaptured ? lambda.getCapturedArgCount() : 0;
        out.writeInt(count);
        Serializer tagged = Serializer.standard();
        for (int i = 0; i < count; i++) {
            Object v = lambda.getCapturedArg(i);
            if (!simple(v)) {
                return false;
            }
            byte[] b = tagged.serialize(v);
            out.writeInt(b.length);
            out.write(b);
        }
        return true;
    }

    /** Reads what {@link #write} wrote; the capturing class is loaded by the context class loader. */
    public static SerializedLambda read(DataInputStream in) throws IOException {
        String capturingClass = in.readUTF();
        String functionalInterfaceClass = in.readUTF();
        String functionalInterfaceMethodName = in.readUTF();
        String functionalInterfaceMethodSignature = in.readUTF();
        int implMethodKind = in.readInt();
        String implClass = in.readUTF();
        String implMethodName = in.readUTF();
        String implMethodSignature = in.readUTF();
        String instantiatedMethodType = in.readUTF();
        Object[] captured = new Object[in.readInt()];
        Serializer tagged = Serializer.standard();
        for (int i = 0; i < captured.length; i++) {
            byte[] b = new byte[in.readInt()];
            in.readFully(b);
            captured[i] = tagged.deserialize(b, 0, b.length);
        }
        try {
            Class<?> owner = Class.forName(capturingClass.replace('/', '.'), false, loader());
            return new SerializedLambda(owner, functionalInterfaceClass, functionalInterfaceMethodName,
                    functionalInterfaceMethodSignature, implMethodKind, implClass, implMethodName, implMethodSignature,
                    instantiatedMethodType, captured);
        } catch (ClassNotFoundException e) {
            InvalidObjectException failure = new InvalidObjectException("cannot find the class of lambda "
                    + implClass + "." + implMethodName + ": " + e.getMessage());
            failure.initCause(e);
            throw failure;
        }
    }

    /** The same lambda with other captured values (the pool's lambda calls send only those). */
    public static SerializedLambda withCaptured(SerializedLambda shape, Object[] captured) throws ReflectiveOperationException {
        Method deserialize = DESERIALIZE.get(shape.getCapturingClass());
        Class<?> owner = deserialize != null ? deserialize.getDeclaringClass()
                : Class.forName(shape.getCapturingClass().replace('/', '.'), false, loader());
        return new SerializedLambda(owner, shape.getFunctionalInterfaceClass(), shape.getFunctionalInterfaceMethodName(),
                shape.getFunctionalInterfaceMethodSignature(), shape.getImplMethodKind(), shape.getImplClass(),
                shape.getImplMethodName(), shape.getImplMethodSignature(), shape.getInstantiatedMethodType(), captured);
    }

    /** The lambda object, made by its capturing class's {@code $deserializeLambda$} as an object stream would. */
    public static Object rebuild(SerializedLambda lambda) throws ReflectiveOperationException {
        Method deserialize = DESERIALIZE.get(lambda.getCapturingClass());
        if (deserialize == null) {
            Class<?> owner = Class.forName(lambda.getCapturingClass().replace('/', '.'), false, loader());
            deserialize = owner.getDeclaredMethod("$deserializeLambda$", SerializedLambda.class);
            deserialize.setAccessible(true);
            DESERIALIZE.put(lambda.getCapturingClass(), deserialize);
        }
        return deserialize.invoke(null, lambda);
    }

    private static ClassLoader loader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : SerializedLambdas.class.getClassLoader();
    }

    /** Values the serializer writes without an object stream. */
    public static boolean simple(Object v) {
        return v == null || v instanceof Integer || v instanceof Long || v instanceof Double || v instanceof Boolean
                || v instanceof String || v instanceof byte[];
    }
}
