package io.customerpulse.bench;

import io.customerpulse.avro.CustomerEvent;
import io.customerpulse.avro.EventKind;
import java.io.Serializable;
import java.time.Instant;
import java.util.SplittableRandom;

/**
 * The benchmarks' input: event {@code i} of {@code n} as a pure function of {@code i}, so the job,
 * the plain-Java limit and every repetition see exactly the same events without holding them in
 * memory. Times rise with {@code i} over 90 days; each event picks a random customer of {@code
 * customers}; the mix is a typical history: 45 % interactions, 25 % ad clicks, 25 % orders, 5 %
 * returns. With five events per customer that is one or two orders, a click or two and a few page
 * views each.
 */
public record BenchEvents(long n, int customers) implements Serializable {
    static final long START = Instant.parse("2025-01-01T00:00:00Z").toEpochMilli();
    static final long SPAN = 90L * 86_400_000L;

    public long timeOf(long i) {
        return START + (long) ((double) SPAN * i / n);
    }

    public CustomerEvent event(long i) {
        SplittableRandom r = new SplittableRandom(i * 0x9E3779B97F4A7C15L);
        CustomerEvent.Builder e =
                CustomerEvent.newBuilder()
                        .setEventId("e" + i)
                        .setCustomerId("c" + r.nextInt(customers))
                        .setEventTime(Instant.ofEpochMilli(timeOf(i)))
                        .setMarketplace("US");
        double kind = r.nextDouble();
        if (kind < 0.45) {
            e.setKind(EventKind.INTERACTION)
                    .setInteractionType("PAGE_VIEW")
                    .setAsin("B0" + r.nextInt(500));
        } else if (kind < 0.70) {
            e.setKind(EventKind.CLICK)
                    .setCampaignId("SP-" + r.nextInt(20))
                    .setAdGroupId("AG-1")
                    .setAmountMinor(40 + r.nextInt(120));
        } else if (kind < 0.95) {
            e.setKind(EventKind.ORDER)
                    .setOrderId("o" + i)
                    .setAmountMinor(1_000 + r.nextInt(19_000));
        } else {
            e.setKind(EventKind.RETURN)
                    .setOrderId("o" + Math.max(0, i - 1 - r.nextInt(1_000)))
                    .setAmountMinor(500 + r.nextInt(5_000));
        }
        return e.build();
    }
}
