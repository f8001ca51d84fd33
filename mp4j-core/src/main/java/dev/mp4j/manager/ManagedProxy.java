package dev.mp4j.manager;

import java.io.ObjectStreamException;
import java.io.Serializable;

/**
 * Implemented by every proxy next to its managed interface, so that Java serialization finds a
 * {@code writeReplace} on the proxy class and writes a {@link Token} instead of the proxy.
 */
interface ManagedProxy extends Serializable {
    Object writeReplace() throws ObjectStreamException;
}
