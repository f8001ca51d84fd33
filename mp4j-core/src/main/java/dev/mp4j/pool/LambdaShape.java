package dev.mp4j.pool;

import java.io.Serial;
import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A serializable lambda split the way pickle splits a function call: what the code is (its
 * {@link SerializedLambda} without the captured values), sent to a worker once, and the captured
 * values, sent with every task. Rebuilding the lambda in the worker then costs a reflective call
 * instead of an object stream: about a microsecond instead of ten, which is most of a small
 * task's cost.
 */
record LambdaShape(String capturingClass, String functionalInterfaceClass, String functionalInterfaceMethodName,
                   String functionalInterfaceMethodSignature, int implMethodKind, String implClass,
                   String implMethodName, String implMethodSignature, String instantiatedMethodType)
        implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final Map<String, Method> DESERIALIZE = new ConcurrentHashMap<>();

    /** The shape and captured values of {@code function}, or null if it is not a serializable lambda. */
    static Split split(Object function) {
        SerializedLambda sl = dev.mp4j.serial.SerializedLambdas.of(function);
        if (sl == null) {
            return null;
        }
        Object[] captured = new Object[sl.getCapturedArgCount()];
        for (int i = 0; i < captured.length; i++) {
            captured[i] = sl.getCapturedArg(i);
        }
        LambdaShape shape = new LambdaShape(sl.getCapturingClass(), sl.getFunctionalInterfaceClass(),
                sl.getFunctionalInterfaceMethodName(), sl.getFunctionalInterfaceMethodSignature(),
                sl.getImplMethodKind(), sl.getImplClass(), sl.getImplMethodName(), sl.getImplMethodSignature(),
                sl.getInstantiatedMethodType());
        return new Split(shape, Arrays.asList(captured));
    }

    /**
     * A shape travels to each worker as a plain class: the first record a JVM deserializes costs
     * it about 20 ms of method-handle spinning, which a new worker would pay on its first task.
     */
    @Serial
    private Object writeReplace() {
        return new Form(this);
    }

    private static final class Form implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
        private final String capturingClass;
        private final String functionalInterfaceClass;
        private final String functionalInterfaceMethodName;
        private final String functionalInterfaceMethodSignature;
        private final int implMethodKind;
        private final String implClass;
        private final String implMethodName;
        private final String implMethodSignature;
        private final String instantiatedMethodType;

        Form(LambdaShape s) {
            capturingClass = s.capturingClass;
            functionalInterfaceClass = s.functionalInterfaceClass;
            functionalInterfaceMethodName = s.functionalInterfaceMethodName;
            functionalInterfaceMethodSignature = s.functionalInterfaceMethodSignature;
            implMethodKind = s.implMethodKind;
            implClass = s.implClass;
            implMethodName = s.implMethodName;
            implMethodSignature = s.implMethodSignature;
            instantiatedMethodType = s.instantiatedMethodType;
        }

        @Serial
        private Object readResolve() {
            return new LambdaShape(capturingClass, functionalInterfaceClass, functionalInterfaceMethodName,
                    functionalInterfaceMethodSignature, implMethodKind, implClass, implMethodName,
                    implMethodSignature, instantiatedMethodType);
        }
    }

    /** A lambda's shape and its captured values. */
    record Split(LambdaShape shape, List<Object> captured) {
    }

    /** Rebuilds the lambda with {@code captured} values, as deserializing it would. */
    Object rebuild(List<Object> captured) throws ReflectiveOperationException {
        String owner = capturingClass.replace('/', '.');
        Method deserialize = DESERIALIZE.get(owner);
        if (deserialize == null) {
            Class<?> cls = Class.forName(owner, false, Thread.currentThread().getContextClassLoader() != null
                    ? Thread.currentThread().getContextClassLoader() : LambdaShape.class.getClassLoader());
            deserialize = cls.getDeclaredMethod("$deserializeLambda$", SerializedLambda.class);
            deserialize.setAccessible(true);
            DESERIALIZE.put(owner, deserialize);
        }
        SerializedLambda sl = new SerializedLambda(deserialize.getDeclaringClass(), functionalInterfaceClass,
                functionalInterfaceMethodName, functionalInterfaceMethodSignature, implMethodKind, implClass,
                implMethodName, implMethodSignature, instantiatedMethodType, captured.toArray());
        return deserialize.invoke(null, sl);
    }
}
