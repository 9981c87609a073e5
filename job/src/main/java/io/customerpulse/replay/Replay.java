package io.customerpulse.replay;

import io.customerpulse.config.Cli;
import io.customerpulse.config.EmbeddedFlink;
import io.customerpulse.config.JobConfig;
import io.customerpulse.config.JobParameterOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code scripts/replay}: the job bounded over a file, on a local Flink with the settings of
 * flink-conf/config.yaml (RocksDB, checkpoints).
 */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Runs the job over a file of events (JSON lines) on a local Flink and writes every"
                    + " output as JSON lines; identical at any parallelism and input order within"
                    + " the bound."
        })
public final class Replay implements Callable<Integer> {
    @Option(
            names = "--input",
            required = true,
            paramLabel = "EVENTS.jsonl",
            description = "the events, one JSON object per line")
    Path input;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output directory")
    Path out;

    @Option(
            names = "--as-of",
            paramLabel = "ISO-8601",
            description = "evaluate time-based rules up to this instant (default: the last event)")
    String asOf;

    @Option(
            names = "--max-out-of-orderness",
            paramLabel = "DURATION",
            defaultValue = "1h",
            description =
                    "how far out of order the file may be, e.g. 1h (default: ${DEFAULT-VALUE})")
    Duration bound;

    @Option(names = "--parallelism", defaultValue = "1", description = "default: ${DEFAULT-VALUE}")
    int parallelism;

    @Mixin JobParameterOptions parameters = new JobParameterOptions();

    public static void main(String[] args) {
        Cli.exit(new Replay(), args);
    }

    @Override
    public Integer call() throws Exception {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("mode", "replay");
        settings.put("watermark.max-out-of-orderness", bound.toMillis() + " ms");
        settings.put("watermark.idleness", "0 ms");
        if (asOf != null) {
            settings.put("replay.as-of", asOf);
        }
        settings.putAll(parameters.settings());
        if (parallelism < 1) {
            throw new Cli.UsageError("--parallelism must be at least 1, got " + parallelism);
        }
        if (!Files.isRegularFile(input)) {
            throw new Cli.UsageError("--input: no such file: " + input);
        }
        settings.put("job.parallelism", Integer.toString(parallelism));
        JobConfig config = JobConfig.parse(settings);

        Configuration flink = flinkConfiguration(out);
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(parallelism, flink);
        long started = System.nanoTime();
        ReplayRunner.Result result = ReplayRunner.run(env, config, input, out);
        ReplayOutputs.deleteTree(out.resolve(".checkpoints"));
        System.out.printf(
                "replayed %s as of %s in %.1f s at parallelism %d%n",
                input, result.asOf(), (System.nanoTime() - started) / 1e9, parallelism);
        Path outDir = out;
        result.lines()
                .forEach(
                        (name, n) ->
                                System.out.printf(
                                        "  %-16s %8d  %s%n",
                                        name, n, outDir.resolve(name + ".jsonl")));
        printCampaigns(out.resolve("campaign_daily.jsonl"), config);
        return 0;
    }

    /** Campaign totals over the replay, each ratio beside its reference (DESIGN section 7). */
    private static void printCampaigns(Path file, JobConfig config) throws java.io.IOException {
        java.util.Map<String, long[]> totals = new java.util.TreeMap<>();
        for (String line : Files.readAllLines(file)) {
            var n = io.customerpulse.json.AvroJson.MAPPER.readTree(line);
            long[] t = totals.computeIfAbsent(n.get("campaign_id").asText(), k -> new long[5]);
            t[0] += n.get("impressions").asLong();
            t[1] += n.get("clicks").asLong();
            t[2] += n.get("spend_minor").asLong();
            t[3] += n.get("attributed_sales_minor").asLong();
            t[4] += n.get("new_customers").asLong();
        }
        if (totals.isEmpty()) {
            return;
        }
        var targets = config.campaigns();
        System.out.printf(
                "%ncampaigns (all days)   %12s %8s %12s %14s %9s %9s %9s %5s%n",
                "impressions", "clicks", "spend", "sales", "CTR", "ACoS", "CPM", "new");
        System.out.printf(
                "  reference            %12s %8s %12s %14s %9s %9s %9s%n",
                "",
                "",
                "",
                "",
                String.format(">%.1f%%", targets.ctrMin() * 100),
                String.format("<=%.0f%%", targets.acosMax() * 100),
                String.format("%.1f-%.1f", targets.cpmMin(), targets.cpmMax()));
        totals.forEach(
                (campaign, t) ->
                        System.out.printf(
                                "  %-20s %12d %8d %12.2f %14.2f %9s %9s %9s %5d%n",
                                campaign,
                                t[0],
                                t[1],
                                t[2] / 100.0,
                                t[3] / 100.0,
                                t[0] == 0 ? "-" : String.format("%.2f%%", 100.0 * t[1] / t[0]),
                                t[3] == 0 ? "-" : String.format("%.1f%%", 100.0 * t[2] / t[3]),
                                t[0] == 0 ? "-" : String.format("%.2f", t[2] / 100.0 / t[0] * 1000),
                                t[4]));
    }

    /** flink-conf/config.yaml when present, with checkpoints kept beside the outputs. */
    private static Configuration flinkConfiguration(Path out) {
        Configuration conf = EmbeddedFlink.configuration();
        // a replay is bounded and deterministic: a failure would only repeat, so surface it
        conf.setString("restart-strategy.type", "none");
        conf.setString(
                "execution.checkpointing.dir",
                out.resolve(".checkpoints").toAbsolutePath().toUri().toString());
        return conf;
    }
}
