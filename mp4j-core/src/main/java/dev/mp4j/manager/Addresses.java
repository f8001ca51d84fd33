package dev.mp4j.manager;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;

/** Manager addresses as strings, so a proxy's token carries a plain, portable value. */
final class Addresses {
    private Addresses() {
    }

    static String key(SocketAddress address) {
        if (address instanceof UnixDomainSocketAddress unix) {
            return "unix:" + unix.getPath();
        }
        if (address instanceof InetSocketAddress inet) {
            String host = inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
            return "tcp:" + host + ":" + inet.getPort();
        }
        throw new IllegalArgumentException("address type of " + address + " unrecognized");
    }

    static SocketAddress parse(String key) {
        if (key.startsWith("unix:")) {
            return UnixDomainSocketAddress.of(key.substring(5));
        }
        if (key.startsWith("tcp:")) {
            String rest = key.substring(4);
            int colon = rest.lastIndexOf(':');
            return new InetSocketAddress(rest.substring(0, colon), Integer.parseInt(rest.substring(colon + 1)));
        }
        throw new IllegalArgumentException("not a manager address: " + key);
    }

    /** {@code host:port}, as the command line takes it, to a TCP address. */
    static InetSocketAddress hostPort(String text) {
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("expected host:port, got " + text);
        }
        String host = text.substring(0, colon);
        return new InetSocketAddress(host.isEmpty() ? "127.0.0.1" : host, Integer.parseInt(text.substring(colon + 1)));
    }
}
