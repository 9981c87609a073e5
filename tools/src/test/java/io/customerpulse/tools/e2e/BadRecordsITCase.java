package io.customerpulse.tools.e2e;

import static io.customerpulse.tools.e2e.LiveStack.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.avro.LateEvent;
import io.customerpulse.avro.RejectedEvent;
import io.customerpulse.config.JobConfig;
import io.customerpulse.kafka.KafkaSettings;
import io.customerpulse.kafka.Topics;
import io.customerpulse.testing.EventJson;
import io.customerpulse.testing.Flink;
import io.customerpulse.testing.GeneratedEvents;
import io.customerpulse.testkit.Sentinels;
import io.customerpulse.tools.local.PrometheusEndpoint;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every kind of bad record ends in dead-letter with its reason (or as a dropped duplicate, or late)
 * while good traffic flows and the job keeps running. On the live stack ({@link LiveStack}: a real
 * Kafka broker and PostgreSQL, no mocks).
 */
@Timeout(300)
@ExtendWith(LiveStack.class)
class BadRecordsITCase {
    /** Flink's Prometheus reporter on the MiniCluster, scraped as Prometheus would. */
    private static final Configuration CLUSTER = new Configuration();

    private static final int METRICS = PrometheusEndpoint.enable(CLUSTER);

    private static final String OPERATOR = "flink_taskmanager_job_task_operator_";

    @RegisterExtension static final MiniClusterExtension FLINK = Flink.miniCluster(2, CLUSTER);

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
                EventJson.refund("odd-1")
                        .customer("odd-returner")
                        .at(t)
                        .with("order_id", "NEVER-SEEN")
                        .amount("refund_minor", 2500, "USD")
                        .json());
        good.add(
                EventJson.order("odd-2")
                        .customer("big-spender")
                        .at(t)
                        .with("order_id", "UK-1")
                        .amount("total_minor", 16_846_960, "GBP")
                        .json());
        good.sort(
                java.util.Comparator.comparing(
                        l -> Instant.parse(readTree(l).get("event_time").asText())));
        Instant last =
                Instant.parse(readTree(good.get(good.size() - 1)).get("event_time").asText());
        long finalWatermark = Sentinels.finalWatermark(last.toEpochMilli(), INTERVAL);
        good.addAll(
                Sentinels.lines(
                        Instant.ofEpochMilli(finalWatermark + BOUND.toMillis() + 1), "SP-0"));
        Path file = dir.resolve("bad-good.jsonl");
        Files.write(file, good, StandardCharsets.UTF_8);
        Path replay = replayAsOf(file, finalWatermark, "bad-replay");

        // the corpus (e2e/bad-records.jsonl): one record of each kind, with its reason
        List<BadRecord> corpus = new ArrayList<>(BadRecord.corpus(t, Instant.now()));
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
        corpus.add(
                new BadRecord(
                        "a duplicate of an earlier order",
                        KafkaSettings.ORDERS,
                        BadRecord.avro(readTree(lastOrderBefore)),
                        null));

        Configuration flink = new Configuration();
        flink.setString(
                "restart-strategy.type", "none"); // a record that broke the job would fail it
        JobClient job = startLive(config, flink);
        try {
            produce(config.kafka(), good.subList(0, half));
            produceRaw(
                    config.kafka(),
                    corpus.stream().map(c -> new Object[] {c.topic(), c.value()}).toList());
            produce(config.kafka(), good.subList(half, good.size()));
            assertSameAsReplay(config, replay);

            // an order far behind the watermark: late, still counted, reported
            produce(
                    config.kafka(),
                    List.of(
                            EventJson.order("late-1")
                                    .customer("late-customer")
                                    .at(START.plus(Duration.ofDays(1)))
                                    .with("order_id", "L1")
                                    .amount("total_minor", 777, "USD")
                                    .json()));
            List<LateEvent> late =
                    await(
                            "a late event",
                            () -> {
                                List<LateEvent> l =
                                        readCommitted(
                                                config.kafka().topic(KafkaSettings.LATE_EVENTS),
                                                LateEvent.class);
                                return l.isEmpty() ? null : l;
                            },
                            () -> transactionsOf(config.kafka().topic(KafkaSettings.LATE_EVENTS)));
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
            corpus.stream().map(BadRecord::reason).filter(r -> r != null).forEach(reasons::add);
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
            // the same, scraped from Flink's Prometheus reporter as Prometheus would
            Scrape scrape = Scrape.of(METRICS);
            Map<String, Long> byReason = new java.util.TreeMap<>();
            reasons.forEach(r -> byReason.merge(r, 1L, Long::sum));
            byReason.forEach(
                    (reason, n) ->
                            assertThat(
                                            scrape.sum(
                                                    OPERATOR + "deadLetters_reason_count",
                                                    Map.of("reason", reason)))
                                    .as("dead letters %s", reason)
                                    .isEqualTo(n.doubleValue()));
            assertThat(scrape.sum(OPERATOR + "deadLettered", Map.of()))
                    .isEqualTo((double) reasons.size());
            assertThat(scrape.sum(OPERATOR + "lateEvents", Map.of())).isEqualTo(1.0);
            // the generated stream's own repeats of an event id (not ad events: those have their
            // own de-duplication) and the corpus's duplicate
            java.util.Set<String> seen = new java.util.HashSet<>();
            long repeats =
                    good.stream()
                            .map(LiveStack::readTree)
                            .filter(n -> !n.get("type").asText().equals("ad"))
                            .filter(n -> !seen.add(n.get("event_id").asText()))
                            .count();
            assertThat(scrape.sum(OPERATOR + "duplicatesDropped", Map.of()))
                    .isEqualTo(repeats + 1.0);
            assertThat(scrape.sum("flink_jobmanager_job_numRestarts", Map.of())).isZero();
            assertThat(scrape.count(OPERATOR + "watermarkLagMs")).isPositive();
            assertThat(scrape.sum(OPERATOR + "actions_status_count", Map.of("status", "DUE")))
                    .isPositive();
            // every churn alert counted once: the metric equals the committed topic
            awaitEqual(
                    "churn alerts: the metric and the committed topic",
                    (double)
                            readCommitted(
                                            config.kafka().topic(KafkaSettings.CHURN_ALERTS),
                                            io.customerpulse.avro.ChurnAlert.class)
                                    .size(),
                    () -> Scrape.of(METRICS).sum(OPERATOR + "churnAlerts", Map.of()));
            // stale (2024 data, days behind the wall clock): the metric counts each stale alert
            // and action once, as the committed topic and the table hold them
            String db = config.postgres().url();
            awaitEqual(
                    "stale alerts and actions: the metric, the topic and the table",
                    (double)
                            (readCommitted(
                                                    config.kafka()
                                                            .topic(KafkaSettings.CHURN_ALERTS),
                                                    io.customerpulse.avro.ChurnAlert.class)
                                            .stream()
                                            .filter(io.customerpulse.avro.ChurnAlert::getStale)
                                            .count()
                                    + Long.parseLong(
                                            rows(
                                                            db,
                                                            "SELECT count(*) FROM customer_action"
                                                                    + " WHERE stale")
                                                    .get(0)
                                                    .get(0))),
                    () -> Scrape.of(METRICS).sum(OPERATOR + "staleAlertsAndActions", Map.of()));
            assertThat(scrape.sum(OPERATOR + "staleAlertsAndActions", Map.of())).isPositive();
            // every metric and label the alert rules select is served by the running job
            java.util.Set<String> selectors =
                    AlertSelectors.of(Path.of("deploy/prometheus/customer-pulse-alerts.yml"));
            assertThat(selectors).hasSizeGreaterThanOrEqualTo(9);
            assertThat(
                            AlertSelectors.matches(
                                    scrape, OPERATOR + "numRecordsIn{operator_name=\"no_such\"}"))
                    .isFalse();
            for (String selector : selectors) {
                assertThat(AlertSelectors.matches(scrape, selector))
                        .as("alert rule selector %s in the scrape", selector)
                        .isTrue();
            }
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
}
