package dev.mp4j.manager;

import java.io.ObjectStreamException;
import java.io.Serial;
import java.io.Serializable;

/**
 * What a proxy becomes when it travels: where its manager is, which object it names, and a
 * ticket (one reference the sender took for the receiver, see {@link ManagerServer}). The
 * authkey travels only when it is not the one every process of this program inherits.
 *
 * <p>A class, not a record: the first record a JVM deserializes costs it about 20 ms of
 * method-handle spinning, which a child would pay on the first proxy it receives.
 */
final class Token implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;
    private final String address;
    private final byte[] authkey;
    private final long id;
    private final String typeId;
    private final String interfaceName;
    private final long ticket;

    Token(String address, byte[] authkey, long id, String typeId, String interfaceName, long ticket) {
        this.address = address;
        this.authkey = authkey;
        this.id = id;
        this.typeId = typeId;
        this.interfaceName = interfaceName;
        this.ticket = ticket;
    }

    String address() {
        return address;
    }

    byte[] authkey() {
        return authkey;
    }

    long id() {
        return id;
    }

    String typeId() {
        return typeId;
    }

    String interfaceName() {
        return interfaceName;
    }

    long ticket() {
        return ticket;
    }

    @Serial
    private Object readResolve() throws ObjectStreamException {
        return ProxyHandler.rebuild(this);
    }
}
