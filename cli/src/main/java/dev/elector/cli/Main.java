package dev.elector.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code elector} command. Errors are one line on standard error with a non-zero status: 2 for a
 * wrong command line, 1 for anything else. {@code --verbose} adds the stack trace.
 */
@Command(name = "elector", mixinStandardHelpOptions = true, version = "elector 0.1.0",
        description = "Leader election on ZooKeeper and etcd: run work on exactly one host at a time.",
        subcommands = {DemoCommand.class, RunCommand.class, StatusCommand.class, DevServerCommand.class, PatternsCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces with errors, and the libraries' warnings and Elector's info in the log.")
    boolean verbose;

    private Main() {
    }

    /**
     * Runs the command line and exits with its status.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        System.exit(execute(args));
    }

    static int execute(String... args) {
        Console.logging(verbose(args));
        Main main = new Main();
        // Wide enough that an example command line or a URI is never cut in two.
        CommandLine line = new CommandLine(main).setUsageHelpWidth(100);
        line.setParameterExceptionHandler((e, ignored) -> {
            System.err.println("elector: " + e.getMessage() + " (see: elector " + commandPath(e.getCommandLine()) + " --help)");
            return 2;
        });
        line.setExecutionExceptionHandler((e, cmd, result) -> {
            System.err.println("elector: " + oneLine(e));
            if (main.verbose) {
                e.printStackTrace();
            }
            return 1;
        });
        return line.execute(args);
    }

    /** Whether {@code --verbose} comes before {@code --}, for the logging, which must be set before anything logs. */
    private static boolean verbose(String... args) {
        for (String arg : args) {
            if (arg.equals("--")) {
                return false;
            }
            if (arg.equals("--verbose")) {
                return true;
            }
        }
        return false;
    }

    private static String commandPath(CommandLine cmd) {
        String path = cmd.getCommandSpec().qualifiedName(" ");
        return path.startsWith("elector ") ? path.substring("elector ".length()) : "";
    }

    /** The message of the exception and its causes, on one line. */
    static String oneLine(Throwable e) {
        StringBuilder out = new StringBuilder(String.valueOf(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause.getMessage() != null && !out.toString().contains(cause.getMessage())) {
                out.append(": ").append(cause.getMessage());
            }
        }
        return out.toString().replace('\n', ' ');
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(System.err);
        return 2;
    }
}
