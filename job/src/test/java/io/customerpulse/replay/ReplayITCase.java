package io.customerpulse.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.customerpulse.avro.CustomerProfile;
import io.customerpulse.json.AvroJson;
import io.customerpulse.testing.EventJson;
import io.customerpulse.testing.Flink;
import io.customerpulse.testing.GeneratedEvents;
import io.customerpulse.testing.Replays;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replay on a MiniCluster with RocksDB and checkpointing, over a generated stream: outputs are
 * the same at parallelism 1 and 2 and in any arrival order within the bound, and the cumulative
 * metrics equal sums computed here from the generated events.
 */
class ReplayITCase {
    private static final Instant START = Instant.parse("2024-01-01T00:00:00Z");
    private static final Duration BOUND = Duration.ofHours(1);

    @RegisterExtension static final MiniClusterExtension FLINK = Flink.miniCluster(4); // p4

    @TempDir static Path dir;
    static GeneratedEvents generated;

    @BeforeAll
    static void generate() {
        generated = new GeneratedEvents(11, 2_000, START, Duration.ofDays(240));
    }

    static String read(Path out, String name) throws Exception {
        return Files.readString(out.resolve(name + ".jsonl"), StandardCharsets.UTF_8);
    }

    @Test
    void shouldBeDeterministicAcrossParallelismAndArrivalOrderAndMatchIndependentSums()
            throws Exception {
        Path inOrder = generated.write(dir.resolve("in-order.jsonl"), Duration.ZERO, 0);
        Path shuffled = generated.write(dir.resolve("shuffled.jsonl"), BOUND, 5);
        assertThat(Files.readAllLines(shuffled)).isNotEqualTo(Files.readAllLines(inOrder));

        Path p1 = Replays.replay(dir, inOrder, 1, Map.of());
        Path p2 = Replays.replay(dir, inOrder, 2, Map.of());
        Path p4 = Replays.replay(dir, inOrder, 4, Map.of());
        Path p2shuffled = Replays.replay(dir, shuffled, 2, Map.of());

        for (String name :
                List.of(
                        "profiles",
                        "segment_changes",
                        "churn_alerts",
                        "actions",
                        "seller_health",
                        "seller_health_alerts",
                        "campaign_daily")) {
            assertThat(read(p2, name)).as(name + " p1 vs p2").isEqualTo(read(p1, name));
            assertThat(read(p4, name)).as(name + " p1 vs p4").isEqualTo(read(p1, name));
            assertThat(read(p2shuffled, name)).as(name + " shuffled").isEqualTo(read(p1, name));
        }
        assertThat(read(p1, "late_events")).isEmpty();
        assertThat(read(p2shuffled, "late_events")).isEmpty();

        // independent sums over the generated orders and returns (duplicates and invalid lines
        // excluded, an order_id once, refunds capped at their order's total)
        Money money = new Money(generated);
        Map<String, long[]> expected = new LinkedHashMap<>();
        for (GeneratedEvents.Line l : money.orders) {
            long[] t = expected.computeIfAbsent(l.customer(), c -> new long[3]);
            t[0]++;
            t[1] += l.number("total_minor");
        }
        money.refunds.forEach(
                (l, refund) ->
                        expected.computeIfAbsent(l.customer(), c -> new long[3])[2] += refund);
        money.takenBack.forEach(
                (customer, amount) ->
                        expected.computeIfAbsent(customer, c -> new long[3])[2] -= amount);
        assertThat(money.repeatedOrders).isGreaterThan(10);
        assertThat(money.cappedRefunds).isGreaterThan(10);
        Map<String, JsonNode> profiles = Replays.profiles(p1);
        assertThat(profiles.keySet())
                .isEqualTo(
                        generated.lines.stream()
                                .filter(
                                        l ->
                                                l.valid()
                                                        && !"IMPRESSION"
                                                                .equals(l.event().get("ad_type")))
                                .map(GeneratedEvents.Line::customer)
                                .collect(java.util.stream.Collectors.toSet()))
                .hasSizeGreaterThan(1_900);
        expected.forEach(
                (customer, t) -> {
                    JsonNode p = profiles.get(customer);
                    assertThat(p.get("orders_total").asLong()).as(customer).isEqualTo(t[0]);
                    assertThat(p.get("gmv_minor").asLong()).as(customer).isEqualTo(t[1]);
                    assertThat(p.get("refunds_minor").asLong()).as(customer).isEqualTo(t[2]);
                });
        assertThat(read(p1, "dead_letter").lines())
                .extracting(l -> AvroJson.MAPPER.readTree(l).get("reason").asText())
                .containsExactlyInAnyOrder("NEGATIVE_AMOUNT", "MALFORMED");
        // every profile carries every field
        assertThat(profiles.values().iterator().next().size())
                .isEqualTo(CustomerProfile.getClassSchema().getFields().size());
    }

    @Test
    void shouldMatchCampaignTotalsComputedByBruteForceOverTheEventList() throws Exception {
        Path out =
                Replays.replay(
                        dir,
                        generated.write(dir.resolve("campaigns.jsonl"), BOUND, 9),
                        2,
                        Map.of());

        long week = Duration.ofDays(7).toMillis();
        Map<String, long[]> expected =
                new TreeMap<>(); // impressions, clicks, spend, orders, sales, returns, new
        List<GeneratedEvents.Line> clicks = new ArrayList<>();
        Map<String, String> creditedOrders = new HashMap<>(); // order id -> campaign
        Map<String, GenericOrder> creditedAt = new HashMap<>(); // order id -> when credited
        Set<String> acquired = new HashSet<>();
        for (GeneratedEvents.Line l : generated.lines) {
            if (l.counts("ad")) {
                boolean click = "CLICK".equals(l.text("ad_type"));
                long[] row =
                        expected.computeIfAbsent(
                                key(l.text("campaign_id"), l.at()), k -> new long[7]);
                row[click ? 1 : 0]++;
                row[2] += l.number("cost_minor");
                if (click) {
                    clicks.add(l);
                }
            }
        }
        Comparator<GeneratedEvents.Line> clickOrder =
                Comparator.comparing(GeneratedEvents.Line::at)
                        .thenComparing(l -> l.text("event_id"));
        Money money = new Money(generated);
        List<GeneratedEvents.Line> orders = money.orders;
        for (GeneratedEvents.Line o : orders) {
            long at = o.at().toEpochMilli();
            Optional<GeneratedEvents.Line> last =
                    clicks.stream()
                            .filter(c -> c.customer().equals(o.customer()))
                            .filter(
                                    c ->
                                            c.at().toEpochMilli() <= at
                                                    && c.at().toEpochMilli() > at - week)
                            .max(clickOrder);
            boolean first = acquired.add(o.customer());
            if (last.isPresent()) {
                long[] row =
                        expected.computeIfAbsent(
                                key(last.get().text("campaign_id"), last.get().at()),
                                k -> new long[7]);
                row[3]++;
                row[4] += o.number("total_minor");
                row[6] += first ? 1 : 0;
                creditedOrders.put(o.text("order_id"), last.get().text("campaign_id"));
                creditedAt.put(o.text("order_id"), new GenericOrder(at, o.text("event_id")));
            }
        }
        money.refunds.forEach(
                (r, refund) -> {
                    String campaign = creditedOrders.get(r.text("order_id"));
                    GenericOrder credited = creditedAt.get(r.text("order_id"));
                    // a return reaches the campaign of an order credited before it (a return
                    // applied before its order is not credited to any campaign)
                    boolean after =
                            credited != null
                                    && (credited.at() < r.at().toEpochMilli()
                                            || (credited.at() == r.at().toEpochMilli()
                                                    && credited.eventId()
                                                                    .compareTo(r.text("event_id"))
                                                            < 0));
                    if (campaign != null && after && refund > 0) {
                        expected.computeIfAbsent(key(campaign, r.at()), k -> new long[7])[5] +=
                                refund;
                    }
                });

        Map<String, long[]> actual = new TreeMap<>();
        for (String line : Files.readAllLines(out.resolve("campaign_daily.jsonl"))) {
            JsonNode n = AvroJson.MAPPER.readTree(line);
            actual.put(
                    n.get("campaign_id").asText() + " " + n.get("day").asText(),
                    new long[] {
                        n.get("impressions").asLong(),
                        n.get("clicks").asLong(),
                        n.get("spend_minor").asLong(),
                        n.get("attributed_orders").asLong(),
                        n.get("attributed_sales_minor").asLong(),
                        n.get("attributed_returns_minor").asLong(),
                        n.get("new_customers").asLong()
                    });
        }
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        expected.forEach((k, v) -> assertThat(actual.get(k)).as(k).containsExactly(v));
        assertThat(expected.values().stream().mapToLong(v -> v[4]).sum()).isPositive();
        assertThat(expected.values().stream().mapToLong(v -> v[5]).sum()).isPositive();
    }

    /**
     * Money as DESIGN section 4 counts it, computed here in event-time order (then event_id): an
     * order_id counts once within the order retention (90 d), and the refunds of an order known
     * then add up to its total at most; a return of an order not known refunds in full and counts
     * against the order if it comes later (what it refunded beyond the total is taken back then).
     */
    static final class Money {
        private static final long RETENTION = Duration.ofDays(90).toMillis();

        /** The orders that count, in the order they are applied. */
        final List<GeneratedEvents.Line> orders = new ArrayList<>();

        /** Each return and what it refunded, in the order they are applied. */
        final Map<GeneratedEvents.Line, Long> refunds = new LinkedHashMap<>();

        /**
         * Per customer, what returns refunded beyond an order's total before the order came (taken
         * back when it does).
         */
        final Map<String, Long> takenBack = new HashMap<>();

        int repeatedOrders;
        int cappedRefunds;

        Money(GeneratedEvents generated) {
            Map<String, long[]> known = new HashMap<>(); // order id -> at, total, refunded
            generated.lines.stream()
                    .filter(l -> l.counts("order") || l.counts("return"))
                    .sorted(
                            Comparator.comparing(GeneratedEvents.Line::at)
                                    .thenComparing(l -> l.text("event_id")))
                    .forEach(
                            l -> {
                                long at = l.at().toEpochMilli();
                                long[] order = known.get(l.text("order_id"));
                                if (order != null && order[0] + RETENTION < at) {
                                    order = null; // forgotten
                                }
                                if (l.type().equals("order")) {
                                    if (order != null && order[1] >= 0) {
                                        repeatedOrders++;
                                        return;
                                    }
                                    orders.add(l); // starts with what its returns refunded
                                    long total = l.number("total_minor");
                                    long carried = order == null ? 0 : order[2];
                                    if (carried > total) {
                                        takenBack.merge(l.customer(), carried - total, Long::sum);
                                        carried = total;
                                    }
                                    known.put(l.text("order_id"), new long[] {at, total, carried});
                                    return;
                                }
                                long refund = l.number("refund_minor");
                                if (order == null) { // not seen: in full, and remembered
                                    known.put(l.text("order_id"), new long[] {at, -1, refund});
                                } else if (order[1] < 0) {
                                    order[2] += refund;
                                } else {
                                    long left = Math.max(0, order[1] - order[2]);
                                    if (refund > left) {
                                        cappedRefunds++;
                                        refund = left;
                                    }
                                    order[2] += refund;
                                }
                                refunds.put(l, refund);
                            });
        }
    }

    /** When an order was credited: its time and event_id (the order of the steps). */
    private record GenericOrder(long at, String eventId) {}

    private static String key(String campaign, Instant at) {
        return campaign + " " + LocalDate.ofInstant(at, ZoneOffset.UTC);
    }

    @Test
    void shouldIgnoreEventsAfterAsOfAndHaveNoLaterTimerTakeEffect() throws Exception {
        Path input = dir.resolve("as-of.jsonl");
        Files.write(
                input,
                List.of(
                        order("o1", "early", "2025-01-01T00:00:00Z", "A1"),
                        order("o2", "early", "2025-01-20T00:00:00Z", "A2"),
                        order("o3", "later", "2025-03-01T00:00:00Z", "A3")),
                StandardCharsets.UTF_8);

        Path out = Replays.replay(dir, input, 1, Map.of("replay.as-of", "2025-02-01T00:00:00Z"));
        Map<String, JsonNode> profiles = Replays.profiles(out);
        assertThat(profiles).containsOnlyKeys("early");
        assertThat(profiles.get("early").get("segment").asText()).isEqualTo("REPEAT");
        assertThat(profiles.get("early").get("orders_90d").asInt()).isEqualTo(2);

        // by default as of the latest event (2025-03-01): 'early' is churn risk from 2025-03-21?
        // No:
        // 2025-01-20 + 60 d = 2025-03-21, after the latest event, so it is not.
        Map<String, JsonNode> latest = Replays.profiles(Replays.replay(dir, input, 1, Map.of()));
        assertThat(latest).containsOnlyKeys("early", "later");
        assertThat(latest.get("early").get("segment").asText()).isEqualTo("REPEAT");
        assertThat(latest.get("later").get("segment").asText()).isEqualTo("POTENTIAL");
    }

    private static String order(String id, String customer, String at, String orderId) {
        return EventJson.order(id)
                .customer(customer)
                .at(Instant.parse(at))
                .with("order_id", orderId)
                .amount("total_minor", 1000, "USD")
                .json();
    }
}
