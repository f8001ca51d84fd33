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
        byte[] fn = SafeSerializer.javaSerialize(square);
        byte[] job = Codec.job(1, Messages.MAP, 1, fn, Codec.items(List.of(1, 2, 3)));
        Codec.Job decoded = Codec.readJob(job);
        SafeSerializer.javaDeserialize(decoded.function(), 1, decoded.function().length - 1);
        int x = 7;
        SerializableCallable<Integer> call = () -> x * x;
        LambdaShape.Split split = LambdaShape.split(call);
        if (split != null) {
            byte[] shape = SafeSerializer.javaSerialize(split.shape());
            LambdaShape back = (LambdaShape) SafeSerializer.javaDeserialize(shape, 1, shape.length - 1);
            back.rebuild(split.captured());
        }
        Codec.readDone(Codec.done(1, List.of(1, 4, 9), null, 0, 0, 0));
        Codec.readDone(Codec.done(2, null, new IllegalStateException("warm-up"), 0, 0, 0));
    }
}
