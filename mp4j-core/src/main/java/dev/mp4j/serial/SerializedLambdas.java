package dev.mp4j.serial;

import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link SerializedLambda} of a serializable lambda, as object streams see it: what the pool
 * sends once per function and what a plain child's quick form carries. Internal to mp4j.
 */
public final class SerializedLambdas {
    /** Each lambda class's {@code writeReplace}, looked up once (null: not a serializable lambda). */
    private static final Map<Class<?>, Method> WRITE_REPLACE = new ConcurrentHashMap<>();

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
}
