package dev.mp4j.pool;

/** Job kinds (the wire format is in {@link Codec}). */
final class Messages {
    private Messages() {
    }

    /** Kinds of job. */
    static final int CALL = 0;
    static final int MAP = 1;
    static final int STAR = 2;
    /** A call whose function is a {@link LambdaShape} and whose items are the captured values. */
    static final int LAMBDA_CALL = 3;
}
