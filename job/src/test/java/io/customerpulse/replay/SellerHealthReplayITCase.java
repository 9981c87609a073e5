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
import java.time.LocalDate;
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
 * The seller health of a replay of a generated stream (orders with retries, feedback with ratings,
 * complaints, messages answered in time, late or never, shipments) against a brute-force
 * computation over the event list with DESIGN section 12's rules and defaults, written
 * independently of the job: every row, provisional and final, and every alert.
 */
class SellerHealthReplayITCase {
    private static final Instant START = Instant.parse("2024-01-01T00:00:00Z");
    private static final long DAY = 86_400_000L;

    @RegisterExtension static final MiniClusterExtension FLINK = Flink.miniCluster();

    @TempDir static Path dir;

    @Test
    void shouldWriteTheSellerHealthABruteForceComputationGives() throws Exception {
        GeneratedEvents generated = new GeneratedEvents(31, 1_200, START, Duration.ofDays(200));
        Path out =
                Replays.replay(
                        dir,
                        generated.write(dir.resolve("health.jsonl"), Duration.ofHours(1), 4),
                        2,
                        Map.of());
        assertThat(Files.readString(out.resolve("late_events.jsonl"))).isEmpty();

        List<String> rows = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("seller_health.jsonl"))) {
            rows.add(row(AvroJson.MAPPER.readTree(line)));
        }
        List<String> alerts = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("seller_health_alerts.jsonl"))) {
            JsonNode a = AvroJson.MAPPER.readTree(line);
            alerts.add(
                    a.get("marketplace").asText()
                            + " "
                            + a.get("day").asText()
                            + " "
                            + a.get("metric").asText()
                            + " "
                            + a.get("kind").asText());
        }
        Expected expected = bruteForce(generated);
        assertThat(rows).hasSameSizeAs(new TreeSet<>(rows));
        assertThat(new TreeSet<>(rows)).isEqualTo(new TreeSet<>(expected.rows));
        assertThat(new TreeSet<>(alerts)).isEqualTo(new TreeSet<>(expected.alerts));
        assertThat(rows).hasSizeGreaterThan(300);
        assertThat(alerts).isNotEmpty();
        System.out.printf(
                "seller health: %d rows, %d alerts, last final %s%n",
                rows.size(), alerts.size(), expected.lastFinal);
    }

    private static String row(JsonNode n) {
        return String.join(
                " ",
                n.get("marketplace").asText(),
                n.get("day").asText(),
                n.get("orders_90d").asText(),
                n.get("feedback_90d").asText(),
                n.get("negative_feedback_90d").asText(),
                n.get("positive_feedback_90d").asText(),
                n.get("messages_due_90d").asText(),
                n.get("answered_in_24h_90d").asText(),
                n.get("month_gmv_minor").asText(),
                n.get("repeat_buyer_gmv_minor").asText(),
                n.get("negative_feedback_ok").asText("null"),
                n.get("positive_feedback_ok").asText("null"),
                n.get("response_ok").asText("null"),
                n.get("version").asText());
    }

    private record Expected(List<String> rows, List<String> alerts, String lastFinal) {}

    /** DESIGN section 12 over the valid, first occurrences of the generated events. */
    private static Expected bruteForce(GeneratedEvents generated) {
        List<GeneratedEvents.Line> valid = new ArrayList<>();
        long asOf = Long.MIN_VALUE;
        for (GeneratedEvents.Line l : generated.lines) {
            if (l.valid() && !l.duplicate()) {
                valid.add(l);
                asOf = Math.max(asOf, l.at().toEpochMilli());
            }
        }
        valid.sort(Comparator.comparing(GeneratedEvents.Line::at));
        // per marketplace and day: events, orders, gmv, repeat gmv, feedback, neg, pos, due,
        // answered
        Map<String, TreeMap<Long, long[]>> days = new TreeMap<>();
        Set<String> orderIds = new HashSet<>();
        Map<String, Integer> monthOrders = new HashMap<>(); // customer|market|month -> count
        Map<String, Long> monthFirst = new HashMap<>();
        Map<String, Long> replies = new HashMap<>(); // message id -> earliest reply time
        for (GeneratedEvents.Line l : valid) {
            if ("interaction".equals(l.type())
                    && "SELLER_REPLY".equals(l.text("interaction_type"))) {
                replies.merge(l.text("reply_to"), l.at().toEpochMilli(), Math::min);
            }
        }
        for (GeneratedEvents.Line l : valid) {
            String type = l.type();
            if (type.equals("ad")) {
                continue;
            }
            String m = l.text("marketplace");
            long at = l.at().toEpochMilli();
            long[] d =
                    days.computeIfAbsent(m, k -> new TreeMap<>())
                            .computeIfAbsent(Math.floorDiv(at, DAY), k -> new long[9]);
            if (type.equals("order")) {
                if (!orderIds.add(l.customer() + "|" + l.text("order_id"))) {
                    continue; // a retry under a new event_id: not counted, not an event there
                }
                long gmv = l.number("total_minor");
                d[0]++;
                d[1]++;
                d[2] += gmv;
                LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(at, DAY));
                String key =
                        l.customer() + "|" + m + "|" + date.getYear() + "-" + date.getMonthValue();
                int n = monthOrders.merge(key, 1, Integer::sum);
                if (n == 1) {
                    monthFirst.put(key, gmv);
                } else {
                    d[3] += n == 2 ? monthFirst.get(key) + gmv : gmv;
                }
                continue;
            }
            d[0]++;
            if (type.equals("interaction")) {
                String it = l.text("interaction_type");
                if (it.equals("FEEDBACK")) {
                    d[4]++;
                    Object r = l.event().get("rating");
                    int rating = r == null ? 3 : ((Number) r).intValue();
                    if (r != null && rating <= 2) {
                        d[5]++;
                    } else if (r != null && rating >= 4) {
                        d[6]++;
                    }
                } else if (it.equals("MESSAGE")) {
                    long deadline = at + DAY;
                    if (deadline <= asOf) {
                        long[] due =
                                days.get(m)
                                        .computeIfAbsent(
                                                Math.floorDiv(deadline, DAY), k -> new long[9]);
                        due[7]++;
                        Long reply = replies.get(l.text("event_id"));
                        if (reply != null && reply <= deadline) {
                            due[8]++;
                        }
                    }
                }
            }
        }
        List<String> rows = new ArrayList<>();
        List<String> alerts = new ArrayList<>();
        String lastFinal = null;
        for (Map.Entry<String, TreeMap<Long, long[]>> market : days.entrySet()) {
            String m = market.getKey();
            TreeMap<Long, long[]> byDay = market.getValue();
            Boolean[] judged = new Boolean[3];
            for (Map.Entry<Long, long[]> e : byDay.entrySet()) {
                long day = e.getKey();
                if (e.getValue()[0] == 0 || (day + 1) * DAY > asOf) {
                    continue; // no event there (a deadline only), or not ended by the as-of
                }
                long[] w = new long[9];
                for (long[] v : byDay.subMap(day - 89, true, day, true).values()) {
                    for (int i = 0; i < 9; i++) {
                        w[i] += v[i];
                    }
                }
                long firstOfMonth = LocalDate.ofEpochDay(day).withDayOfMonth(1).toEpochDay();
                long gmv = 0, repeat = 0;
                for (long[] v : byDay.subMap(firstOfMonth, true, day, true).values()) {
                    gmv += v[2];
                    repeat += v[3];
                }
                Boolean neg = w[1] == 0 ? null : (double) w[5] / w[1] < 0.005;
                Boolean pos = w[4] == 0 ? null : (double) w[6] / w[4] >= 0.95;
                Boolean resp = w[7] == 0 ? null : (double) w[8] / w[7] >= 0.90;
                String base =
                        String.join(
                                " ",
                                m,
                                LocalDate.ofEpochDay(day).toString(),
                                Long.toString(w[1]),
                                Long.toString(w[4]),
                                Long.toString(w[5]),
                                Long.toString(w[6]),
                                Long.toString(w[7]),
                                Long.toString(w[8]),
                                Long.toString(gmv),
                                Long.toString(repeat),
                                String.valueOf(neg),
                                String.valueOf(pos),
                                String.valueOf(resp));
                rows.add(base + " 1");
                if ((day + 2) * DAY <= asOf) {
                    rows.add(base + " 2");
                    lastFinal = LocalDate.ofEpochDay(day).toString();
                    Boolean[] now = {neg, pos, resp};
                    String[] metrics = {
                        "negative_feedback_rate", "positive_feedback_share", "response_rate"
                    };
                    for (int i = 0; i < 3; i++) {
                        if (now[i] == null) {
                            continue;
                        }
                        if (judged[i] != null && !judged[i].equals(now[i])) {
                            alerts.add(
                                    m
                                            + " "
                                            + LocalDate.ofEpochDay(day)
                                            + " "
                                            + metrics[i]
                                            + " "
                                            + (now[i] ? "RECOVERY" : "BREACH"));
                        }
                        judged[i] = now[i];
                    }
                }
            }
        }
        return new Expected(rows, alerts, lastFinal);
    }
}
