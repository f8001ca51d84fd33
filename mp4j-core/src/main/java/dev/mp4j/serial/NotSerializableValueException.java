package dev.mp4j.serial;

/**
 * A value could not be serialized to cross to another process. Thrown in the caller (at
 * {@code start()}, {@code send()}, {@code put()} ...), never later in a child; the message names
 * the class of the offending value.
 */
public final class NotSerializableValueException extends IllegalArgumentException {
    @java.io.Serial
    private static final long serialVersionUID = 1L;

    private final String offendingClass;

    public NotSerializableValueException(String message, String offendingClass, Throwable cause) {
        super(message, cause);
        this.offendingClass = offendingClass;
    }

    /** The binary name of the class that could not be serialized. */
    public String offendingClass() {
        return offendingClass;
    }
}
