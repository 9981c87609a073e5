package io.customerpulse.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A seeded stream of replay-format events for integration tests: customers with different order
 * rates and dropout, returns of their own orders, ad clicks and impressions (some without a
 * customer), interactions, shipments, feedback, messages and replies ({@link #afterOrder}), some
 * duplicates (the same event_id), some orders and returns sent again under a new event_id, some
 * refunds larger than their order, some refunded in the order's own millisecond before it (their
 * event_id sorts first), and some invalid lines. {@link #write} can displace events within an
 * out-of-orderness bound.
 */
public final class GeneratedEvents {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One generated line: its event as a map (null for a line that is not JSON), whether it is
     * valid, and whether it repeats an earlier event (same event_id).
     */
    public record Line(
            Instant at, String json, Map<String, Object> event, boolean valid, boolean duplicate) {
        public String type() {
            return (String) event.get("type");
        }

        public String customer() {
            return event == null ? null : (String) event.get("customer_id");
        }

        public long number(String field) {
            Object v = event.get(field);
            return v == null ? 0 : ((Number) v).longValue();
        }

        public String text(String field) {
            return (String) event.get(field);
        }

        /** A valid, first occurrence of an event of this type. */
        public boolean counts(String type) {
            return valid && !duplicate && type.equals(type());
        }
    }

    public final List<Line> lines = new ArrayList<>();

    public GeneratedEvents(long seed, int customers, Instant start, Duration span) {
        Random r = new Random(seed);
        Random after = new Random(seed * 31 + 7); // what follows orders: the rest stays as it was
        long spanMs = span.toMillis();
        int id = 0;
        for (int c = 0; c < customers; c++) {
            String customer = "cust-" + c;
            double rate = 0.5 + r.nextDouble() * 6; // orders over the span
            long activeMs = (long) (spanMs * (0.2 + 0.8 * r.nextDouble())); // then drops out
            int touches = r.nextInt(8);
            for (int i = 0; i < touches; i++) {
                Instant at = start.plusMillis((long) (r.nextDouble() * activeMs));
                if (r.nextBoolean()) {
                    String campaign = "SP-" + r.nextInt(3);
                    add(
                            at,
                            ad("e" + (++id), customer, at, "CLICK", campaign, 60 + r.nextInt(60)),
                            true);
                    for (int k = 0; k < 20; k++) { // impressions around the click, some anonymous
                        Instant seen = at.minusMillis(r.nextInt(3_600_000));
                        String who = r.nextInt(3) == 0 ? null : customer;
                        Map<String, Object> impression =
                                ad("e" + (++id), who, seen, "IMPRESSION", campaign, r.nextInt(3));
                        add(seen, impression, true);
                        if (r.nextInt(20) == 0) {
                            add(seen, impression, false); // delivered twice
                        }
                    }
                } else {
                    Map<String, Object> e = base("interaction", "e" + (++id), customer, at);
                    e.put("interaction_type", "PAGE_VIEW");
                    add(at, e, true);
                }
            }
            int orders = (int) Math.round(rate * activeMs / spanMs);
            for (int i = 0; i < orders; i++) {
                Instant at = start.plusMillis((long) (r.nextDouble() * activeMs));
                long amount = 500 + r.nextInt(30_000);
                String orderId = "ord-" + (++id);
                Map<String, Object> o = base("order", "e" + id, customer, at);
                o.put("order_id", orderId);
                o.put(
                        "lines",
                        List.of(
                                Map.of(
                                        "asin",
                                        "B0" + r.nextInt(50),
                                        "quantity",
                                        1,
                                        "unit_price_minor",
                                        amount)));
                o.put("total_minor", amount);
                o.put("currency", "USD");
                add(at, o, true);
                afterOrder(after, customer, orderId, at);
                if (r.nextInt(10) == 0) { // an at-least-once producer sent it twice
                    add(at, o, false);
                }
                if (r.nextInt(12) == 0) { // a producer retried it under a new event_id
                    Instant again = at.plusMillis(r.nextInt(120_000));
                    Map<String, Object> retry = new LinkedHashMap<>(o);
                    retry.put("event_id", "e" + (++id));
                    retry.put("event_time", again.toString());
                    add(again, retry, true);
                }
                if (r.nextInt(40) == 0) { // refunded at once: same millisecond, an id sorting first
                    Map<String, Object> quick = base("return", "a" + (++id), customer, at);
                    quick.put("order_id", orderId);
                    quick.put("refund_minor", amount / 2);
                    quick.put("currency", "USD");
                    quick.put("reason", "CANCELLED");
                    add(at, quick, true);
                }
                if (r.nextInt(8) == 0) {
                    Instant back = at.plus(Duration.ofDays(1 + r.nextInt(20)));
                    // some refund more than the order, some are sent again under a new event_id
                    long refund = r.nextInt(4) == 0 ? amount + 1 + r.nextInt(5_000) : amount;
                    Map<String, Object> ret = base("return", "e" + (++id), customer, back);
                    ret.put("order_id", orderId);
                    ret.put("refund_minor", refund);
                    ret.put("currency", "USD");
                    ret.put("reason", "DEFECTIVE");
                    add(back, ret, true);
                    if (r.nextInt(4) == 0) {
                        Map<String, Object> again = new LinkedHashMap<>(ret);
                        again.put("event_id", "e" + (++id));
                        add(back, again, true);
                    }
                }
            }
        }
        // invalid records: a negative amount and a line that is not JSON
        Instant day3 = start.plus(Duration.ofDays(3));
        Map<String, Object> bad = base("order", "bad-1", "cust-0", day3);
        bad.put("order_id", "bad");
        bad.put("total_minor", -100);
        bad.put("currency", "USD");
        lines.add(new Line(day3, write(bad), bad, false, false));
        lines.add(new Line(day3, "{\"type\":\"order\",", null, false, false));
        lines.sort(Comparator.comparing(Line::at));
    }

    private int nextAfterId;

    /**
     * Shipment and delivery of an order (one in twenty is never delivered; one in ten delivered
     * twice, a carrier's re-scan), and now and then feedback with a rating, a complaint, or a buyer
     * message with the seller's reply — within 24 hours, late, or never.
     */
    private void afterOrder(Random r, String customer, String orderId, Instant at) {
        Instant shipped = at.plusMillis(3_600_000L + r.nextInt(86_400_000));
        Map<String, Object> ship = base("shipment", "l" + (++nextAfterId), customer, shipped);
        ship.put("order_id", orderId);
        ship.put("status", "SHIPPED");
        ship.put("carrier", "UPS");
        add(shipped, ship, true);
        Instant delivered = shipped.plusMillis(86_400_000L + r.nextInt(4 * 86_400_000));
        if (r.nextInt(20) != 0) {
            Map<String, Object> d = base("shipment", "l" + (++nextAfterId), customer, delivered);
            d.put("order_id", orderId);
            d.put("status", "DELIVERED");
            add(delivered, d, true);
            if (r.nextInt(10) == 0) {
                Map<String, Object> again = new LinkedHashMap<>(d);
                again.put("event_id", "l" + (++nextAfterId));
                Instant later = delivered.plusMillis(r.nextInt(7_200_000));
                again.put("event_time", later.toString());
                add(later, again, true);
            }
        }
        if (r.nextInt(6) == 0) {
            Instant said = delivered.plusMillis(r.nextInt(10 * 86_400_000));
            String type = r.nextInt(15) == 0 ? "COMPLAINT" : "FEEDBACK";
            Map<String, Object> f = base("interaction", "l" + (++nextAfterId), customer, said);
            f.put("interaction_type", type);
            f.put("order_id", orderId);
            if (type.equals("FEEDBACK")) {
                f.put("rating", r.nextInt(5) == 0 ? 1 + r.nextInt(2) : 4 + r.nextInt(2));
            }
            add(said, f, true);
        }
        if (r.nextInt(8) == 0) {
            Instant asked = at.plusMillis(r.nextInt(3 * 86_400_000));
            String messageId = "l" + (++nextAfterId);
            Map<String, Object> m = base("interaction", messageId, customer, asked);
            m.put("interaction_type", "MESSAGE");
            m.put("order_id", orderId);
            add(asked, m, true);
            int u = r.nextInt(20);
            if (u < 19) { // within 24 h (one exactly at the deadline now and then), late, or never
                long delay =
                        u == 0
                                ? 86_400_000L
                                : u < 16
                                        ? r.nextInt(86_400_000)
                                        : 86_400_001L + r.nextInt(86_400_000);
                Instant replied = asked.plusMillis(delay);
                Map<String, Object> reply =
                        base("interaction", "l" + (++nextAfterId), customer, replied);
                reply.put("interaction_type", "SELLER_REPLY");
                reply.put("reply_to", messageId);
                add(replied, reply, true);
            }
        }
    }

    private static Map<String, Object> ad(
            String id, String customer, Instant at, String type, String campaign, long cost) {
        Map<String, Object> e = base("ad", id, customer, at);
        e.put("ad_type", type);
        e.put("campaign_id", campaign);
        e.put("cost_minor", cost);
        e.put("currency", "USD");
        return e;
    }

    private static Map<String, Object> base(String type, String id, String customer, Instant at) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        m.put("event_id", id);
        m.put("customer_id", customer);
        m.put("event_time", at.toString());
        m.put("marketplace", "US");
        return m;
    }

    private void add(Instant at, Map<String, Object> event, boolean first) {
        lines.add(new Line(at, write(event), event, true, !first));
    }

    private static String write(Map<String, Object> event) {
        try {
            return JSON.writeValueAsString(event);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes the lines in time order, or displaced by less than {@code bound} when shuffling. */
    public Path write(Path file, Duration bound, long shuffleSeed) throws IOException {
        List<Line> out = new ArrayList<>(lines);
        if (!bound.isZero()) {
            Random r = new Random(shuffleSeed);
            Map<Line, Long> key = new IdentityHashMap<>();
            out.forEach(
                    l ->
                            key.put(
                                    l,
                                    l.at().toEpochMilli()
                                            + (long) (r.nextDouble() * bound.toMillis())));
            out.sort(Comparator.comparingLong(key::get));
        }
        Files.write(file, out.stream().map(Line::json).toList(), StandardCharsets.UTF_8);
        return file;
    }
}
