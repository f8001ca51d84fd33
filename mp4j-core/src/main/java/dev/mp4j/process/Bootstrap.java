package dev.mp4j.process;

import java.io.Serializable;

/**
 * What a parent tells a new child over the child's stdin (never argv or the environment, so the
 * authkey stays private): who it is, who its parent is, and the serialized process object.
 */
record Bootstrap(byte[] authkey, int[] identity, String name, boolean daemon, long parentPid, String parentName,
                 String startMethod, JvmOptions jvmOptions, byte[] process) implements Serializable {
    /** First int on the wire, so a stray writer is told apart from a parent. */
    static final int MAGIC = 0x4D50344A;
}
