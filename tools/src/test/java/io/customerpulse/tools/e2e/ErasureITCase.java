package io.customerpulse.tools.e2e;

import static io.customerpulse.tools.e2e.LiveStack.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.customerpulse.avro.CustomerProfile;
import io.customerpulse.config.JobConfig;
import io.customerpulse.json.AvroJson;
import io.customerpulse.kafka.Topics;
import io.customerpulse.testing.Flink;
import io.customerpulse.testing.GeneratedEvents;
import io.customerpulse.testkit.Sentinels;
import io.customerpulse.tools.erase.EraseCommand;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DESIGN 13 through the real stack (Kafka, PostgreSQL, RocksDB): a customer erased in the middle of
 * a generated stream — their rows leave the three tables and a tombstone follows their profiles on
 * the compacted topic, and they stay gone while event time goes on for months past the erasure
 * (churn deadlines, weekly checks, other customers' expiries); their later events start a new
 * history. The job's tables and profiles topic equal a replay of the same stream, which writes
 * nothing of the customer up to the erasure. With retention.inactive-after at 91 days, customers
 * also expire and come back in the same stream: the tables keep each customer's newest profile.
 */
@Timeout(300)
@ExtendWith(LiveStack.class)
class ErasureITCase {
    @RegisterExtension static final MiniClusterExtension FLINK = Flink.miniCluster();

    @Test
    void shouldForgetAnErasedCustomerInTablesAndTopicAndKeepThemForgotten() throws Exception {
        String prefix = "erase.";
        Map<String, String> settings = deterministicSettings(prefix);
        settings.put("retention.inactive-after", "91 d");
        JobConfig config = JobConfig.parse(settings);
        Topics.create(config.kafka(), 1, (short) 1);

        GeneratedEvents generated = new GeneratedEvents(11, 80, START, Duration.ofDays(150));
        List<GeneratedEvents.Line> valid =
                generated.lines.stream().filter(GeneratedEvents.Line::valid).toList();
        Instant t = START.plus(Duration.ofDays(60));
        // the customer with the most orders before t who also has events after it
        Map<String, Long> ordersBefore =
                valid.stream()
                        .filter(l -> l.at().isBefore(t) && "order".equals(l.type()))
                        .collect(
                                Collectors.groupingBy(
                                        GeneratedEvents.Line::customer, Collectors.counting()));
        String gone =
                ordersBefore.entrySet().stream()
                        .filter(
                                e ->
                                        valid.stream()
                                                .anyMatch(
                                                        l ->
                                                                e.getKey().equals(l.customer())
                                                                        && l.at().isAfter(
                                                                                        t.plus(
                                                                                                Duration
                                                                                                        .ofDays(
                                                                                                                3)))))
                        .max(Map.Entry.comparingByValue())
                        .orElseThrow()
                        .getKey();
        String erasure =
                "{\"type\":\"erasure\",\"event_id\":\"er-1\",\"customer_id\":\""
                        + gone
                        + "\",\"event_time\":\""
                        + t
                        + "\"}";
        List<String> lines = new ArrayList<>();
        valid.forEach(l -> lines.add(l.json()));
        lines.add(erasure);
        // retention: one customer expires and stays so, one expires and comes back
        lines.add(order("leaver-1", "leaver", START.plus(Duration.ofDays(2))));
        lines.add(order("returner-1", "returner", START.plus(Duration.ofDays(1))));
        lines.add(order("returner-2", "returner", START.plus(Duration.ofDays(100))));
        // one event on every input two days after the erasure: with idleness off (deterministic)
        // a quiet input holds event time back, and the erasure waits for event time to pass it
        Instant paced = t.plus(Duration.ofDays(2));
        for (String s : Sentinels.lines(paced, "SP-0")) {
            lines.add(
                    s.replaceAll("\"event_id\":\"s(\\d)\"", "\"event_id\":\"p$1\"")
                            .replace("\"sentinel\"", "\"pacer\"")
                            .replace("\"S1\"", "\"P1\""));
        }
        lines.sort(
                Comparator.comparing(l -> Instant.parse(readTree(l).get("event_time").asText())));
        Instant last =
                Instant.parse(readTree(lines.get(lines.size() - 1)).get("event_time").asText());
        long finalWatermark = Sentinels.finalWatermark(last.toEpochMilli(), INTERVAL);
        lines.addAll(
                Sentinels.lines(
                        Instant.ofEpochMilli(finalWatermark + BOUND.toMillis() + 1), "SP-0"));
        Path file = dir.resolve("erase.jsonl");
        Files.write(file, lines, StandardCharsets.UTF_8);
        Path replay =
                replayAsOf(
                        file,
                        finalWatermark,
                        "erase-replay",
                        Map.of("retention.inactive-after", "91 d"));

        // the replay: nothing of the customer up to t, their new history after it
        for (String output : List.of("profiles", "segment_changes", "churn_alerts", "actions")) {
            String timeField =
                    switch (output) {
                        case "profiles" -> "updated_at";
                        case "actions" -> "due_at";
                        default -> "at";
                    };
            assertThat(records(replay, output))
                    .as("%s of %s up to the erasure", output, gone)
                    .noneMatch(
                            n ->
                                    n.get("customer_id").asText().equals(gone)
                                            && !Instant.parse(n.get(timeField).asText())
                                                    .isAfter(t));
        }
        assertThat(records(replay, "profiles"))
                .as("the new history's profile")
                .anyMatch(n -> n.get("customer_id").asText().equals(gone));
        assertThat(records(replay, "erasures"))
                .singleElement()
                .satisfies(n -> assertThat(n.get("erased_at").asText()).isEqualTo(t.toString()));
        Map<String, JsonNode> profiles = new java.util.TreeMap<>();
        records(replay, "profiles").forEach(n -> profiles.put(n.get("customer_id").asText(), n));
        assertThat(profiles.get("leaver").get("expired_at").asText())
                .as("expired 91 days after its order")
                .isEqualTo(START.plus(Duration.ofDays(2 + 91)).toString());
        assertThat(profiles.get("returner").get("expired_at").isNull()).isTrue();
        assertThat(profiles.get("returner").get("orders_total").asLong())
                .as("a new history")
                .isEqualTo(1);

        int beforeT = firstAtOrAfter(lines, t.minus(Duration.ofDays(2)));
        int pastT = firstAtOrAfter(lines, paced.plusMillis(1)); // the pacers included
        String db = config.postgres().url();
        JobClient job = startLive(config);
        try {
            // the customer's rows are there before the erasure ...
            produce(config.kafka(), lines.subList(0, beforeT));
            awaitEqual(
                    "rows of " + gone + " before the erasure", true, () -> rowsOf(db, gone, t) > 0);

            // ... and gone once event time passed it: rows, and the profile on the topic. The
            // request goes as scripts/erase sends it; the rest of the stream as generated
            int code =
                    io.customerpulse.config.Cli.of(new EraseCommand())
                            .execute(
                                    "--customer",
                                    gone,
                                    "--at",
                                    t.toString(),
                                    "--request-id",
                                    "er-1",
                                    "--set",
                                    "kafka.bootstrap-servers="
                                            + settings.get("kafka.bootstrap-servers"),
                                    "--set",
                                    "kafka.topic-prefix=" + prefix);
            assertThat(code).isZero();
            produce(
                    config.kafka(),
                    lines.subList(beforeT, pastT).stream()
                            .filter(l -> !l.equals(erasure))
                            .toList());
            awaitEqual("rows of " + gone + " after the erasure", 0L, () -> rowsOf(db, gone, t));
            awaitEqual(
                    "the last record of " + gone + " on customer-profiles",
                    "tombstone",
                    () -> lastProfileRecord(config, gone));

            // months of event time later (churn deadlines, weekly checks, expiries): still gone,
            // and the tables and topic equal the replay
            produce(config.kafka(), lines.subList(pastT, lines.size()));
            assertSameAsReplay(config, replay);
            assertThat(rowsOf(db, gone, t)).isZero();
        } finally {
            job.cancel().get();
        }
    }

    private static String order(String id, String customer, Instant at) {
        return io.customerpulse.testing.EventJson.order(id)
                .customer(customer)
                .at(at)
                .with("order_id", id)
                .amount("total_minor", 5_000, "USD")
                .json();
    }

    private static List<JsonNode> records(Path replay, String name) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(replay.resolve(name + ".jsonl"))) {
            out.add(AvroJson.MAPPER.readTree(line));
        }
        return out;
    }

    private static int firstAtOrAfter(List<String> lines, Instant at) {
        for (int i = 0; i < lines.size(); i++) {
            if (!Instant.parse(readTree(lines.get(i)).get("event_time").asText()).isBefore(at)) {
                return i;
            }
        }
        return lines.size();
    }

    /** The customer's rows in the three tables at or before {@code t}. */
    private static long rowsOf(String db, String customer, Instant t) throws Exception {
        String c = "customer_id = '" + customer + "'";
        String at = "'" + t + "'::timestamptz";
        long n = 0;
        for (String sql :
                List.of(
                        "SELECT count(*) FROM customer_profile WHERE "
                                + c
                                + " AND updated_at <= "
                                + at,
                        "SELECT count(*) FROM segment_change WHERE " + c + " AND at <= " + at,
                        "SELECT count(*) FROM customer_action WHERE "
                                + c
                                + " AND due_at <= "
                                + at)) {
            n += Long.parseLong(rows(db, sql).get(0).get(0));
        }
        return n;
    }

    /** "tombstone", "profile", or "none": the customer's last committed record. */
    private static String lastProfileRecord(JobConfig config, String customer) throws Exception {
        String last = "none";
        for (Map.Entry<String, CustomerProfile> r : profileRecords(config)) {
            if (r.getKey().equals(customer)) {
                last = r.getValue() == null ? "tombstone" : "profile";
            }
        }
        return last;
    }
}
