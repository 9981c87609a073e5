package io.customerpulse.profile;

import static io.customerpulse.testing.Events.DAY;
import static io.customerpulse.testing.Events.T0;
import static io.customerpulse.testing.Events.click;
import static io.customerpulse.testing.Events.interaction;
import static io.customerpulse.testing.Events.order;
import static io.customerpulse.testing.Events.refund;
import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.avro.ChurnAlert;
import io.customerpulse.avro.CustomerEvent;
import io.customerpulse.avro.CustomerProfile;
import io.customerpulse.avro.Segment;
import io.customerpulse.avro.SegmentChange;
import io.customerpulse.config.JobConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The customer operator in Flink's keyed harness on RocksDB, with time moved by watermarks. */
class CustomerProfileOperatorTest {

    @Test
    void shouldEnterChurnRiskExactlySixtyDaysAfterLastInteractionAndNotAMillisecondEarlier()
            throws Exception {
        // no repurchase reminder before the churn deadline (by default one is due at day 27)
        try (ProfileHarness h =
                ProfileHarness.withSettings(Map.of("actions.reminder.default-gap", "365 d"))) {
            h.send(order("c1", 5_000, T0));
            h.watermark(T0);
            assertThat(h.latest().getSegment()).isEqualTo(Segment.POTENTIAL);
            assertThat(h.timers()).isEqualTo(1); // the churn deadline
            assertThat(h.state("c1").wakeUpAt())
                    .isEqualTo(T0.plus(DAY.multipliedBy(60)).toEpochMilli());

            Instant churnAt = T0.plus(DAY.multipliedBy(60));
            h.watermark(churnAt.minusMillis(1));
            assertThat(h.latest().getSegment()).isEqualTo(Segment.POTENTIAL);
            assertThat(h.alerts()).isEmpty();

            h.watermark(churnAt);
            CustomerProfile p = h.latest();
            assertThat(p.getSegment()).isEqualTo(Segment.CHURN_RISK);
            assertThat(p.getSegmentSince()).isEqualTo(churnAt);
            assertThat(p.getVersion()).isEqualTo(2);
            assertThat(h.changes())
                    .extracting(
                            SegmentChange::getToSegment,
                            SegmentChange::getAt,
                            SegmentChange::getReason)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(Segment.POTENTIAL, T0, "ORDER"),
                            org.assertj.core.groups.Tuple.tuple(
                                    Segment.CHURN_RISK, churnAt, "INACTIVITY"));
            assertThat(h.alerts())
                    .singleElement()
                    .satisfies(
                            a -> {
                                assertThat(a.getAt()).isEqualTo(churnAt);
                                assertThat(a.getUrgent()).isFalse();
                                assertThat(a.getPreviousSegment()).isEqualTo(Segment.POTENTIAL);
                            });
            assertThat(h.timers()).isEqualTo(1); // now only the order leaving the 90-day window
            assertThat(h.stateEntries()).isEqualTo(1);
        }
    }

    @Test
    void shouldDropAnOrderFromOrders90dAtExactlyNinetyDaysWithoutANewEvent() throws Exception {
        try (ProfileHarness h = new ProfileHarness()) {
            h.send(order("c1", 5_000, T0), interaction("c1", T0.plus(DAY.multipliedBy(50))));
            h.watermark(T0.plus(DAY.multipliedBy(50)));
            assertThat(h.latest().getOrders90d()).isEqualTo(1);

            Instant expiry = T0.plus(DAY.multipliedBy(90));
            h.watermark(expiry.minusMillis(1));
            assertThat(h.latest().getOrders90d()).isEqualTo(1);
            int before = h.profiles().size();

            h.watermark(expiry);
            assertThat(h.profiles()).hasSize(before + 1);
            assertThat(h.latest().getOrders90d()).isZero();
            assertThat(h.latest().getUpdatedAt()).isEqualTo(expiry);
            assertThat(h.latest().getOrdersTotal()).isEqualTo(1); // cumulative metrics stay
            assertThat(h.state("c1").orders90d()).isZero();
            assertThat(h.timers()).isEqualTo(1); // churn at day 110 remains
        }
    }

    @Test
    void shouldEnterHighValueAndLeaveItWhenAnOrderLeavesTheWindow() throws Exception {
        try (ProfileHarness h = new ProfileHarness()) {
            h.send(order("c1", 10_000, T0), order("c1", 10_000, T0.plus(DAY)));
            h.send(interaction("c1", T0.plus(DAY.multipliedBy(50))));
            h.watermark(T0.plus(DAY));
            assertThat(h.latest().getSegment()).isEqualTo(Segment.HIGH_VALUE);

            h.watermark(T0.plus(DAY.multipliedBy(90)));
            assertThat(h.latest().getSegment()).isEqualTo(Segment.REPEAT);
            assertThat(h.changes())
                    .extracting(SegmentChange::getToSegment, SegmentChange::getReason)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(Segment.POTENTIAL, "ORDER"),
                            org.assertj.core.groups.Tuple.tuple(Segment.HIGH_VALUE, "ORDER"),
                            org.assertj.core.groups.Tuple.tuple(
                                    Segment.REPEAT, "ORDER_LEFT_WINDOW"));
        }
    }

    @Test
    void shouldLeaveHighValueWhenAReturnPushesTheReturnRateToFivePercent() throws Exception {
        try (ProfileHarness h = new ProfileHarness()) {
            for (int i = 0; i < 20; i++) {
                h.send(order("c1", "A" + i, 1_000, T0.plusSeconds(i)));
            }
            h.watermark(T0.plusSeconds(19));
            assertThat(h.latest().getSegment()).isEqualTo(Segment.HIGH_VALUE);

            h.send(refund("c1", "A3", 100, T0.plus(DAY)));
            h.watermark(T0.plus(DAY));
            CustomerProfile p = h.latest();
            assertThat(p.getReturnRate()).isEqualTo(0.05);
            assertThat(p.getSegment()).isEqualTo(Segment.REPEAT);
            assertThat(p.getNetRevenueMinor()).isEqualTo(19_900);
            assertThat(h.changes().get(h.changes().size() - 1).getReason()).isEqualTo("RETURN");
        }
    }

    @Test
    void shouldStayHighValueJustBelowFivePercentReturns() throws Exception {
        try (ProfileHarness h = new ProfileHarness()) {
            for (int i = 0; i < 21; i++) {
                h.send(order("c1", "A" + i, 1_000, T0.plusSeconds(i)));
            }
            h.send(
                    refund("c1", "A3", 100, T0.plus(DAY)),
                    refund("c1", "A3", 100, T0.plus(DAY).plusSeconds(1)));
            h.watermark(T0.plus(DAY.multipliedBy(2)));
            assertThat(h.latest().getReturnedOrders()).isEqualTo(1); // distinct order ids
            assertThat(h.latest().getRefundsMinor()).isEqualTo(200);
            assertThat(h.latest().getSegment()).isEqualTo(Segment.HIGH_VALUE);
        }
    }

    @Test
    void shouldIgnoreADuplicateEventId() throws Exception {
        try (ProfileHarness h = new ProfileHarness()) {
            CustomerEvent o = order("c1", 5_000, T0);
            h.send(o, o);
            h.watermark(T0);
            h.send(o); // again, after it was applied
            h.watermark(T0.plusSeconds(1));
            assertThat(h.profiles()).hasSize(1);
            assertThat(h.latest().getOrdersTotal()).isEqualTo(1);
            assertThat(h.latest().getGmvMinor()).isEqualTo(5_000);
            assertThat(h.late()).isEmpty();
        }
    }

    /**
     * A shipment and a seller's reply are not the customer's activity (DESIGN §2): no profile, no
     * version, last_interaction_at and the churn deadline untouched — even in a step of their own
     * and in one with a late arrival.
     */
    @Test
    void shouldLeaveTheProfileAloneOnAShipmentOrASellersReply() throws Exception {
        // no repurchase reminder before the churn deadline (by default one is due at day 27)
        try (ProfileHarness h =
                ProfileHarness.withSettings(Map.of("actions.reminder.default-gap", "365 d"))) {
            h.send(order("c1", 5_000, T0));
            h.watermark(T0);
            assertThat(h.profiles()).hasSize(1);
            CustomerEvent reply = interaction("c1", "SELLER_REPLY", T0.plus(DAY));
            reply.setReplyTo("m1");
            h.send(
                    interaction("c1", "SHIPPED", T0.plus(DAY)),
                    reply,
                    interaction("c1", "DELIVERED", T0.plus(DAY.multipliedBy(3))));
            h.watermark(T0.plus(DAY.multipliedBy(3)));
            h.send(interaction("c1", "DELIVERED", T0.plus(DAY.multipliedBy(2)))); // late
            h.watermark(T0.plus(DAY.multipliedBy(4)));
            assertThat(h.profiles()).hasSize(1);
            assertThat(h.state("c1").version).isEqualTo(1);
            assertThat(h.state("c1").wakeUpAt())
                    .isEqualTo(T0.plus(DAY.multipliedBy(60)).toEpochMilli());

            h.send(interaction("c1", "MESSAGE", T0.plus(DAY.multipliedBy(5))));
            h.watermark(T0.plus(DAY.multipliedBy(5)));
            assertThat(h.latest().getLastInteractionAt()).isEqualTo(T0.plus(DAY.multipliedBy(5)));
            assertThat(h.latest().getVersion()).isEqualTo(2);
        }
    }

    @Test
    void shouldForgetEventIdsAfterTheRetention() throws Exception {
        try (ProfileHarness h = new ProfileHarness()) {
            h.send(order("c1", 5_000, T0));
            h.watermark(T0);
            assertThat(h.state("c1").seenIdCount()).isEqualTo(1);
            h.send(interaction("c1", T0.plus(DAY).plusMillis(1)));
            h.watermark(T0.plus(DAY).plusMillis(1));
            assertThat(h.state("c1").seenIdCount()).isEqualTo(1); // the order's id is forgotten
            assertThat(h.state("c1").pending()).isEmpty();
        }
    }

    @Test
    void shouldCountALateOrderInGmvAndReportIt() throws Exception {
        try (ProfileHarness h = new ProfileHarness()) {
            h.send(order("c1", 5_000, T0.plus(DAY.multipliedBy(10))));
            h.watermark(T0.plus(DAY.multipliedBy(10)));
            h.send(order("c1", 7_000, T0));
            CustomerProfile p = h.latest();
            assertThat(p.getGmvMinor()).isEqualTo(12_000);
            assertThat(p.getOrdersTotal()).isEqualTo(2);
            assertThat(p.getFirstOrderAt()).isEqualTo(T0);
            assertThat(p.getVersion()).isEqualTo(2);
            assertThat(h.late())
                    .singleElement()
                    .satisfies(
                            l -> {
                                assertThat(l.getEvent().getEventTime()).isEqualTo(T0);
                                assertThat(l.getLatenessMs())
                                        .isEqualTo(DAY.multipliedBy(10).toMillis());
                            });
            assertThat(h.changes().get(h.changes().size() - 1).getReason()).isEqualTo("LATE_ORDER");
        }
    }

    @Test
    void shouldApplyEventsOfTheSameMillisecondAsOneStep() throws Exception {
        try (ProfileHarness h = new ProfileHarness()) {
            h.send(interaction("c1", T0), order("c1", 5_000, T0), click("c1", T0));
            assertThat(h.timers()).isEqualTo(1);
            assertThat(h.state("c1").pending()).hasSize(3);
            h.watermark(T0);
            assertThat(h.profiles())
                    .singleElement()
                    .satisfies(
                            p -> {
                                assertThat(p.getVersion()).isEqualTo(1);
                                assertThat(p.getSegment()).isEqualTo(Segment.POTENTIAL);
                            });
            assertThat(h.changes())
                    .singleElement()
                    .satisfies(
                            c -> {
                                assertThat(c.getFromSegment()).isNull();
                                assertThat(c.getReason()).isEqualTo("ORDER+CLICK+INTERACTION");
                            });
            assertThat(h.state("c1").pending()).isEmpty();
        }
    }

    @Test
    void shouldGiveTheSameOutputsWhateverTheArrivalOrderWithinTheBound() throws Exception {
        List<CustomerEvent> events = new ArrayList<>();
        Random random = new Random(42);
        for (int i = 0; i < 300; i++) {
            String c = "c" + random.nextInt(12);
            Instant at =
                    T0.plusSeconds(random.nextInt(3_600)).plus(DAY.multipliedBy(random.nextInt(3)));
            events.add(
                    switch (random.nextInt(4)) {
                        case 0, 1 -> order(c, 1_000 + random.nextInt(20_000), at);
                        case 2 -> click(c, at);
                        default -> interaction(c, at);
                    });
        }
        List<CustomerEvent> inOrder = new ArrayList<>(events);
        inOrder.sort(Comparator.comparing(CustomerEvent::getEventTime));
        List<CustomerEvent> shuffled = new ArrayList<>(events);
        Collections.shuffle(shuffled, new Random(7));

        Instant end = T0.plus(DAY.multipliedBy(200));
        List<String> a = run(inOrder, end);
        List<String> b = run(shuffled, end);
        assertThat(b).isEqualTo(a).hasSizeGreaterThan(300);
    }

    private static List<String> run(List<CustomerEvent> events, Instant end) throws Exception {
        try (ProfileHarness h = new ProfileHarness()) {
            for (CustomerEvent e : events) {
                h.send(e); // all arrive before the watermark passes them
            }
            h.watermark(end);
            assertThat(h.late()).isEmpty();
            List<String> out = new ArrayList<>();
            h.profiles().forEach(p -> out.add(p.toString()));
            h.changes().forEach(c -> out.add(c.toString()));
            h.alerts().forEach(c -> out.add(c.toString()));
            Collections.sort(out);
            return out;
        }
    }

    @Test
    void shouldFlagAChurnAlertUrgentWhenHighValueWithinNinetyDaysBefore() throws Exception {
        try (ProfileHarness h = new ProfileHarness()) {
            // c1: high value until it churns
            h.send(order("c1", 10_000, T0), order("c1", 10_000, T0.plus(DAY)));
            // c2: left high value by a return at day 2, churns at day 62 (60 days after)
            h.send(order("c2", "B1", 10_000, T0), order("c2", "B2", 10_000, T0.plus(DAY)));
            h.send(refund("c2", "B1", 10_000, T0.plus(DAY.multipliedBy(2))));
            // c3: the same, but kept active until day 100: churns at day 160, 158 days after
            h.send(order("c3", "C1", 10_000, T0), order("c3", "C2", 10_000, T0.plus(DAY)));
            h.send(refund("c3", "C1", 10_000, T0.plus(DAY.multipliedBy(2))));
            h.send(
                    interaction("c3", T0.plus(DAY.multipliedBy(50))),
                    interaction("c3", T0.plus(DAY.multipliedBy(100))));
            h.watermark(T0.plus(DAY.multipliedBy(365)));

            assertThat(h.alerts())
                    .extracting(ChurnAlert::getCustomerId, ChurnAlert::getUrgent, ChurnAlert::getAt)
                    .containsExactlyInAnyOrder(
                            org.assertj.core.groups.Tuple.tuple(
                                    "c1", true, T0.plus(DAY.multipliedBy(61))),
                            org.assertj.core.groups.Tuple.tuple(
                                    "c2", true, T0.plus(DAY.multipliedBy(62))),
                            org.assertj.core.groups.Tuple.tuple(
                                    "c3", false, T0.plus(DAY.multipliedBy(160))));
            // nothing is due any more: one weekly check per customer with an order is left, so
            // that the first CLV model reaches them (ClvServingTest)
            assertThat(h.timers()).isEqualTo(3);
            assertThat(h.stateEntries()).isEqualTo(3);
        }
    }

    @Test
    void shouldLeaveChurnRiskWithTheStepThatBringsTheCustomerBack() throws Exception {
        try (ProfileHarness h = new ProfileHarness()) {
            h.send(order("c1", 5_000, T0));
            h.watermark(T0.plus(DAY.multipliedBy(100)));
            assertThat(h.latest().getSegment()).isEqualTo(Segment.CHURN_RISK);

            Instant back = T0.plus(DAY.multipliedBy(120));
            h.send(order("c1", 5_000, back));
            h.watermark(back);
            assertThat(h.latest().getSegment()).isEqualTo(Segment.REPEAT);
            assertThat(h.changes().get(h.changes().size() - 1))
                    .satisfies(
                            c -> {
                                assertThat(c.getFromSegment()).isEqualTo(Segment.CHURN_RISK);
                                assertThat(c.getAt()).isEqualTo(back);
                            });
            assertThat(h.latest().getRepeatGapDays()).isEqualTo(120.0);
        }
    }

    /**
     * A customer whose only events are returns (the order lies before the data, or is not seen yet)
     * is a prospect, and so has a label to come back to from CHURN_RISK. It once changed to no
     * segment at all, which the segment_change table refuses (the job failed).
     */
    @Test
    void shouldLabelACustomerWithOnlyReturnsProspectAndBringThemBackFromChurnRisk()
            throws Exception {
        try (ProfileHarness h = new ProfileHarness()) {
            h.send(refund("c1", "A1", 1_000, T0));
            Instant back = T0.plus(DAY.multipliedBy(61));
            h.send(refund("c1", "A2", 1_000, back));
            h.watermark(back);
            assertThat(h.changes())
                    .extracting(
                            SegmentChange::getFromSegment,
                            SegmentChange::getToSegment,
                            SegmentChange::getAt)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(null, Segment.PROSPECT, T0),
                            org.assertj.core.groups.Tuple.tuple(
                                    Segment.PROSPECT,
                                    Segment.CHURN_RISK,
                                    T0.plus(DAY.multipliedBy(60))),
                            org.assertj.core.groups.Tuple.tuple(
                                    Segment.CHURN_RISK, Segment.PROSPECT, back));
        }
    }

    @Test
    void shouldTakeNoEffectBeyondTheHorizon() throws Exception {
        Instant asOf = T0.plus(DAY.multipliedBy(30));
        try (ProfileHarness h = new ProfileHarness(JobConfig.defaults().withAsOf(asOf))) {
            h.send(order("c1", 5_000, T0));
            h.watermark(T0);
            // the repurchase reminder (day 27); churn (day 60) and expiry (day 90) lie beyond as-of
            assertThat(h.timers()).isEqualTo(1);
            h.watermark(Instant.ofEpochMilli(Long.MAX_VALUE));
            assertThat(h.profiles()).hasSize(1);
            assertThat(h.latest().getSegment()).isEqualTo(Segment.POTENTIAL);
            assertThat(h.actions(LifecycleActions.REPURCHASE_REMINDER))
                    .containsExactly("DUE c1 " + T0.plus(DAY.multipliedBy(27)));
            assertThat(h.timers()).isZero();
        }
    }

    @Test
    void shouldUseConfiguredThresholds() throws Exception {
        try (ProfileHarness h =
                ProfileHarness.withSettings(
                        java.util.Map.of(
                                "segments.churn-after",
                                "7 d",
                                "segments.high-value.min-clv",
                                "500"))) {
            h.send(order("c1", 20_000, T0), order("c1", 20_000, T0.plusSeconds(1)));
            h.watermark(T0.plus(DAY.multipliedBy(7)).plusSeconds(1));
            assertThat(h.changes())
                    .extracting(SegmentChange::getToSegment)
                    .containsExactly(Segment.POTENTIAL, Segment.REPEAT, Segment.CHURN_RISK);
        }
    }

    @Test
    void shouldStillTreatAnEventAsLateAfterARestore() throws Exception {
        org.apache.flink.runtime.checkpoint.OperatorSubtaskState snapshot;
        try (ProfileHarness h = new ProfileHarness()) {
            h.send(order("c1", 5_000, T0.plus(DAY.multipliedBy(10))));
            h.watermark(T0.plus(DAY.multipliedBy(10)));
            snapshot = h.snapshot();
        }
        // watermarks are not checkpointed: the restored operator has none, but the customer has
        // already moved on to day 10, so an order of day 0 is late for them
        try (ProfileHarness h = ProfileHarness.restored(snapshot)) {
            h.send(order("c1", 7_000, T0));
            assertThat(h.late()).hasSize(1);
            assertThat(h.latest().getGmvMinor()).isEqualTo(12_000);
            assertThat(h.latest().getUpdatedAt()).isEqualTo(T0.plus(DAY.multipliedBy(10)));
        }
    }
}
