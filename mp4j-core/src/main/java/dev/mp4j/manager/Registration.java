package dev.mp4j.manager;

import java.io.Serial;
import java.io.Serializable;

/** One registered type id: the interface its proxies implement and, on the serving side, its factory. */
record Registration(String typeId, String interfaceName, ManagedFactory<?> factory) implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;
}
