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

    Registration(String typeId, String interfaceName, ManagedFactory<?> factory) {
        this.typeId = typeId;
        this.interfaceName = interfaceName;
        this.factory = factory;
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
