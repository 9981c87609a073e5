package io.customerpulse.config;

import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.TypeConversionException;

/**
 * How every command of the project reads its arguments (picocli): {@code --help} on each, typed
 * options whose errors name the option, durations that need a unit, exit code 2 and one line on
 * stderr for a usage mistake — never a stack trace for a user's error. A command is a picocli
 * {@code Callable<Integer>}; what it finds wrong in its arguments after parsing (a missing file, a
 * job parameter) it throws as {@link UsageError} or {@link ConfigException}.
 */
public final class Cli {
    /** Exit code of a usage error: an unknown option, a malformed value, a bad job parameter. */
    public static final int USAGE = CommandLine.ExitCode.USAGE;

    private Cli() {}

    /** A mistake in what the user asked for, found after parsing: exit 2, one line. */
    public static final class UsageError extends RuntimeException {
        public UsageError(String message) {
            super(message);
        }
    }

    /** The command line of {@code command} with the project's converters and error handling. */
    public static CommandLine of(Object command) {
        CommandLine line = new CommandLine(command);
        line.registerConverter(Duration.class, Cli::duration);
        line.setParameterExceptionHandler(
                (e, args) -> {
                    CommandLine c = e.getCommandLine();
                    c.getErr()
                            .println(c.getCommandName() + ": " + e.getMessage() + " (see --help)");
                    return USAGE;
                });
        line.setExecutionExceptionHandler(
                (e, c, parsed) -> {
                    if (e instanceof UsageError || e instanceof ConfigException) {
                        c.getErr().println(c.getCommandName() + ": " + e.getMessage());
                        return USAGE;
                    }
                    throw e; // a fault of the program, not of its user: the stack trace helps
                });
        return line;
    }

    /** Runs {@code command} with {@code args} and exits the JVM with its exit code. */
    public static void exit(Object command, String[] args) {
        System.exit(of(command).execute(args));
    }

    private static Duration duration(String value) {
        String problem = JobConfig.durationProblem(value.trim());
        if (problem != null) {
            throw new TypeConversionException(problem);
        }
        return JobConfig.duration(ConfigKey.MAX_OUT_OF_ORDERNESS, value.trim());
    }
}
