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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A seeded stream of replay-format events for integration tests: customers with different order
 * rates and dropout, returns of their own orders, clicks, interactions, some duplicates and some
 * invalid lines. {@link #write} can displace events within an out-of-orderness bound.
 */
public final class GeneratedEvents {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One generated event and its JSON line. */
    public record Line(
            Instant at,
            String json,
            boolean valid,
            boolean validOrder,
            String customer,
            long amount) {}

    public final List<Line> lines = new ArrayList<>();

    public GeneratedEvents(long seed, int customers, Instant start, Duration span) {
        Random r = new Random(seed);
        long spanMs = span.toMillis();
        int id = 0;
        for (int c = 0; c < customers; c++) {
            String customer = "cust-" + c;
            double rate = 0.5 + r.nextDouble() * 6; // orders over the span
            long activeMs = (long) (spanMs * (0.2 + 0.8 * r.nextDouble())); // then drops out
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
                add(at, o, true, true, customer, amount);
                if (r.nextInt(10) == 0) { // an at-least-once producer sent it twice
                    add(at, o, true, false, customer, 0);
                }
                if (r.nextInt(8) == 0) {
                    Instant back = at.plus(Duration.ofDays(1 + r.nextInt(20)));
                    Map<String, Object> ret = base("return", "e" + (++id), customer, back);
                    ret.put("order_id", orderId);
                    ret.put("refund_minor", amount);
                    ret.put("currency", "USD");
                    ret.put("reason", "DEFECTIVE");
                    add(back, ret, true, false, customer, 0);
                }
            }
            int touches = r.nextInt(6);
            for (int i = 0; i < touches; i++) {
                Instant at = start.plusMillis((long) (r.nextDouble() * activeMs));
                Map<String, Object> e;
                if (r.nextBoolean()) {
                    e = base("ad", "e" + (++id), customer, at);
                    e.put("ad_type", "CLICK");
                    e.put("campaign_id", "SP-" + r.nextInt(3));
                    e.put("cost_minor", 89);
                    e.put("currency", "USD");
                } else {
                    e = base("interaction", "e" + (++id), customer, at);
                    e.put("interaction_type", "PAGE_VIEW");
                }
                add(at, e, true, false, customer, 0);
            }
        }
        // invalid records: a negative amount and a line that is not JSON
        Map<String, Object> bad = base("order", "bad-1", "cust-0", start.plus(Duration.ofDays(3)));
        bad.put("order_id", "bad");
        bad.put("total_minor", -100);
        bad.put("currency", "USD");
        add(start.plus(Duration.ofDays(3)), bad, false, false, "cust-0", 0);
        lines.add(
                new Line(
                        start.plus(Duration.ofDays(4)),
                        "{\"type\":\"order\",",
                        false,
                        false,
                        null,
                        0));
        lines.sort(Comparator.comparing(Line::at));
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

    private void add(
            Instant at,
            Map<String, Object> event,
            boolean valid,
            boolean validOrder,
            String customer,
            long amount) {
        try {
            lines.add(
                    new Line(
                            at,
                            JSON.writeValueAsString(event),
                            valid,
                            validOrder,
                            customer,
                            amount));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes the lines in time order, or displaced by less than {@code bound} when shuffling. */
    public Path write(Path file, Duration bound, long shuffleSeed) throws IOException {
        List<Line> out = new ArrayList<>(lines);
        if (!bound.isZero()) {
            Random r = new Random(shuffleSeed);
            Map<Line, Long> key = new java.util.IdentityHashMap<>();
            out.forEach(
                    l ->
                            key.put(
                                    l,
                                    l.at().toEpochMilli()
                                            + (long) (r.nextDouble() * bound.toMillis())));
            out.sort(Comparator.comparingLong(key::get));
        }
        List<String> text = out.stream().map(Line::json).toList();
        Files.write(file, text, StandardCharsets.UTF_8);
        return file;
    }
}
