package dev.mp4j.pool;

import dev.mp4j.serial.SerializableCallable;
import dev.mp4j.serial.SerializedLambdas;
import dev.mp4j.serial.TaskFunction;
import java.lang.invoke.MethodHandleInfo;
import java.lang.invoke.MethodType;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

/**
 * A worker's function whose lambda body is a static method, callable before the lambda object
 * exists. Making the lambda object spins a class (LambdaMetafactory), which costs a fresh JVM
 * 30–50 ms of mostly interpreted code: the first job of a new worker would wait for it. Instead
 * the first calls go to the body by reflection (about 0.1 µs a call), while the lambda is made
 * on a background thread; every call after that goes to the lambda itself.
 */
final class DirectFunction implements TaskFunction<Object, Object>, SerializableCallable<Object> {
    @java.io.Serial
    private static final long serialVersionUID = 1L;
    /** One thread per worker makes the lambdas, in the order the functions came. */
    private static final Executor BUILDER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "mp4j-lambda-build");
        t.setDaemon(true);
        return t;
    });

    private final transient Method body;
    private final transient Object[] captured;
    private transient volatile Object lambda;

    private DirectFunction(Method body, Object[] captured) {
        this.body = body;
        this.captured = captured;
    }

    /**
     * The function for {@code serialized}: a direct call of its body when that is a static
     * method, else (or when the body cannot be found) the lambda object made now.
     */
    static Object of(SerializedLambda serialized) throws ReflectiveOperationException {
        Method body = staticBody(serialized, "dev/mp4j/serial/TaskFunction", "apply", "(Ljava/lang/Object;)Ljava/lang/Object;");
        if (body == null) {
            return SerializedLambdas.rebuild(serialized);
        }
        Object[] captured = new Object[serialized.getCapturedArgCount()];
        for (int i = 0; i < captured.length; i++) {
            captured[i] = serialized.getCapturedArg(i);
        }
        DirectFunction f = new DirectFunction(body, captured);
        BUILDER.execute(() -> {
            try {
                f.lambda = SerializedLambdas.rebuild(serialized);
            } catch (ReflectiveOperationException | RuntimeException e) {
                // keep calling the body directly
            }
        });
        return f;
    }

    /**
     * The lambda's body, ready to call, when it is a static method and the lambda implements
     * exactly the interface method the pool calls ({@code iface.method} with the erased
     * {@code signature}); null otherwise, and then the lambda object itself is used. A lambda
     * written for a sub-interface implements that interface's method, which a default method
     * of the pool's interface may wrap: calling its body directly would skip the wrapping.
     */
    static Method staticBody(SerializedLambda serialized, String iface, String method, String signature) {
        if (serialized.getImplMethodKind() != MethodHandleInfo.REF_invokeStatic
                || !serialized.getFunctionalInterfaceClass().equals(iface)
                || !serialized.getFunctionalInterfaceMethodName().equals(method)
                || !serialized.getFunctionalInterfaceMethodSignature().equals(signature)) {
            return null;
        }
        try {
            ClassLoader loader = Thread.currentThread().getContextClassLoader() != null
                    ? Thread.currentThread().getContextClassLoader() : DirectFunction.class.getClassLoader();
            Class<?> impl = Class.forName(serialized.getImplClass().replace('/', '.'), false, loader);
            Method body = impl.getDeclaredMethod(serialized.getImplMethodName(),
                    MethodType.fromMethodDescriptorString(serialized.getImplMethodSignature(), loader).parameterArray());
            body.setAccessible(true);
            return body;
        } catch (ReflectiveOperationException | RuntimeException e) {
            // Making the lambda object will report what is wrong, as an object stream would.
            return null;
        }
    }

    /** Calls a static lambda body with the values a lambda call carries (its captured values). */
    static Object call(Method body, Object[] args) throws Exception {
        try {
            return body.invoke(null, args);
        } catch (InvocationTargetException e) {
            throw DirectFunction.<Exception>sneaky(e.getCause());
        } catch (IllegalArgumentException e) {
            // What the lambda object would have thrown: a NullPointerException for a null its
            // body unboxes, a ClassCastException for an argument of the wrong type.
            Class<?>[] types = body.getParameterTypes();
            for (int i = 0; i < types.length && i < args.length; i++) {
                if (args[i] == null && types[i].isPrimitive()) {
                    throw new NullPointerException("cannot pass null as the " + types[i] + " parameter " + i + " of " + body);
                }
            }
            throw new ClassCastException("cannot pass " + java.util.Arrays.toString(args) + " to " + body + ": " + e.getMessage());
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object apply(Object item) throws Exception {
        Object l = lambda;
        if (l != null) {
            return ((TaskFunction<Object, Object>) l).apply(item);
        }
        Object[] args = java.util.Arrays.copyOf(captured, captured.length + 1);
        args[captured.length] = item;
        return invoke(args);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object call() throws Exception {
        Object l = lambda;
        if (l != null) {
            return ((SerializableCallable<Object>) l).call();
        }
        return invoke(captured);
    }

    private Object invoke(Object[] args) throws Exception {
        return call(body, args);
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E sneaky(Throwable t) throws E {
        throw (E) t;
    }

    @java.io.Serial
    private Object writeReplace() throws java.io.ObjectStreamException {
        throw new java.io.NotSerializableException("a worker's function does not travel again");
    }
}
