package io.customerpulse.tools.bootstrap;

import io.customerpulse.config.Cli;
import io.customerpulse.config.JobConfig;
import io.customerpulse.config.JobParameterOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code scripts/bootstrap}: a savepoint of the live job from a seller's history ({@link
 * Bootstrap}; docs/operations.md, "Starting from a seller's history").
 */
@Command(
        name = "bootstrap",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Runs the job over a seller's history (JSON lines, as scripts/replay and the importers"
                    + " write them) on an embedded Flink, writes its outputs to the tables (not to"
                    + " the alert and action topics; the last profile of each customer to"
                    + " customer-profiles), and stops it with a savepoint of the live job as of"
                    + " --as-of. Start the live job from it: scripts/cluster submit --savepoint"
                    + " DIR, or scripts/run --history. Kafka and PostgreSQL are the live job's"
                    + " (--config FILE, --set key=value: the same parameters)."
        })
public final class BootstrapCommand implements Callable<Integer> {
    @Option(
            names = "--input",
            required = true,
            paramLabel = "HISTORY.jsonl",
            description = "the history, one JSON event per line")
    Path input;

    @Option(
            names = "--as-of",
            paramLabel = "ISO-8601",
            description =
                    "event time of the savepoint: the live job goes on from here (default: the"
                            + " history's last event)")
    String asOf;

    @Option(
            names = "--savepoint",
            required = true,
            paramLabel = "DIR",
            description = "where the savepoint goes: a directory that does not exist or is empty")
    Path savepoint;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            defaultValue = "bootstrap-out",
            description =
                    "the history's dead letter and late events, JSON lines (default:"
                            + " ${DEFAULT-VALUE})")
    Path out;

    @Option(
            names = "--max-out-of-orderness",
            paramLabel = "DURATION",
            defaultValue = "1h",
            description =
                    "how far out of order the history may be, e.g. 1h (default: ${DEFAULT-VALUE})")
    Duration bound;

    @Option(names = "--parallelism", defaultValue = "1", description = "default: ${DEFAULT-VALUE}")
    int parallelism;

    @Mixin JobParameterOptions parameters = new JobParameterOptions();

    public static void main(String[] args) {
        Cli.exit(new BootstrapCommand(), args);
    }

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(input)) {
            throw new Cli.UsageError("--input: no such file: " + input);
        }
        if (parallelism < 1) {
            throw new Cli.UsageError("--parallelism must be at least 1, got " + parallelism);
        }
        if (Files.exists(savepoint) && !isEmptyDirectory(savepoint)) {
            throw new Cli.UsageError(
                    "--savepoint: " + savepoint + " exists and is not an empty directory");
        }
        Map<String, String> live = parameters.settings();
        JobConfig.parse(Bootstrap.settings(live, bound, parallelism)); // fails naming a bad key
        Instant time;
        try {
            time = asOf == null ? null : Instant.parse(asOf); // null: the history's last event
        } catch (DateTimeParseException e) {
            throw new Cli.UsageError("--as-of: '" + asOf + "' is not an ISO-8601 instant");
        }
        System.out.printf(
                "bootstrapping from %s as of %s ...%n",
                input, time == null ? "its last event" : time);
        Bootstrap.Result r = Bootstrap.run(live, input, time, savepoint, out, bound, parallelism);
        System.out.printf(
                "bootstrapped in %.1f s: savepoint %s (event time %s; state of %d operators only"
                        + " the bootstrap has left out)%n"
                        + "  profiles published to customer-profiles: %,d (the last of each"
                        + " customer)%n"
                        + "  dead-lettered history lines: %,d, late: %,d (in %s)%n"
                        + "start the live job from it: scripts/cluster submit --savepoint %s%n",
                r.seconds(),
                r.savepoint(),
                r.asOf(),
                r.operatorsDropped(),
                r.profilesPublished(),
                r.deadLettered(),
                r.late(),
                out,
                r.savepoint());
        return 0;
    }

    private static boolean isEmptyDirectory(Path dir) throws java.io.IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }
}
