package io.customerpulse.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.customerpulse.avro.AdEvent;
import io.customerpulse.avro.AdType;
import io.customerpulse.avro.ErasureRequest;
import io.customerpulse.avro.Fulfillment;
import io.customerpulse.avro.IngestRecord;
import io.customerpulse.avro.Interaction;
import io.customerpulse.avro.OrderLine;
import io.customerpulse.avro.OrderPlaced;
import io.customerpulse.avro.OrderReturned;
import io.customerpulse.avro.OrderShipment;
import io.customerpulse.avro.ShipmentStatus;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/**
 * Decodes one line of the replay format (DESIGN section 9: {@code type} plus the Avro field names,
 * times as ISO-8601) into the input record of its type, then validates it with {@link
 * EventNormalizer}. Every failure becomes a rejection with the line's bytes.
 */
public final class JsonEventDecoder implements Serializable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final EventNormalizer normalizer;

    public JsonEventDecoder(EventNormalizer normalizer) {
        this.normalizer = normalizer;
    }

    /** The line as an event or a rejection. */
    public IngestRecord decode(String line, SourceRef ref, long wallClockMillis) {
        byte[] payload = line.getBytes(StandardCharsets.UTF_8);
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (IOException e) {
            return EventNormalizer.rejected(
                    RejectReason.MALFORMED,
                    "not JSON: " + e.getMessage().lines().findFirst().orElse(""),
                    ref,
                    payload,
                    null,
                    null);
        }
        if (node == null || !node.isObject()) {
            return EventNormalizer.rejected(
                    RejectReason.MALFORMED, "not a JSON object", ref, payload, null, null);
        }
        String eventId = node.path("event_id").isTextual() ? node.get("event_id").asText() : null;
        String customerId =
                node.path("customer_id").isTextual() ? node.get("customer_id").asText() : null;
        try {
            return normalizer.toIngest(toRecord(node), ref, payload, wallClockMillis);
        } catch (Rejection r) {
            return EventNormalizer.rejected(
                    r.reason(), r.getMessage(), ref, payload, eventId, customerId);
        }
    }

    /** The input record that a JSON object describes. */
    public static SpecificRecord toRecord(JsonNode n) throws Rejection {
        String type = n.path("type").asText("");
        return switch (type) {
            case "order" ->
                    OrderPlaced.newBuilder()
                            .setEventId(text(n, "event_id"))
                            .setCustomerId(text(n, "customer_id"))
                            .setEventTime(time(n))
                            .setMarketplace(text(n, "marketplace"))
                            .setOrderId(text(n, "order_id"))
                            .setLines(lines(n))
                            .setTotalMinor(number(n, "total_minor"))
                            .setCurrency(text(n, "currency"))
                            .setFulfillment(fulfillment(n))
                            .setIsPrime(n.path("is_prime").asBoolean(false))
                            .build();
            case "return" ->
                    OrderReturned.newBuilder()
                            .setEventId(text(n, "event_id"))
                            .setCustomerId(text(n, "customer_id"))
                            .setEventTime(time(n))
                            .setMarketplace(text(n, "marketplace"))
                            .setOrderId(text(n, "order_id"))
                            .setRefundMinor(number(n, "refund_minor"))
                            .setCurrency(text(n, "currency"))
                            .setReason(optionalText(n, "reason"))
                            .build();
            case "ad" ->
                    AdEvent.newBuilder()
                            .setEventId(text(n, "event_id"))
                            .setCustomerId(optionalText(n, "customer_id"))
                            .setEventTime(time(n))
                            .setMarketplace(text(n, "marketplace"))
                            .setAdType(adType(n))
                            .setCampaignId(text(n, "campaign_id"))
                            .setAdGroupId(optionalText(n, "ad_group_id"))
                            .setAsin(optionalText(n, "asin"))
                            .setCostMinor(n.hasNonNull("cost_minor") ? number(n, "cost_minor") : 0L)
                            .setCurrency(text(n, "currency"))
                            .build();
            case "interaction" ->
                    Interaction.newBuilder()
                            .setEventId(text(n, "event_id"))
                            .setCustomerId(text(n, "customer_id"))
                            .setEventTime(time(n))
                            .setMarketplace(text(n, "marketplace"))
                            .setInteractionType(text(n, "interaction_type"))
                            .setAsin(optionalText(n, "asin"))
                            .setRating(n.hasNonNull("rating") ? (int) number(n, "rating") : null)
                            .setOrderId(optionalText(n, "order_id"))
                            .setReplyTo(optionalText(n, "reply_to"))
                            .build();
            case "shipment" ->
                    OrderShipment.newBuilder()
                            .setEventId(text(n, "event_id"))
                            .setCustomerId(text(n, "customer_id"))
                            .setEventTime(time(n))
                            .setMarketplace(text(n, "marketplace"))
                            .setOrderId(text(n, "order_id"))
                            .setStatus(shipmentStatus(n))
                            .setCarrier(optionalText(n, "carrier"))
                            .build();
            case "erasure" ->
                    ErasureRequest.newBuilder()
                            .setEventId(text(n, "event_id"))
                            .setCustomerId(text(n, "customer_id"))
                            .setEventTime(time(n))
                            .build();
            default ->
                    throw new Rejection(
                            RejectReason.UNKNOWN_TYPE,
                            "type '"
                                    + type
                                    + "' is not one of order, return, ad, interaction, shipment,"
                                    + " erasure");
        };
    }

    private static String text(JsonNode n, String field) throws Rejection {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new Rejection(RejectReason.MISSING_FIELD, field + " is missing");
        }
        if (!v.isTextual()) {
            throw new Rejection(RejectReason.MALFORMED, field + " is not a string: " + v);
        }
        return v.asText();
    }

    private static String optionalText(JsonNode n, String field) throws Rejection {
        return n.hasNonNull(field) ? text(n, field) : null;
    }

    private static long number(JsonNode n, String field) throws Rejection {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new Rejection(RejectReason.MISSING_FIELD, field + " is missing");
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new Rejection(RejectReason.MALFORMED, field + " is not a whole number: " + v);
        }
        return v.asLong();
    }

    private static Instant time(JsonNode n) throws Rejection {
        JsonNode v = n.get("event_time");
        if (v == null || v.isNull()) {
            throw new Rejection(RejectReason.MISSING_FIELD, "event_time is missing");
        }
        if (v.isIntegralNumber()) {
            return Instant.ofEpochMilli(v.asLong());
        }
        try {
            return OffsetDateTime.parse(v.asText()).toInstant();
        } catch (DateTimeParseException e) {
            throw new Rejection(
                    RejectReason.MALFORMED, "event_time '" + v.asText() + "' is not ISO-8601");
        }
    }

    private static List<OrderLine> lines(JsonNode n) throws Rejection {
        List<OrderLine> lines = new ArrayList<>();
        for (JsonNode l : n.path("lines")) {
            lines.add(
                    new OrderLine(
                            text(l, "asin"),
                            (int) number(l, "quantity"),
                            number(l, "unit_price_minor")));
        }
        return lines;
    }

    private static Fulfillment fulfillment(JsonNode n) throws Rejection {
        String f = optionalText(n, "fulfillment");
        try {
            return f == null ? null : Fulfillment.valueOf(f);
        } catch (IllegalArgumentException e) {
            throw new Rejection(
                    RejectReason.MALFORMED, "fulfillment '" + f + "' is not FBA or FBM");
        }
    }

    private static ShipmentStatus shipmentStatus(JsonNode n) throws Rejection {
        String s = text(n, "status");
        try {
            return ShipmentStatus.valueOf(s);
        } catch (IllegalArgumentException e) {
            throw new Rejection(
                    RejectReason.MALFORMED, "status '" + s + "' is not SHIPPED or DELIVERED");
        }
    }

    private static AdType adType(JsonNode n) throws Rejection {
        String t = text(n, "ad_type");
        try {
            return AdType.valueOf(t);
        } catch (IllegalArgumentException e) {
            throw new Rejection(
                    RejectReason.MALFORMED, "ad_type '" + t + "' is not IMPRESSION or CLICK");
        }
    }
}
