package dev.mp4j.process;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a parent tells a new child over the child's stdin (never argv or the environment, so the
 * authkey stays private): who it is, who its parent is, and the serialized process object.
 *
 * <p>Written field by field with {@link DataOutputStream} rather than object serialization: in a
 * cold JVM, deserializing a record costs about 40 ms of class loading and method-handle spinning,
 * which would be a third of a child's start.
 */
record Bootstrap(byte[] authkey, int[] identity, String name, boolean daemon, long parentPid, String parentName,
                 String startMethod, JvmOptions jvmOptions, String treeId, byte[] process, String logLevel) {
    /** First int on the wire, so a stray writer is told apart from a parent. */
    static final int MAGIC = 0x4D50344A;

    byte[] encode() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + process.length);
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(authkey.length);
        out.write(authkey);
        out.writeInt(identity.length);
        for (int i : identity) {
            out.writeInt(i);
        }
        out.writeUTF(name);
        out.writeBoolean(daemon);
        out.writeLong(parentPid);
        out.writeUTF(parentName);
        out.writeUTF(startMethod);
        out.writeInt(jvmOptions.arguments().size());
        for (String a : jvmOptions.arguments()) {
            out.writeUTF(a);
        }
        out.writeUTF(treeId);
        out.writeInt(process.length);
        out.write(process);
        // The level of mp4j's log (Multiprocessing.logToStderr), empty when off.
        out.writeUTF(logLevel == null ? "" : logLevel);
        out.flush();
        return bytes.toByteArray();
    }

    static Bootstrap decode(byte[] bytes) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        byte[] authkey = new byte[in.readInt()];
        in.readFully(authkey);
        int[] identity = new int[in.readInt()];
        for (int i = 0; i < identity.length; i++) {
            identity[i] = in.readInt();
        }
        String name = in.readUTF();
        boolean daemon = in.readBoolean();
        long parentPid = in.readLong();
        String parentName = in.readUTF();
        String startMethod = in.readUTF();
        int n = in.readInt();
        List<String> args = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            args.add(in.readUTF());
        }
        String treeId = in.readUTF();
        byte[] process = new byte[in.readInt()];
        in.readFully(process);
        String logLevel = in.readUTF();
        return new Bootstrap(authkey, identity, name, daemon, parentPid, parentName, startMethod,
                new JvmOptions(args), treeId, process, logLevel);
    }
}
