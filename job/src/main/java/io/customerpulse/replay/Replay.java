package io.customerpulse.replay;

import io.customerpulse.config.ConfigException;
import io.customerpulse.config.JobConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * {@code scripts/replay}: the job bounded over a file, on a local Flink with the settings of
 * flink-conf/config.yaml (RocksDB, checkpoints).
 *
 * <pre>
 * replay --input EVENTS.jsonl --out DIR [--as-of ISO-8601] [--max-out-of-orderness DURATION]
 *        [--parallelism N] [--set key=value ...]
 * </pre>
 */
public final class Replay {
    private static final String USAGE =
            "usage: replay --input EVENTS.jsonl --out DIR [--as-of ISO-8601]"
                    + " [--max-out-of-orderness DURATION] [--parallelism N] [--set key=value ...]";

    private Replay() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("mode", "replay");
        settings.put("watermark.max-out-of-orderness", "1 h");
        settings.put("watermark.idleness", "0 ms");
        Path input = null;
        Path out = null;
        int parallelism = 1;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--input" -> input = Path.of(require(args[i], value));
                case "--out" -> out = Path.of(require(args[i], value));
                case "--as-of" -> settings.put("replay.as-of", require(args[i], value));
                case "--max-out-of-orderness" ->
                        settings.put("watermark.max-out-of-orderness", require(args[i], value));
                case "--parallelism" -> parallelism = Integer.parseInt(require(args[i], value));
                case "--set" -> {
                    String[] kv = require(args[i], value).split("=", 2);
                    if (kv.length != 2) {
                        fail("--set takes key=value, got '" + value + "'");
                    }
                    settings.put(kv[0], kv[1]);
                }
                default -> fail("unknown option " + args[i]);
            }
            i++;
        }
        if (input == null || out == null) {
            fail("--input and --out are required");
        }
        if (!Files.isRegularFile(input)) {
            fail("no such input file: " + input);
        }
        settings.put("job.parallelism", Integer.toString(parallelism));
        JobConfig config;
        try {
            config = JobConfig.parse(settings);
        } catch (ConfigException e) {
            fail(e.getMessage());
            return;
        }

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
        String dir = System.getProperty("customerpulse.flink-conf", "flink-conf");
        Configuration conf =
                Files.isRegularFile(Path.of(dir, "config.yaml"))
                        ? GlobalConfiguration.loadConfiguration(dir)
                        : new Configuration();
        // a replay is bounded and deterministic: a failure would only repeat, so surface it
        conf.setString("restart-strategy.type", "none");
        conf.setString(
                "execution.checkpointing.dir",
                out.resolve(".checkpoints").toAbsolutePath().toUri().toString());
        return conf;
    }

    private static String require(String option, String value) {
        if (value == null) {
            fail(option + " needs a value");
        }
        return value;
    }

    private static void fail(String message) {
        System.err.println("replay: " + message);
        System.err.println(USAGE);
        System.exit(2);
    }
}
