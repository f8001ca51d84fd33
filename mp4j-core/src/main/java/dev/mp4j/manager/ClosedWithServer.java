package dev.mp4j.manager;

/**
 * An object made in a manager's server that has work to do when the server stops, whether or
 * not a proxy still names it: a {@link SharedMemoryManager}'s tracker unlinks its segments then.
 */
interface ClosedWithServer {
    /**
     * Called as the server stops, after its connections are closed; possibly a second time, for
     * an object made while it stopped, so it must be idempotent.
     */
    void serverClosed();
}
