package dev.mp4j.manager;

import java.lang.reflect.Method;

/** One forwarded method of a hand-written proxy: its wire signature, and the method (for its declared exceptions). */
record Call(String signature, Method method, byte[] signatureBytes) {
    Call(String signature, Method method) {
        this(signature, method, Wire.signatureBytes(signature));
    }

    static Call of(Class<?> owner, String name, Class<?>... params) {
        try {
            Method m = owner.getMethod(name, params);
            return new Call(ProxyHandler.signature(m), m);
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
