package io.customerpulse.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.customerpulse.json.AvroJson;
import java.time.Instant;

/**
 * One input event as the JSON the replay and the local stack read (the fields of {@code
 * avro/input}, as {@code JsonEventDecoder} decodes them), built field by field instead of by string
 * concatenation.
 */
public final class EventJson {
    private final ObjectNode node = AvroJson.MAPPER.createObjectNode();

    private EventJson(String type, String eventId) {
        node.put("type", type);
        node.put("event_id", eventId);
        node.put("marketplace", "US");
    }

    public static EventJson order(String eventId) {
        return new EventJson("order", eventId);
    }

    public static EventJson refund(String eventId) {
        return new EventJson("return", eventId);
    }

    public static EventJson interaction(String eventId) {
        return new EventJson("interaction", eventId);
    }

    public static EventJson ad(String eventId) {
        return new EventJson("ad", eventId);
    }

    /** The customer; null writes JSON null. */
    public EventJson customer(String customerId) {
        if (customerId == null) {
            node.putNull("customer_id");
        } else {
            node.put("customer_id", customerId);
        }
        return this;
    }

    public EventJson at(Instant eventTime) {
        node.put("event_time", eventTime.toString());
        return this;
    }

    public EventJson with(String field, String value) {
        node.put(field, value);
        return this;
    }

    public EventJson with(String field, long value) {
        node.put(field, value);
        return this;
    }

    /** An order's total, or a return's refund, with its currency. */
    public EventJson amount(String field, long minor, String currency) {
        return with(field, minor).with("currency", currency);
    }

    public ObjectNode node() {
        return node;
    }

    public String json() {
        return node.toString();
    }
}
