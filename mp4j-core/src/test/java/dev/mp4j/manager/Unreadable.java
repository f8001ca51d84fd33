package dev.mp4j.manager;

/** A value that travels, but cannot be read back anywhere: its refusal comes from the receiver. */
final class Unreadable implements java.io.Serializable {
    @java.io.Serial
    private static final long serialVersionUID = 1L;

    @java.io.Serial
    private void readObject(java.io.ObjectInputStream in) throws java.io.IOException {
        throw new java.io.InvalidObjectException("this value cannot be read");
    }
}
