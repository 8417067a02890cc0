package io.berth.deploy.cli;

import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

import java.util.function.IntSupplier;

/**
 * A command line of deploy's (the launcher's, the load generator's), read by picocli from the subclass's
 * {@code @Option} fields, plus what picocli does not check: each number within its bounds and the rules
 * across options ({@link #check()}). A bad value is a {@link ParameterException} that names the flag
 * ({@code --demo-hosts must be a whole number, was 'lots'}), worded as these commands always worded it.
 */
public abstract class CheckedOptions {

    @Spec
    private CommandSpec spec;

    /** Checks the bounds and rules picocli cannot; a broken one is a {@link #usageError}. */
    protected abstract void check();

    /** Reads {@code args} into {@code options}; a command line it does not understand is a {@link ParameterException}. */
    public static <T extends CheckedOptions> T parse(T options, String... args) {
        CommandLine cli = commandLine(options);
        try {
            cli.parseArgs(args);
        } catch (ParameterException e) {
            throw reworded(e);
        }
        if (!cli.isUsageHelpRequested()) {
            options.check();
        }
        return options;
    }

    /**
     * Reads {@code args} into {@code options} and runs {@code command}, answering the process's exit code:
     * the command's, 0 after {@code --help} (the usage on stdout), or 2 for a command line it does not
     * understand (what is wrong and the usage on stderr), picocli's conventions.
     */
    public static int execute(CheckedOptions options, String[] args, IntSupplier command) {
        CommandLine cli = commandLine(options);
        IParameterExceptionHandler usage = cli.getParameterExceptionHandler();
        cli.setParameterExceptionHandler((e, rest) -> usage.handleParseException(reworded(e), rest));
        cli.setExecutionStrategy(parsed -> {
            Integer help = CommandLine.executeHelpRequest(parsed);
            if (help != null) {
                return help;
            }
            options.check();
            return command.getAsInt();
        });
        return cli.execute(args);
    }

    /** As the hand-written parsers were: the last of a repeated flag wins, and {@code @file} is a plain value. */
    private static CommandLine commandLine(CheckedOptions options) {
        return new CommandLine(options)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setOverwrittenOptionsAllowed(true)
                .setExpandAtFiles(false);
    }

    protected final int within(String flag, int value, int min, int max) {
        if (value < min || value > max) {
            throw usageError(flag + " must be between " + min + " and " + max + ", was " + value);
        }
        return value;
    }

    protected final double within(String flag, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw usageError(flag + " must be between " + min + " and " + max + ", was " + value);
        }
        return value;
    }

    protected final ParameterException usageError(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /** picocli's own words for a missing or malformed number, in the words the scripts and users know. */
    private static ParameterException reworded(ParameterException e) {
        if (e instanceof MissingParameterException missing && !missing.getMissing().isEmpty()
                && missing.getMissing().get(0) instanceof OptionSpec option) {
            return new ParameterException(e.getCommandLine(), option.longestName() + " needs a value", e);
        }
        if (e.getCause() instanceof TypeConversionException && e.getArgSpec() instanceof OptionSpec option) {
            Class<?> type = option.type();
            String expected = type == int.class || type == Integer.class ? "a whole number"
                    : type == double.class || type == Double.class ? "a number" : null;
            if (expected != null) {
                return new ParameterException(e.getCommandLine(),
                        option.longestName() + " must be " + expected + ", was '" + e.getValue() + "'", e);
            }
        }
        return e;
    }
}
