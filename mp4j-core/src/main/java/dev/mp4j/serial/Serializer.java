package dev.mp4j.serial;

import java.io.IOException;

/**
 * Turns objects into bytes and back for {@code Connection.send}/{@code recv} (Python's
 * {@code ForkingPickler}).
 *
 * <p>Implementations must be thread-safe. {@link #deserialize} is only ever called on bytes that
 * came over an authenticated channel, but must still refuse classes it does not trust: see
 * {@link SafeSerializer} for the default.
 */
public interface Serializer {
    /** Encodes {@code value} (which may be {@code null}). */
    byte[] serialize(Object value) throws NotSerializableValueException;

    /** Decodes {@code length} bytes starting at {@code offset}. */
    Object deserialize(byte[] bytes, int offset, int length) throws IOException;

    /** The serializer every connection uses unless told otherwise. */
    static Serializer standard() {
        return SafeSerializer.INSTANCE;
    }
}
