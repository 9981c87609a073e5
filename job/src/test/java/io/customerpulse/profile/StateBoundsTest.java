package io.customerpulse.profile;

import static io.customerpulse.testing.Events.click;
import static io.customerpulse.testing.Events.delivered;
import static io.customerpulse.testing.Events.interaction;
import static io.customerpulse.testing.Events.order;
import static io.customerpulse.testing.Events.refund;
import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.avro.CampaignDelta;
import io.customerpulse.avro.CustomerEvent;
import io.customerpulse.config.JobConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.junit.jupiter.api.Test;

/**
 * DESIGN 13: every per-customer list stays bounded by its cap, even for one customer sending a
 * million events, and what happens past each cap is what ConfigKey says.
 */
class StateBoundsTest {
    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
    private static final Duration MINUTE = Duration.ofMinutes(1);

    /**
     * The event of index {@code i} of one busy customer: an event every 7 seconds (a million span
     * 81 days), 25 % orders, 25 % clicks, 40 % page views, 5 % returns of an order placed just
     * before, 5 % deliveries (each with its review request).
     */
    static CustomerEvent busy(long i) {
        Instant at = T0.plusSeconds(7 * i);
        int kind = (int) (i % 20);
        if (kind < 5) {
            return order("busy", "o" + i, 1_000 + kind * 100, at);
        } else if (kind < 10) {
            return click("busy", "SP-" + kind, 50, at);
        } else if (kind < 18) {
            return interaction("busy", at);
        } else if (kind == 18) {
            return refund("busy", "o" + (i - 18), 500, at);
        }
        return delivered("busy", "o" + (i - 15), at);
    }

    @Test
    void shouldKeepTheStateOfACustomerWithAMillionEventsFlat() throws Exception {
        CustomerSteps steps = CustomerSteps.of(JobConfig.defaults());
        CollectedOutput out = new CollectedOutput();
        CustomerSerializer serializer = new CustomerSerializer();
        Customer c = new Customer();
        List<Integer> sizes = new ArrayList<>();
        for (long i = 0; i < 1_000_000; i++) {
            CustomerEvent e = busy(i);
            long t = e.getEventTime().toEpochMilli();
            steps.onEvent("busy", c, e, t - 1, null, CollectedOutput.NONE);
            steps.advance("busy", c, t, null, CollectedOutput.NONE);
            if ((i + 1) % 100_000 == 0) {
                DataOutputSerializer bytes = new DataOutputSerializer(1 << 16);
                serializer.serialize(c, bytes);
                sizes.add(bytes.length());
            }
        }
        // every list at its cap from the first hundred thousand events on (ids and known orders
        // between nine tenths of it and all of it: past it the oldest tenth goes at once)
        int first = sizes.get(0);
        assertThat(sizes)
                .as("bytes every 100,000 events")
                .allSatisfy(s -> assertThat(s).isBetween(first * 9 / 10, first * 6 / 5));
        assertThat(c.orderCount).isEqualTo(1_000);
        assertThat(c.ads().credited()).hasSize(200);
        assertThat(c.orders.size()).isBetween(900, 1_000);
        assertThat(c.seenIdCount()).isBetween(900, 1_000);
        assertThat(c.returnedIdCount).isEqualTo(1_000);
        assertThat(c.deliveries.size).isLessThanOrEqualTo(100);
        assertThat(c.ordersTotal).isEqualTo(250_000);
        assertThat(first).as("bytes").isLessThan(64 * 1024);
        assertThat(out.profiles).isEmpty(); // NONE was given: nothing collected here
    }

    /** Past retention.max-orders-90d the oldest order time goes: orders_90d reads the cap. */
    @Test
    void shouldCountOrders90dUpToItsCap() throws Exception {
        try (ProfileHarness h =
                ProfileHarness.withSettings(Map.of("retention.max-orders-90d", "3"))) {
            for (int i = 0; i < 5; i++) {
                h.send(order("c", 1_000, T0.plus(MINUTE.multipliedBy(i))));
            }
            h.watermark(T0.plus(MINUTE.multipliedBy(10)));
            assertThat(h.latest("c").getOrders90d()).isEqualTo(3);
            assertThat(h.latest("c").getOrdersTotal()).isEqualTo(5);
        }
    }

    /**
     * Past retention.max-credited-orders the oldest credited order is forgotten: a return of it is
     * no longer reported to its campaign, a return of one still kept is.
     */
    @Test
    void shouldForgetTheOldestCreditedOrderPastItsCap() throws Exception {
        try (ProfileHarness h =
                ProfileHarness.withSettings(Map.of("retention.max-credited-orders", "1"))) {
            h.send(click("c", "SP-1", 50, T0));
            h.send(order("c", "A", 10_000, T0.plus(MINUTE)));
            h.send(order("c", "B", 20_000, T0.plus(MINUTE.multipliedBy(2))));
            h.send(refund("c", "A", 1_000, T0.plus(MINUTE.multipliedBy(3))));
            h.send(refund("c", "B", 2_000, T0.plus(MINUTE.multipliedBy(4))));
            h.watermark(T0.plus(MINUTE.multipliedBy(10)));
            assertThat(h.deltas())
                    .extracting(CampaignDelta::getAttributedReturnsMinor)
                    .filteredOn(r -> r > 0)
                    .containsExactly(2_000L);
            assertThat(h.latest("c").getRefundsMinor()).isEqualTo(3_000); // the customer's own
        }
    }

    /**
     * Past retention.max-waiting-events the earliest waiting event is applied at once, ahead of the
     * watermark; an event arriving behind the customer's time from then on is late; nothing is
     * lost.
     */
    @Test
    void shouldApplyTheEarliestWaitingEventsPastTheCap() throws Exception {
        CustomerProfileOperator operator =
                CustomerProfileOperator.of(
                        JobConfig.parse(Map.of("retention.max-waiting-events", "10")));
        try (ProfileHarness h =
                new ProfileHarness(operator, null, new EmbeddedRocksDBStateBackend())) {
            h.watermark(T0);
            for (int i = 1; i <= 25; i++) {
                h.send(order("c", 1_000, T0.plus(MINUTE.multipliedBy(i))));
            }
            assertThat(h.state("c").pending()).hasSize(10);
            assertThat(operator.waitingForced.getCount()).isEqualTo(15);
            assertThat(h.latest("c").getOrdersTotal()).isEqualTo(15);
            assertThat(h.latest("c").getUpdatedAt()).isEqualTo(T0.plus(MINUTE.multipliedBy(15)));

            h.send(click("c", T0.plus(MINUTE.multipliedBy(5)))); // behind the customer's time
            assertThat(h.late()).hasSize(1);

            h.watermark(T0.plus(MINUTE.multipliedBy(60)));
            assertThat(h.latest("c").getOrdersTotal()).isEqualTo(25);
            assertThat(h.state("c").pending()).isEmpty();
        }
    }
}
