package io.customerpulse.profile;

import static io.customerpulse.testing.Events.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.avro.CustomerAction;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The lifecycle actions of DESIGN section 11 at their boundaries, in the customer operator on
 * RocksDB, time moved by watermarks: each falls due at its exact millisecond from the customer's
 * own timer, with the status the design gives.
 */
class LifecycleActionsTest {
    private static final Duration DAY = Duration.ofDays(1);
    private static final Duration MS = Duration.ofMillis(1);
    private static final String REVIEW = LifecycleActions.REVIEW_REQUEST;
    private static final String REWARD = LifecycleActions.HIGH_VALUE_REWARD;
    private static final String WIN_BACK = LifecycleActions.WIN_BACK;
    private static final String REMINDER = LifecycleActions.REPURCHASE_REMINDER;

    private static Instant day(double d) {
        return T0.plusMillis((long) (d * DAY.toMillis()));
    }

    /** HIGH_VALUE on a single order of $100: rewards without having to build up orders_90d. */
    private static ProfileHarness easyHighValue() throws Exception {
        return ProfileHarness.withSettings(
                Map.of(
                        "segments.high-value.min-orders-90d", "1",
                        "segments.high-value.min-clv", "100"));
    }

    @Test
    void shouldAskForAReviewExactlyFiveDaysAfterDeliveryAndOnlyOnce() throws Exception {
        try (ProfileHarness h = new ProfileHarness()) {
            h.send(order("c1", "A1", 5_000, T0), delivered("c1", "A1", day(2)));
            h.watermark(day(7).minus(MS));
            assertThat(h.actions(REVIEW)).isEmpty();
            assertThat(h.state("c1").wakeUpAt()).isEqualTo(day(7).toEpochMilli());

            h.watermark(day(7));
            assertThat(h.actions(REVIEW)).containsExactly("DUE c1 " + day(7) + " A1");
            CustomerAction a = h.actions().get(0);
            assertThat(a.getActionId()).isEqualTo("c1|REVIEW_REQUEST|A1");
            assertThat(a.getPriority()).isEqualTo("NORMAL");
            assertThat(a.getMarketplace()).isEqualTo("US");

            // the carrier scans it delivered again: asked once per order
            h.send(delivered("c1", "A1", day(8)));
            h.watermark(day(20));
            assertThat(h.actions(REVIEW)).hasSize(1);
        }
    }

    @Test
    void shouldSkipTheReviewOfAnOrderReturnedAtTheDueMillisecondButNotOneMillisecondAfter()
            throws Exception {
        try (ProfileHarness h = new ProfileHarness()) {
            h.send(order("c1", "A1", 5_000, T0), delivered("c1", "A1", day(1)));
            h.send(order("c2", "B1", 5_000, T0), delivered("c2", "B1", day(1)));
            h.send(refund("c1", "A1", 5_000, day(6)));
            h.send(refund("c2", "B1", 5_000, day(6).plus(MS)));
            h.watermark(day(10));
            assertThat(h.actions(REVIEW))
                    .containsExactlyInAnyOrder(
                            "SKIPPED c1 " + day(6) + " A1", "DUE c2 " + day(6) + " B1");
            assertThat(h.actions().stream().filter(a -> a.getStatus().equals("SKIPPED")))
                    .singleElement()
                    .satisfies(a -> assertThat(a.getReason()).isEqualTo("RETURNED"));
        }
    }

    /** A delivery that arrives late: due at once when it arrives; EXPIRED past 30 days. */
    @Test
    void shouldExpireAReviewThatLateDataMakesFirstDueAfterThirtyDays() throws Exception {
        try (ProfileHarness h = new ProfileHarness()) {
            h.send(order("c1", "A1", 5_000, T0), order("c1", "A2", 5_000, T0));
            h.watermark(day(40));
            h.send(delivered("c1", "A1", day(10).minus(MS))); // due day 15, first due day 40
            h.send(delivered("c1", "A2", day(10))); // day 40 is exactly 30 d after: still due
            assertThat(h.actions(REVIEW))
                    .containsExactlyInAnyOrder(
                            "EXPIRED c1 " + day(40) + " A1", "DUE c1 " + day(40) + " A2");
        }
    }

    @Test
    void shouldRewardHighValueOnceAndCoolDownForNinetyDays() throws Exception {
        try (ProfileHarness h = easyHighValue()) {
            h.send(order("c1", 10_000, T0)); // HIGH_VALUE at once
            h.send(order("c2", 10_000, T0));
            h.watermark(T0);
            assertThat(h.actions(REWARD)).containsExactlyInAnyOrder("DUE c1 " + T0, "DUE c2 " + T0);
            // both churn at day 60 (WIN_BACK) and come back: c1 within the cooldown, c2 just after
            h.send(order("c1", 10_000, day(90).minus(MS)));
            h.send(order("c2", 10_000, day(90)));
            h.watermark(day(91));
            assertThat(h.actions(WIN_BACK))
                    .containsExactlyInAnyOrder("DUE c1 " + day(60), "DUE c2 " + day(60));
            assertThat(h.actions(REWARD))
                    .containsExactlyInAnyOrder(
                            "DUE c1 " + T0,
                            "DUE c2 " + T0,
                            "COOLDOWN c1 " + day(90).minus(MS),
                            "DUE c2 " + day(90));
        }
    }

    @Test
    void shouldHoldARewardWithinThirtyDaysOfAComplaintOrALowRating() throws Exception {
        try (ProfileHarness h =
                ProfileHarness.withSettings(
                        Map.of(
                                "segments.high-value.min-orders-90d", "1",
                                "segments.high-value.min-clv", "100",
                                // no reminder (at day 27 by default) to cap the rewards
                                "actions.reminder.default-gap", "90 d"))) {
            h.send(order("c1", 5_000, T0), feedback("c1", null, T0)); // a complaint
            h.send(order("c2", 5_000, T0), feedback("c2", 2, T0)); // a low rating
            h.send(order("c3", 5_000, T0), feedback("c3", 3, T0)); // not low enough
            h.send(order("c4", 5_000, T0), feedback("c4", 1, T0));
            // HIGH_VALUE with their second order: c1 to c3 at day 30 - 1 ms, c4 at day 30
            for (String c : new String[] {"c1", "c2", "c3"}) {
                h.send(order(c, 5_000, day(30).minus(MS)));
            }
            h.send(order("c4", 5_000, day(30)));
            h.watermark(day(31));
            assertThat(h.actions(REWARD))
                    .containsExactlyInAnyOrder(
                            "HELD c1 " + day(30).minus(MS),
                            "HELD c2 " + day(30).minus(MS),
                            "DUE c3 " + day(30).minus(MS),
                            "DUE c4 " + day(30));
        }
    }

    /** One marketing action DUE in 7 days: a reward 7 d - 1 ms after a win-back is CAPPED. */
    @Test
    void shouldCapMarketingAtOneDuePerSevenDays() throws Exception {
        try (ProfileHarness h = easyHighValue()) {
            h.send(order("c1", 5_000, T0), order("c2", 5_000, T0)); // POTENTIAL
            // (each reminded at day 27, DUE: 7 days before the win-back, which is DUE too)
            h.watermark(day(60)); // both churn: WIN_BACK due at day 60
            h.send(order("c1", 10_000, day(67).minus(MS))); // back and HIGH_VALUE
            h.send(order("c2", 10_000, day(67)));
            h.watermark(day(68));
            assertThat(h.actions(WIN_BACK))
                    .containsExactlyInAnyOrder("DUE c1 " + day(60), "DUE c2 " + day(60));
            assertThat(h.actions(REWARD))
                    .containsExactlyInAnyOrder(
                            "CAPPED c1 " + day(67).minus(MS), "DUE c2 " + day(67));
        }
    }

    /**
     * The golden window: with orders at day 0 and day 20 the usual gap is 20 days, so the reminder
     * is due at day 37 (20 + 20 - 3). An order one millisecond before cancels it; a new one is due
     * from the new last order. A customer with one order is reminded at day 27 (30 - 3).
     */
    @Test
    void shouldRemindAtTheUsualGapMinusThreeDaysUnlessAnOrderComesFirst() throws Exception {
        try (ProfileHarness h = new ProfileHarness()) {
            h.send(order("c1", 5_000, T0), order("c1", 5_000, day(20)));
            h.send(order("c2", 5_000, T0), order("c2", 5_000, day(20)));
            h.send(order("c2", 5_000, day(37).minus(MS)));
            h.send(order("c3", 5_000, T0));
            h.watermark(day(37).minus(MS));
            assertThat(h.actions(REMINDER)).containsExactly("DUE c3 " + day(27));

            h.watermark(day(37));
            assertThat(h.actions(REMINDER))
                    .containsExactly("DUE c3 " + day(27), "DUE c1 " + day(37));
            // c2's gap is now (37 d - 1 ms) / 2: due that much after its last order, minus 3 d
            long gap = (day(37).toEpochMilli() - 1 - T0.toEpochMilli()) / 2;
            Instant c2Due = day(37).minus(MS).plusMillis(gap).minus(Duration.ofDays(3));
            h.watermark(c2Due);
            assertThat(h.actions(REMINDER)).contains("DUE c2 " + c2Due).hasSize(3);
        }
    }

    /** No reminder at all for a customer in CHURN_RISK when it falls due. */
    @Test
    void shouldNotRemindACustomerAtChurnRisk() throws Exception {
        try (ProfileHarness h =
                ProfileHarness.withSettings(Map.of("actions.reminder.default-gap", "90 d"))) {
            h.send(order("c1", 5_000, T0));
            h.watermark(day(100)); // churned at day 60; the reminder would be due at day 87
            assertThat(h.actions(REMINDER)).isEmpty();
            assertThat(h.actions(WIN_BACK)).containsExactly("DUE c1 " + day(60));
        }
    }

    /** A win-back of a customer who was HIGH_VALUE within the look-back is URGENT. */
    @Test
    void shouldMakeTheWinBackOfAFormerHighValueCustomerUrgent() throws Exception {
        try (ProfileHarness h = easyHighValue()) {
            h.send(order("c1", 10_000, T0), order("c2", 5_000, T0));
            h.watermark(day(61));
            assertThat(
                            h.actions().stream()
                                    .filter(a -> a.getAction().equals(WIN_BACK))
                                    .map(a -> a.getCustomerId() + " " + a.getPriority()))
                    .containsExactlyInAnyOrder("c1 URGENT", "c2 NORMAL");
        }
    }
}
