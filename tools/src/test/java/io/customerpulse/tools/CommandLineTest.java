package io.customerpulse.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.CustomerPulseJob;
import io.customerpulse.config.Cli;
import io.customerpulse.replay.Replay;
import io.customerpulse.tools.bench.ProfileBenchmark;
import io.customerpulse.tools.clv.FitCommand;
import io.customerpulse.tools.dashboard.DashboardCommand;
import io.customerpulse.tools.importer.CdnowImporter;
import io.customerpulse.tools.importer.ImportCommand;
import io.customerpulse.tools.local.LocalStack;
import io.customerpulse.tools.local.Soak;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every command reads its arguments the same way (picocli, {@link Cli}): {@code --help} exits 0, a
 * mistake exits 2 with one line naming what is wrong — before anything starts, so these tests run
 * in milliseconds and start no broker, database or Flink.
 */
class CommandLineTest {
    private static final List<Supplier<Object>> COMMANDS =
            List.of(
                    LocalStack::new,
                    Replay::new,
                    FitCommand::new,
                    CdnowImporter::new,
                    ImportCommand::new,
                    io.customerpulse.tools.bench.DashboardBenchmark::new,
                    io.customerpulse.tools.dashboard.DashboardCommand::new,
                    Soak::new,
                    ProfileBenchmark::new,
                    io.customerpulse.tools.erase.EraseCommand::new,
                    io.customerpulse.tools.bootstrap.BootstrapCommand::new,
                    CustomerPulseJob.Arguments::new);

    private record Outcome(int code, String out, String err) {}

    private static Outcome run(Object command, String... args) {
        CommandLine line = Cli.of(command);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        int code = line.execute(args);
        return new Outcome(code, out.toString(), err.toString());
    }

    @Test
    void everyCommandAnswersHelpAndRefusesAnUnknownOptionInOneLine() {
        for (Supplier<Object> command : COMMANDS) {
            Outcome help = run(command.get(), "--help");
            assertThat(help.code()).as("--help of %s", command.get()).isZero();
            assertThat(help.out()).startsWith("Usage: ");

            // with the required options given, so that the unknown one is what is wrong
            List<String> args = new java.util.ArrayList<>(required(command.get()));
            args.add("--no-such-option=1");
            Outcome bad = run(command.get(), args.toArray(String[]::new));
            assertThat(bad.code()).isEqualTo(2);
            assertThat(bad.err().strip().lines()).hasSize(1);
            assertThat(bad.err()).contains("--no-such-option").doesNotContain("Exception");
        }
    }

    private static List<String> required(Object command) {
        if (command instanceof Replay) {
            return List.of("--input", "x", "--out", "y");
        }
        if (command instanceof FitCommand) {
            return List.of("--from", "x");
        }
        if (command instanceof CdnowImporter) {
            return List.of("x");
        }
        if (command instanceof io.customerpulse.tools.dashboard.DashboardCommand) {
            return List.of("--jdbc-url", "jdbc:postgresql://localhost/x");
        }
        if (command instanceof io.customerpulse.tools.erase.EraseCommand) {
            return List.of("--customer", "c1");
        }
        if (command instanceof ImportCommand) {
            return List.of("--format", "transactions", "x");
        }
        if (command instanceof io.customerpulse.tools.bootstrap.BootstrapCommand) {
            return List.of("--input", "x", "--savepoint", "y");
        }
        return List.of();
    }

    @Test
    void anImportNamesAFormatItDoesNotKnowAndAMissingFile() {
        Outcome format = run(new ImportCommand(), "--format", "csv", "x.csv");
        assertThat(format.code()).isEqualTo(2);
        assertThat(format.err().strip())
                .isEqualTo(
                        "import: --format: 'csv' is none of transactions, amazon-orders,"
                                + " shopify-orders");
        Outcome file = run(new ImportCommand(), "--format", "transactions", "x.csv");
        assertThat(file.err().strip()).isEqualTo("import: no such file: x.csv");
        Outcome missing = run(new ImportCommand(), "x.csv");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("--format");
    }

    @Test
    void anErasureNeedsACustomerAndAnInstant() {
        Outcome missing = run(new io.customerpulse.tools.erase.EraseCommand());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("--customer");
        Outcome at =
                run(
                        new io.customerpulse.tools.erase.EraseCommand(),
                        "--customer",
                        "c1",
                        "--at",
                        "yesterday");
        assertThat(at.code()).isEqualTo(2);
        assertThat(at.err().strip())
                .isEqualTo("erase: --at: 'yesterday' is not an ISO-8601 instant");
    }

    @Test
    void aBootstrapRefusesASavepointInUseABadAsOfOneInTheFutureAndHistoryAfterIt(@TempDir Path dir)
            throws Exception {
        Path history =
                Files.writeString(
                        dir.resolve("h.jsonl"),
                        "{\"type\":\"interaction\",\"event_id\":\"e1\",\"customer_id\":\"c1\","
                                + "\"event_time\":\"2024-01-02T00:00:00Z\",\"marketplace\":\"US\","
                                + "\"interaction_type\":\"PAGE_VIEW\"}\n");
        Path used = Files.createDirectories(dir.resolve("sp"));
        Files.writeString(used.resolve("_metadata"), "x");
        assertThat(bootstrap(history, used, "2024-01-03T00:00:00Z"))
                .isEqualTo(
                        "bootstrap: --savepoint: "
                                + used
                                + " exists and is not an empty directory");
        Path savepoint = dir.resolve("new");
        assertThat(bootstrap(history, savepoint, "today"))
                .isEqualTo("bootstrap: --as-of: 'today' is not an ISO-8601 instant");
        assertThat(bootstrap(history, savepoint, "2999-01-01T00:00:00Z"))
                .isEqualTo("bootstrap: the as-of time 2999-01-01T00:00:00Z is in the future");
        assertThat(bootstrap(history, savepoint, "2024-01-01T00:00:00Z"))
                .isEqualTo(
                        "bootstrap: the history has events after the as-of time"
                                + " 2024-01-01T00:00:00Z (the last at 2024-01-02T00:00:00Z): cut it"
                                + " there, the rest goes to the live job's topics");
        assertThat(savepoint).doesNotExist();
    }

    /** The one line a refused bootstrap prints (its exit code checked to be 2). */
    private static String bootstrap(Path history, Path savepoint, String asOf) {
        Outcome o =
                run(
                        new io.customerpulse.tools.bootstrap.BootstrapCommand(),
                        "--input",
                        history.toString(),
                        "--savepoint",
                        savepoint.toString(),
                        "--as-of",
                        asOf,
                        "--set",
                        "postgres.url=jdbc:postgresql://localhost:1/nowhere");
        assertThat(o.code()).isEqualTo(2);
        return o.err().strip();
    }

    @Test
    void aDurationNeedsAUnit() {
        Outcome o = run(new LocalStack(), "--duration", "60");
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err().strip())
                .isEqualTo(
                        "run: Invalid value for option '--duration': '60' has no unit: give one,"
                                + " e.g. '60s' or '60 min' (see --help)");
    }

    @Test
    void aMalformedValueNamesItsOption() {
        assertThat(run(new LocalStack(), "--rate", "abc").err())
                .contains("'--rate'")
                .contains("'abc'");
        assertThat(run(new Replay(), "--input", "x", "--out", "y", "--parallelism", "x").err())
                .contains("'--parallelism'");
        Outcome set = run(new LocalStack(), "--set", "k");
        assertThat(set.code()).isEqualTo(2);
        assertThat(set.err()).contains("--set").contains("KEY=VALUE");
    }

    @Test
    void aMissingFileIsOneLineNotAStackTrace() {
        Outcome o = run(new FitCommand(), "--from", "/nope");
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err().strip())
                .isEqualTo("fit-clv: --from: no such file: /nope (or give 'postgres')");
        assertThat(run(new Replay(), "--input", "/nope", "--out", "x").err().strip())
                .isEqualTo("replay: --input: no such file: /nope");
    }

    @Test
    void aKeptRunIsNeverOverwrittenOrResumedByMistake(@TempDir Path dir) throws Exception {
        assertThat(run(new LocalStack(), "--resume", "--fresh").err().strip())
                .isEqualTo("run: --resume and --fresh exclude each other");
        assertThat(run(new LocalStack(), "--resume", "--seed", "3").err().strip())
                .isEqualTo(
                        "run: --resume continues the kept run's own traffic and topics: --seed,"
                                + " --input, --partitions and --history cannot change them");
        Outcome nothing = run(new LocalStack(), "--resume", "--out", dir.toString());
        assertThat(nothing.code()).isEqualTo(2);
        assertThat(nothing.err().strip())
                .isEqualTo("run: --resume: " + dir + " holds no run to continue");
        Files.writeString(dir.resolve("stack.properties"), "started-at=2026-12-07T09:00:00Z\n");
        Outcome kept = run(new LocalStack(), "--out", dir.toString());
        assertThat(kept.code()).isEqualTo(2);
        assertThat(kept.err().strip())
                .isEqualTo(
                        "run: "
                                + dir
                                + " holds the run started 2026-12-07T09:00:00Z: --resume continues"
                                + " it, --fresh deletes it and starts anew (or give --out another"
                                + " directory)");
        assertThat(kept.out()).doesNotContain("Kafka");
        assertThat(dir.resolve("stack.properties")).exists();
    }

    @Test
    void theDashboardTakesADatabaseOrAKeptRunNotBoth(@TempDir Path dir) {
        DashboardCommand both = new DashboardCommand();
        Outcome two = run(both, "--jdbc-url", "jdbc:postgresql://localhost/x", "--data", "d");
        assertThat(two.code()).isEqualTo(2);
        assertThat(two.err()).contains("mutually exclusive");
        assertThat(run(new DashboardCommand(), "--data", "/nope").err().strip())
                .isEqualTo("dashboard: --data: no such directory: /nope");
        assertThat(run(new DashboardCommand(), "--data", dir.toString()).err().strip())
                .isEqualTo("dashboard: --data: " + dir + " holds no run of scripts/run");
    }

    @Test
    void aBadJobParameterIsRefusedBeforeAnythingStarts() {
        Outcome o = run(new LocalStack(), "--set", "segments.churn-after=sixty");
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err().strip()).startsWith("run: configuration key 'segments.churn-after'");
        assertThat(o.out()).doesNotContain("starting Kafka");
        assertThat(run(new CustomerPulseJob.Arguments(), "--set", "no.such.key=1").err())
                .contains("no.such.key");
    }
}
