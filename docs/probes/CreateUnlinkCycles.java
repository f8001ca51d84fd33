import dev.mp4j.shm.SharedMemory;

/**
 * The cycle of fig06's create_unlink_empty row, timed per repetition of 20 cycles, after one
 * filled 100 MiB segment, split into create, close and unlink.
 *
 * <pre>
 * ./mvnw -q -o install -DskipTests
 * java --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -cp mp4j-cli/target/mp4j.jar docs/probes/CreateUnlinkCycles.java
 * # add -Xint to see the interpreted cycle the figure's first repetitions run
 * </pre>
 */
public class CreateUnlinkCycles {
    public static void main(String[] args) {
        long size = 100L << 20;
        for (int r = 0; r < 5; r++) {
            SharedMemory big = SharedMemory.create(size);
            big.buf().fill((byte) 7);
            big.close();
            big.unlink();
            long create = 0, close = 0, unlink = 0;
            for (int i = 0; i < 20; i++) {
                long t0 = System.nanoTime();
                SharedMemory s = SharedMemory.create(size);
                long t1 = System.nanoTime();
                s.close();
                long t2 = System.nanoTime();
                s.unlink();
                long t3 = System.nanoTime();
                create += t1 - t0;
                close += t2 - t1;
                unlink += t3 - t2;
            }
            System.out.printf("rep %d: create %.1f close %.1f unlink %.1f us a cycle%n", r, create / 20e3, close / 20e3, unlink / 20e3);
        }
    }
}
