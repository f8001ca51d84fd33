package dev.mp4j.queue;

import dev.mp4j.shm.Futex;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Run by {@link FullShmTest} in a mount namespace of its own whose /dev/shm is a small tmpfs:
 * puts into a queue until /dev/shm has no room left for the ring's pages, and prints what
 * happened. Exits 0 and prints "OK" with the counts when nothing was lost.
 */
public final class FullShmScenario {
    public static void main(String[] args) throws Exception {
        ProcessQueue<byte[]> q = ProcessQueue.create();
        // The pages are asked for through the linked futex call: once it is there.
        if (!dev.mp4j.testing.Await.until(Futex::available, java.time.Duration.ofSeconds(30))) {
            System.out.println("the futex call was never linked");
            System.exit(5);
        }
        // Leaves about 256 KiB of /dev/shm free: the ring (16 MiB) gets its pages as written.
        Path filler = Path.of("/dev/shm/filler");
        long free = Files.getFileStore(Path.of("/dev/shm")).getUsableSpace();
        fill(filler, free - 256 * 1024);
        int put = 0;
        Throwable refused = null;
        try {
            for (; put < 30_000; put++) {
                byte[] item = new byte[1000];
                item[0] = (byte) put;
                q.put(item);
            }
        } catch (Throwable t) {
            refused = t;
        }
        System.out.println("refused after " + put + ": " + refused);
        // An item too large for the ring's step-by-step frames to be written whole, which a
        // producer streams in (its spill segment finds no room either).
        Throwable refusedLarge = null;
        long start = System.nanoTime();
        try {
            q.offer(new byte[200 * 1024], 10, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (Throwable t) {
            refusedLarge = t;
        }
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        System.out.println("large: " + refusedLarge + " after " + tookMillis + " ms");
        for (int i = 0; i < put; i++) {
            byte[] item = q.poll();
            if (item == null || item.length != 1000 || item[0] != (byte) i) {
                System.out.println("LOST item " + i + ": " + (item == null ? null : item.length + " bytes, first " + item[0]));
                System.exit(2);
            }
        }
        if (q.poll() != null || q.qsize() != 0) {
            System.out.println("EXTRA item or count " + q.qsize());
            System.exit(3);
        }
        Files.delete(filler);
        q.put(new byte[] {7});
        byte[] after = q.take();
        q.put(new byte[200 * 1024]);
        byte[] large = q.take();
        // A full ring and /dev/shm short of room: a timed offer of an item large enough to be
        // spilled finds no room for its segment, and must not wait past its timeout for some.
        int backlog = 0;
        while (q.offer(new byte[1000])) {
            backlog++;
        }
        fill(filler, Files.getFileStore(Path.of("/dev/shm")).getUsableSpace() - 100 * 1024);
        long spillStart = System.nanoTime();
        boolean spilled = q.offer(new byte[200 * 1024], 10, java.util.concurrent.TimeUnit.MILLISECONDS);
        long spillMillis = (System.nanoTime() - spillStart) / 1_000_000;
        System.out.println("backlog " + backlog + ", spill offer " + spilled + " after " + spillMillis + " ms");
        for (int i = 0; i < backlog; i++) {
            if (q.poll() == null) {
                System.out.println("LOST backlog item " + i);
                System.exit(4);
            }
        }
        Files.delete(filler);
        System.out.println("OK " + put + " " + (refused instanceof IllegalStateException && refused.getMessage().contains("no room"))
                + " " + (refusedLarge instanceof IllegalStateException && refusedLarge.getMessage().contains("no room"))
                + " " + after[0] + " " + large.length + " " + (tookMillis < 500 && !spilled && spillMillis < 500 ? "prompt" : "slow"));
    }

    private static void fill(Path file, long bytes) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(1 << 20);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            for (long left = bytes; left > 0; ) {
                chunk.clear().limit((int) Math.min(chunk.capacity(), left));
                left -= ch.write(chunk);
            }
        }
    }
}
