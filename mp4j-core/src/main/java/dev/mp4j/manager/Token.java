package dev.mp4j.manager;

import java.io.ObjectStreamException;
import java.io.Serial;
import java.io.Serializable;

/**
 * What a proxy becomes when it travels: where its manager is, which object it names, and a
 * ticket (one reference the sender took for the receiver, see {@link ManagerServer}). The
 * authkey travels only when it is not the one every process of this program inherits.
 */
record Token(String address, byte[] authkey, long id, String typeId, String interfaceName, long ticket)
        implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    @Serial
    private Object readResolve() throws ObjectStreamException {
        return ProxyHandler.rebuild(this);
    }
}
