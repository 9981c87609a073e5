package io.customerpulse.profile;

import static io.customerpulse.testing.Events.DAY;
import static io.customerpulse.testing.Events.T0;
import static io.customerpulse.testing.Events.click;
import static io.customerpulse.testing.Events.interaction;
import static io.customerpulse.testing.Events.order;
import static io.customerpulse.testing.Events.refund;
import static io.customerpulse.testing.Events.withId;
import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.avro.CampaignDelta;
import io.customerpulse.avro.CustomerEvent;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Attribution inside the customer operator: decided in event time, credited once, state cleared.
 */
class AttributionInProfileTest {
    private static final Instant WEEK_AFTER = T0.plus(DAY.multipliedBy(7));

    private static LocalDate day(Instant t) {
        return LocalDate.ofInstant(t, ZoneOffset.UTC);
    }

    private static List<CampaignDelta> credits(ProfileHarness h) {
        return h.deltas().stream().filter(d -> d.getAttributedOrders() > 0).toList();
    }

    @Test
    void shouldCreditAnOrderAtSevenDaysMinusOneMillisecondButNotAtSevenDays() throws Exception {
        try (ProfileHarness h = new ProfileHarness()) {
            h.send(click("c1", T0), order("c1", 5_000, WEEK_AFTER.minusMillis(1)));
            h.send(click("c2", T0), order("c2", 5_000, WEEK_AFTER));
            h.watermark(WEEK_AFTER);
            assertThat(credits(h))
                    .singleElement()
                    .satisfies(
                            d -> {
                                assertThat(d.getCampaignId()).isEqualTo("SP-1");
                                assertThat(d.getDay()).isEqualTo(day(T0));
                                assertThat(d.getAttributedSalesMinor()).isEqualTo(5_000);
                            });
            assertThat(h.state("c1").ads().acquisitionCampaign()).isEqualTo("SP-1");
            assertThat(h.state("c2").ads().acquisitionDecided()).isTrue();
            assertThat(h.state("c2").ads().acquisitionCampaign()).isNull(); // organic for good
        }
    }

    @Test
    void shouldCreditAClickThatArrivesAfterItsOrderWithinTheBound() throws Exception {
        try (ProfileHarness h = new ProfileHarness()) {
            h.send(order("c1", 5_000, T0.plusSeconds(30)));
            h.send(click("c1", "SP-9", 120, T0)); // delivered later, happened earlier
            h.watermark(T0.plusSeconds(30));
            assertThat(credits(h))
                    .singleElement()
                    .satisfies(d -> assertThat(d.getCampaignId()).isEqualTo("SP-9"));
            assertThat(h.latest().getAcquisitionCampaign()).isEqualTo("SP-9");
            assertThat(h.latest().getCacMinor()).isEqualTo(120);
        }
    }

    @Test
    void shouldCreditTheLaterOfTwoClicksAndAddUpTheAcquisitionCost() throws Exception {
        try (ProfileHarness h = new ProfileHarness()) {
            h.send(click("c1", "SP-1", 100, T0), click("c1", "SP-2", 70, T0.plus(DAY)));
            h.send(click("c1", "SP-2", 50, T0.plus(DAY.multipliedBy(2))));
            h.send(order("c1", 9_000, T0.plus(DAY.multipliedBy(3))));
            h.watermark(T0.plus(DAY.multipliedBy(3)));
            assertThat(credits(h))
                    .singleElement()
                    .satisfies(
                            d -> {
                                assertThat(d.getCampaignId()).isEqualTo("SP-2");
                                assertThat(d.getDay()).isEqualTo(day(T0.plus(DAY.multipliedBy(2))));
                            });
            assertThat(h.deltas().stream().filter(d -> d.getNewCustomers() == 1))
                    .singleElement()
                    .satisfies(d -> assertThat(d.getCampaignId()).isEqualTo("SP-2"));
            assertThat(h.latest().getCacMinor()).isEqualTo(120); // both SP-2 clicks of the window
        }
    }

    @Test
    void shouldCreditTheEarlierClickUnderFirstClick() throws Exception {
        try (ProfileHarness h =
                ProfileHarness.withSettings(Map.of("attribution.model", "FIRST_CLICK"))) {
            h.send(click("c1", "SP-1", 100, T0), click("c1", "SP-2", 70, T0.plus(DAY)));
            h.send(order("c1", 9_000, T0.plus(DAY.multipliedBy(3))));
            h.watermark(T0.plus(DAY.multipliedBy(3)));
            assertThat(credits(h))
                    .singleElement()
                    .satisfies(d -> assertThat(d.getCampaignId()).isEqualTo("SP-1"));
            assertThat(h.latest().getAcquisitionCampaign()).isEqualTo("SP-2"); // always last click
        }
    }

    @Test
    void shouldSplitSalesLinearlySoMinorUnitsAddUpToTheOrderTotal() throws Exception {
        try (ProfileHarness h =
                ProfileHarness.withSettings(Map.of("attribution.model", "LINEAR"))) {
            h.send(click("c1", "SP-1", 1, T0), click("c1", "SP-2", 1, T0.plusSeconds(1)));
            h.send(
                    click("c1", "SP-3", 1, T0.plusSeconds(2)),
                    order("c1", "A1", 10_001, T0.plusSeconds(3)));
            h.watermark(T0.plusSeconds(3));
            assertThat(credits(h))
                    .extracting(
                            CampaignDelta::getCampaignId, CampaignDelta::getAttributedSalesMinor)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("SP-1", 3_333L),
                            org.assertj.core.groups.Tuple.tuple("SP-2", 3_334L),
                            org.assertj.core.groups.Tuple.tuple("SP-3", 3_334L));
            h.send(refund("c1", "A1", 10_001, T0.plus(DAY)));
            h.watermark(T0.plus(DAY));
            assertThat(
                            h.deltas().stream()
                                    .mapToLong(CampaignDelta::getAttributedReturnsMinor)
                                    .sum())
                    .isEqualTo(10_001);
            assertThat(h.deltas().stream().filter(d -> d.getAttributedReturnsMinor() > 0))
                    .allSatisfy(d -> assertThat(d.getDay()).isEqualTo(day(T0.plus(DAY))));
        }
    }

    @Test
    void shouldCreditAnOrderOnceWhenItArrivesTwice() throws Exception {
        try (ProfileHarness h = new ProfileHarness()) {
            CustomerEvent o = order("c1", "A1", 5_000, T0.plusSeconds(10));
            h.send(click("c1", T0), o, o, withId(o, "replayed-with-new-id"));
            h.watermark(T0.plus(DAY));
            assertThat(credits(h)).hasSize(1);
        }
    }

    @Test
    void shouldForgetClicksOutOfTheWindowAtTheNextStepWithoutATimerOfTheirOwn() throws Exception {
        try (ProfileHarness h = new ProfileHarness()) {
            h.send(click("c1", T0), click("c1", T0.plus(DAY)));
            h.watermark(T0.plus(DAY));
            assertThat(h.state("c1").ads().clicks().size()).isEqualTo(2);
            assertThat(h.timers()).isEqualTo(1); // the churn deadline: forgetting needs none

            // the first click's window ends at exactly WEEK_AFTER: it goes after that step's events
            h.send(interaction("c1", WEEK_AFTER));
            h.watermark(WEEK_AFTER);
            assertThat(h.state("c1").ads().clicks().size()).isEqualTo(1);
            h.send(interaction("c1", WEEK_AFTER.plus(DAY)));
            h.watermark(WEEK_AFTER.plus(DAY));
            assertThat(h.state("c1").ads().clicks().size()).isZero();
            assertThat(h.timers()).isEqualTo(1);
            assertThat(h.profiles()).hasSize(4); // one version per event, none for forgetting
        }
    }

    @Test
    void shouldCapTheClicksKeptPerCustomer() throws Exception {
        try (ProfileHarness h =
                ProfileHarness.withSettings(Map.of("attribution.max-clicks", "3"))) {
            for (int i = 0; i < 10; i++) {
                h.send(click("bot", T0.plusSeconds(i)));
            }
            h.watermark(T0.plusSeconds(10));
            assertThat(h.state("bot").ads().clicks().size()).isEqualTo(3);
        }
    }

    @Test
    void shouldReportARefundOfACreditedOrderOnTheDayOfTheReturn() throws Exception {
        try (ProfileHarness h = new ProfileHarness()) {
            h.send(click("c1", "SP-1", 89, T0), order("c1", "A1", 5_000, T0.plusSeconds(5)));
            Instant back = T0.plus(DAY.multipliedBy(20));
            h.send(
                    refund("c1", "A1", 2_000, back),
                    refund("c1", "NEVER", 700, back.plusSeconds(1)));
            h.watermark(back.plusSeconds(1));
            assertThat(h.deltas().stream().filter(d -> d.getAttributedReturnsMinor() > 0))
                    .singleElement()
                    .satisfies(
                            d -> {
                                assertThat(d.getCampaignId()).isEqualTo("SP-1");
                                assertThat(d.getDay()).isEqualTo(day(back));
                                assertThat(d.getAttributedReturnsMinor()).isEqualTo(2_000);
                            });
        }
    }
}
