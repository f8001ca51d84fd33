package dev.mp4j.pool;

import dev.mp4j.serial.SafeSerializer;
import dev.mp4j.serial.SerializableCallable;
import dev.mp4j.serial.TaskFunction;
import java.util.List;

/**
 * Runs a pool worker's code paths once (job and result codecs, function and lambda-shape
 * decoding) so that the child JVMs' ahead-of-time cache holds them: a new pool's first result
 * then does not wait for that class loading and linking in every worker.
 */
public final class PoolWarmUp {
    private PoolWarmUp() {
    }

    /** Exercises the worker paths in this JVM; used by the AOT cache's training run. */
    public static void exercise() throws Exception {
        TaskFunction<Integer, Integer> square = x -> x * x;
        byte[] fn = dev.mp4j.serial.SerializedLambdas.handForm(square);
        byte[] job = Codec.job(1, Messages.MAP, 1, fn, Codec.items(List.of(1, 2, 3)));
        Codec.Job decoded = Codec.readJob(job);
        WorkerLoop.decodeFunction(Messages.MAP, decoded.function());
        // A function that is not a simple lambda still travels as an object stream.
        WorkerLoop.decodeFunction(Messages.MAP, SafeSerializer.javaSerialize(square));
        int x = 7;
        SerializableCallable<Integer> call = () -> x * x;
        LambdaShape.Split split = LambdaShape.split(call);
        if (split != null) {
            Object shape = WorkerLoop.decodeFunction(Messages.LAMBDA_CALL, split.shapeBytes());
            LambdaShape.rebuild(((WorkerLoop.LambdaCall) shape).shape(), split.captured());
        }
        Codec.readDone(Codec.done(1, List.of(1, 4, 9), null, 0, 0, 0));
        Codec.readDone(Codec.done(2, null, new IllegalStateException("warm-up"), 0, 0, 0));
        driveWorkerLoop(fn, split);
    }

    /**
     * Runs a real {@link WorkerLoop} on a thread of this JVM, through pipes, for a few jobs of each
     * kind, so the cache also links the loop itself (its lambdas included): without it a worker
     * spins those method handles before its first result.
     */
    private static void driveWorkerLoop(byte[] function, LambdaShape.Split split) throws Exception {
        dev.mp4j.connection.Pipe jobs = dev.mp4j.connection.Pipe.open();
        dev.mp4j.connection.Pipe control = dev.mp4j.connection.Pipe.open();
        // Handed over as bytes, as a new worker receives its pipe ends.
        byte[] jobsEnd = dev.mp4j.connection.Pipe.reduce(jobs.right());
        byte[] controlEnd = dev.mp4j.connection.Pipe.reduce(control.right());
        JobClaims claims = JobClaims.create(1);
        String claimsName = claims.name();
        Thread worker = new Thread(() -> {
            try {
                WorkerLoop.launch(jobsEnd, controlEnd, claimsName, 0);
            } catch (Exception ignored) {
                // training only
            }
        }, "mp4j-warm-up-worker");
        worker.setDaemon(true);
        worker.start();
        try {
            jobs.left().recvBytes();
            long sent = 0;
            for (int i = 0; i < 200; i++, sent++) {
                jobs.left().sendBytes(Codec.job(i, Messages.MAP, 1, i == 0 ? function : null, Codec.items(List.of(i, i + 1))));
                Codec.readDone(jobs.left().recvBytes());
            }
            // Chunks of a thousand ints, as a map or imap with a large chunksize sends: the
            // loops over a chunk's items and results get profiles of their own.
            List<Integer> thousand = new java.util.ArrayList<>(1000);
            for (int i = 0; i < 1000; i++) {
                thousand.add(i);
            }
            for (int i = 0; i < 100; i++, sent++) {
                jobs.left().sendBytes(Codec.job(500 + i, Messages.MAP, 1, null, Codec.items(thousand)));
                Codec.readDone(jobs.left().recvBytes());
            }
            // And many of one item, as a map with chunksize 1 sends.
            for (int i = 0; i < 1000; i++, sent++) {
                jobs.left().sendBytes(Codec.job(3000 + i, Messages.MAP, 1, null, Codec.items(List.of(i))));
                Codec.readDone(jobs.left().recvBytes());
            }
            if (split != null) {
                byte[] shape = split.shapeBytes();
                for (int i = 0; i < 200; i++, sent++) {
                    jobs.left().sendBytes(Codec.job(1000 + i, Messages.LAMBDA_CALL, 2, i == 0 ? shape : null,
                            Codec.items(split.captured())));
                    Codec.readDone(jobs.left().recvBytes());
                }
            }
            // Chunks of a range (IntRange, Python's range(n)): its bounds, short and long.
            for (int i = 0; i < 100; i++, sent++) {
                jobs.left().sendBytes(Codec.job(4000 + i, Messages.MAP, 1, null, Codec.items(IntRange.of(i * 1000, i * 1000 + 1000))));
                Codec.readDone(jobs.left().recvBytes());
            }
            for (int i = 0; i < 200; i++, sent++) {
                jobs.left().sendBytes(Codec.job(4100 + i, Messages.MAP, 1, null, Codec.items(IntRange.of(i, i + 1 + i % 2))));
                Codec.readDone(jobs.left().recvBytes());
            }
            // And jobs taken back before they started, which the worker skips.
            claims.revoke(0, sent + 2);
            jobs.left().sendBytes(Codec.job(2000, Messages.MAP, 1, null, Codec.items(List.of(1))));
            jobs.left().sendBytes(Codec.job(2001, Messages.MAP, 1, null, Codec.items(List.of(2))));
            byte[] first = jobs.left().recvBytes();
            if (!Codec.isSkipped(first)) {
                Codec.readDone(first);
            }
            if (!Codec.isSkipped(jobs.left().recvBytes())) {
                throw new IllegalStateException("the warm-up worker ran a job taken back");
            }
        } finally {
            claims.unlink();
            jobs.left().close();
            control.left().close();
            worker.join(1000);
            jobs.right().close();
            control.right().close();
        }
    }
}
