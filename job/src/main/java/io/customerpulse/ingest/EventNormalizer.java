package io.customerpulse.ingest;

import io.customerpulse.avro.AdEvent;
import io.customerpulse.avro.AdType;
import io.customerpulse.avro.CustomerEvent;
import io.customerpulse.avro.ErasureRequest;
import io.customerpulse.avro.EventKind;
import io.customerpulse.avro.IngestRecord;
import io.customerpulse.avro.Interaction;
import io.customerpulse.avro.OrderLine;
import io.customerpulse.avro.OrderPlaced;
import io.customerpulse.avro.OrderReturned;
import io.customerpulse.avro.OrderShipment;
import io.customerpulse.avro.RejectedEvent;
import io.customerpulse.config.JobConfig;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import org.apache.avro.specific.SpecificRecord;

/**
 * Validates a decoded input record and turns it into a {@link CustomerEvent} in the reporting
 * currency (DESIGN section 2). A record that breaks a rule becomes a {@link RejectedEvent} with the
 * reason, its source and its original bytes; nothing is dropped silently.
 */
public final class EventNormalizer implements Serializable {
    private final CurrencyConverter converter;
    private final long maxAmountMinor;
    private final long minEventTime;
    private final long maxAheadMillis;
    private final boolean checkFuture;
    private final int maxIdLength;

    public EventNormalizer(JobConfig config) {
        this.converter =
                new CurrencyConverter(
                        config.reportingCurrency(), config.validation().currencyRates());
        this.maxAmountMinor = config.validation().maxAmountMinor();
        this.minEventTime = config.validation().minEventTime().toEpochMilli();
        this.maxAheadMillis = config.validation().maxAhead().toMillis();
        this.checkFuture = !config.replayMode();
        this.maxIdLength = config.validation().maxIdLength();
    }

    /** The record as an event, or as a rejection carrying {@code ref} and {@code payload}. */
    public IngestRecord toIngest(
            SpecificRecord input, SourceRef ref, byte[] payload, long wallClockMillis) {
        try {
            return new IngestRecord(normalize(input, wallClockMillis), null);
        } catch (Rejection r) {
            Object eventId = field(input, "event_id");
            Object customerId = field(input, "customer_id");
            return rejected(
                    r.reason(),
                    r.getMessage(),
                    ref,
                    payload,
                    eventId == null ? null : eventId.toString(),
                    customerId == null ? null : customerId.toString());
        }
    }

    /** The most bytes of the original record a rejection carries. */
    public static final int MAX_PAYLOAD_BYTES = 64 * 1024;

    /** The most characters of the detail and of each id a rejection carries. */
    static final int MAX_DETAIL_CHARS = 1_000;

    static final int MAX_ID_CHARS = 256;

    /**
     * A rejection record. It is bounded whatever the input: the payload, the detail and the ids are
     * cut to {@link #MAX_PAYLOAD_BYTES}, {@link #MAX_DETAIL_CHARS} and {@link #MAX_ID_CHARS}, with
     * the original size and a SHA-256 of the whole payload kept. Else a record near Kafka's message
     * limit, wrapped with its reason and source, would exceed it and fail the dead-letter sink at
     * every restart.
     */
    public static IngestRecord rejected(
            RejectReason reason,
            String detail,
            SourceRef ref,
            byte[] payload,
            String eventId,
            String customerId) {
        byte[] original = payload == null ? new byte[0] : payload;
        byte[] kept =
                original.length > MAX_PAYLOAD_BYTES
                        ? Arrays.copyOf(original, MAX_PAYLOAD_BYTES)
                        : original;
        RejectedEvent rejected =
                RejectedEvent.newBuilder()
                        .setReason(reason.name())
                        .setDetail(cut(detail, MAX_DETAIL_CHARS))
                        .setSource(ref.source())
                        .setPartition(ref.partition())
                        .setOffset(ref.offset())
                        .setEventId(cut(eventId, MAX_ID_CHARS))
                        .setCustomerId(cut(customerId, MAX_ID_CHARS))
                        .setPayload(ByteBuffer.wrap(kept))
                        .setPayloadSize(original.length)
                        .setPayloadSha256(sha256(original))
                        .build();
        return new IngestRecord(null, rejected);
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Validates and converts; throws a {@link Rejection} naming the first rule broken. */
    public CustomerEvent normalize(SpecificRecord input, long wallClockMillis) throws Rejection {
        if (input instanceof OrderPlaced o) {
            return order(o, wallClockMillis);
        } else if (input instanceof OrderReturned r) {
            return returned(r, wallClockMillis);
        } else if (input instanceof AdEvent a) {
            return ad(a, wallClockMillis);
        } else if (input instanceof Interaction i) {
            return interaction(i, wallClockMillis);
        } else if (input instanceof ErasureRequest r) {
            return erasure(r, wallClockMillis);
        } else if (input instanceof OrderShipment s) {
            return shipment(s, wallClockMillis);
        }
        throw new Rejection(
                RejectReason.UNKNOWN_TYPE, "unsupported record " + input.getSchema().getFullName());
    }

    private CustomerEvent order(OrderPlaced o, long wall) throws Rejection {
        CustomerEvent.Builder b =
                common(o.getEventId(), o.getCustomerId(), true, o.getEventTime(), wall);
        id("order_id", o.getOrderId(), true);
        for (OrderLine line : o.getLines()) {
            if (line.getQuantity() <= 0 || line.getUnitPriceMinor() < 0) {
                throw new Rejection(
                        RejectReason.INVALID_LINE,
                        "order line "
                                + line.getAsin()
                                + " has quantity "
                                + line.getQuantity()
                                + " and unit_price_minor "
                                + line.getUnitPriceMinor());
            }
        }
        text("marketplace", o.getMarketplace());
        return b.setKind(EventKind.ORDER)
                .setMarketplace(o.getMarketplace())
                .setOrderId(o.getOrderId())
                .setAmountMinor(amount("total_minor", o.getTotalMinor(), o.getCurrency()))
                .build();
    }

    private CustomerEvent returned(OrderReturned r, long wall) throws Rejection {
        CustomerEvent.Builder b =
                common(r.getEventId(), r.getCustomerId(), true, r.getEventTime(), wall);
        id("order_id", r.getOrderId(), true);
        text("marketplace", r.getMarketplace());
        return b.setKind(EventKind.RETURN)
                .setMarketplace(r.getMarketplace())
                .setOrderId(r.getOrderId())
                .setAmountMinor(amount("refund_minor", r.getRefundMinor(), r.getCurrency()))
                .build();
    }

    private CustomerEvent ad(AdEvent a, long wall) throws Rejection {
        boolean click = a.getAdType() == AdType.CLICK;
        CustomerEvent.Builder b =
                common(a.getEventId(), a.getCustomerId(), click, a.getEventTime(), wall);
        id("campaign_id", a.getCampaignId(), true);
        id("ad_group_id", a.getAdGroupId(), false);
        text("marketplace", a.getMarketplace());
        text("asin", a.getAsin());
        return b.setKind(click ? EventKind.CLICK : EventKind.IMPRESSION)
                .setMarketplace(a.getMarketplace())
                .setCampaignId(a.getCampaignId())
                .setAdGroupId(a.getAdGroupId())
                .setAsin(a.getAsin())
                .setAmountMinor(amount("cost_minor", a.getCostMinor(), a.getCurrency()))
                .build();
    }

    private CustomerEvent interaction(Interaction i, long wall) throws Rejection {
        CustomerEvent.Builder b =
                common(i.getEventId(), i.getCustomerId(), true, i.getEventTime(), wall);
        if (i.getInteractionType() == null || i.getInteractionType().isBlank()) {
            throw new Rejection(RejectReason.MISSING_FIELD, "interaction_type is empty");
        }
        Integer rating = i.getRating();
        if (rating != null && (rating < 1 || rating > 5)) {
            throw new Rejection(RejectReason.INVALID_RATING, "rating " + rating + " is not 1-5");
        }
        String type = i.getInteractionType();
        if (Interactions.isShipment(type)) {
            throw new Rejection(
                    RejectReason.RESERVED_TYPE,
                    "interaction_type " + type + " is a shipment status: send it to shipments");
        }
        if (Interactions.ERASURE.equals(type)) {
            throw new Rejection(
                    RejectReason.RESERVED_TYPE,
                    "interaction_type ERASURE is reserved: send an ErasureRequest to"
                            + " customer-erasure (scripts/erase)");
        }
        // a reply that names no message cannot be matched to one: an error, not a silent miss
        id("reply_to", i.getReplyTo(), Interactions.SELLER_REPLY.equals(type));
        id("order_id", i.getOrderId(), false);
        text("marketplace", i.getMarketplace());
        text("interaction_type", type);
        text("asin", i.getAsin());
        return b.setKind(EventKind.INTERACTION)
                .setMarketplace(i.getMarketplace())
                .setInteractionType(type)
                .setAsin(i.getAsin())
                .setRating(rating)
                .setOrderId(i.getOrderId())
                .setReplyTo(i.getReplyTo())
                .build();
    }

    /**
     * An erasure request: an INTERACTION of type ERASURE at the erasure time, its id the request's
     * (see {@link Interactions#ERASURE}); no marketplace.
     */
    private CustomerEvent erasure(ErasureRequest r, long wall) throws Rejection {
        return common(r.getEventId(), r.getCustomerId(), true, r.getEventTime(), wall)
                .setKind(EventKind.INTERACTION)
                .setMarketplace("")
                .setInteractionType(Interactions.ERASURE)
                .build();
    }

    /**
     * A shipment: an INTERACTION of type SHIPPED or DELIVERED with its order (see {@link
     * Interactions}); the carrier is not kept (no rule reads it).
     */
    private CustomerEvent shipment(OrderShipment s, long wall) throws Rejection {
        CustomerEvent.Builder b =
                common(s.getEventId(), s.getCustomerId(), true, s.getEventTime(), wall);
        id("order_id", s.getOrderId(), true);
        text("marketplace", s.getMarketplace());
        return b.setKind(EventKind.INTERACTION)
                .setMarketplace(s.getMarketplace())
                .setInteractionType(s.getStatus().name())
                .setOrderId(s.getOrderId())
                .build();
    }

    private CustomerEvent.Builder common(
            String eventId, String customerId, boolean customerRequired, Instant time, long wall)
            throws Rejection {
        if (eventId == null || eventId.isBlank()) {
            throw new Rejection(RejectReason.MISSING_EVENT_ID, "event_id is empty");
        }
        id("event_id", eventId, true);
        if (customerRequired && (customerId == null || customerId.isBlank())) {
            throw new Rejection(RejectReason.MISSING_CUSTOMER_ID, "customer_id is empty");
        }
        id("customer_id", customerId, false);
        long at = time.toEpochMilli();
        if (at < minEventTime) {
            throw new Rejection(
                    RejectReason.EVENT_TIME_TOO_EARLY,
                    "event_time " + time + " is before " + Instant.ofEpochMilli(minEventTime));
        }
        if (checkFuture && at > wall + maxAheadMillis) {
            throw new Rejection(
                    RejectReason.EVENT_TIME_IN_FUTURE,
                    "event_time "
                            + time
                            + " is more than "
                            + maxAheadMillis
                            + " ms ahead of the wall clock "
                            + Instant.ofEpochMilli(wall));
        }
        return CustomerEvent.newBuilder()
                .setEventId(eventId)
                .setCustomerId(customerId == null ? "" : customerId)
                .setEventTime(time);
    }

    /**
     * A free-text field the event carries on (into late events, profiles): no longer than an id, so
     * that every output record stays far below Kafka's message limit.
     */
    private void text(String field, String value) throws Rejection {
        if (value != null && value.length() > maxIdLength) {
            throw new Rejection(
                    RejectReason.FIELD_TOO_LONG,
                    field + " has " + value.length() + " characters, more than " + maxIdLength);
        }
    }

    private void id(String field, String value, boolean required) throws Rejection {
        if (value == null || value.isEmpty()) {
            if (required) {
                throw new Rejection(RejectReason.MISSING_FIELD, field + " is empty");
            }
            return;
        }
        text(field, value);
        if (!value.strip().equals(value)) {
            throw new Rejection(RejectReason.INVALID_ID, field + " has leading or trailing blanks");
        }
        for (int i = 0; i < value.length(); ) {
            int cp = value.codePointAt(i);
            int type = Character.getType(cp);
            if (Character.isISOControl(cp)
                    || type == Character.FORMAT
                    || type == Character.SURROGATE
                    || type == Character.PRIVATE_USE
                    || type == Character.UNASSIGNED) {
                throw new Rejection(
                        RejectReason.INVALID_ID,
                        String.format("%s has the invalid character U+%04X at %d", field, cp, i));
            }
            i += Character.charCount(cp);
        }
    }

    private long amount(String field, long minor, String currency) throws Rejection {
        if (minor < 0) {
            throw new Rejection(RejectReason.NEGATIVE_AMOUNT, field + " is negative: " + minor);
        }
        if (!converter.knows(currency)) {
            throw new Rejection(
                    RejectReason.UNKNOWN_CURRENCY,
                    "currency '" + currency + "' has no configured rate");
        }
        long converted;
        try {
            converted = converter.toReporting(minor, currency);
        } catch (ArithmeticException e) {
            converted = Long.MAX_VALUE;
        }
        if (converted > maxAmountMinor) {
            throw new Rejection(
                    RejectReason.AMOUNT_TOO_LARGE,
                    field
                            + " "
                            + minor
                            + " "
                            + currency
                            + " is above the maximum of "
                            + maxAmountMinor
                            + " reporting minor units");
        }
        return converted;
    }

    private static Object field(SpecificRecord r, String name) {
        var f = r.getSchema().getField(name);
        return f == null ? null : r.get(f.pos());
    }
}
