package dev.mp4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code mp4j} command. */
@Command(name = "mp4j", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Python's multiprocessing for Java: processes, pipes, queues, shared memory, pools, managers.",
        subcommands = {DemoCommand.class, BenchCommand.class, ManagerCommand.class, WorkerCommand.class,
            CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        int code = new CommandLine(new Main()).execute(args);
        System.exit(code);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"mp4j " + (v != null ? v : "(development build)") + " on Java " + Runtime.version()};
        }
    }
}
