package io.customerpulse.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.customerpulse.CustomerPulseJob;
import io.customerpulse.avro.ChurnAlert;
import io.customerpulse.avro.CustomerProfile;
import io.customerpulse.avro.RejectedEvent;
import io.customerpulse.avro.SegmentChange;
import io.customerpulse.config.JobConfig;
import io.customerpulse.ingest.JsonEventDecoder;
import io.customerpulse.json.AvroJson;
import io.customerpulse.kafka.AvroBytes;
import io.customerpulse.kafka.KafkaSettings;
import io.customerpulse.kafka.Topics;
import io.customerpulse.local.EmbeddedKafka;
import io.customerpulse.local.LocalPostgres;
import io.customerpulse.replay.ReplayRunner;
import io.customerpulse.testing.Flink;
import io.customerpulse.testing.GeneratedEvents;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job on a real Kafka broker and a real PostgreSQL (both started by this test, no mocks): what
 * is published to the input topics comes out in the output topics (read_committed) and in the
 * tables, equal to a replay of the same events as of the live job's final watermark; bad records
 * end in dead-letter while the rest flows; a quiet partition does not hold back churn timers.
 */
@Timeout(300)
class EndToEndITCase {
    private static final Instant START = Instant.parse("2024-03-01T00:00:00Z");
    private static final Duration BOUND = Duration.ofHours(1);
    private static final long INTERVAL = 10_000;

    @RegisterExtension static final MiniClusterExtension FLINK = Flink.miniCluster();

    @TempDir static Path dir;
    static EmbeddedKafka kafka;
    static LocalPostgres postgres;

    @BeforeAll
    static void startInfrastructure() throws Exception {
        kafka = EmbeddedKafka.start();
        postgres = LocalPostgres.start(dir.resolve("pg"));
    }

    @AfterAll
    static void stopInfrastructure() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

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

    @Test
    void shouldWriteTopicsAndTablesEqualToAReplayAndDeadLetterBadRecords() throws Exception {
        String prefix = "modes.";
        Map<String, String> settings = liveSettings(prefix);
        settings.put("watermark.wall-clock-max-delay", "0 ms"); // the two modes agree
        settings.put("watermark.idleness", "0 ms");
        settings.put("watermark.max-out-of-orderness", "1 h");
        JobConfig config = JobConfig.parse(settings);
        Topics.create(config.kafka(), 1, (short) 1);

        GeneratedEvents generated = new GeneratedEvents(3, 150, START, Duration.ofDays(150));
        List<String> lines =
                new ArrayList<>(generated.lines.stream().map(GeneratedEvents.Line::json).toList());
        Instant last = generated.lines.get(generated.lines.size() - 1).at();
        long finalWatermark = (Math.floorDiv(last.toEpochMilli(), INTERVAL) + 2) * INTERVAL;
        Instant sentinelAt = Instant.ofEpochMilli(finalWatermark + BOUND.toMillis() + 1);
        lines.addAll(
                sentinels(sentinelAt)); // move every topic's watermark to exactly finalWatermark
        Path file = dir.resolve("modes.jsonl");
        Files.write(file, lines, StandardCharsets.UTF_8);
        produce(config.kafka(), lines);

        JobClient job = startLive(config);
        try {
            Path replay = dir.resolve("modes-replay");
            Map<String, String> replaySettings = new HashMap<>();
            replaySettings.put("mode", "replay");
            replaySettings.put("watermark.max-out-of-orderness", "1 h");
            replaySettings.put("watermark.idleness", "0 ms");
            replaySettings.put("replay.as-of", Instant.ofEpochMilli(finalWatermark).toString());
            replaySettings.put("job.parallelism", "1");
            ReplayRunner.run(
                    StreamExecutionEnvironment.getExecutionEnvironment(new Configuration()),
                    JobConfig.parse(replaySettings),
                    file,
                    replay);

            Map<String, String> profiles =
                    keyed(
                            replay,
                            "profiles",
                            n -> n.get("customer_id").asText(),
                            EndToEndITCase::profileRow);
            TreeSet<String> changes =
                    new TreeSet<>(
                            keyed(replay, "segment_changes", EndToEndITCase::changeRow, n -> "")
                                    .keySet());
            Map<String, String> campaigns =
                    keyed(
                            replay,
                            "campaign_daily",
                            n -> n.get("campaign_id").asText() + " " + n.get("day").asText(),
                            EndToEndITCase::campaignRow);
            assertThat(profiles).hasSizeGreaterThan(100);
            assertThat(campaigns).isNotEmpty();

            awaitEqual(
                    "customer_profile",
                    profiles,
                    () ->
                            query(
                                    "SELECT * FROM customer_profile",
                                    "customer_id",
                                    EndToEndITCase::profileRow));
            awaitEqual(
                    "segment_change",
                    changes,
                    () ->
                            new TreeSet<>(
                                    query(
                                                    "SELECT * FROM segment_change",
                                                    EndToEndITCase::changeRow,
                                                    r -> "")
                                            .keySet()));
            awaitEqual(
                    "campaign_daily",
                    campaigns,
                    () ->
                            query(
                                    "SELECT * FROM campaign_daily",
                                    r -> r.getString("campaign_id") + " " + r.getString("day"),
                                    EndToEndITCase::campaignRow));

            Map<String, Long> versions = new TreeMap<>();
            profiles.forEach((k, v) -> versions.put(k, Long.parseLong(v.split("\\|")[1])));
            awaitEqual(
                    "customer-profiles topic (read_committed)",
                    versions,
                    () -> {
                        Map<String, Long> latest = new TreeMap<>();
                        for (CustomerProfile p :
                                readCommitted(
                                        config.kafka().topic(KafkaSettings.PROFILES),
                                        CustomerProfile.class)) {
                            latest.merge(p.getCustomerId(), p.getVersion(), Math::max);
                        }
                        return latest;
                    });

            List<RejectedEvent> dead =
                    readCommitted(
                            config.kafka().topic(KafkaSettings.DEAD_LETTER), RejectedEvent.class);
            assertThat(dead)
                    .extracting(RejectedEvent::getReason)
                    .containsExactlyInAnyOrder("MALFORMED", "NEGATIVE_AMOUNT");
            assertThat(dead)
                    .allSatisfy(
                            r -> {
                                assertThat(r.getSource()).isEqualTo(prefix + KafkaSettings.ORDERS);
                                assertThat(r.getOffset()).isNotNegative();
                                assertThat(r.getPayload().remaining()).isPositive();
                            });
        } finally {
            job.cancel().get();
        }
    }

    @Test
    void shouldFireChurnTimersWhilePartitionsAreQuiet() throws Exception {
        String prefix = "quiet.";
        Map<String, String> settings = liveSettings(prefix);
        settings.put("watermark.idleness", "1 s");
        settings.put("watermark.wall-clock-max-delay", "1 min");
        JobConfig config = JobConfig.parse(settings);
        Topics.create(
                config.kafka(), 2, (short) 1); // partition 1 of every topic never gets a record

        Instant longAgo = Instant.now().minus(Duration.ofDays(61)).truncatedTo(ChronoUnit.MILLIS);
        produce(
                config.kafka(),
                List.of(
                        "{\"type\":\"order\",\"event_id\":\"q1\",\"customer_id\":\"quiet-1\",\"event_time\":\""
                                + longAgo
                                + "\",\"marketplace\":\"US\",\"order_id\":\"Q1\",\"total_minor\":4200,\"currency\":\"USD\"}"));
        JobClient job = startLive(config);
        try {
            List<ChurnAlert> alerts =
                    await(
                            "a churn alert",
                            () -> {
                                List<ChurnAlert> a =
                                        readCommitted(
                                                config.kafka().topic(KafkaSettings.CHURN_ALERTS),
                                                ChurnAlert.class);
                                return a.isEmpty() ? null : a;
                            });
            assertThat(alerts)
                    .singleElement()
                    .satisfies(
                            a -> {
                                assertThat(a.getCustomerId()).isEqualTo("quiet-1");
                                assertThat(a.getAt()).isEqualTo(longAgo.plus(Duration.ofDays(60)));
                            });
        } finally {
            job.cancel().get();
        }
    }

    @Test
    void shouldLoseAndDoubleNothingWhenTaskManagersDie(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        String prefix = "chaos.";
        Map<String, String> settings = liveSettings(prefix);
        settings.put("watermark.wall-clock-max-delay", "0 ms");
        settings.put("watermark.idleness", "0 ms");
        settings.put("watermark.max-out-of-orderness", "1 h");
        JobConfig config = JobConfig.parse(settings);
        Topics.create(config.kafka(), 1, (short) 1);

        GeneratedEvents generated = new GeneratedEvents(5, 300, START, Duration.ofDays(150));
        List<String> lines =
                new ArrayList<>(generated.lines.stream().map(GeneratedEvents.Line::json).toList());
        Instant last = generated.lines.get(generated.lines.size() - 1).at();
        long finalWatermark = (Math.floorDiv(last.toEpochMilli(), INTERVAL) + 2) * INTERVAL;
        lines.addAll(sentinels(Instant.ofEpochMilli(finalWatermark + BOUND.toMillis() + 1)));
        Path file = dir.resolve("chaos.jsonl");
        Files.write(file, lines, StandardCharsets.UTF_8);
        Path replay = replayAsOf(file, finalWatermark, "chaos-replay");

        Configuration flink = new Configuration();
        flink.setString("restart-strategy.type", "fixed-delay");
        flink.setString("restart-strategy.fixed-delay.attempts", "1000");
        flink.setString("restart-strategy.fixed-delay.delay", "500 ms");
        JobClient job = startLive(config, flink);
        List<Long> recoveries = new ArrayList<>();
        try {
            // kill while records are in flight: after a chunk is produced, before it is
            // checkpointed
            java.util.Random random = new java.util.Random(17);
            int chunk = lines.size() / 6 + 1;
            for (int i = 0; i < lines.size(); i += chunk) {
                produce(config.kafka(), lines.subList(i, Math.min(lines.size(), i + chunk)));
                Thread.sleep(200 + random.nextInt(900));
                long killed = System.nanoTime();
                cluster.terminateTaskManager(0).get();
                cluster.startTaskManager();
                awaitRunning(cluster, job);
                recoveries.add((System.nanoTime() - killed) / 1_000_000);
            }
            assertThat(recoveries).hasSizeGreaterThanOrEqualTo(3);
            assertSameAsReplay(config, replay);

            // exactly once on Kafka. customer-profiles is compacted (the log cleaner may drop old
            // versions), so it can show duplicates but not losses; segment-changes keeps
            // everything.
            Map<String, List<Long>> versions = new TreeMap<>();
            for (CustomerProfile p :
                    readCommitted(
                            config.kafka().topic(KafkaSettings.PROFILES), CustomerProfile.class)) {
                versions.computeIfAbsent(p.getCustomerId(), k -> new ArrayList<>())
                        .add(p.getVersion());
            }
            long profileRecords = versions.values().stream().mapToLong(List::size).sum();
            long profileDuplicates =
                    versions.values().stream()
                            .mapToLong(v -> v.size() - v.stream().distinct().count())
                            .sum();
            List<String> changes = new ArrayList<>();
            for (SegmentChange c :
                    readCommitted(
                            config.kafka().topic(KafkaSettings.SEGMENT_CHANGES),
                            SegmentChange.class)) {
                changes.add(
                        String.join(
                                "|",
                                c.getCustomerId(),
                                c.getAt().toString(),
                                String.valueOf(c.getFromSegment()),
                                String.valueOf(c.getToSegment()),
                                c.getReason(),
                                Long.toString(c.getVersion())));
            }
            TreeSet<String> expected =
                    new TreeSet<>(
                            keyed(replay, "segment_changes", EndToEndITCase::changeRow, n -> "")
                                    .keySet());
            long changeDuplicates = changes.size() - new TreeSet<>(changes).size();
            long changeLosses = expected.stream().filter(c -> !changes.contains(c)).count();
            System.out.printf(
                    "fault injection: %d TaskManager kills, recovery ms %s; customer-profiles records %d,"
                            + " duplicates %d; segment-changes records %d (expected %d), duplicates %d,"
                            + " losses %d%n",
                    recoveries.size(),
                    recoveries,
                    profileRecords,
                    profileDuplicates,
                    changes.size(),
                    expected.size(),
                    changeDuplicates,
                    changeLosses);
            assertThat(profileDuplicates).isZero();
            assertThat(changeDuplicates).isZero();
            assertThat(changeLosses).isZero();
            assertThat(new TreeSet<>(changes)).isEqualTo(expected);
        } finally {
            job.cancel().get();
        }
    }

    private static void awaitRunning(MiniCluster cluster, JobClient job) throws Exception {
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
    private static Path replayAsOf(Path file, long asOf, String name) throws Exception {
        Path replay = dir.resolve(name);
        Map<String, String> replaySettings = new HashMap<>();
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
    private static void assertSameAsReplay(JobConfig config, Path replay) throws Exception {
        String db = config.postgres().url();
        Map<String, String> profiles =
                keyed(
                        replay,
                        "profiles",
                        n -> n.get("customer_id").asText(),
                        EndToEndITCase::profileRow);
        TreeSet<String> changes =
                new TreeSet<>(
                        keyed(replay, "segment_changes", EndToEndITCase::changeRow, n -> "")
                                .keySet());
        Map<String, String> campaigns =
                keyed(
                        replay,
                        "campaign_daily",
                        n -> n.get("campaign_id").asText() + " " + n.get("day").asText(),
                        EndToEndITCase::campaignRow);
        awaitEqual(
                "customer_profile",
                profiles,
                () ->
                        query(
                                db,
                                "SELECT * FROM customer_profile",
                                r -> r.getString("customer_id"),
                                EndToEndITCase::profileRow));
        awaitEqual(
                "segment_change",
                changes,
                () ->
                        new TreeSet<>(
                                query(
                                                db,
                                                "SELECT * FROM segment_change",
                                                EndToEndITCase::changeRow,
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
                                EndToEndITCase::campaignRow));
        Map<String, Long> versions = new TreeMap<>();
        profiles.forEach((k, v) -> versions.put(k, Long.parseLong(v.split("\\|")[1])));
        awaitEqual(
                "customer-profiles topic (read_committed)",
                versions,
                () -> {
                    Map<String, Long> latest = new TreeMap<>();
                    for (CustomerProfile p :
                            readCommitted(
                                    config.kafka().topic(KafkaSettings.PROFILES),
                                    CustomerProfile.class)) {
                        latest.merge(p.getCustomerId(), p.getVersion(), Math::max);
                    }
                    return latest;
                });
    }

    // --- helpers ---------------------------------------------------------------------------

    private static List<String> sentinels(Instant at) {
        String t = at.toString();
        return List.of(
                "{\"type\":\"order\",\"event_id\":\"s1\",\"customer_id\":\"sentinel\",\"event_time\":\""
                        + t
                        + "\",\"marketplace\":\"US\",\"order_id\":\"S1\",\"total_minor\":1,\"currency\":\"USD\"}",
                "{\"type\":\"return\",\"event_id\":\"s2\",\"customer_id\":\"sentinel\",\"event_time\":\""
                        + t
                        + "\",\"marketplace\":\"US\",\"order_id\":\"S1\",\"refund_minor\":1,\"currency\":\"USD\"}",
                "{\"type\":\"ad\",\"event_id\":\"s3\",\"customer_id\":null,\"event_time\":\""
                        + t
                        + "\",\"marketplace\":\"US\",\"ad_type\":\"IMPRESSION\",\"campaign_id\":\"SP-0\",\"cost_minor\":0,\"currency\":\"USD\"}",
                "{\"type\":\"interaction\",\"event_id\":\"s4\",\"customer_id\":\"sentinel\",\"event_time\":\""
                        + t
                        + "\",\"marketplace\":\"US\",\"interaction_type\":\"PAGE_VIEW\"}");
    }

    /**
     * Publishes replay-format lines as Avro to their input topics; a line that is not JSON goes to
     * orders as is.
     */
    static void produce(KafkaSettings settings, List<String> lines) throws Exception {
        Properties p = settings.clientProperties();
        p.put("key.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
        p.put("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
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
                producer.send(new ProducerRecord<>(settings.topic(topic), 0, null, value));
            }
            producer.flush();
        }
    }

    static <T extends SpecificRecord> List<T> readCommitted(String topic, Class<T> type)
            throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put("isolation.level", "read_committed");
        p.put("key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
        p.put("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
        List<T> out = new ArrayList<>();
        SpecificDatumReader<T> reader = new SpecificDatumReader<>(type);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(topic).stream()
                            .map(i -> new TopicPartition(topic, i.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.currentTimeMillis() + 10_000;
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
                    && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    out.add(reader.read(null, DecoderFactory.get().binaryDecoder(r.value(), null)));
                }
            }
        }
        return out;
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

    static String instant(JsonNode n) {
        return n.isNull() ? "null" : Instant.parse(n.asText()).toString();
    }

    static String instant(ResultSet r, String column) throws Exception {
        java.time.OffsetDateTime t = r.getObject(column, java.time.OffsetDateTime.class);
        return t == null ? "null" : t.toInstant().toString();
    }

    static String profileRow(JsonNode n) {
        return String.join(
                "|",
                n.get("customer_id").asText(),
                n.get("version").asText(),
                n.get("orders_total").asText(),
                n.get("gmv_minor").asText(),
                n.get("refunds_minor").asText(),
                n.get("returned_orders").asText(),
                n.get("orders_90d").asText(),
                n.get("segment").asText("null"),
                instant(n.get("segment_since")),
                n.get("acquisition_campaign").asText("null"),
                n.get("cac_minor").asText("null"),
                instant(n.get("updated_at")));
    }

    static String profileRow(ResultSet r) throws Exception {
        return String.join(
                "|",
                r.getString("customer_id"),
                r.getString("version"),
                r.getString("orders_total"),
                r.getString("gmv_minor"),
                r.getString("refunds_minor"),
                r.getString("returned_orders"),
                r.getString("orders_90d"),
                String.valueOf(r.getString("segment")),
                instant(r, "segment_since"),
                String.valueOf(r.getString("acquisition_campaign")),
                String.valueOf(r.getString("cac_minor")),
                instant(r, "updated_at"));
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

    static String campaignRow(JsonNode n) {
        return String.join(
                "|",
                n.get("impressions").asText(),
                n.get("clicks").asText(),
                n.get("spend_minor").asText(),
                n.get("attributed_orders").asText(),
                n.get("attributed_sales_minor").asText(),
                n.get("attributed_returns_minor").asText(),
                n.get("new_customers").asText(),
                n.get("final").asText(),
                n.get("version").asText());
    }

    static String campaignRow(ResultSet r) throws Exception {
        return String.join(
                "|",
                r.getString("impressions"),
                r.getString("clicks"),
                r.getString("spend_minor"),
                r.getString("attributed_orders"),
                r.getString("attributed_sales_minor"),
                r.getString("attributed_returns_minor"),
                r.getString("new_customers"),
                String.valueOf(r.getBoolean("final")),
                r.getString("version"));
    }

    static <T> void awaitEqual(String what, T expected, Callable<T> actual) throws Exception {
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
        assertThat(last).as(what).isEqualTo(expected);
    }

    static <T> T await(String what, Callable<T> probe) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            T value = probe.call();
            if (value != null) {
                return value;
            }
            Thread.sleep(1_000);
        }
        throw new AssertionError("timed out waiting for " + what);
    }
}
