package io.customerpulse.tools.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.customerpulse.avro.SegmentChange;
import io.customerpulse.config.Cli;
import io.customerpulse.config.JobArgs;
import io.customerpulse.config.JobConfig;
import io.customerpulse.ingest.JsonEventDecoder;
import io.customerpulse.json.AvroJson;
import io.customerpulse.kafka.AvroBytes;
import io.customerpulse.kafka.KafkaSettings;
import io.customerpulse.kafka.ReleasedSchemas;
import io.customerpulse.replay.ReplayRunner;
import io.customerpulse.testkit.CampaignRows;
import io.customerpulse.testkit.FlinkRest;
import io.customerpulse.testkit.Sentinels;
import io.customerpulse.testkit.TableRows;
import io.customerpulse.testkit.TopicReader;
import io.customerpulse.testkit.TrafficGenerator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code scripts/soak}: a fixed generated input through the job on the standalone cluster of {@code
 * scripts/cluster} while TaskManager processes are {@code kill -9}'d at random moments and
 * replaced. The tables and topics are then compared with an undisturbed run of the same input (a
 * replay as of the live job's final watermark, which the end-to-end test shows equal to a live
 * run): duplicates and losses are counted and printed, with each kill's recovery time. Exit status
 * 1 if anything differs.
 */
@Command(
        name = "soak",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Crash and recover on the real cluster: kill -9 TaskManagers during a fixed input and"
                    + " compare the tables and topics with an undisturbed run."
        })
public final class Soak implements Callable<Integer> {
    private static final FlinkRest REST = new FlinkRest("http://localhost:8081");

    private static final long INTERVAL = 10_000;
    private static final Duration BOUND = Duration.ofHours(1);

    /**
     * The job's attribution window (its default): a campaign day is final at next midnight + it.
     */
    private static final Duration ATTRIBUTION_WINDOW = JobConfig.defaults().attribution().window();

    @Option(
            names = "--kills",
            defaultValue = "3",
            description = "TaskManagers killed (default: ${DEFAULT-VALUE})")
    int kills;

    @Option(
            names = "--days",
            defaultValue = "60",
            description = "simulated days of traffic (default: ${DEFAULT-VALUE})")
    int days;

    @Option(names = "--seed", defaultValue = "7", description = "generator seed")
    long seed;

    @Option(
            names = "--from-jar",
            paramLabel = "JAR",
            description = "start on this (earlier) job jar")
    Path fromJar;

    @Option(
            names = "--upgrade-jar",
            paramLabel = "JAR",
            description = "half-way, stop with a savepoint and go on with this jar")
    Path upgradeJar;

    @Option(
            names = "--cluster",
            paramLabel = "DIR",
            defaultValue = "target/cluster",
            description = "the cluster of scripts/cluster (default: ${DEFAULT-VALUE})")
    Path cluster;

    @Option(
            names = "--check-arguments",
            hidden = true,
            description = "check the arguments and exit (scripts/soak, before it starts a cluster)")
    boolean checkOnly;

    public static void main(String[] args) {
        Cli.exit(new Soak(), args);
    }

    @Override
    public Integer call() throws Exception {
        if (kills < 0 || days < 1) {
            throw new Cli.UsageError("--kills must be at least 0 and --days at least 1");
        }
        for (Path jar : new Path[] {fromJar, upgradeJar}) {
            if (jar != null && !Files.isRegularFile(jar)) {
                throw new Cli.UsageError("no such jar: " + jar);
            }
        }
        if (checkOnly) {
            return 0;
        }
        run(
                kills,
                upgradeJar == null ? null : upgradeJar.toString(),
                fromJar == null ? null : fromJar.toString(),
                seed,
                days,
                cluster);
        return 0;
    }

    private static void run(
            int kills, String upgradeJar, String fromJar, long seed, int days, Path cluster)
            throws Exception {
        Map<String, String> infra = JobArgs.load(cluster.resolve("infra.properties"));
        JobConfig config = JobConfig.parse(infra);
        boolean plain = plain(fromJar);

        // the fixed input: generated traffic, then one event per topic and partition past the end
        Instant start = Instant.parse("2025-01-01T00:00:00Z");
        TrafficGenerator generator = new TrafficGenerator(seed, start, 8);
        List<String> lines = new ArrayList<>();
        long end = start.plus(Duration.ofDays(days)).toEpochMilli();
        while (generator.peekTime() < end) {
            lines.add(AvroJson.MAPPER.writeValueAsString(generator.next()));
        }
        long finalWatermark = Sentinels.finalWatermark(end, INTERVAL);
        Path work = cluster.resolve("soak");
        Files.createDirectories(work);
        Path input = work.resolve("input.jsonl");
        Files.write(input, lines, StandardCharsets.UTF_8);
        Path reference = replay(input, finalWatermark, work.resolve("undisturbed"));

        // --from-jar: the run starts on another release's jar (an upgrade-check from it)
        String jobId = submit(fromJar == null ? List.of() : List.of("--jar", fromJar));
        List<Long> recoveries = new ArrayList<>();
        Random random = new Random(seed);
        int pauses = kills + (upgradeJar == null ? 0 : 1);
        int chunk = lines.size() / (pauses + 1) + 1;
        try (KafkaProducer<String, byte[]> producer = producer(config.kafka())) {
            for (int k = 0, from = 0; from < lines.size(); k++, from += chunk) {
                for (String line : lines.subList(from, Math.min(lines.size(), from + chunk))) {
                    send(producer, config.kafka(), AvroJson.MAPPER.readTree(line), plain);
                }
                producer.flush();
                if (k < kills) {
                    Thread.sleep(200 + random.nextInt(1_300)); // records in flight
                    recoveries.add(killTaskManager(cluster, jobId, random));
                } else if (k < pauses) {
                    jobId = upgrade(jobId, upgradeJar);
                }
            }
            for (String line :
                    Sentinels.lines(
                            Instant.ofEpochMilli(finalWatermark + BOUND.toMillis() + 1),
                            "SP-auto")) {
                JsonNode s = AvroJson.MAPPER.readTree(line);
                for (int p = 0; p < 2; p++) {
                    producer.send(
                            new ProducerRecord<>(
                                    config.kafka().topic(AvroBytes.topicOf(s.get("type").asText())),
                                    p,
                                    "s",
                                    encode(JsonEventDecoder.toRecord(s), plain)));
                }
            }
        }

        Map<String, Map<String, String>> expected = expected(reference, config.postgres().url());
        if (fromJar != null) {
            // a release before lifecycle actions and seller health had none: they start at upgrade
            expected.remove("customer_action");
            expected.remove("seller_health");
        }
        Map<String, Map<String, String>> actual = Map.of();
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            actual = actual(config.postgres().url());
            if (differences(expected, actual, fromJar != null) == 0) {
                break;
            }
            Thread.sleep(2_000);
        }
        int exit = 0;
        System.out.printf(
                "%nsoak: %d events, %d kill -9 of a TaskManager; recovery ms %s (median %d, max %d)%n",
                lines.size(),
                recoveries.size(),
                recoveries,
                recoveries.isEmpty() ? 0 : median(recoveries),
                recoveries.isEmpty() ? 0 : Collections.max(recoveries));
        if (upgradeJar != null) {
            System.out.printf(
                    "  %supgraded from a savepoint to %s%n",
                    fromJar == null ? "" : "started on " + fromJar + ", ", upgradeJar);
        }
        for (String table : expected.keySet()) {
            Map<String, String> e = expected.get(table);
            Map<String, String> a = actual.getOrDefault(table, Map.of());
            boolean earlier = fromJar != null && table.equals("campaign_daily");
            long lost =
                    e.keySet().stream()
                            .filter(key -> !same(key, e.get(key), a.get(key), earlier))
                            .count();
            long extra = a.keySet().stream().filter(key -> !e.containsKey(key)).count();
            System.out.printf(
                    "  table %-17s rows compared %6d, lost or different %d, extra %d%n",
                    table, e.size(), lost, extra);
            exit |= lost + extra > 0 ? 1 : 0;
            if (earlier) {
                System.out.printf(
                        "    of them %d with the earlier release's version (figures equal, version"
                                + " not above this build's)%n",
                        e.keySet().stream()
                                .filter(key -> !e.get(key).equals(a.get(key)))
                                .filter(key -> same(key, e.get(key), a.get(key), true))
                                .count());
            }
            e.keySet().stream()
                    .filter(key -> !same(key, e.get(key), a.get(key), earlier))
                    .limit(3)
                    .forEach(
                            key ->
                                    System.out.printf(
                                            "    %s: expected %s, found %s%n",
                                            key, e.get(key), a.get(key)));
        }
        // read_committed: records become visible when the checkpoint after them completes. The
        // whole records are compared as multisets: a record twice is a duplicate even if another
        // is missing, and one that differs in any field counts as lost and unexpected.
        List<String> fields =
                SegmentChange.getClassSchema().getFields().stream().map(f -> f.name()).toList();
        Map<String, Integer> wanted = new TreeMap<>();
        for (String line : Files.readAllLines(reference.resolve("segment_changes.jsonl"))) {
            wanted.merge(TableRows.of(AvroJson.MAPPER.readTree(line), fields), 1, Integer::sum);
        }
        int expectedRecords = wanted.values().stream().mapToInt(Integer::intValue).sum();
        Map<String, Integer> found = new TreeMap<>();
        long topicDeadline = System.currentTimeMillis() + 90_000;
        while (System.currentTimeMillis() < topicDeadline) {
            found.clear();
            for (SegmentChange c :
                    TopicReader.readCommitted(
                            config.kafka().clientProperties(),
                            config.kafka().topic(KafkaSettings.SEGMENT_CHANGES),
                            SegmentChange.class,
                            ReleasedSchemas.released())) {
                found.merge(
                        TableRows.of(AvroJson.MAPPER.readTree(AvroJson.toJson(c)), fields),
                        1,
                        Integer::sum);
            }
            if (found.values().stream().mapToInt(Integer::intValue).sum() >= expectedRecords) {
                break;
            }
            Thread.sleep(2_000);
        }
        long losses = 0;
        long duplicates = 0;
        long unexpected = 0;
        for (var e : wanted.entrySet()) {
            int got = found.getOrDefault(e.getKey(), 0);
            losses += Math.max(0, e.getValue() - got);
            duplicates += Math.max(0, got - e.getValue());
        }
        for (var e : found.entrySet()) {
            if (!wanted.containsKey(e.getKey())) {
                unexpected += e.getValue();
            }
        }
        System.out.printf(
                "  topic segment-changes  records %6d (expected %d), duplicates %d, losses %d,"
                        + " unexpected %d%n",
                found.values().stream().mapToInt(Integer::intValue).sum(),
                expectedRecords,
                duplicates,
                losses,
                unexpected);
        wanted.keySet().stream()
                .filter(k -> !found.containsKey(k))
                .limit(3)
                .forEach(k -> System.out.printf("    lost: %s%n", k));
        exit |= duplicates + losses + unexpected != 0 ? 1 : 0;
        cancel(jobId);
        System.out.println(
                exit == 0 ? "soak: nothing lost, nothing doubled" : "soak: DIFFERENCES FOUND");
        System.exit(exit);
    }

    /** Rows lost, different or extra in all tables. */
    private static long differences(
            Map<String, Map<String, String>> expected,
            Map<String, Map<String, String>> actual,
            boolean fromEarlierRelease) {
        long n = 0;
        for (String table : expected.keySet()) {
            Map<String, String> e = expected.get(table);
            Map<String, String> a = actual.getOrDefault(table, Map.of());
            boolean earlier = fromEarlierRelease && table.equals("campaign_daily");
            n +=
                    e.keySet().stream()
                            .filter(key -> !same(key, e.get(key), a.get(key), earlier))
                            .count();
            n += a.keySet().stream().filter(key -> !e.containsKey(key)).count();
        }
        return n;
    }

    /**
     * Whether a row is as expected. A run started on an earlier release ({@code --from-jar}) may
     * hold campaign days that release wrote final and this build never writes again; their version
     * follows that release's rule (before 9f7aad3: the final time alone). Such a row passes only if
     * every figure and the final flag are equal, this build's row is final too, and its version is
     * exactly that final time — next midnight plus the attribution window — below this build's.
     */
    private static boolean same(
            String key, String expected, String actual, boolean earlierRelease) {
        if (expected.equals(actual)) {
            return true;
        }
        if (!earlierRelease || actual == null) {
            return false;
        }
        int e = expected.lastIndexOf('|');
        int a = actual.lastIndexOf('|');
        long finalAt =
                (LocalDate.parse(key.substring(key.lastIndexOf('|') + 1)).toEpochDay() + 1)
                                * 86_400_000L
                        + ATTRIBUTION_WINDOW.toMillis();
        long version = Long.parseLong(actual.substring(a + 1));
        return expected.substring(0, e).equals(actual.substring(0, a))
                && expected.substring(0, e).endsWith("|true")
                && version == finalAt
                && version < Long.parseLong(expected.substring(e + 1));
    }

    private static Path replay(Path input, long asOf, Path out) throws Exception {
        Map<String, String> s = new HashMap<>();
        s.put("mode", "replay");
        s.put("watermark.max-out-of-orderness", "1 h");
        s.put("watermark.idleness", "0 ms");
        s.put("replay.as-of", Instant.ofEpochMilli(asOf).toString());
        s.put("job.parallelism", "1");
        ReplayRunner.run(
                StreamExecutionEnvironment.createLocalEnvironment(1, new Configuration()),
                JobConfig.parse(s),
                input,
                out);
        return out;
    }

    private static String submit(List<String> options) throws Exception {
        List<String> command = new ArrayList<>(List.of("scripts/cluster", "submit"));
        command.addAll(options);
        command.addAll(
                List.of(
                        "--set",
                        "watermark.wall-clock-max-delay=0 ms",
                        "--set",
                        "watermark.idleness=0 ms",
                        "--set",
                        "watermark.max-out-of-orderness=1 h",
                        "--set",
                        "kafka.group-id=soak",
                        "--set",
                        "kafka.transactional-id-prefix=soak"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        int i = out.indexOf("JobID ");
        if (i < 0) {
            throw new IllegalStateException("submission failed:\n" + out);
        }
        String job = out.substring(i + 6).trim().split("\\s+")[0];
        awaitRunning(job);
        return job;
    }

    /**
     * Stops the job with a savepoint (the REST API, as {@code flink stop} does) and starts {@code
     * jar} from it: the upgrade procedure of docs/operations.md.
     */
    private static String upgrade(String job, String jar) throws Exception {
        String trigger =
                REST.post("/jobs/" + job + "/stop", "{\"drain\":false}")
                        .path("request-id")
                        .asText();
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            JsonNode status = REST.get("/jobs/" + job + "/savepoints/" + trigger);
            if ("COMPLETED".equals(status.path("status").path("id").asText())) {
                JsonNode op = status.path("operation");
                if (!op.has("location")) {
                    throw new IllegalStateException("stop with savepoint failed: " + op);
                }
                String savepoint = op.get("location").asText();
                System.out.printf("  savepoint %s; starting %s from it%n", savepoint, jar);
                return submit(List.of("--savepoint", savepoint, "--jar", jar));
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("no savepoint within 120 s");
    }

    /** kill -9 of a TaskManager that runs tasks of the job (an idle one proves nothing). */
    private static long killTaskManager(Path cluster, String job, Random random) throws Exception {
        JsonNode tms = REST.get("/taskmanagers").path("taskmanagers");
        List<Path> busy = new ArrayList<>();
        for (JsonNode tm : tms) {
            Path pidFile = cluster.resolve(tm.path("id").asText() + ".pid");
            if (tm.path("freeSlots").asInt() < tm.path("slotsNumber").asInt()
                    && Files.exists(pidFile)) {
                busy.add(pidFile);
            }
        }
        if (busy.isEmpty()) {
            throw new IllegalStateException("no TaskManager runs the job: " + tms);
        }
        Collections.sort(busy);
        Path victim = busy.get(random.nextInt(busy.size()));
        long pid = Long.parseLong(Files.readString(victim).trim());
        long killed = System.nanoTime();
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly); // kill -9
        Files.delete(victim);
        new ProcessBuilder("scripts/cluster", "taskmanager").inheritIO().start().waitFor();
        // the JobManager notices the death after the heartbeat timeout: wait for the failover
        // first, or the job still looks RUNNING and the recovery time would be a lie
        long noticeBy = System.currentTimeMillis() + 30_000;
        while (running(job)) {
            if (System.currentTimeMillis() > noticeBy) {
                throw new IllegalStateException("the job did not notice the kill within 30 s");
            }
            Thread.sleep(100);
        }
        awaitRunning(job);
        return (System.nanoTime() - killed) / 1_000_000;
    }

    /** Until the job is RUNNING with every task running (the REST API of the cluster). */
    private static void awaitRunning(String job) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            if (running(job)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("job " + job + " did not recover within 120 s");
    }

    /** Whether the job and every one of its tasks are RUNNING. */
    private static boolean running(String job) throws Exception {
        return REST.running(job, false);
    }

    private static void cancel(String job) throws Exception {
        REST.patch("/jobs/" + job + "?mode=cancel");
    }

    private static KafkaProducer<String, byte[]> producer(KafkaSettings kafka) {
        Properties p = kafka.clientProperties();
        p.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
        p.put("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
        return new KafkaProducer<>(p);
    }

    /**
     * Whether the input is written as plain Avro binary: when the run starts on an earlier jar,
     * which may predate the single-object encoding, as its producers did (the upgraded job reads
     * both). Producers move to the single-object encoding after the job is upgraded, never before.
     */
    private static boolean plain(String fromJar) {
        return fromJar != null;
    }

    private static byte[] encode(org.apache.avro.specific.SpecificRecord r, boolean plain) {
        return plain ? AvroBytes.encodePlain(r) : AvroBytes.encode(r);
    }

    private static void send(
            KafkaProducer<String, byte[]> producer, KafkaSettings kafka, JsonNode n, boolean plain)
            throws Exception {
        int partition = Math.floorMod(AvroBytes.keyOf(n).hashCode(), 2);
        producer.send(
                new ProducerRecord<>(
                        kafka.topic(AvroBytes.topicOf(n.get("type").asText())),
                        partition,
                        AvroBytes.keyOf(n),
                        encode(JsonEventDecoder.toRecord(n), plain)));
    }

    /**
     * The undisturbed run's tables, as comparable rows: customers, segment changes and customer
     * actions whole (every column of the table, {@link TableRows}), campaign days as {@link
     * CampaignRows}, whose version an upgrade from an earlier release may leave lower.
     */
    private static Map<String, Map<String, String>> expected(Path out, String jdbc)
            throws Exception {
        List<String> profileColumns;
        List<String> changeColumns;
        try (Connection c = DriverManager.getConnection(jdbc)) {
            profileColumns = TableRows.columns(c, "customer_profile");
            changeColumns = TableRows.columns(c, "segment_change");
        }
        Map<String, Map<String, String>> t = new TreeMap<>();
        t.put(
                "customer_profile",
                rows(
                        out.resolve("profiles.jsonl"),
                        n -> n.get("customer_id").asText(),
                        n -> TableRows.of(n, profileColumns)));
        t.put(
                "segment_change",
                rows(
                        out.resolve("segment_changes.jsonl"),
                        n ->
                                n.get("customer_id").asText()
                                        + "|"
                                        + Instant.parse(n.get("at").asText())
                                        + "|"
                                        + n.get("to_segment").asText(),
                        n -> TableRows.of(n, changeColumns)));
        List<String> actionColumns;
        List<String> healthColumns;
        try (Connection c = DriverManager.getConnection(jdbc)) {
            actionColumns = TableRows.columns(c, "customer_action");
            healthColumns = TableRows.columns(c, "seller_health");
        }
        // the table keeps each day's latest version; the file has every version, in order
        t.put(
                "seller_health",
                rows(
                        out.resolve("seller_health.jsonl"),
                        n -> n.get("marketplace").asText() + "|" + n.get("day").asText(),
                        n -> TableRows.of(n, healthColumns)));
        t.put(
                "customer_action",
                rows(
                        out.resolve("actions.jsonl"),
                        n -> n.get("action_id").asText(),
                        n -> TableRows.of(n, actionColumns)));
        t.put(
                "campaign_daily",
                rows(
                        out.resolve("campaign_daily.jsonl"),
                        n -> n.get("campaign_id").asText() + "|" + n.get("day").asText(),
                        CampaignRows::of));
        return t;
    }

    private interface Field {
        String of(JsonNode n);
    }

    private static Map<String, String> rows(Path file, Field key, Field value) throws Exception {
        Map<String, String> m = new TreeMap<>();
        for (String line : Files.readAllLines(file)) {
            JsonNode n = AvroJson.MAPPER.readTree(line);
            m.put(key.of(n), value.of(n));
        }
        return m;
    }

    private static Map<String, Map<String, String>> actual(String jdbc) {
        Map<String, Map<String, String>> t = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(jdbc);
                Statement s = c.createStatement()) {
            List<String> profileColumns = TableRows.columns(c, "customer_profile");
            Map<String, String> profiles = new TreeMap<>();
            try (ResultSet r = s.executeQuery("SELECT * FROM customer_profile")) {
                while (r.next()) {
                    profiles.put(r.getString("customer_id"), TableRows.of(r, profileColumns));
                }
            }
            t.put("customer_profile", profiles);
            List<String> changeColumns = TableRows.columns(c, "segment_change");
            Map<String, String> changes = new TreeMap<>();
            try (ResultSet r = s.executeQuery("SELECT * FROM segment_change")) {
                while (r.next()) {
                    changes.put(
                            r.getString("customer_id")
                                    + "|"
                                    + r.getTimestamp("at").toInstant()
                                    + "|"
                                    + r.getString("to_segment"),
                            TableRows.of(r, changeColumns));
                }
            }
            t.put("segment_change", changes);
            List<String> actionColumns = TableRows.columns(c, "customer_action");
            Map<String, String> actions = new TreeMap<>();
            try (ResultSet r = s.executeQuery("SELECT * FROM customer_action")) {
                while (r.next()) {
                    actions.put(r.getString("action_id"), TableRows.of(r, actionColumns));
                }
            }
            t.put("customer_action", actions);
            List<String> healthColumns = TableRows.columns(c, "seller_health");
            Map<String, String> health = new TreeMap<>();
            try (ResultSet r = s.executeQuery("SELECT * FROM seller_health")) {
                while (r.next()) {
                    health.put(
                            r.getString("marketplace") + "|" + r.getString("day"),
                            TableRows.of(r, healthColumns));
                }
            }
            t.put("seller_health", health);
            t.put(
                    "campaign_daily",
                    query(
                            s,
                            "SELECT campaign_id || '|' || day, concat_ws('|', impressions, clicks, spend_minor,"
                                    + " attributed_orders, attributed_sales_minor,"
                                    + " attributed_returns_minor, new_customers,"
                                    + " CASE WHEN final THEN 'true' ELSE 'false' END, version)"
                                    + " FROM campaign_daily"));
        } catch (java.sql.SQLException e) {
            return Map.of();
        }
        return t;
    }

    private static Map<String, String> query(Statement s, String sql) throws java.sql.SQLException {
        Map<String, String> m = new TreeMap<>();
        try (ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
                m.put(r.getString(1), r.getString(2));
            }
        }
        return m;
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
    }
}
