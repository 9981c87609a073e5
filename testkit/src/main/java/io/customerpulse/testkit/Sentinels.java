package io.customerpulse.testkit;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/**
 * One event per input type at a time past the end of an input, in the replay format. Sent to every
 * partition after the input, they move each partition's watermark past the input's last event, so
 * the live job finishes everything before it: the soak and the end-to-end tests end their input so.
 * They belong to customer "sentinel" and order "S1", which no generated input uses.
 */
public final class Sentinels {
    private Sentinels() {}

    /**
     * The final watermark of an input whose last event is at {@code lastEventMillis}: the end of
     * the update interval after the one that event falls in. The sentinels, placed at it plus the
     * bound plus 1 ms, move every partition's watermark exactly there.
     */
    public static long finalWatermark(long lastEventMillis, long updateIntervalMillis) {
        return (Math.floorDiv(lastEventMillis, updateIntervalMillis) + 2) * updateIntervalMillis;
    }

    /**
     * The five lines (order, return, ad impression on {@code campaignId}, interaction, shipment —
     * SHIPPED, which no rule acts on).
     */
    public static List<String> lines(Instant at, String campaignId) {
        return List.of(
                event("order", "s1", "sentinel", at)
                        .put("order_id", "S1")
                        .put("total_minor", 1)
                        .put("currency", "USD")
                        .toString(),
                event("return", "s2", "sentinel", at)
                        .put("order_id", "S1")
                        .put("refund_minor", 1)
                        .put("currency", "USD")
                        .toString(),
                event("ad", "s3", null, at)
                        .put("ad_type", "IMPRESSION")
                        .put("campaign_id", campaignId)
                        .put("cost_minor", 0)
                        .put("currency", "USD")
                        .toString(),
                event("interaction", "s4", "sentinel", at)
                        .put("interaction_type", "PAGE_VIEW")
                        .toString(),
                event("shipment", "s5", "sentinel", at)
                        .put("order_id", "S1")
                        .put("status", "SHIPPED")
                        .toString());
    }

    private static ObjectNode event(String type, String id, String customer, Instant at) {
        ObjectNode e = JsonNodeFactory.instance.objectNode();
        e.put("type", type);
        e.put("event_id", id);
        e.put("customer_id", customer);
        e.put("event_time", at.toString());
        e.put("marketplace", "US");
        return e;
    }
}
