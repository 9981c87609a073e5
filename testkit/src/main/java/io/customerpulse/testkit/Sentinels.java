package io.customerpulse.testkit;

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

    /** The four lines (order, return, ad impression on {@code campaignId}, interaction). */
    public static List<String> lines(Instant at, String campaignId) {
        String head =
                "\"customer_id\":\"sentinel\",\"event_time\":\"" + at + "\",\"marketplace\":\"US\"";
        return List.of(
                "{\"type\":\"order\",\"event_id\":\"s1\","
                        + head
                        + ",\"order_id\":\"S1\",\"total_minor\":1,\"currency\":\"USD\"}",
                "{\"type\":\"return\",\"event_id\":\"s2\","
                        + head
                        + ",\"order_id\":\"S1\",\"refund_minor\":1,\"currency\":\"USD\"}",
                "{\"type\":\"ad\",\"event_id\":\"s3\",\"customer_id\":null,\"event_time\":\""
                        + at
                        + "\",\"marketplace\":\"US\",\"ad_type\":\"IMPRESSION\",\"campaign_id\":\""
                        + campaignId
                        + "\",\"cost_minor\":0,\"currency\":\"USD\"}",
                "{\"type\":\"interaction\",\"event_id\":\"s4\","
                        + head
                        + ",\"interaction_type\":\"PAGE_VIEW\"}");
    }
}
