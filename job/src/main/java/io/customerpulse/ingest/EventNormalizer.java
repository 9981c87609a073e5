package io.customerpulse.ingest;

import io.customerpulse.avro.AdEvent;
import io.customerpulse.avro.AdType;
import io.customerpulse.avro.CustomerEvent;
import io.customerpulse.avro.EventKind;
import io.customerpulse.avro.IngestRecord;
import io.customerpulse.avro.Interaction;
import io.customerpulse.avro.OrderLine;
import io.customerpulse.avro.OrderPlaced;
import io.customerpulse.avro.OrderReturned;
import io.customerpulse.avro.RejectedEvent;
import io.customerpulse.config.JobConfig;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.time.Instant;
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

    /** A rejection record. */
    public static IngestRecord rejected(
            RejectReason reason,
            String detail,
            SourceRef ref,
            byte[] payload,
            String eventId,
            String customerId) {
        RejectedEvent rejected =
                RejectedEvent.newBuilder()
                        .setReason(reason.name())
                        .setDetail(detail)
                        .setSource(ref.source())
                        .setPartition(ref.partition())
                        .setOffset(ref.offset())
                        .setEventId(eventId)
                        .setCustomerId(customerId)
                        .setPayload(ByteBuffer.wrap(payload == null ? new byte[0] : payload))
                        .build();
        return new IngestRecord(null, rejected);
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
        return b.setKind(EventKind.INTERACTION)
                .setMarketplace(i.getMarketplace())
                .setInteractionType(i.getInteractionType())
                .setAsin(i.getAsin())
                .setRating(rating)
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

    private void id(String field, String value, boolean required) throws Rejection {
        if (value == null || value.isEmpty()) {
            if (required) {
                throw new Rejection(RejectReason.MISSING_FIELD, field + " is empty");
            }
            return;
        }
        if (value.length() > maxIdLength) {
            throw new Rejection(
                    RejectReason.FIELD_TOO_LONG,
                    field + " has " + value.length() + " characters, more than " + maxIdLength);
        }
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
