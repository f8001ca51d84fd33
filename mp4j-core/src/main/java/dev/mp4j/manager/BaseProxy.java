package dev.mp4j.manager;

import java.io.ObjectStreamException;
import java.io.Serial;

/**
 * The common part of the hand-written proxies for the built-in types: forwarding a call, identity
 * semantics, and travelling as a {@link Token}. Hand-written rather than
 * {@link java.lang.reflect.Proxy} because generating a proxy class costs 10 to 40 ms the first
 * time a process uses an interface, and a call through one goes through reflection.
 */
abstract class BaseProxy implements ManagedProxy {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final Call TO_STRING = Call.of(Object.class, "toString");

    final transient ProxyHandler handler;

    BaseProxy(ProxyHandler handler) {
        this.handler = handler;
    }

    final Object call(Call call, Object... args) {
        try {
            return handler.forward(call, args);
        } catch (Throwable t) {
            throw BaseProxy.<RuntimeException>sneaky(t);
        } finally {
            // The proxy must outlive its call: collected mid-call, its cleaner would give its
            // reference back while the call still uses it.
            java.lang.ref.Reference.reachabilityFence(this);
        }
    }

    /** A call whose answer is not awaited (see {@link Endpoint#send}). */
    final void send(Call call, Object... args) {
        try {
            handler.send(call, args);
        } catch (Throwable t) {
            throw BaseProxy.<RuntimeException>sneaky(t);
        } finally {
            java.lang.ref.Reference.reachabilityFence(this);
        }
    }

    /**
     * Rethrows what the manager threw; {@link Endpoint} has already wrapped any checked exception
     * the called method does not declare, so only declared ones pass here unchecked.
     */
    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E sneaky(Throwable t) throws E {
        throw (E) t;
    }

    @Override
    public final Object writeReplace() throws ObjectStreamException {
        // Whoever keeps the bytes (a pool's task) keeps this proxy, and so the object it refers to.
        dev.mp4j.shm.Cleanup.noteSent(this);
        return handler.token();
    }

    @Override
    public final boolean equals(Object o) {
        return this == o;
    }

    @Override
    public final int hashCode() {
        return System.identityHashCode(this);
    }

    /**
     * The referent's {@code toString()}, asked of the manager; when that fails (the manager has
     * gone, say) a description of the proxy with why, as CPython's proxies do: a string built for
     * a log line or an assertion message must not throw instead.
     */
    @Override
    public final String toString() {
        if (ManagerServer.answering()) {
            return handler.toString();   // inside a managed object's own toString (see ManagerServer.answering)
        }
        try {
            return (String) call(TO_STRING);
        } catch (RuntimeException e) {
            return handler.failedToString(e);
        }
    }
}
