package dev.mp4j.manager;

import java.io.Serial;
import java.io.Serializable;

/**
 * One registered type id: the interface its proxies implement and, on the serving side, its
 * factory. A class, not a record: a manager's child deserializes these as it starts, and the
 * first record a JVM deserializes costs about 20 ms of method-handle spinning.
 */
final class Registration implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;
    private final String typeId;
    private final String interfaceName;
    private final ManagedFactory<?> factory;
    /** Methods whose results stay in the server, answered as proxies of these type ids (may be empty). */
    private final java.util.HashMap<String, String> methodToTypeId;

    Registration(String typeId, String interfaceName, ManagedFactory<?> factory) {
        this(typeId, interfaceName, factory, java.util.Map.of());
    }

    Registration(String typeId, String interfaceName, ManagedFactory<?> factory, java.util.Map<String, String> methodToTypeId) {
        this.typeId = typeId;
        this.interfaceName = interfaceName;
        this.factory = factory;
        this.methodToTypeId = new java.util.HashMap<>(methodToTypeId);
    }

    /** Each method answered as a proxy, and the type id of its proxies. */
    java.util.Map<String, String> methodToTypeId() {
        return methodToTypeId == null ? java.util.Map.of() : java.util.Collections.unmodifiableMap(methodToTypeId);
    }

    /** The type id whose proxy {@code method} of this type returns, or null if it returns a copy. */
    String proxyTypeOf(String method) {
        return methodToTypeId == null ? null : methodToTypeId.get(method);
    }

    String typeId() {
        return typeId;
    }

    String interfaceName() {
        return interfaceName;
    }

    ManagedFactory<?> factory() {
        return factory;
    }
}
