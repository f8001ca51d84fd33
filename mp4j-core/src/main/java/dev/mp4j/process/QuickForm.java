package dev.mp4j.process;

import dev.mp4j.serial.ProcessTarget;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;

/**
 * The process object of the most common child, written by hand instead of as an object stream:
 * a plain {@link JvmProcess} whose target is a lambda capturing nothing but numbers, booleans,
 * strings, byte arrays or null. When the lambda's body is a static method (every lambda that
 * does not use {@code this}), the child calls that method with the captured values and never
 * makes the lambda object: spinning a class for it cost a fresh child 10–15 ms, more than the
 * object stream around it (measured without the AOT cache: 10–17 ms to rebuild a one-capture
 * lambda, 2.5–4 ms to call its body). Other lambdas are rebuilt through their class's
 * {@code $deserializeLambda$}, as an object stream would. Anything else (a subclass, a capture of
 * another type) travels as before, as an object stream.
 */
final class QuickForm {
    /** First byte of the bootstrap's process bytes in this form; the serializer's tags are below 16. */
    static final byte TAG = 100;

    private QuickForm() {
    }

    /** The quick form of a plain process running {@code target}, or null when it does not qualify. */
    static byte[] encode(ProcessTarget target, int[] identity, String name, Boolean daemon, long creatorPid) {
        SerializedLambda lambda = dev.mp4j.serial.SerializedLambdas.of(target);
        if (lambda == null) {
            return null;
        }
        AotCache.noteChildClass(lambda.getCapturingClass());
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(TAG);
            out.writeUTF(name);
            out.writeByte(daemon == null ? 0 : daemon ? 2 : 1);
            out.writeInt(identity.length);
            for (int i : identity) {
                out.writeInt(i);
            }
            out.writeLong(creatorPid);
            if (!dev.mp4j.serial.SerializedLambdas.write(lambda, true, out)) {
                return null;
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Whether a quick-form target is one of mp4j's own launchers (a pool worker, a manager's
     * server), which need more than the core classes, rather than a lambda of the caller's.
     */
    static boolean runsMp4jCode(ProcessTarget target) {
        SerializedLambda lambda = dev.mp4j.serial.SerializedLambdas.of(target);
        return lambda == null || lambda.getImplClass().startsWith("dev/mp4j/");
    }

    /** Rebuilds the process object in the child. */
    static JvmProcess decode(byte[] bytes) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        if (in.readByte() != TAG) {
            throw new InvalidObjectException("not a quick-form process");
        }
        String name = in.readUTF();
        int d = in.readByte();
        Boolean daemon = d == 0 ? null : d == 2;
        int[] identity = new int[in.readInt()];
        for (int i = 0; i < identity.length; i++) {
            identity[i] = in.readInt();
        }
        long creatorPid = in.readLong();
        SerializedLambda lambda = dev.mp4j.serial.SerializedLambdas.read(in);
        String implClass = lambda.getImplClass();
        String implMethodName = lambda.getImplMethodName();
        try {
            ProcessTarget target;
            if (lambda.getImplMethodKind() == java.lang.invoke.MethodHandleInfo.REF_invokeStatic
                    && lambda.getFunctionalInterfaceClass().equals("dev/mp4j/serial/ProcessTarget")) {
                // The lambda's body is a static method taking the captured values: call it, and
                // spare the child spinning a class for the lambda object (10-15 ms in a fresh JVM).
                ClassLoader loader = Thread.currentThread().getContextClassLoader() != null
                        ? Thread.currentThread().getContextClassLoader() : QuickForm.class.getClassLoader();
                Class<?> impl = Class.forName(implClass.replace('/', '.'), false, loader);
                Class<?>[] parameters = java.lang.invoke.MethodType.fromMethodDescriptorString(lambda.getImplMethodSignature(), loader)
                        .parameterArray();
                Method body = impl.getDeclaredMethod(implMethodName, parameters);
                body.setAccessible(true);
                Object[] captured = new Object[lambda.getCapturedArgCount()];
                for (int i = 0; i < captured.length; i++) {
                    captured[i] = lambda.getCapturedArg(i);
                }
                target = new DirectTarget(body, captured);
            } else {
                target = (ProcessTarget) dev.mp4j.serial.SerializedLambdas.rebuild(lambda);
            }
            return JvmProcess.rebuilt(target, identity, name, daemon, creatorPid);
        } catch (ReflectiveOperationException | RuntimeException e) {
            InvalidObjectException failure = new InvalidObjectException("cannot rebuild the process's target "
                    + implClass + "." + implMethodName + ": " + e);
            failure.initCause(e);
            throw failure;
        }
    }

    /** A lambda's body called directly, with the values the lambda captured. */
    private static final class DirectTarget implements ProcessTarget {
        @java.io.Serial
        private static final long serialVersionUID = 1L;
        private final transient Method body;
        private final transient Object[] captured;

        DirectTarget(Method body, Object[] captured) {
            this.body = body;
            this.captured = captured;
        }

        @Override
        public void run() throws Exception {
            try {
                body.invoke(null, captured);
            } catch (java.lang.reflect.InvocationTargetException e) {
                throw QuickForm.<Exception>sneaky(e.getCause());
            }
        }

        @java.io.Serial
        private Object writeReplace() throws java.io.ObjectStreamException {
            throw new java.io.NotSerializableException("a running child's target does not travel again");
        }
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E sneaky(Throwable t) throws E {
        throw (E) t;
    }
}
