package io.customerpulse.tools.importer;

import io.customerpulse.json.AvroJson;
import java.io.IOException;
import java.io.Writer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an import made of a seller's export: order and return events in the replay format, the rows
 * it could not use (with their line and why) and the rows it left out on purpose (counted by
 * reason: no customer, a cancelled order...).
 */
public final class ImportedEvents {
    /** An order line: the product (ASIN, SKU or stock code), how many, the unit price. */
    public record Line(String product, int quantity, long unitPriceMinor) {}

    private final List<Map<String, Object>> events = new ArrayList<>();
    private final List<Instant> times = new ArrayList<>();
    private final List<String> badRows = new ArrayList<>();
    private final Map<String, Long> skipped = new TreeMap<>();
    private long orders;
    private long returns;

    /** An order event; {@code fulfillment} FBA, FBM or null. */
    public void order(
            String eventId,
            String customerId,
            Instant at,
            String marketplace,
            String orderId,
            List<Line> lines,
            long totalMinor,
            String currency,
            String fulfillment) {
        Map<String, Object> e = event("order", eventId, customerId, at, marketplace, orderId);
        List<Map<String, Object>> l = new ArrayList<>();
        for (Line line : lines) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("asin", line.product());
            m.put("quantity", line.quantity());
            m.put("unit_price_minor", line.unitPriceMinor());
            l.add(m);
        }
        e.put("lines", l);
        e.put("total_minor", totalMinor);
        e.put("currency", currency);
        if (fulfillment != null) {
            e.put("fulfillment", fulfillment);
        }
        add(e, at);
        orders++;
    }

    /** A return (refund) of {@code orderId}. */
    public void refund(
            String eventId,
            String customerId,
            Instant at,
            String marketplace,
            String orderId,
            long refundMinor,
            String currency,
            String reason) {
        Map<String, Object> e = event("return", eventId, customerId, at, marketplace, orderId);
        e.put("refund_minor", refundMinor);
        e.put("currency", currency);
        e.put("reason", reason);
        add(e, at);
        returns++;
    }

    /** A row that does not fit: not imported, reported with its line. */
    public void bad(long line, String reason) {
        badRows.add("line " + line + ": " + reason);
    }

    /** A row left out on purpose, counted under {@code reason}. */
    public void skip(String reason) {
        skipped.merge(reason, 1L, Long::sum);
    }

    public List<String> badRows() {
        return badRows;
    }

    public Map<String, Long> skipped() {
        return skipped;
    }

    public long orders() {
        return orders;
    }

    public long returns() {
        return returns;
    }

    /** The events in time order (the export's order within a millisecond); returns how many. */
    public int write(Writer out) throws IOException {
        Integer[] order = new Integer[events.size()];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparing(times::get)); // stable
        for (int i : order) {
            out.write(AvroJson.MAPPER.writeValueAsString(events.get(i)));
            out.write('\n');
        }
        return events.size();
    }

    private static Map<String, Object> event(
            String type,
            String eventId,
            String customerId,
            Instant at,
            String marketplace,
            String orderId) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("type", type);
        e.put("event_id", eventId);
        e.put("customer_id", customerId);
        e.put("event_time", at.toString());
        e.put("marketplace", marketplace);
        e.put("order_id", orderId);
        return e;
    }

    private void add(Map<String, Object> e, Instant at) {
        events.add(e);
        times.add(at);
    }
}
