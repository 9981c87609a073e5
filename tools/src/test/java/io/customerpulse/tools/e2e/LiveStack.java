package io.customerpulse.tools.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.customerpulse.CustomerPulseJob;
import io.customerpulse.avro.CustomerProfile;
import io.customerpulse.avro.SegmentChange;
import io.customerpulse.config.JobConfig;
import io.customerpulse.ingest.JsonEventDecoder;
import io.customerpulse.json.AvroJson;
import io.customerpulse.kafka.AvroBytes;
import io.customerpulse.kafka.KafkaSettings;
import io.customerpulse.kafka.ReleasedSchemas;
import io.customerpulse.replay.ReplayRunner;
import io.customerpulse.testing.GeneratedEvents;
import io.customerpulse.testkit.CampaignRows;
import io.customerpulse.testkit.EmbeddedKafka;
import io.customerpulse.testkit.LocalPostgres;
import io.customerpulse.testkit.Sentinels;
import io.customerpulse.testkit.TableRows;
import io.customerpulse.testkit.TopicReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The live stack of the end-to-end tests, as a JUnit extension: one real Kafka broker and one real
 * PostgreSQL for the whole test run (started by the first test class that uses them, stopped when
 * the run ends; each scenario has its own topic prefix and database), and what the scenarios do
 * with them — job settings, generated scenarios with their replay, producing, reading
 * read_committed, querying the tables, awaiting a condition, comparing with a replay.
 */
final class LiveStack implements BeforeAllCallback {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(LiveStack.class);

    static Path dir;
    static EmbeddedKafka kafka;
    static LocalPostgres postgres;

    @Override
    public void beforeAll(ExtensionContext context) {
        Infra infra =
                context.getRoot()
                        .getStore(NAMESPACE)
                        .getOrComputeIfAbsent(Infra.class, k -> Infra.start(), Infra.class);
        dir = infra.dir;
        kafka = infra.kafka;
        postgres = infra.postgres;
    }

    /** The broker and the database of a test run; closed by JUnit when the run ends. */
    private record Infra(Path dir, EmbeddedKafka kafka, LocalPostgres postgres)
            implements AutoCloseable {
        static Infra start() {
            try {
                Path dir = Files.createTempDirectory("e2e-");
                return new Infra(
                        dir, EmbeddedKafka.start(), LocalPostgres.start(dir.resolve("pg")));
            } catch (Exception e) {
                throw new IllegalStateException("the live stack did not start", e);
            }
        }

        @Override
        public void close() throws Exception {
            try (kafka) {
                postgres.close();
            }
        }
    }

    static final Instant START = Instant.parse("2024-03-01T00:00:00Z");
    static final Duration BOUND = Duration.ofHours(1);
    static final long INTERVAL = 10_000;

    static Map<String, String> liveSettings(String prefix) throws Exception {
        Map<String, String> s = new HashMap<>();
        s.put("mode", "live");
        s.put("kafka.bootstrap-servers", kafka.bootstrapServers());
        s.put("kafka.topic-prefix", prefix);
        s.put("kafka.group-id", prefix + "job");
        s.put("kafka.transactional-id-prefix", prefix + "job");
        s.put("kafka.starting-offsets", "earliest");
        s.put("postgres.url", postgres.database(prefix.replace(".", "")));
        s.put("postgres.user", "postgres");
        s.put("job.parallelism", "1");
        return s;
    }

    /**
     * Live settings whose results equal a replay: no wall-clock advance, no idleness, 1 h bound.
     */
    static Map<String, String> deterministicSettings(String prefix) throws Exception {
        Map<String, String> s = liveSettings(prefix);
        s.put("watermark.wall-clock-max-delay", "0 ms");
        s.put("watermark.idleness", "0 ms");
        s.put("watermark.max-out-of-orderness", "1 h");
        return s;
    }

    /**
     * Generated events, then sentinels that move every topic's watermark to exactly finalWatermark.
     */
    record Scenario(List<String> lines, long finalWatermark, Path file, Path replay) {}

    /** A scenario written to {@code <name>.jsonl}, with its replay as of the final watermark. */
    static Scenario scenario(String name, long seed, int customers) throws Exception {
        GeneratedEvents generated =
                new GeneratedEvents(seed, customers, START, Duration.ofDays(150));
        List<String> lines =
                new ArrayList<>(generated.lines.stream().map(GeneratedEvents.Line::json).toList());
        Instant last = generated.lines.get(generated.lines.size() - 1).at();
        long finalWatermark = Sentinels.finalWatermark(last.toEpochMilli(), INTERVAL);
        lines.addAll(
                Sentinels.lines(
                        Instant.ofEpochMilli(finalWatermark + BOUND.toMillis() + 1), "SP-0"));
        Path file = dir.resolve(name + ".jsonl");
        Files.write(file, lines, StandardCharsets.UTF_8);
        return new Scenario(
                lines, finalWatermark, file, replayAsOf(file, finalWatermark, name + "-replay"));
    }

    /** Many quick restarts: the fault tests restart the job again and again. */
    static Configuration fixedDelayRestarts(String delay) {
        Configuration flink = new Configuration();
        flink.setString("restart-strategy.type", "fixed-delay");
        flink.setString("restart-strategy.fixed-delay.attempts", "1000");
        flink.setString("restart-strategy.fixed-delay.delay", delay);
        return flink;
    }

    static JobClient startLive(JobConfig config) throws Exception {
        return startLive(config, new Configuration());
    }

    static JobClient startLive(JobConfig config, Configuration flink) throws Exception {
        flink.setString("state.backend.type", "rocksdb");
        flink.setString("execution.checkpointing.interval", "1 s");
        flink.setString(
                "execution.checkpointing.dir",
                dir.resolve("cp-" + config.kafka().topicPrefix()).toUri().toString());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        CustomerPulseJob.buildLive(env, config);
        return env.executeAsync("customer-pulse e2e");
    }

    static long completedCheckpoints(MiniCluster cluster, JobClient job) throws Exception {
        return cluster.getExecutionGraph(job.getJobID())
                .get()
                .getCheckpointStatsSnapshot()
                .getCounts()
                .getNumberOfCompletedCheckpoints();
    }

    static JsonNode readTree(String line) {
        try {
            return AvroJson.MAPPER.readTree(line);
        } catch (Exception e) {
            throw new IllegalArgumentException(line, e);
        }
    }

    static byte[] avro(String line) throws Exception {
        return AvroBytes.encode(JsonEventDecoder.toRecord(readTree(line)));
    }

    static void produceRaw(KafkaSettings settings, List<Object[]> records) throws Exception {
        Properties p = settings.clientProperties();
        p.put("key.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
        p.put("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            for (Object[] r : records) {
                producer.send(
                        new ProducerRecord<>(
                                settings.topic((String) r[0]), 0, null, (byte[]) r[1]));
            }
            producer.flush();
        }
    }

    static void awaitRunning(MiniCluster cluster, JobClient job) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            var graph = cluster.getExecutionGraph(job.getJobID()).get();
            boolean allRunning = graph.getState() == org.apache.flink.api.common.JobStatus.RUNNING;
            for (var v : graph.getAllExecutionVertices()) {
                allRunning &=
                        v.getExecutionState()
                                == org.apache.flink.runtime.execution.ExecutionState.RUNNING;
            }
            if (allRunning) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the job did not recover within 60 s");
    }

    /**
     * A replay of {@code file} as of {@code asOf}, the way the live job's final watermark sees it.
     */
    static Path replayAsOf(Path file, long asOf, String name) throws Exception {
        return replayAsOf(file, asOf, name, Map.of());
    }

    /** The same with job parameters of the live run's ({@code settings}) the replay needs too. */
    static Path replayAsOf(Path file, long asOf, String name, Map<String, String> settings)
            throws Exception {
        Path replay = dir.resolve(name);
        Map<String, String> replaySettings = new HashMap<>(settings);
        replaySettings.put("mode", "replay");
        replaySettings.put("watermark.max-out-of-orderness", "1 h");
        replaySettings.put("watermark.idleness", "0 ms");
        replaySettings.put("replay.as-of", Instant.ofEpochMilli(asOf).toString());
        replaySettings.put("job.parallelism", "1");
        ReplayRunner.run(
                StreamExecutionEnvironment.getExecutionEnvironment(new Configuration()),
                JobConfig.parse(replaySettings),
                file,
                replay);
        return replay;
    }

    /** Tables and the profiles topic equal the replay's outputs. */
    /** The seller_health columns compared with the replay (the counts, the flags, the version). */
    private static final List<String> HEALTH_COLUMNS =
            List.of(
                    "orders_90d",
                    "feedback_90d",
                    "negative_feedback_90d",
                    "positive_feedback_90d",
                    "messages_due_90d",
                    "answered_in_24h_90d",
                    "month_gmv_minor",
                    "repeat_buyer_gmv_minor",
                    "negative_feedback_ok",
                    "positive_feedback_ok",
                    "response_ok",
                    "final",
                    "version");

    static void assertSameAsReplay(JobConfig config, Path replay) throws Exception {
        assertSameAsReplay(config, replay, Long.MIN_VALUE);
    }

    /**
     * The same for a live job that went on from a bootstrap as of {@code liveFrom}: the tables and
     * the compacted profiles hold everything, the actions topic only what became due after it.
     */
    static void assertSameAsReplay(JobConfig config, Path replay, long liveFrom) throws Exception {
        String db = config.postgres().url();
        // whole rows, every column but the write's wall clock (the tables exist once the job ran
        // its migrations, which it does before its first record)
        List<String> profileColumns = await("the tables", () -> columns(db, "customer_profile"));
        List<String> changeColumns = await("the tables", () -> columns(db, "segment_change"));
        Map<String, String> profiles =
                keyed(
                        replay,
                        "profiles",
                        n -> n.get("customer_id").asText(),
                        n -> TableRows.of(n, profileColumns));
        Map<String, Long> versions = new TreeMap<>();
        keyed(
                        replay,
                        "profiles",
                        n -> n.get("customer_id").asText(),
                        n -> n.get("version").asText())
                .forEach((k, v) -> versions.put(k, Long.parseLong(v)));
        TreeSet<String> changes =
                new TreeSet<>(
                        keyed(
                                        replay,
                                        "segment_changes",
                                        n -> TableRows.of(asStored(n), changeColumns),
                                        n -> "")
                                .keySet());
        List<String> actionColumns = await("the tables", () -> columns(db, "customer_action"));
        Map<String, String> actions =
                keyed(
                        replay,
                        "actions",
                        n -> n.get("action_id").asText(),
                        n -> TableRows.of(n, actionColumns));
        // the topic: DUE only, each once
        List<String> due = new ArrayList<>();
        keyed(
                        replay,
                        "actions",
                        n -> n.get("action_id").asText(),
                        n ->
                                String.valueOf(
                                        n.get("status").asText().equals("DUE")
                                                && Instant.parse(n.get("due_at").asText())
                                                                .toEpochMilli()
                                                        > liveFrom))
                .forEach(
                        (id, dueLive) -> {
                            if (dueLive.equals("true")) {
                                due.add(id);
                            }
                        });
        Map<String, String> campaigns =
                keyed(
                        replay,
                        "campaign_daily",
                        n -> n.get("campaign_id").asText() + " " + n.get("day").asText(),
                        CampaignRows::of);
        awaitEqual(
                "customer_profile",
                profiles,
                () ->
                        query(
                                db,
                                "SELECT * FROM customer_profile",
                                r -> r.getString("customer_id"),
                                r -> TableRows.of(r, profileColumns)));
        awaitEqual(
                "segment_change",
                changes,
                () ->
                        new TreeSet<>(
                                query(
                                                db,
                                                "SELECT * FROM segment_change",
                                                r -> TableRows.of(r, changeColumns),
                                                r -> "")
                                        .keySet()));
        awaitEqual(
                "campaign_daily",
                campaigns,
                () ->
                        query(
                                db,
                                "SELECT * FROM campaign_daily",
                                r -> r.getString("campaign_id") + " " + r.getString("day"),
                                CampaignRows::of));
        awaitEqual(
                "customer_action",
                actions,
                () ->
                        query(
                                db,
                                "SELECT * FROM customer_action",
                                r -> r.getString("action_id"),
                                r -> TableRows.of(r, actionColumns)));
        // an erased customer's actions stay on the topic (it is not compacted: retention deletes
        // them, docs/operations.md) while the replay and the table forget them
        Map<String, java.time.Instant> erased = new TreeMap<>();
        Path erasures = replay.resolve("erasures.jsonl");
        if (Files.exists(erasures)) {
            for (String line : Files.readAllLines(erasures)) {
                JsonNode n = AvroJson.MAPPER.readTree(line);
                erased.put(
                        n.get("customer_id").asText(),
                        java.time.Instant.parse(n.get("erased_at").asText()));
            }
        }
        Callable<List<String>> dueOnTopic =
                () -> {
                    List<String> ids = new ArrayList<>();
                    for (io.customerpulse.avro.CustomerAction a :
                            readCommitted(
                                    config.kafka(),
                                    config.kafka().topic(KafkaSettings.CUSTOMER_ACTIONS),
                                    io.customerpulse.avro.CustomerAction.class)) {
                        java.time.Instant upTo = erased.get(a.getCustomerId());
                        if (upTo == null || a.getDueAt().isAfter(upTo)) {
                            ids.add(a.getActionId());
                        }
                    }
                    ids.sort(null);
                    return ids;
                };
        awaitEqual(
                "customer-actions topic (read_committed): DUE only, each once",
                due,
                dueOnTopic,
                () ->
                        difference(due, dueOnTopic.call())
                                + "; "
                                + transactionsOf(
                                        config.kafka(),
                                        config.kafka().topic(KafkaSettings.CUSTOMER_ACTIONS)));
        // the aggregates the triggers kept equal what V6's backfill computes from the rows (the
        // way a database of an earlier release is upgraded): the two ways agree
        String recomputed =
                "SELECT kind, key, sum(customers) AS customers, sum(amount) AS amount FROM ("
                        + " SELECT c.* FROM customer_profile p, LATERAL dashboard_contributions(p) c"
                        + " UNION ALL SELECT c.* FROM segment_change s,"
                        + " LATERAL dashboard_change_contributions(s) c) x GROUP BY kind, key";
        String nonZero = " WHERE customers <> 0 OR amount <> 0 ORDER BY kind, key";
        assertThat(rows(db, "SELECT * FROM dashboard_current" + nonZero))
                .as("dashboard aggregates kept by the triggers = recomputed from the rows")
                .isEqualTo(rows(db, "SELECT * FROM (" + recomputed + ") r" + nonZero))
                .isNotEmpty();
        // the dashboard views from the aggregates the triggers keep equal the scans of every row,
        // before and after the deltas are folded into the totals
        for (int pass = 0; pass < 2; pass++) {
            for (String[] view : DASHBOARD_VIEWS) {
                assertThat(rows(db, "SELECT * FROM " + view[0] + " ORDER BY " + view[1]))
                        .as("view %s equal to %s_exact", view[0], view[0])
                        .isEqualTo(
                                rows(db, "SELECT * FROM " + view[0] + "_exact ORDER BY " + view[1]))
                        .isNotEmpty();
            }
            rows(db, "SELECT dashboard_rollup()");
        }
        // stamped when written, not with their event time: a broker's time-based retention would
        // delete records stamped years ago at its next check (it runs every second here)
        long started = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
        for (String output :
                List.of(KafkaSettings.CUSTOMER_ACTIONS, KafkaSettings.SEGMENT_CHANGES)) {
            assertThat(
                            TopicReader.timestamps(
                                    config.kafka().clientProperties(),
                                    config.kafka().topic(output)))
                    .as("Kafka timestamps of %s", output)
                    .allMatch(t -> t >= started, "not before this test JVM started");
        }
        Map<String, String> health = new TreeMap<>();
        Map<String, Integer> healthVersions = new HashMap<>();
        for (String line : Files.readAllLines(replay.resolve("seller_health.jsonl"))) {
            JsonNode n = AvroJson.MAPPER.readTree(line);
            String key = n.get("marketplace").asText() + " " + n.get("day").asText();
            int version = n.get("version").asInt();
            if (version > healthVersions.getOrDefault(key, 0)) { // the table keeps the latest
                healthVersions.put(key, version);
                health.put(
                        key,
                        HEALTH_COLUMNS.stream()
                                .map(c -> n.get(c).asText("null"))
                                .toList()
                                .toString());
            }
        }
        awaitEqual(
                "seller_health (the latest version of each day)",
                health,
                () ->
                        query(
                                db,
                                "SELECT * FROM seller_health",
                                r -> r.getString("marketplace") + " " + r.getString("day"),
                                r -> {
                                    List<String> values = new ArrayList<>();
                                    for (String c : HEALTH_COLUMNS) {
                                        values.add(String.valueOf(r.getObject(c)));
                                    }
                                    return values.toString();
                                }));
        awaitEqual(
                "customer-profiles topic (read_committed)",
                versions,
                () -> {
                    // as a consumer of the compacted topic sees it: the last record per key,
                    // none after a tombstone (an erased customer)
                    Map<String, Long> latest = new TreeMap<>();
                    for (Map.Entry<String, CustomerProfile> r : profileRecords(config)) {
                        if (r.getValue() == null) {
                            latest.remove(r.getKey());
                        } else {
                            latest.put(r.getKey(), r.getValue().getVersion());
                        }
                    }
                    return latest;
                },
                () -> transactionsOf(config.kafka(), config.kafka().topic(KafkaSettings.PROFILES)));
    }

    // --- helpers ---------------------------------------------------------------------------

    /** Settings that reach a kept local-stack run's broker and database as the job's role. */
    static JobConfig keptRun(
            io.customerpulse.testkit.LocalKafka kafka,
            io.customerpulse.tools.local.LocalData.Database db) {
        Map<String, String> s = new HashMap<>();
        s.put("mode", "live");
        s.put("kafka.bootstrap-servers", kafka.bootstrapServers());
        s.put(
                "postgres.url",
                db.url() + "?user=" + db.job().user() + "&password=" + db.job().password());
        return JobConfig.parse(s);
    }

    /**
     * The dashboard page's panels ({@code /api/panels}) over the kept database of a local-stack
     * run, read as the page's read-only role.
     */
    static JsonNode dashboardPanels(io.customerpulse.tools.local.LocalData.Database db)
            throws Exception {
        try (io.customerpulse.tools.dashboard.DashboardServer page =
                new io.customerpulse.tools.dashboard.DashboardServer(
                        "127.0.0.1",
                        0,
                        db.url(),
                        db.reader().properties(),
                        Duration.ofSeconds(5))) {
            java.net.http.HttpResponse<String> panels =
                    java.net.http.HttpClient.newHttpClient()
                            .send(
                                    java.net.http.HttpRequest.newBuilder(
                                                    java.net.URI.create(page.url() + "api/panels"))
                                            .build(),
                                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(panels.statusCode()).isEqualTo(200);
            return AvroJson.MAPPER.readTree(panels.body());
        }
    }

    /** customer-profiles as (key, profile) in topic order; a tombstone as (key, null). */
    static List<Map.Entry<String, CustomerProfile>> profileRecords(JobConfig config)
            throws Exception {
        return TopicReader.readCommittedKeyed(
                config.kafka().clientProperties(),
                config.kafka().topic(KafkaSettings.PROFILES),
                CustomerProfile.class,
                ReleasedSchemas.released());
    }

    /** A segment change as the table holds it: a change to none (an expiry) as EXPIRED. */
    static JsonNode asStored(JsonNode change) {
        if (!change.path("to_segment").isNull()) {
            return change;
        }
        com.fasterxml.jackson.databind.node.ObjectNode stored =
                ((com.fasterxml.jackson.databind.node.ObjectNode) change).deepCopy();
        stored.put("to_segment", "EXPIRED");
        return stored;
    }

    /** Each dashboard view with an order of its rows. */
    private static final String[][] DASHBOARD_VIEWS = {
        {"segment_counts", "segment"},
        {"segment_counts_daily", "day, segment"},
        {"clv_distribution", "bucket"},
        {"gmv_concentration", "customers"},
        {"cohort_retention", "cohort"}
    };

    /** Every row of a query, each as its columns' text. */
    static List<List<String>> rows(String db, String sql) throws Exception {
        List<List<String>> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(db);
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            int n = r.getMetaData().getColumnCount();
            while (r.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(r.getString(i));
                }
                out.add(row);
            }
        }
        return out;
    }

    /**
     * Publishes replay-format lines as Avro to their input topics; a line that is not JSON goes to
     * orders as is.
     */
    static void produce(KafkaSettings settings, List<String> lines) throws Exception {
        produce(settings, lines, 1);
    }

    /**
     * Partitions by customer (or event id); sentinel events go to every partition. A producer that
     * retries what failed: records go in chunks, and a record whose send failed (a broker stopping
     * under it: "out of order sequence number") is sent again, by a new producer, before the next
     * chunk — displaced by less than a chunk, far inside the bound. A record sent twice is the same
     * event_id, which the job drops.
     */
    static void produce(KafkaSettings settings, List<String> lines, int partitions)
            throws Exception {
        Properties p = settings.clientProperties();
        p.put("key.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
        p.put("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (String line : lines) {
            String topic;
            byte[] value;
            try {
                JsonNode n = AvroJson.MAPPER.readTree(line);
                topic = AvroBytes.topicOf(n.get("type").asText());
                value = AvroBytes.encode(JsonEventDecoder.toRecord(n));
            } catch (Exception notJson) {
                topic = KafkaSettings.ORDERS;
                value = line.getBytes(StandardCharsets.UTF_8);
            }
            String key =
                    line.contains("\"customer_id\":\"")
                            ? line.split("\"customer_id\":\"")[1].split("\"")[0]
                            : line;
            if (key.equals("sentinel") || line.contains("\"event_id\":\"s3\"")) {
                for (int p0 = 0; p0 < partitions; p0++) {
                    records.add(new ProducerRecord<>(settings.topic(topic), p0, null, value));
                }
            } else {
                int partition = Math.floorMod(key.hashCode(), partitions);
                records.add(new ProducerRecord<>(settings.topic(topic), partition, null, value));
            }
        }
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p);
        try {
            for (int from = 0; from < records.size(); from += 200) {
                List<ProducerRecord<byte[], byte[]>> chunk =
                        records.subList(from, Math.min(records.size(), from + 200));
                for (int attempt = 1; !chunk.isEmpty(); attempt++) {
                    List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
                    for (ProducerRecord<byte[], byte[]> r : chunk) {
                        sent.add(producer.send(r));
                    }
                    producer.flush();
                    List<ProducerRecord<byte[], byte[]>> failed = new ArrayList<>();
                    for (int i = 0; i < chunk.size(); i++) {
                        try {
                            sent.get(i).get();
                        } catch (java.util.concurrent.ExecutionException e) {
                            failed.add(chunk.get(i));
                        }
                    }
                    if (!failed.isEmpty()) {
                        if (attempt == 5) {
                            throw new IllegalStateException(
                                    failed.size() + " records could not be produced");
                        }
                        producer.close();
                        producer = new KafkaProducer<>(p);
                    }
                    chunk = failed;
                }
            }
        } finally {
            producer.close();
        }
    }

    static <T extends SpecificRecord> List<T> readCommitted(String topic, Class<T> type)
            throws Exception {
        Properties client = new Properties();
        client.put("bootstrap.servers", kafka.bootstrapServers());
        return TopicReader.readCommitted(client, topic, type, ReleasedSchemas.released());
    }

    /** The same on the brokers of {@code kafka}. */
    static <T extends SpecificRecord> List<T> readCommitted(
            KafkaSettings kafka, String topic, Class<T> type) throws Exception {
        return TopicReader.readCommitted(
                kafka.clientProperties(), topic, type, ReleasedSchemas.released());
    }

    static Map<String, String> keyed(
            Path out, String name, Function<JsonNode, String> key, Function<JsonNode, String> row)
            throws Exception {
        Map<String, String> m = new TreeMap<>();
        for (String line : Files.readAllLines(out.resolve(name + ".jsonl"))) {
            JsonNode n = AvroJson.MAPPER.readTree(line);
            m.put(key.apply(n), row.apply(n));
        }
        return m;
    }

    interface Row {
        String get(ResultSet r) throws Exception;
    }

    static Map<String, String> query(String sql, String keyColumn, Row row) throws Exception {
        return query(sql, r -> r.getString(keyColumn), row);
    }

    static Map<String, String> query(String sql, Row key, Row row) throws Exception {
        return query(postgres.database("modes"), sql, key, row);
    }

    static Map<String, String> query(String db, String sql, Row key, Row row) throws Exception {
        Map<String, String> m = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(db);
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
                m.put(key.get(r), row.get(r));
            }
        }
        return m;
    }

    /** The table's columns, or null while the job has not created it yet. */
    private static List<String> columns(String db, String table) {
        try (Connection c = DriverManager.getConnection(db)) {
            return TableRows.columns(c, table);
        } catch (java.sql.SQLException notYet) {
            return null;
        }
    }

    static String instant(JsonNode n) {
        return n.isNull() ? "null" : Instant.parse(n.asText()).toString();
    }

    static String instant(ResultSet r, String column) throws Exception {
        java.time.OffsetDateTime t = r.getObject(column, java.time.OffsetDateTime.class);
        return t == null ? "null" : t.toInstant().toString();
    }

    static String changeRow(JsonNode n) {
        return String.join(
                "|",
                n.get("customer_id").asText(),
                instant(n.get("at")),
                n.get("from_segment").asText("null"),
                n.get("to_segment").asText(),
                n.get("reason").asText(),
                n.get("version").asText());
    }

    /** The replay's segment changes, one row each ({@link #changeRow}). */
    static TreeSet<String> expectedChanges(Path replay) throws Exception {
        return new TreeSet<>(
                keyed(replay, "segment_changes", LiveStack::changeRow, n -> "").keySet());
    }

    /**
     * Awaits every one of {@code expected} committed on the segment-changes topic (the tables can
     * equal the replay a checkpoint before the last transaction commits); returns every committed
     * row, in topic order. {@code more} adds to the message when it times out.
     */
    static List<String> awaitChangesCommitted(
            KafkaSettings kafka, TreeSet<String> expected, Callable<String> more) throws Exception {
        String topic = kafka.topic(KafkaSettings.SEGMENT_CHANGES);
        return await(
                "every segment change committed on Kafka",
                () -> {
                    List<String> committed = committedChanges(kafka, topic);
                    return committed.containsAll(expected) ? committed : null;
                },
                () -> {
                    List<String> committed = committedChanges(kafka, topic);
                    return "missing "
                            + expected.stream().filter(c -> !committed.contains(c)).count()
                            + " of "
                            + expected.size()
                            + "; "
                            + more.call();
                });
    }

    /** The committed segment changes of {@code topic}, one row each, in topic order. */
    static List<String> committedChanges(KafkaSettings kafka, String topic) throws Exception {
        List<String> rows = new ArrayList<>();
        for (SegmentChange c : readCommitted(kafka, topic, SegmentChange.class)) {
            rows.add(
                    String.join(
                            "|",
                            c.getCustomerId(),
                            c.getAt().toString(),
                            String.valueOf(c.getFromSegment()),
                            String.valueOf(c.getToSegment()),
                            c.getReason(),
                            Long.toString(c.getVersion())));
        }
        return rows;
    }

    static String changeRow(ResultSet r) throws Exception {
        return String.join(
                "|",
                r.getString("customer_id"),
                instant(r, "at"),
                String.valueOf(r.getString("from_segment")),
                r.getString("to_segment"),
                r.getString("reason"),
                r.getString("version"));
    }

    static <T> void awaitEqual(String what, T expected, Callable<T> actual) throws Exception {
        awaitEqual(what, expected, actual, () -> "");
    }

    /** How two multisets of records differ: sizes, and the first missing and extra ones. */
    static String difference(List<String> expected, List<String> actual) {
        Map<String, Integer> count = new TreeMap<>();
        expected.forEach(e -> count.merge(e, 1, Integer::sum));
        actual.forEach(a -> count.merge(a, -1, Integer::sum));
        List<String> missing = new ArrayList<>();
        List<String> extra = new ArrayList<>();
        count.forEach(
                (k, n) -> {
                    for (int i = 0; i < Math.abs(n); i++) {
                        (n > 0 ? missing : extra).add(k);
                    }
                });
        return String.format(
                "expected %d, found %d: %d missing %s, %d extra or twice %s",
                expected.size(),
                actual.size(),
                missing.size(),
                missing.subList(0, Math.min(5, missing.size())),
                extra.size(),
                extra.subList(0, Math.min(5, extra.size())));
    }

    /** As {@link #awaitEqual(String, Object, Callable)}, with {@code diagnosis} in the message. */
    static <T> void awaitEqual(
            String what, T expected, Callable<T> actual, Callable<String> diagnosis)
            throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        T last = null;
        while (System.currentTimeMillis() < deadline) {
            try {
                last = actual.call();
                if (expected.equals(last)) {
                    return;
                }
            } catch (java.sql.SQLException notYet) {
                // the tables appear once the job has migrated them
            }
            Thread.sleep(1_000);
        }
        assertThat(last).as(what + "; " + diagnosis.call()).isEqualTo(expected);
    }

    static <T> T await(String what, Callable<T> probe) throws Exception {
        return await(what, probe, () -> "");
    }

    /** As {@link #await(String, Callable)}, with {@code diagnosis} in the failure's message. */
    static <T> T await(String what, Callable<T> probe, Callable<String> diagnosis)
            throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            T value = probe.call();
            if (value != null) {
                return value;
            }
            Thread.sleep(1_000);
        }
        throw new AssertionError("timed out waiting for " + what + "; " + diagnosis.call());
    }

    /**
     * What the broker holds for {@code topic}: records written and committed per partition (end
     * offset and last stable offset) and the transactions of the topic's job or still open.
     */
    static String transactionsOf(String topic) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        return transactionsOf(p, topic);
    }

    /** As {@link #transactionsOf(String)}, on the brokers of {@code kafka}. */
    static String transactionsOf(KafkaSettings kafka, String topic) throws Exception {
        return transactionsOf(kafka.clientProperties(), topic);
    }

    private static String transactionsOf(Properties client, String topic) throws Exception {
        try (Admin admin = Admin.create(client)) {
            List<TopicPartition> partitions =
                    admin
                            .describeTopics(List.of(topic))
                            .allTopicNames()
                            .get()
                            .get(topic)
                            .partitions()
                            .stream()
                            .map(i -> new TopicPartition(topic, i.partition()))
                            .toList();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            var written = admin.listOffsets(latest).all().get();
            var committed =
                    admin.listOffsets(
                                    latest,
                                    new ListOffsetsOptions(
                                            org.apache.kafka.common.IsolationLevel.READ_COMMITTED))
                            .all()
                            .get();
            StringBuilder out = new StringBuilder();
            for (TopicPartition tp : partitions) {
                out.append(tp)
                        .append(" end ")
                        .append(written.get(tp).offset())
                        .append(" stable ")
                        .append(committed.get(tp).offset())
                        .append("; ");
            }
            String prefix = topic.substring(0, topic.indexOf('.') + 1);
            var listings =
                    admin.listTransactions().all().get().stream()
                            .filter(
                                    l ->
                                            l.transactionalId().startsWith(prefix)
                                                    || l.state() == TransactionState.ONGOING)
                            .toList();
            var ids = listings.stream().map(TransactionListing::transactionalId).toList();
            var described = admin.describeTransactions(ids).all().get();
            for (TransactionListing l : listings) {
                var d = described.get(l.transactionalId());
                out.append(l.transactionalId())
                        .append(' ')
                        .append(l.state())
                        .append(" epoch ")
                        .append(d.producerEpoch())
                        .append(" partitions ")
                        .append(d.topicPartitions())
                        .append("; ");
            }
            return out.toString();
        }
    }
}
