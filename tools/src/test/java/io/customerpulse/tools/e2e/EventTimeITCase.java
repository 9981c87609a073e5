package io.customerpulse.tools.e2e;

import static io.customerpulse.tools.e2e.LiveStack.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.avro.ChurnAlert;
import io.customerpulse.config.JobConfig;
import io.customerpulse.kafka.KafkaSettings;
import io.customerpulse.kafka.Topics;
import io.customerpulse.testing.EventJson;
import io.customerpulse.testing.Flink;
import io.customerpulse.testing.GeneratedEvents;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Event time on a live feed: quiet partitions do not hold churn timers back, an idle feed does not
 * let the model source's watermark through, a bounded backfill ends. On the live stack ({@link
 * LiveStack}: a real Kafka broker and PostgreSQL, no mocks).
 */
@Timeout(300)
@ExtendWith(LiveStack.class)
class EventTimeITCase {
    @RegisterExtension static final MiniClusterExtension FLINK = Flink.miniCluster();

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
                        EventJson.order("q1")
                                .customer("quiet-1")
                                .at(longAgo)
                                .with("order_id", "Q1")
                                .amount("total_minor", 4200, "USD")
                                .json()));
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
                    EventJson.order("idle-o" + i)
                            .customer("idle-" + i)
                            .at(base.plus(Duration.ofMinutes(i)))
                            .with("order_id", "I" + i)
                            .amount("total_minor", 5000, "USD")
                            .json());
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

    /**
     * A backlog read for longer than the idleness is not late: only a partition without records for
     * that long advances with the wall clock. (The source's main output, which Kafka's reader never
     * feeds a record, once advanced the whole source with the wall clock once the idleness had
     * passed since the start, and the rest of the backlog was late.)
     */
    @Test
    void shouldReadABacklogLongerThanTheIdlenessWithoutLateEvents() throws Exception {
        String prefix = "backlog.";
        Map<String, String> settings = liveSettings(prefix);
        settings.put("kafka.bounded", "true");
        settings.put("watermark.max-out-of-orderness", "1 h");
        // 2 s, not less: a source whose first fetch takes longer than the idleness is taken for
        // an empty partition (left out of the watermark) and its backlog comes late; with 500 ms
        // a slow start of the returns source did that once in a CI run (docs/operations.md)
        settings.put("watermark.idleness", "2 s");
        JobConfig config = JobConfig.parse(settings);
        Topics.create(config.kafka(), 1, (short) 1);
        GeneratedEvents generated = new GeneratedEvents(22, 3_000, START, Duration.ofDays(150));
        produce(config.kafka(), generated.lines.stream().map(GeneratedEvents.Line::json).toList());

        long started = System.nanoTime();
        startLive(config).getJobExecutionResult().get(4, java.util.concurrent.TimeUnit.MINUTES);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(took)
                .as("the backlog takes longer than the idleness")
                .isGreaterThan(Duration.ofSeconds(4));
        await( // the final commit's markers reach the partitions just after the job has finished
                "the churn alerts committed",
                () ->
                        readCommitted(
                                                config.kafka().topic(KafkaSettings.CHURN_ALERTS),
                                                ChurnAlert.class)
                                        .isEmpty()
                                ? null
                                : true);
        assertThat(
                        readCommitted(
                                config.kafka().topic(KafkaSettings.LATE_EVENTS),
                                io.customerpulse.avro.LateEvent.class))
                .as("%d events read in %s", generated.lines.size(), took)
                .isEmpty();
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
                                },
                                () ->
                                        transactionsOf(
                                                        config.kafka()
                                                                .topic(KafkaSettings.CHURN_ALERTS))
                                                + withoutAlert(config, segments.keySet())))
                .isEqualTo(segments.keySet());
    }

    /** The customers of {@code customers} without a committed churn alert, with their changes. */
    private static String withoutAlert(JobConfig config, Set<String> customers) throws Exception {
        Set<String> missing = new java.util.TreeSet<>(customers);
        readCommitted(config.kafka().topic(KafkaSettings.CHURN_ALERTS), ChurnAlert.class)
                .forEach(a -> missing.remove(a.getCustomerId()));
        Map<String, String> changes =
                query(
                        config.postgres().url(),
                        "select customer_id || ' ' || version, to_segment || ' at ' || at ||"
                                + " ' from ' || coalesce(from_segment, 'null') from segment_change",
                        r -> r.getString(1),
                        r -> r.getString(2));
        StringBuilder out = new StringBuilder("without an alert: ").append(missing);
        changes.entrySet().stream()
                .filter(e -> missing.contains(e.getKey().substring(0, e.getKey().indexOf(' '))))
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> out.append("; ").append(e.getKey()).append(' ').append(e.getValue()));
        return out.toString();
    }
}
