package io.customerpulse.tools.bench;

import io.customerpulse.avro.CustomerEvent;
import io.customerpulse.avro.EventKind;
import java.io.Serializable;
import java.time.Instant;
import java.util.SplittableRandom;

/**
 * The benchmarks' input: event {@code i} of {@code n} as a pure function of {@code i}, so the job,
 * the plain-Java limit and every repetition see exactly the same events. Times rise with {@code i}
 * over 90 days; each event picks a random customer of {@code customers}; the mix is a typical
 * history: 45 % interactions, 25 % ad clicks, 25 % orders, 5 % returns. With five events per
 * customer that is one or two orders, a click or two and a few page views each.
 *
 * <p>{@link #prebuilt()} builds all of them once, before anything is timed, so that neither the
 * limit nor the jobs measure how events are made; the jobs' source reads that array (the
 * MiniCluster runs in the benchmark's JVM).
 */
public record BenchEvents(long n, int customers) implements Serializable {
    static final long START = Instant.parse("2025-01-01T00:00:00Z").toEpochMilli();
    static final long SPAN = 90L * 86_400_000L;

    private static volatile CustomerEvent[] built;
    private static volatile BenchEvents builtFor;

    public long timeOf(long i) {
        return START + (long) ((double) SPAN * i / n);
    }

    /** The time of the last event: what a replay of these events would be as of. */
    public long lastTime() {
        return timeOf(n - 1);
    }

    /** Every event, built once per JVM and shared by the limit and the jobs' source. */
    public CustomerEvent[] prebuilt() {
        if (!equals(builtFor)) {
            synchronized (BenchEvents.class) {
                if (!equals(builtFor)) {
                    built = null; // let the previous set go first
                    CustomerEvent[] all = new CustomerEvent[Math.toIntExact(n)];
                    for (int i = 0; i < all.length; i++) {
                        all[i] = event(i);
                    }
                    built = all;
                    builtFor = this;
                }
            }
        }
        return built;
    }

    public CustomerEvent event(long i) {
        SplittableRandom r = new SplittableRandom(i * 0x9E3779B97F4A7C15L);
        String customer = "c" + r.nextInt(customers);
        Instant at = Instant.ofEpochMilli(timeOf(i));
        double kind = r.nextDouble();
        if (kind < 0.45) {
            return event(i, customer, at, EventKind.INTERACTION)
                    .setInteractionType("PAGE_VIEW")
                    .setAsin("B0" + r.nextInt(500))
                    .build();
        } else if (kind < 0.70) {
            return event(i, customer, at, EventKind.CLICK)
                    .setCampaignId("SP-" + r.nextInt(20))
                    .setAdGroupId("AG-1")
                    .setAmountMinor(40 + r.nextInt(120))
                    .build();
        } else if (kind < 0.95) {
            return event(i, customer, at, EventKind.ORDER)
                    .setOrderId("o" + i)
                    .setAmountMinor(1_000 + r.nextInt(19_000))
                    .build();
        }
        return event(i, customer, at, EventKind.RETURN)
                .setOrderId("o" + Math.max(0, i - 1 - r.nextInt(1_000)))
                .setAmountMinor(500 + r.nextInt(5_000))
                .build();
    }

    private static CustomerEvent.Builder event(
            long i, String customer, Instant at, EventKind kind) {
        return CustomerEvent.newBuilder()
                .setEventId("e" + i)
                .setCustomerId(customer)
                .setEventTime(at)
                .setMarketplace("US")
                .setKind(kind);
    }
}
