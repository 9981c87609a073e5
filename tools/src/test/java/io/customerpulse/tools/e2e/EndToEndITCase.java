package io.customerpulse.tools.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.customerpulse.CustomerPulseJob;
import io.customerpulse.avro.ChurnAlert;
import io.customerpulse.avro.ClvModel;
import io.customerpulse.avro.CustomerProfile;
import io.customerpulse.avro.LateEvent;
import io.customerpulse.avro.RejectedEvent;
import io.customerpulse.avro.SegmentChange;
import io.customerpulse.clv.ClvScorer;
import io.customerpulse.clv.RfmStats;
import io.customerpulse.config.JobConfig;
import io.customerpulse.ingest.JsonEventDecoder;
import io.customerpulse.json.AvroJson;
import io.customerpulse.kafka.AvroBytes;
import io.customerpulse.kafka.KafkaSettings;
import io.customerpulse.kafka.Topics;
import io.customerpulse.replay.ReplayRunner;
import io.customerpulse.testing.Flink;
import io.customerpulse.testing.GeneratedEvents;
import io.customerpulse.testkit.CampaignRows;
import io.customerpulse.testkit.EmbeddedKafka;
import io.customerpulse.testkit.LocalPostgres;
import io.customerpulse.testkit.Sentinels;
import io.customerpulse.testkit.TopicReader;
import io.customerpulse.tools.clv.FitCommand;
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
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
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
        long finalWatermark = (Math.floorDiv(last.toEpochMilli(), INTERVAL) + 2) * INTERVAL;
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

    @Test
    void shouldWriteTopicsAndTablesEqualToAReplayAndDeadLetterBadRecords() throws Exception {
        String prefix = "modes.";
        Map<String, String> settings = deterministicSettings(prefix);
        JobConfig config = JobConfig.parse(settings);
        Topics.create(config.kafka(), 1, (short) 1);

        Scenario scenario = scenario("modes", 3, 150);
        produce(config.kafka(), scenario.lines());

        JobClient job = startLive(config);
        try {
            Path replay = scenario.replay();

            assertThat(Files.readAllLines(replay.resolve("profiles.jsonl")))
                    .hasSizeGreaterThan(100);
            assertThat(Files.readAllLines(replay.resolve("campaign_daily.jsonl"))).isNotEmpty();
            assertSameAsReplay(config, replay);

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

    /**
     * With the wall-clock advance off, Flink's idleness is what keeps quiet partitions from holding
     * time back; once every event partition is idle, the only watermark left is the model source's
     * end-of-time one, and it must not reach the customers (it once fired every churn deadline and
     * the waiting events at once, stamped weeks in the future).
     */
    @Test
    void shouldNotMoveEventTimeWhileEveryEventPartitionIsIdle(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        String prefix = "idle.";
        Map<String, String> settings = liveSettings(prefix);
        settings.put("watermark.wall-clock-max-delay", "0 ms");
        settings.put("watermark.idleness", "1 s");
        settings.put("watermark.max-out-of-orderness", "1 s");
        JobConfig config = JobConfig.parse(settings);
        Topics.create(config.kafka(), 1, (short) 1); // clv-models too: its source emits MAX
        Instant base = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MILLIS);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            lines.add(
                    json(
                            "order",
                            "idle-o" + i,
                            "idle-" + i,
                            base.plus(Duration.ofMinutes(i)),
                            "\"order_id\":\"I"
                                    + i
                                    + "\",\"total_minor\":5000,\"currency\":\"USD\""));
        }
        produce(config.kafka(), lines);
        Instant lastWatermark = base.plus(Duration.ofMinutes(2)).minusMillis(1_001);
        String db = config.postgres().url();
        JobClient job = startLive(config);
        try {
            // the first two orders are behind the events' watermark: their profiles come
            awaitEqual(
                    "profiles of the orders the watermark passed",
                    List.of("idle-0", "idle-1"),
                    () ->
                            List.copyOf(
                                    query(
                                                    db,
                                                    "select customer_id from customer_profile",
                                                    r -> r.getString(1),
                                                    r -> "")
                                            .keySet()));
            // then every event partition goes idle (1 s); give it several checkpoints
            long completed = completedCheckpoints(cluster, job);
            await(
                    "three more checkpoints",
                    () -> completedCheckpoints(cluster, job) >= completed + 3 ? true : null);

            Map<String, String> changes =
                    query(
                            db,
                            "select customer_id || ' ' || to_segment, at from segment_change",
                            r -> r.getString(1),
                            r -> r.getTimestamp(2).toInstant().toString());
            assertThat(changes).containsOnlyKeys("idle-0 POTENTIAL", "idle-1 POTENTIAL");
            assertThat(changes.values())
                    .allSatisfy(at -> assertThat(Instant.parse(at)).isBefore(lastWatermark));
            assertThat(
                            query(
                                            db,
                                            "select customer_id from customer_profile",
                                            r -> r.getString(1),
                                            r -> "")
                                    .keySet())
                    .containsExactly("idle-0", "idle-1"); // the last order still waits
            assertThat(
                            readCommitted(
                                    config.kafka().topic(KafkaSettings.CHURN_ALERTS),
                                    ChurnAlert.class))
                    .isEmpty();
        } finally {
            job.cancel().get();
        }
    }

    private static long completedCheckpoints(MiniCluster cluster, JobClient job) throws Exception {
        return cluster.getExecutionGraph(job.getJobID())
                .get()
                .getCheckpointStatsSnapshot()
                .getCounts()
                .getNumberOfCompletedCheckpoints();
    }

    /**
     * A bounded backfill in live mode without an as-of time ends with the final watermark: time
     * ends (at the wall clock: nothing is stamped later) and the job finishes. It once ran forever,
     * a dormant buyer's weekly check re-arming itself at Long.MAX_VALUE.
     */
    @Test
    @Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
    void shouldFinishABoundedLiveBackfillWithoutAnAsOfTime() throws Exception {
        String prefix = "backfill.";
        Map<String, String> settings = liveSettings(prefix);
        settings.put("kafka.bounded", "true");
        settings.put("watermark.max-out-of-orderness", "1 h");
        JobConfig config = JobConfig.parse(settings);
        Topics.create(config.kafka(), 1, (short) 1);
        GeneratedEvents generated =
                new GeneratedEvents(21, 60, START, Duration.ofDays(150)); // 2024: long past
        produce(config.kafka(), generated.lines.stream().map(GeneratedEvents.Line::json).toList());

        JobClient job = startLive(config);
        job.getJobExecutionResult().get(4, java.util.concurrent.TimeUnit.MINUTES);

        String db = config.postgres().url();
        Map<String, String> segments =
                query(
                        db,
                        "select customer_id, segment from customer_profile",
                        r -> r.getString(1),
                        r -> r.getString(2));
        assertThat(segments).hasSizeGreaterThan(50);
        assertThat(segments.values()).containsOnly("CHURN_RISK"); // time ended: all 60 days passed
        Instant limit = Instant.now().plus(Duration.ofMinutes(1));
        assertThat(
                        query(
                                        db,
                                        "select customer_id || ' ' || version, updated_at from customer_profile",
                                        r -> r.getString(1),
                                        r -> r.getTimestamp(2).toInstant().toString())
                                .values())
                .allSatisfy(at -> assertThat(Instant.parse(at)).isBefore(limit));
        // the final commit's markers reach the partitions just after the job has finished
        assertThat(
                        await(
                                "the churn alerts committed",
                                () -> {
                                    Set<String> customers =
                                            readCommitted(
                                                            config.kafka()
                                                                    .topic(
                                                                            KafkaSettings
                                                                                    .CHURN_ALERTS),
                                                            ChurnAlert.class)
                                                    .stream()
                                                    .map(ChurnAlert::getCustomerId)
                                                    .collect(java.util.stream.Collectors.toSet());
                                    return customers.size() < segments.size() ? null : customers;
                                }))
                .isEqualTo(segments.keySet());
    }

    @Test
    void shouldServeAPublishedClvModelWithoutARestart() throws Exception {
        String prefix = "clv.";
        Map<String, String> settings = liveSettings(prefix);
        settings.put("watermark.idleness", "1 s");
        settings.put("watermark.max-out-of-orderness", "1 s");
        JobConfig config = JobConfig.parse(settings);
        Topics.create(config.kafka(), 1, (short) 1);
        String db = config.postgres().url();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String order = "\"order_id\":\"%s\",\"total_minor\":%d,\"currency\":\"USD\"";
        produce(
                config.kafka(),
                List.of(
                        json(
                                "order",
                                "v1",
                                "clv-1",
                                now.minus(Duration.ofDays(20)),
                                order.formatted("V1", 2_000)),
                        json(
                                "order",
                                "v2",
                                "clv-1",
                                now.minus(Duration.ofDays(6)),
                                order.formatted("V2", 5_000))));
        JobClient job = startLive(config);
        try {
            String noPrediction =
                    await(
                            "the profile without a model",
                            () ->
                                    query(
                                                    db,
                                                    "SELECT * FROM customer_profile",
                                                    r -> r.getString("customer_id"),
                                                    r ->
                                                            r.getInt("repeat_purchases")
                                                                    + " "
                                                                    + r.getObject("p_alive"))
                                            .get("clv-1"));
            assertThat(noPrediction).isEqualTo("1 null");

            ClvModel model =
                    ClvModel.newBuilder()
                            .setModelId("clv-e2e")
                            .setFittedAt(now)
                            .setAsOf(LocalDate.ofInstant(now, ZoneOffset.UTC))
                            .setCurrency("USD")
                            .setCustomers(2_357)
                            .setRepeatCustomers(946)
                            .setR(0.2426)
                            .setAlpha(4.4136)
                            .setA(0.7929)
                            .setB(2.4259)
                            .setBgnbdLogLikelihood(-9582.43)
                            .setP(6.2495)
                            .setQ(3.7442)
                            .setGamma(15.4437)
                            .setGammaGammaLogLikelihood(-4055.92)
                            .build();
            FitCommand.publish(model, config);

            // the model and the events come through different sources: an event processed before
            // the model reached the operator is not scored, so keep sending one (a page view a
            // day ago, late: applied at once) until a row carries the model
            AtomicInteger sent = new AtomicInteger();
            // scored at the interaction's step, or at the daily re-scoring after it (the wall
            // clock moves the watermark on): T is measured to the day of the row's updated_at
            String[] scored =
                    await(
                                    "the profile scored by the published model",
                                    () -> {
                                        produce(
                                                config.kafka(),
                                                List.of(
                                                        json(
                                                                "interaction",
                                                                "v3-" + sent.incrementAndGet(),
                                                                "clv-1",
                                                                now.minus(Duration.ofDays(1))
                                                                        .plusMillis(sent.get()),
                                                                "\"interaction_type\":\"PAGE_VIEW\"")));
                                        return query(
                                                        db,
                                                        "SELECT * FROM customer_profile WHERE clv_model IS NOT NULL",
                                                        r -> r.getString("customer_id"),
                                                        r ->
                                                                r.getString("clv_model")
                                                                        + " "
                                                                        + r.getDouble("p_alive")
                                                                        + " "
                                                                        + r.getLong(
                                                                                "predicted_clv_minor")
                                                                        + " "
                                                                        + r.getTimestamp(
                                                                                        "updated_at")
                                                                                .getTime())
                                                .get("clv-1");
                                    })
                            .split(" ");
            long scoredAt = Long.parseLong(scored[3]);
            RfmStats c =
                    RfmStats.of(
                            now.minus(Duration.ofDays(20)).toEpochMilli(),
                            now.minus(Duration.ofDays(6)).toEpochMilli(),
                            Math.floorDiv(scoredAt, Duration.ofDays(1).toMillis()),
                            1,
                            50.0);
            ClvScorer.Prediction expected = ClvScorer.of(model, 12, 0.01).predict(c);
            assertThat(scored[0]).isEqualTo("clv-e2e");
            assertThat(Double.parseDouble(scored[1])).isEqualTo(expected.pAlive());
            assertThat(Long.parseLong(scored[2])).isEqualTo(Math.round(expected.clv() * 100));
            assertThat(scoredAt)
                    .isGreaterThanOrEqualTo(now.minus(Duration.ofDays(1)).toEpochMilli());
            assertThat(
                            query(
                                    db,
                                    "SELECT * FROM clv_model",
                                    r -> r.getString("model_id"),
                                    r -> r.getString("customers")))
                    .containsEntry("clv-e2e", "2357");
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
        } finally {
            job.cancel().get();
        }
    }

    @Test
    void shouldLoseAndDoubleNothingWhenTaskManagersDie(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        String prefix = "chaos.";
        Map<String, String> settings = deterministicSettings(prefix);
        JobConfig config = JobConfig.parse(settings);
        Topics.create(config.kafka(), 1, (short) 1);

        Scenario scenario = scenario("chaos", 5, 300);
        List<String> lines = scenario.lines();
        Path replay = scenario.replay();

        Configuration flink = fixedDelayRestarts("500 ms");
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

    @Test
    void shouldKeepEveryProfileThroughSavepointsAndRescaling(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        String prefix = "rescale.";
        Map<String, String> settings = deterministicSettings(prefix);
        Topics.create(JobConfig.parse(settings).kafka(), 2, (short) 1);

        Scenario scenario = scenario("rescale", 9, 200);
        List<String> lines = scenario.lines();
        Path replay = scenario.replay();

        int third = lines.size() / 3;
        String savepoint = null;
        int[] parallelism = {2, 1, 2};
        List<String> steps = new ArrayList<>();
        for (int step = 0; step < 3; step++) {
            settings.put("job.parallelism", Integer.toString(parallelism[step]));
            JobConfig config = JobConfig.parse(settings);
            Configuration flink = new Configuration();
            if (savepoint != null) {
                flink.setString("execution.state-recovery.path", savepoint);
            }
            JobClient job = startLive(config, flink);
            List<String> part =
                    lines.subList(step * third, step == 2 ? lines.size() : (step + 1) * third);
            produce(config.kafka(), part, 2);
            if (step < 2) {
                // the savepoint is taken while this part is being processed: once the job has
                // completed two checkpoints of its own, it holds state from it
                await(
                        "two checkpoints at p" + parallelism[step],
                        () -> completedCheckpoints(cluster, job) >= 2 ? true : null);
                savepoint =
                        job.stopWithSavepoint(
                                        false,
                                        dir.resolve("savepoints").toUri().toString(),
                                        org.apache.flink.core.execution.SavepointFormatType
                                                .CANONICAL)
                                .get();
                steps.add("p" + parallelism[step] + " -> savepoint");
            } else {
                try {
                    assertSameAsReplay(config, replay);
                    steps.add("p" + parallelism[step] + " -> equal to the replay");
                } finally {
                    job.cancel().get();
                }
            }
        }
        System.out.println("rescale: " + String.join(", ", steps));
        assertThat(steps).hasSize(3);
    }

    @Test
    void shouldHoldRetryAndCatchUpWhenPostgresIsDown() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path data = dir.resolve("outage-data");
        LocalPostgres db = LocalPostgres.startKeepingData(dir.resolve("outage-pg"), data, port);
        String prefix = "outage.";
        Map<String, String> settings = deterministicSettings(prefix);
        settings.put("postgres.url", db.database("outage") + "&connectTimeout=5&socketTimeout=15");
        settings.put("postgres.max-retries", "2");
        JobConfig config = JobConfig.parse(settings);
        Topics.create(config.kafka(), 1, (short) 1);

        Scenario scenario = scenario("outage", 13, 150);
        List<String> lines = scenario.lines();
        Path replay = scenario.replay();

        Configuration flink = fixedDelayRestarts("1 s");
        JobClient job = startLive(config, flink);
        try {
            produce(config.kafka(), lines.subList(0, lines.size() / 2));
            await(
                    "the job's first rows in customer_profile",
                    () -> {
                        try {
                            return query(
                                                    config.postgres().url(),
                                                    "SELECT customer_id FROM customer_profile",
                                                    r -> r.getString("customer_id"),
                                                    r -> "")
                                            .isEmpty()
                                    ? null
                                    : true;
                        } catch (java.sql.SQLException notYet) {
                            return null; // not migrated yet
                        }
                    });
            db.close(); // PostgreSQL goes away while the job is writing
            long down = System.currentTimeMillis();
            produce(config.kafka(), lines.subList(lines.size() / 2, lines.size()));
            // an outage of a fixed length, not a wait for a condition: long enough for several
            // failed writes and restarts (ending it at the first restart, ~2 s, once failed the
            // test: connections to the restarted PostgreSQL refused until the deadline; not
            // investigated)
            Thread.sleep(10_000);
            db = LocalPostgres.startKeepingData(dir.resolve("outage-pg"), data, port);
            long restarted = System.currentTimeMillis();
            assertSameAsReplay(config, replay);
            System.out.printf(
                    "postgres outage: down %d ms; caught up %d ms after it came back; job %s%n",
                    restarted - down,
                    System.currentTimeMillis() - restarted,
                    job.getJobStatus().get());
        } finally {
            job.cancel().get();
            db.close();
        }
    }

    @Test
    void shouldAccountForEveryBadRecordWhileGoodTrafficFlows() throws Exception {
        String prefix = "bad.";
        Map<String, String> settings = deterministicSettings(prefix);
        JobConfig config = JobConfig.parse(settings);
        Topics.create(config.kafka(), 1, (short) 1);

        GeneratedEvents generated = new GeneratedEvents(7, 120, START, Duration.ofDays(120));
        List<String> good =
                new ArrayList<>(
                        generated.lines.stream()
                                .filter(GeneratedEvents.Line::valid)
                                .map(GeneratedEvents.Line::json)
                                .toList());
        Instant t = START.plus(Duration.ofDays(10));
        // valid but odd: accepted
        good.add(
                json(
                        "return",
                        "odd-1",
                        "odd-returner",
                        t,
                        "\"order_id\":\"NEVER-SEEN\",\"refund_minor\":2500,\"currency\":\"USD\""));
        good.add(
                json(
                        "order",
                        "odd-2",
                        "big-spender",
                        t,
                        "\"order_id\":\"UK-1\",\"total_minor\":16846960,\"currency\":\"GBP\""));
        good.sort(
                java.util.Comparator.comparing(
                        l -> Instant.parse(readTree(l).get("event_time").asText())));
        Instant last =
                Instant.parse(readTree(good.get(good.size() - 1)).get("event_time").asText());
        long finalWatermark = (Math.floorDiv(last.toEpochMilli(), INTERVAL) + 2) * INTERVAL;
        good.addAll(
                Sentinels.lines(
                        Instant.ofEpochMilli(finalWatermark + BOUND.toMillis() + 1), "SP-0"));
        Path file = dir.resolve("bad-good.jsonl");
        Files.write(file, good, StandardCharsets.UTF_8);
        Path replay = replayAsOf(file, finalWatermark, "bad-replay");

        // the corpus: [topic, bytes, expected dead-letter reason]
        String o = "\"order_id\":\"B1\",\"total_minor\":1000,\"currency\":\"USD\"";
        byte[] valid = avro(json("order", "b-ok", "bad-c", t, o));
        List<Object[]> corpus = new ArrayList<>();
        corpus.add(
                new Object[] {
                    KafkaSettings.ORDERS,
                    java.util.Arrays.copyOf(valid, valid.length / 2),
                    "MALFORMED"
                });
        corpus.add(
                new Object[] {
                    KafkaSettings.ORDERS,
                    avro(
                            json(
                                    "interaction",
                                    "b-x",
                                    "bad-c",
                                    t,
                                    "\"interaction_type\":\"PAGE_VIEW\"")),
                    "MALFORMED"
                });
        corpus.add(new Object[] {KafkaSettings.ORDERS, new byte[0], "MALFORMED"});
        corpus.add(new Object[] {KafkaSettings.ORDERS, null, "MALFORMED"});
        byte[] noise = new byte[64];
        new java.util.Random(3).nextBytes(noise);
        corpus.add(new Object[] {KafkaSettings.ORDERS, noise, "MALFORMED"});
        corpus.add(
                new Object[] {
                    KafkaSettings.ORDERS,
                    json("order", "b-j", "bad-c", t, o).getBytes(StandardCharsets.UTF_8),
                    "MALFORMED"
                });
        corpus.add(
                new Object[] {
                    KafkaSettings.ORDERS, avro(json("order", "b1", "", t, o)), "MISSING_CUSTOMER_ID"
                });
        corpus.add(
                new Object[] {
                    KafkaSettings.ORDERS,
                    avro(json("order", "b2", "bad-c", t, o.replace("1000", "-1000"))),
                    "NEGATIVE_AMOUNT"
                });
        corpus.add(
                new Object[] {
                    KafkaSettings.ORDERS,
                    avro(json("order", "b3", "bad-c", t, o.replace("1000", "10000000000000"))),
                    "AMOUNT_TOO_LARGE"
                });
        corpus.add(
                new Object[] {
                    KafkaSettings.ORDERS,
                    avro(json("order", "b4", "bad-c", t, o.replace("USD", "XYZ"))),
                    "UNKNOWN_CURRENCY"
                });
        corpus.add(
                new Object[] {
                    KafkaSettings.ORDERS,
                    avro(json("order", "b5", "bad-c", t, o.replace("USD", "CHF"))),
                    "UNKNOWN_CURRENCY"
                });
        corpus.add(
                new Object[] {
                    KafkaSettings.ORDERS,
                    avro(json("order", "b6", "bad-c", Instant.now().plus(Duration.ofDays(30)), o)),
                    "EVENT_TIME_IN_FUTURE"
                });
        corpus.add(
                new Object[] {
                    KafkaSettings.ORDERS,
                    avro(json("order", "b7", "bad-c", Instant.parse("1985-06-01T00:00:00Z"), o)),
                    "EVENT_TIME_TOO_EARLY"
                });
        corpus.add(
                new Object[] {
                    KafkaSettings.ORDERS,
                    avro(json("order", "b8", "x".repeat(10_000), t, o)),
                    "FIELD_TOO_LONG"
                });
        corpus.add(
                new Object[] {
                    KafkaSettings.ORDERS,
                    avro(json("order", "b9", "evil\u202egnp.exe", t, o)),
                    "INVALID_ID"
                });
        corpus.add(
                new Object[] {
                    KafkaSettings.ORDERS,
                    avro(json("order", "b10", "nul\u0000id", t, o)),
                    "INVALID_ID"
                });
        corpus.add(
                new Object[] {
                    KafkaSettings.ORDERS, avro(json("order", "", "bad-c", t, o)), "MISSING_EVENT_ID"
                });
        corpus.add(
                new Object[] {
                    KafkaSettings.ORDERS,
                    avro(
                            json(
                                    "order",
                                    "b11",
                                    "bad-c",
                                    t,
                                    o
                                            + ",\"lines\":[{\"asin\":\"B1\",\"quantity\":0,\"unit_price_minor\":1000}]")),
                    "INVALID_LINE"
                });
        corpus.add(
                new Object[] {
                    KafkaSettings.INTERACTIONS,
                    avro(
                            json(
                                    "interaction",
                                    "b12",
                                    "bad-c",
                                    t,
                                    "\"interaction_type\":\"REVIEW\",\"rating\":9")),
                    "INVALID_RATING"
                });
        corpus.add(
                new Object[] {
                    KafkaSettings.INTERACTIONS,
                    avro(json("interaction", "b13", "bad-c", t, "\"interaction_type\":\"\"")),
                    "MISSING_FIELD"
                });
        corpus.add(
                new Object[] {
                    KafkaSettings.AD_EVENTS,
                    avro(
                            json(
                                    "ad",
                                    "b14",
                                    null,
                                    t,
                                    "\"ad_type\":\"CLICK\",\"campaign_id\":\"SP-1\",\"cost_minor\":89,\"currency\":\"USD\"")),
                    "MISSING_CUSTOMER_ID"
                });
        corpus.add(
                new Object[] {
                    KafkaSettings.AD_EVENTS,
                    avro(
                            json(
                                    "ad",
                                    "b15",
                                    "bad-c",
                                    t,
                                    "\"ad_type\":\"CLICK\",\"campaign_id\":\"SP-1\",\"cost_minor\":-89,\"currency\":\"USD\"")),
                    "NEGATIVE_AMOUNT"
                });
        corpus.add(
                new Object[] {
                    KafkaSettings.RETURNS,
                    avro(
                            json(
                                    "return",
                                    "b16",
                                    "bad-c",
                                    t,
                                    "\"order_id\":\"B1\",\"refund_minor\":-5,\"currency\":\"USD\"")),
                    "NEGATIVE_AMOUNT"
                });
        corpus.add(
                new Object[] {
                    KafkaSettings.RETURNS,
                    avro(
                            json(
                                    "return",
                                    "b17",
                                    "bad-c",
                                    t,
                                    "\"order_id\":\"\",\"refund_minor\":5,\"currency\":\"USD\"")),
                    "MISSING_FIELD"
                });
        // a duplicate of the last order before it: dropped. (It used to repeat the stream's first
        // order, weeks older: whether that id was still remembered depended on whether the
        // watermark had already passed a step of that customer, which forgets ids older than the
        // retention — a race, seen failing once on a clean clone.)
        int half = good.size() / 2;
        String lastOrderBefore =
                good.subList(0, half).stream()
                        .filter(l -> l.contains("\"type\":\"order\""))
                        .reduce((a, b) -> b)
                        .orElseThrow();
        corpus.add(new Object[] {KafkaSettings.ORDERS, avro(lastOrderBefore), null});

        Configuration flink = new Configuration();
        flink.setString(
                "restart-strategy.type", "none"); // a record that broke the job would fail it
        JobClient job = startLive(config, flink);
        try {
            produce(config.kafka(), good.subList(0, half));
            produceRaw(config.kafka(), corpus);
            produce(config.kafka(), good.subList(half, good.size()));
            assertSameAsReplay(config, replay);

            // an order far behind the watermark: late, still counted, reported
            produce(
                    config.kafka(),
                    List.of(
                            json(
                                    "order",
                                    "late-1",
                                    "late-customer",
                                    START.plus(Duration.ofDays(1)),
                                    "\"order_id\":\"L1\",\"total_minor\":777,\"currency\":\"USD\"")));
            List<LateEvent> late =
                    await(
                            "a late event",
                            () -> {
                                List<LateEvent> l =
                                        readCommitted(
                                                config.kafka().topic(KafkaSettings.LATE_EVENTS),
                                                LateEvent.class);
                                return l.isEmpty() ? null : l;
                            });
            assertThat(late)
                    .singleElement()
                    .satisfies(l -> assertThat(l.getEvent().getEventId()).isEqualTo("late-1"));
            awaitEqual(
                    "late customer's gmv",
                    "777",
                    () ->
                            query(
                                            config.postgres().url(),
                                            "SELECT gmv_minor FROM customer_profile WHERE customer_id = 'late-customer'",
                                            r -> "k",
                                            r -> r.getString(1))
                                    .get("k"));

            List<String> reasons = new ArrayList<>();
            corpus.stream().filter(c -> c[2] != null).forEach(c -> reasons.add((String) c[2]));
            List<RejectedEvent> dead =
                    readCommitted(
                            config.kafka().topic(KafkaSettings.DEAD_LETTER), RejectedEvent.class);
            System.out.printf(
                    "bad input: %d bad records (%d reasons) fed with %d good events; dead-lettered %d,"
                            + " duplicates dropped 1, late 1; job %s%n",
                    corpus.size() + 1,
                    new TreeSet<>(reasons).size(),
                    good.size(),
                    dead.size(),
                    job.getJobStatus().get());
            assertThat(dead)
                    .extracting(RejectedEvent::getReason)
                    .containsExactlyInAnyOrderElementsOf(reasons);
            assertThat(job.getJobStatus().get())
                    .isEqualTo(org.apache.flink.api.common.JobStatus.RUNNING);
            // valid but odd input was accepted
            Map<String, String> odd =
                    query(
                            config.postgres().url(),
                            "SELECT customer_id, gmv_minor, refunds_minor FROM customer_profile WHERE customer_id IN ('odd-returner', 'big-spender')",
                            r -> r.getString(1),
                            r -> r.getString(2) + "/" + r.getString(3));
            assertThat(odd)
                    .containsEntry("odd-returner", "0/2500")
                    .containsEntry("big-spender", "21395639/0");
        } finally {
            job.cancel().get();
        }
    }

    private static String json(String type, String id, String customer, Instant at, String rest) {
        String c = customer == null ? "null" : "\"" + customer.replace("\u0000", "\\u0000") + "\"";
        return "{\"type\":\""
                + type
                + "\",\"event_id\":\""
                + id
                + "\",\"customer_id\":"
                + c
                + ",\"event_time\":\""
                + at
                + "\",\"marketplace\":\"US\","
                + rest
                + "}";
    }

    private static JsonNode readTree(String line) {
        try {
            return AvroJson.MAPPER.readTree(line);
        } catch (Exception e) {
            throw new IllegalArgumentException(line, e);
        }
    }

    private static byte[] avro(String line) throws Exception {
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
                        CampaignRows::of);
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
                                CampaignRows::of));
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

    /**
     * Publishes replay-format lines as Avro to their input topics; a line that is not JSON goes to
     * orders as is.
     */
    static void produce(KafkaSettings settings, List<String> lines) throws Exception {
        produce(settings, lines, 1);
    }

    /** Partitions by customer (or event id); sentinel events go to every partition. */
    static void produce(KafkaSettings settings, List<String> lines, int partitions)
            throws Exception {
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
                String key =
                        line.contains("\"customer_id\":\"")
                                ? line.split("\"customer_id\":\"")[1].split("\"")[0]
                                : line;
                if (key.equals("sentinel") || line.contains("\"event_id\":\"s3\"")) {
                    for (int p0 = 0; p0 < partitions; p0++) {
                        producer.send(new ProducerRecord<>(settings.topic(topic), p0, null, value));
                    }
                } else {
                    int partition = Math.floorMod(key.hashCode(), partitions);
                    producer.send(
                            new ProducerRecord<>(settings.topic(topic), partition, null, value));
                }
            }
            producer.flush();
        }
    }

    static <T extends SpecificRecord> List<T> readCommitted(String topic, Class<T> type)
            throws Exception {
        Properties client = new Properties();
        client.put("bootstrap.servers", kafka.bootstrapServers());
        return TopicReader.readCommitted(client, topic, type);
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
