package io.customerpulse.profile;

import static io.customerpulse.testing.Events.DAY;
import static io.customerpulse.testing.Events.T0;
import static io.customerpulse.testing.Events.click;
import static io.customerpulse.testing.Events.order;
import static io.customerpulse.testing.Events.refund;
import static io.customerpulse.testing.Events.withId;
import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.avro.CampaignDelta;
import io.customerpulse.avro.CustomerEvent;
import io.customerpulse.avro.CustomerProfile;
import io.customerpulse.config.JobConfig;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.junit.jupiter.api.Test;

/**
 * Money counted once (issue 14): an order_id counts once within {@code dedup.order-retention}
 * whatever its event_id, and the refunds of a known order add up to its total at most.
 */
class MoneyCountedOnceTest {
    private static final Duration RETENTION = JobConfig.defaults().dedup().orderRetention();

    private static long attributedReturns(ProfileHarness h) {
        return h.deltas().stream().mapToLong(CampaignDelta::getAttributedReturnsMinor).sum();
    }

    @Test
    void shouldCountAnOrderRetriedUnderANewEventIdOnce() throws Exception {
        CustomerProfileOperator operator = CustomerProfileOperator.of(JobConfig.defaults());
        try (ProfileHarness h =
                new ProfileHarness(operator, null, new EmbeddedRocksDBStateBackend())) {
            CustomerEvent o = order("c1", "A1", 5_000, T0.plusSeconds(10));
            h.send(click("c1", T0), o);
            h.send(withId(o, "retry-same-ms"), withId(o, "retry-2"));
            h.watermark(T0.plusSeconds(10));
            // a retry a minute later, and one behind the watermark (a late step of its own)
            h.send(
                    withId(
                            CustomerEvent.newBuilder(o).setEventTime(T0.plusSeconds(70)).build(),
                            "r"));
            h.watermark(T0.plus(DAY));
            h.send(withId(o, "late-retry"));

            CustomerProfile p = h.latest();
            assertThat(p.getOrdersTotal()).isEqualTo(1);
            assertThat(p.getGmvMinor()).isEqualTo(5_000);
            assertThat(p.getOrders90d()).isEqualTo(1);
            assertThat(p.getRepeatPurchases()).isZero();
            assertThat(h.deltas().stream().mapToLong(CampaignDelta::getAttributedOrders).sum())
                    .isEqualTo(1);
            // a dropped repeat is no step: two versions (click, order), counted in the metric
            assertThat(p.getVersion()).isEqualTo(2);
            assertThat(operator.ordersRepeated.getCount()).isEqualTo(4);
        }
    }

    @Test
    void shouldCountTheSameOrderIdAgainOnceTheRetentionHasPassed() throws Exception {
        try (ProfileHarness h = new ProfileHarness()) {
            CustomerEvent o = order("c1", "A1", 5_000, T0);
            h.send(
                    o,
                    withId(
                            CustomerEvent.newBuilder(o).setEventTime(T0.plus(RETENTION)).build(),
                            "x"));
            h.watermark(T0.plus(RETENTION));
            // still known on its last millisecond, as the campaign's return window
            assertThat(h.latest().getOrdersTotal()).isEqualTo(1);

            h.send(
                    withId(
                            CustomerEvent.newBuilder(o)
                                    .setEventTime(T0.plus(RETENTION).plusMillis(1))
                                    .build(),
                            "y"));
            h.watermark(T0.plus(RETENTION).plusMillis(1));
            assertThat(h.latest().getOrdersTotal()).isEqualTo(2); // forgotten after + 90 d
        }
    }

    @Test
    void shouldCapTheRefundsOfAKnownOrderAtItsTotal() throws Exception {
        try (ProfileHarness h = new ProfileHarness()) {
            h.send(click("c1", T0), order("c1", "A1", 5_000, T0.plusSeconds(1)));
            CustomerEvent partial = refund("c1", "A1", 3_000, T0.plus(DAY));
            h.send(partial, withId(partial, "same-return-new-id")); // 3,000 + 2,000 left
            h.send(refund("c1", "A1", 9_000, T0.plus(DAY.multipliedBy(2)))); // nothing left
            h.watermark(T0.plus(DAY.multipliedBy(2)));

            CustomerProfile p = h.latest();
            assertThat(p.getRefundsMinor()).isEqualTo(5_000);
            assertThat(p.getNetRevenueMinor()).isZero();
            assertThat(p.getReturnedOrders()).isEqualTo(1);
            assertThat(p.getReturnRate()).isEqualTo(1.0);
            assertThat(attributedReturns(h)).isEqualTo(5_000); // the campaign's too
            assertThat(h.state("c1").orders.refunded(0)).isEqualTo(5_000);
        }
    }

    /**
     * On the last millisecond of its retention an order is still known to the profile, as it is to
     * the campaign that was credited with it: a return sent again then refunds neither twice.
     */
    @Test
    void shouldCapARefundOnTheLastMillisecondOfTheRetentionForTheProfileAndTheCampaign()
            throws Exception {
        try (ProfileHarness h = new ProfileHarness()) {
            h.send(click("c1", T0), order("c1", "A1", 5_000, T0.plusSeconds(1)));
            CustomerEvent full = refund("c1", "A1", 5_000, T0.plus(DAY));
            h.send(full);
            h.send(
                    withId(
                            CustomerEvent.newBuilder(full)
                                    .setEventTime(T0.plusSeconds(1).plus(RETENTION))
                                    .build(),
                            "the-same-return-again"));
            h.watermark(T0.plusSeconds(1).plus(RETENTION));

            assertThat(h.latest().getRefundsMinor()).isEqualTo(5_000);
            assertThat(attributedReturns(h)).isEqualTo(5_000);
        }
    }

    @Test
    void shouldCarryARefundThatCameBeforeItsOrderIntoTheOrdersCap() throws Exception {
        try (ProfileHarness h = new ProfileHarness()) {
            // the same millisecond, the return's event_id first ("a-" < "e-"): refunded in full,
            // remembered; the order then starts with 4,000 of its 5,000 refunded
            CustomerEvent early = withId(refund("c1", "A1", 4_000, T0), "a-return");
            h.send(order("c1", "A1", 5_000, T0), early);
            h.send(refund("c1", "A1", 3_000, T0.plus(DAY)));
            // and a return whose event time is before its order's (a producer's clock), larger
            // than the order: once the order is known, refunds stop at its total
            h.send(refund("c2", "B1", 2_500, T0), order("c2", "B1", 2_000, T0.plusSeconds(1)));
            h.send(refund("c2", "B1", 1_000, T0.plus(DAY)));
            // the same return sent twice before its order, in its order's millisecond
            h.send(
                    withId(refund("c3", "C1", 7_000, T0), "a-return"),
                    withId(refund("c3", "C1", 7_000, T0), "b-return"),
                    order("c3", "C1", 5_000, T0));
            h.watermark(T0.plus(DAY));

            assertThat(h.latest("c1").getRefundsMinor()).isEqualTo(5_000);
            assertThat(h.latest("c1").getOrdersTotal()).isEqualTo(1);
            assertThat(h.latest("c2").getRefundsMinor()).isEqualTo(2_000);
            assertThat(h.latest("c2").getOrdersTotal()).isEqualTo(1);
            assertThat(h.latest("c3").getRefundsMinor()).isEqualTo(5_000);
            assertThat(h.latest("c3").getGmvMinor()).isEqualTo(5_000);
        }
    }

    @Test
    void shouldNotCapAReturnOfAnOrderItHasNotSeen() throws Exception {
        try (ProfileHarness h = new ProfileHarness()) {
            // history may start after the order; an order past the retention is not known either
            h.send(refund("c1", "BEFORE-HISTORY", 7_000, T0));
            h.send(order("c2", "OLD", 1_000, T0));
            h.send(refund("c2", "OLD", 1_500, T0.plus(RETENTION).plusMillis(1))); // forgotten
            h.watermark(T0.plus(RETENTION).plusMillis(1));
            assertThat(h.latest("c1").getRefundsMinor()).isEqualTo(7_000);
            assertThat(h.latest("c2").getRefundsMinor()).isEqualTo(1_500);
        }
    }

    @Test
    void shouldKeepAtMostTheConfiguredOrdersForgettingTheOldestFirst() throws Exception {
        try (ProfileHarness h = ProfileHarness.withSettings(Map.of("dedup.max-order-ids", "3"))) {
            for (int i = 0; i < 5; i++) {
                h.send(order("c1", "A" + i, 1_000, T0.plusSeconds(i)));
            }
            h.watermark(T0.plusSeconds(5));
            Customer c = h.state("c1");
            assertThat(c.orders.size()).isEqualTo(3);
            assertThat(c.orders.orderId(0)).isEqualTo("A2");
        }
    }
}
