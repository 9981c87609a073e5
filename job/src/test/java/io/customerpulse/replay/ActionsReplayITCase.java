package io.customerpulse.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.customerpulse.json.AvroJson;
import io.customerpulse.testing.Flink;
import io.customerpulse.testing.GeneratedEvents;
import io.customerpulse.testing.Replays;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The actions of a replay of a generated stream (deliveries, returns, complaints, low ratings,
 * churn and comebacks) against a brute-force computation over the event list, with DESIGN section
 * 11's defaults and nothing of the operator: review requests and repurchase reminders from the
 * events alone, win-backs and rewards from the replay's own segment changes and churn alerts (whose
 * rules other tests check), and every status — cooldown, hold, cap — from the sequence.
 */
class ActionsReplayITCase {
    private static final Instant START = Instant.parse("2024-01-01T00:00:00Z");
    private static final long DAY = Duration.ofDays(1).toMillis();

    @RegisterExtension static final MiniClusterExtension FLINK = Flink.miniCluster();

    @TempDir static Path dir;

    /** One decided action as the files and the brute force both write it. */
    private static String row(
            String customer,
            String action,
            long at,
            String orderId,
            String status,
            boolean urgent) {
        return String.join(
                "|",
                customer,
                action,
                Instant.ofEpochMilli(at).toString(),
                String.valueOf(orderId),
                status,
                urgent ? "URGENT" : "NORMAL");
    }

    @Test
    void shouldDecideTheActionsABruteForceComputationDecides() throws Exception {
        GeneratedEvents generated = new GeneratedEvents(29, 1_500, START, Duration.ofDays(300));
        Path out =
                Replays.replay(
                        dir,
                        generated.write(dir.resolve("actions.jsonl"), Duration.ofHours(1), 3),
                        2,
                        Map.of());
        assertThat(Files.readString(out.resolve("late_events.jsonl"))).isEmpty();

        List<String> actual = new ArrayList<>();
        Map<String, Long> statuses = new TreeMap<>();
        for (String line : Files.readAllLines(out.resolve("actions.jsonl"))) {
            JsonNode a = AvroJson.MAPPER.readTree(line);
            actual.add(
                    row(
                            a.get("customer_id").asText(),
                            a.get("action").asText(),
                            Instant.parse(a.get("due_at").asText()).toEpochMilli(),
                            a.get("order_id").isNull() ? null : a.get("order_id").asText(),
                            a.get("status").asText(),
                            a.get("priority").asText().equals("URGENT")));
            statuses.merge(
                    a.get("action").asText() + " " + a.get("status").asText(), 1L, Long::sum);
        }
        List<String> expected = bruteForce(generated, out);
        assertThat(new TreeSet<>(actual)).hasSameSizeAs(actual); // one row per action
        assertThat(new TreeSet<>(actual)).isEqualTo(new TreeSet<>(expected));
        System.out.println("actions of the generated stream, by status: " + statuses);
        // the stream exercises every rule
        assertThat(statuses)
                .containsKeys(
                        "REVIEW_REQUEST DUE",
                        "REVIEW_REQUEST SKIPPED",
                        "WIN_BACK DUE",
                        "HIGH_VALUE_REWARD DUE",
                        "REPURCHASE_REMINDER DUE",
                        "REPURCHASE_REMINDER HELD",
                        "REPURCHASE_REMINDER CAPPED");
    }

    /** What DESIGN section 11 decides for the valid events of {@code generated}. */
    private static List<String> bruteForce(GeneratedEvents generated, Path out) throws Exception {
        long asOf = Long.MIN_VALUE;
        Map<String, List<GeneratedEvents.Line>> byCustomer = new TreeMap<>();
        for (GeneratedEvents.Line l : generated.lines) {
            if (!l.valid() || l.duplicate() || l.customer() == null) {
                continue;
            }
            asOf = Math.max(asOf, l.at().toEpochMilli());
            if (!"ad".equals(l.type())) {
                byCustomer.computeIfAbsent(l.customer(), c -> new ArrayList<>()).add(l);
            }
        }
        // segments over time and urgent churn alerts, from the replay
        Map<String, TreeMap<Long, String>> segments = new HashMap<>();
        for (String line : Files.readAllLines(out.resolve("segment_changes.jsonl"))) {
            JsonNode c = AvroJson.MAPPER.readTree(line);
            segments.computeIfAbsent(c.get("customer_id").asText(), k -> new TreeMap<>())
                    .put(
                            Instant.parse(c.get("at").asText()).toEpochMilli(),
                            c.get("to_segment").asText());
        }
        Set<String> urgent = new HashSet<>();
        for (String line : Files.readAllLines(out.resolve("churn_alerts.jsonl"))) {
            JsonNode a = AvroJson.MAPPER.readTree(line);
            if (a.get("urgent").asBoolean()) {
                urgent.add(
                        a.get("customer_id").asText()
                                + "|"
                                + Instant.parse(a.get("at").asText()).toEpochMilli());
            }
        }

        List<String> rows = new ArrayList<>();
        for (Map.Entry<String, List<GeneratedEvents.Line>> e : byCustomer.entrySet()) {
            String customer = e.getKey();
            List<GeneratedEvents.Line> events = e.getValue();
            events.sort(
                    Comparator.<GeneratedEvents.Line>comparingLong(l -> l.at().toEpochMilli())
                            .thenComparing(l -> l.text("event_id")));
            // orders once per order_id; returns' times per order; first delivery per order
            TreeMap<Long, Integer> orderTimes = new TreeMap<>(); // time -> orders then
            Map<String, Long> ordered = new HashMap<>();
            Map<String, List<Long>> returns = new HashMap<>();
            Map<String, Long> delivered = new HashMap<>();
            List<Long> complaints = new ArrayList<>();
            for (GeneratedEvents.Line l : events) {
                long at = l.at().toEpochMilli();
                String type = l.type();
                if (type.equals("order") && !ordered.containsKey(l.text("order_id"))) {
                    ordered.put(l.text("order_id"), at);
                    orderTimes.merge(at, 1, Integer::sum);
                } else if (type.equals("return")) {
                    returns.computeIfAbsent(l.text("order_id"), k -> new ArrayList<>()).add(at);
                } else if (type.equals("shipment") && "DELIVERED".equals(l.text("status"))) {
                    delivered.putIfAbsent(l.text("order_id"), at);
                } else if (type.equals("interaction")) {
                    String it = l.text("interaction_type");
                    Object rating = l.event().get("rating");
                    if (it.equals("COMPLAINT")
                            || (it.equals("FEEDBACK")
                                    && rating != null
                                    && ((Number) rating).intValue() <= 2)) {
                        complaints.add(at);
                    }
                }
            }
            // review requests: due 5 d after the first delivery; skipped if returned by then
            for (Map.Entry<String, Long> d : delivered.entrySet()) {
                long due = d.getValue() + 5 * DAY;
                if (due > asOf) {
                    continue;
                }
                boolean returned =
                        returns.getOrDefault(d.getKey(), List.of()).stream()
                                .anyMatch(r -> r <= due);
                rows.add(
                        row(
                                customer,
                                "REVIEW_REQUEST",
                                due,
                                d.getKey(),
                                returned ? "SKIPPED" : "DUE",
                                false));
            }
            // marketing candidates in time order: win-backs, rewards, reminders
            TreeMap<Long, String> segs = segments.getOrDefault(customer, new TreeMap<>());
            List<long[]> candidates =
                    new ArrayList<>(); // at, kind (0 win-back, 1 reward, 2 reminder)
            String previous = null;
            for (Map.Entry<Long, String> s : segs.entrySet()) {
                long at = s.getKey();
                if (s.getValue().equals("CHURN_RISK")
                        && !"CHURN_RISK".equals(previous)
                        && !orderTimes.headMap(at, true).isEmpty()) {
                    candidates.add(new long[] {at, 0});
                }
                if (s.getValue().equals("HIGH_VALUE") && !"HIGH_VALUE".equals(previous)) {
                    candidates.add(new long[] {at, 1});
                }
                previous = s.getValue();
            }
            List<Long> times = new ArrayList<>(orderTimes.keySet());
            for (int i = 0; i < times.size(); i++) {
                long last = times.get(i);
                long first = times.get(0);
                int count = 0;
                for (int n : orderTimes.headMap(last, true).values()) {
                    count += n;
                }
                long gap = count >= 2 ? (last - first) / (count - 1) : 30 * DAY;
                long due = Math.max(last + gap - 3 * DAY, last + DAY);
                boolean cancelled = i + 1 < times.size() && times.get(i + 1) <= due;
                if (cancelled || due > asOf) {
                    continue;
                }
                Map.Entry<Long, String> segment = segs.floorEntry(due);
                if (segment != null && segment.getValue().equals("CHURN_RISK")) {
                    continue; // no record at all
                }
                candidates.add(new long[] {due, 2});
            }
            candidates.sort(
                    Comparator.<long[]>comparingLong(c -> c[0]).thenComparingLong(c -> c[1]));
            long lastReward = Long.MIN_VALUE;
            long lastMarketing = Long.MIN_VALUE;
            for (long[] c : candidates) {
                long t = c[0];
                String action =
                        c[1] == 0
                                ? "WIN_BACK"
                                : c[1] == 1 ? "HIGH_VALUE_REWARD" : "REPURCHASE_REMINDER";
                String status = "DUE";
                boolean complained = complaints.stream().anyMatch(x -> x > t - 30 * DAY && x <= t);
                if (c[1] == 1 && lastReward > t - 90 * DAY && lastReward < t) {
                    status = "COOLDOWN";
                } else if (c[1] != 0 && complained) {
                    status = "HELD";
                } else if (lastMarketing > t - 7 * DAY) {
                    status = "CAPPED";
                }
                if (status.equals("DUE")) {
                    lastMarketing = t;
                    if (c[1] == 1) {
                        lastReward = t;
                    }
                }
                rows.add(
                        row(
                                customer,
                                action,
                                t,
                                null,
                                status,
                                c[1] == 0 && urgent.contains(customer + "|" + t)));
            }
        }
        return rows;
    }
}
