package dev.mp4j.pool;

import dev.mp4j.serial.SerializedLambdas;
import java.lang.invoke.SerializedLambda;
import java.util.Arrays;
import java.util.List;

/**
 * A serializable lambda split the way pickle splits a function call: what the code is (its
 * {@link SerializedLambda} without the captured values), sent to a worker once, and the captured
 * values, sent with every task. Rebuilding the lambda in the worker then costs a reflective call
 * instead of an object stream: about a microsecond instead of ten, which is most of a small
 * task's cost. The parent keys its shapes by this record; the shape travels in the hand-written
 * form of {@link SerializedLambdas}, so a worker needs no object stream for it.
 */
record LambdaShape(String capturingClass, String functionalInterfaceClass, String functionalInterfaceMethodName,
                   String functionalInterfaceMethodSignature, int implMethodKind, String implClass,
                   String implMethodName, String implMethodSignature, String instantiatedMethodType) {

    /** The shape and captured values of {@code function}, or null if it is not a serializable lambda. */
    static Split split(Object function) {
        SerializedLambda sl = SerializedLambdas.of(function);
        if (sl == null) {
            return null;
        }
        Object[] captured = new Object[sl.getCapturedArgCount()];
        int objects = 0;
        for (int i = 0; i < captured.length; i++) {
            captured[i] = sl.getCapturedArg(i);
            objects += valueOnly(captured[i]) ? 0 : 1;
        }
        if (objects > 1) {
            // The captured values travel each in a stream of its own: two that refer to one
            // object (a list and one of its items) would arrive as two copies, and a lambda
            // comparing them (indexOf of an item without equals) would answer wrongly. Such a
            // lambda travels whole, in one stream, as pickle sends a call's arguments.
            return null;
        }
        LambdaShape shape = new LambdaShape(sl.getCapturingClass(), sl.getFunctionalInterfaceClass(),
                sl.getFunctionalInterfaceMethodName(), sl.getFunctionalInterfaceMethodSignature(),
                sl.getImplMethodKind(), sl.getImplClass(), sl.getImplMethodName(), sl.getImplMethodSignature(),
                sl.getInstantiatedMethodType());
        return new Split(shape, sl, Arrays.asList(captured));
    }

    /** Whether {@code v} is a value whose identity nothing can depend on across copies. */
    private static boolean valueOnly(Object v) {
        return v == null || v instanceof Integer || v instanceof Long || v instanceof String || v instanceof Double
                || v instanceof Boolean || v instanceof Character || v instanceof Short || v instanceof Byte
                || v instanceof Float || v instanceof Enum<?>;
    }

    /** A lambda's shape, its serialized form, and its captured values. */
    record Split(LambdaShape shape, SerializedLambda lambda, List<Object> captured) {
        /** The shape as a worker receives it: the lambda's hand-written form without captured values. */
        byte[] shapeBytes() {
            return SerializedLambdas.handForm(lambda, false);
        }
    }

    /** In a worker: the lambda of {@code shape} (as received) with {@code captured} values. */
    static Object rebuild(SerializedLambda shape, List<Object> captured) throws ReflectiveOperationException {
        return SerializedLambdas.rebuild(SerializedLambdas.withCaptured(shape, captured.toArray()));
    }
}
