package example;

import dev.mp4j.serial.ProcessTarget;

/** Lambdas made in a caller's package, outside mp4j's: what an application's targets look like. */
public final class CallerLambdas {
    private CallerLambdas() {
    }

    /** A target capturing only a string. */
    public static ProcessTarget printing(String text) {
        return () -> System.out.print(text);
    }
}
