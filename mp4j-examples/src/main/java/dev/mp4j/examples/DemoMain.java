package dev.mp4j.examples;

/**
 * Runs one demo in this JVM: {@code java -cp ... dev.mp4j.examples.DemoMain NAME}. The demo's
 * main thread ends like a Python script's: daemon children are terminated, the others waited for.
 */
public final class DemoMain {
    private DemoMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: DemoMain NAME   (one of: "
                    + String.join(", ", Demos.all().stream().map(Demo::name).toList()) + ")");
            System.exit(2);
        }
        Demo demo = Demos.find(args[0]).orElse(null);
        if (demo == null) {
            System.err.println("no demo named '" + args[0] + "'; known: "
                    + String.join(", ", Demos.all().stream().map(Demo::name).toList()));
            System.exit(2);
        }
        demo.body().run();
    }
}
