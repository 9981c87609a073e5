package io.customerpulse.testing;

import io.customerpulse.avro.CustomerEvent;
import io.customerpulse.avro.EventKind;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** Builders of normalised events for tests: {@code order("c1", 12_999, T0)}. */
public final class Events {
    public static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
    public static final Duration DAY = Duration.ofDays(1);
    public static final Duration MS = Duration.ofMillis(1);

    private static final AtomicLong IDS = new AtomicLong();

    private Events() {}

    /**
     * Makes the generated ids start again from the first, for a test that compares bytes (tests run
     * one after the other in a JVM, so ids otherwise depend on the order of the tests).
     */
    public static void restartIds() {
        IDS.set(0);
    }

    public static CustomerEvent order(String customer, long amountMinor, Instant at) {
        String id = "o" + IDS.incrementAndGet();
        return base(id, customer, at, EventKind.ORDER)
                .setOrderId(id)
                .setAmountMinor(amountMinor)
                .build();
    }

    public static CustomerEvent order(
            String customer, String orderId, long amountMinor, Instant at) {
        return base("e-" + orderId, customer, at, EventKind.ORDER)
                .setOrderId(orderId)
                .setAmountMinor(amountMinor)
                .build();
    }

    public static CustomerEvent refund(
            String customer, String orderId, long amountMinor, Instant at) {
        return base("r" + IDS.incrementAndGet(), customer, at, EventKind.RETURN)
                .setOrderId(orderId)
                .setAmountMinor(amountMinor)
                .build();
    }

    public static CustomerEvent click(String customer, Instant at) {
        return click(customer, "SP-1", 89, at);
    }

    public static CustomerEvent click(
            String customer, String campaign, long costMinor, Instant at) {
        return base("a" + IDS.incrementAndGet(), customer, at, EventKind.CLICK)
                .setCampaignId(campaign)
                .setAmountMinor(costMinor)
                .build();
    }

    public static CustomerEvent impression(String campaign, long costMinor, Instant at) {
        return base("m" + IDS.incrementAndGet(), "", at, EventKind.IMPRESSION)
                .setCampaignId(campaign)
                .setAmountMinor(costMinor)
                .build();
    }

    public static CustomerEvent interaction(String customer, Instant at) {
        return interaction(customer, "PAGE_VIEW", at);
    }

    /**
     * An interaction of {@code type}; SHIPPED and DELIVERED are shipments (as the normaliser makes
     * them).
     */
    public static CustomerEvent interaction(String customer, String type, Instant at) {
        return base("i" + IDS.incrementAndGet(), customer, at, EventKind.INTERACTION)
                .setInteractionType(type)
                .build();
    }

    /** The DELIVERED shipment of an order (as the normaliser makes it). */
    public static CustomerEvent delivered(String customer, String orderId, Instant at) {
        CustomerEvent e = interaction(customer, "DELIVERED", at);
        e.setOrderId(orderId);
        return e;
    }

    /** FEEDBACK with a rating (COMPLAINT when {@code rating} is null). */
    public static CustomerEvent feedback(String customer, Integer rating, Instant at) {
        CustomerEvent e = interaction(customer, rating == null ? "COMPLAINT" : "FEEDBACK", at);
        e.setRating(rating);
        return e;
    }

    /** The same event under another event id. */
    public static CustomerEvent withId(CustomerEvent e, String eventId) {
        return CustomerEvent.newBuilder(e).setEventId(eventId).build();
    }

    private static CustomerEvent.Builder base(
            String id, String customer, Instant at, EventKind kind) {
        return CustomerEvent.newBuilder()
                .setEventId(id)
                .setCustomerId(customer)
                .setEventTime(at)
                .setMarketplace("US")
                .setKind(kind);
    }
}
