package io.customerpulse.profile;

import static io.customerpulse.testing.Events.DAY;
import static io.customerpulse.testing.Events.T0;
import static io.customerpulse.testing.Events.order;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.customerpulse.avro.CustomerEvent;
import io.customerpulse.clv.RfmStats;
import io.customerpulse.config.JobConfig;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The CLV models' summary of a customer as the profile engine keeps it, order by order. */
class RepeatPurchasesTest {
    private final ProfileEngine engine = ProfileEngine.of(JobConfig.defaults());
    private final Customer s = new Customer();

    private void apply(CustomerEvent e, Instant now, boolean late) {
        engine.step("c1", s, now.toEpochMilli(), List.of(e), 1, late, null, CollectedOutput.NONE);
    }

    private void apply(CustomerEvent e) {
        apply(e, e.getEventTime(), false);
    }

    @Test
    void shouldMergeOrdersOfOneUtcDayIntoOnePurchase() {
        apply(order("c1", 1_000, T0)); // 10:00 UTC
        apply(order("c1", 2_000, T0.plusSeconds(3_600))); // same day
        apply(order("c1", 4_000, T0.plus(DAY.multipliedBy(14))));
        apply(order("c1", 8_000, T0.plus(DAY.multipliedBy(14)).plusSeconds(60)));

        assertThat(RepeatPurchases.x(s)).isEqualTo(1);
        assertThat(s.firstDayValueMinor).isEqualTo(3_000);
        assertThat(s.repeatValueMinor).isEqualTo(12_000);
        RfmStats stats =
                RepeatPurchases.stats(s, T0.plus(DAY.multipliedBy(21)).toEpochMilli(), 100);
        assertThat(stats.x()).isEqualTo(1);
        assertThat(stats.tx()).isEqualTo(2.0);
        assertThat(stats.T()).isEqualTo(3.0);
        assertThat(stats.mx()).isEqualTo(120.0); // dollars
    }

    @Test
    void shouldCountTheDayNotTheTwentyFourHours() {
        Instant lateEvening = Instant.parse("2025-03-01T23:59:00Z");
        apply(order("c1", 1_000, lateEvening));
        apply(order("c1", 1_000, lateEvening.plusSeconds(120))); // 00:01 the next day
        assertThat(RepeatPurchases.x(s)).isEqualTo(1);
    }

    @Test
    void shouldMakeTheOldFirstDayARepeatPurchaseWhenALateOrderComesBeforeIt() {
        apply(order("c1", 1_000, T0.plus(DAY.multipliedBy(10))));
        apply(order("c1", 2_000, T0.plus(DAY.multipliedBy(20))));
        apply(order("c1", 4_000, T0), T0.plus(DAY.multipliedBy(20)), true);

        assertThat(RepeatPurchases.x(s)).isEqualTo(2);
        assertThat(s.firstDayValueMinor).isEqualTo(4_000);
        assertThat(s.repeatValueMinor).isEqualTo(3_000);
        RfmStats stats =
                RepeatPurchases.stats(s, T0.plus(DAY.multipliedBy(20)).toEpochMilli(), 100);
        assertThat(stats.tx()).isCloseTo(20 / 7.0, within(1e-12));
    }

    @Test
    void shouldTellFromTheNinetyDayOrdersWhetherALateOrdersDayWasAlreadyAPurchase() {
        apply(order("c1", 1_000, T0));
        apply(order("c1", 1_000, T0.plus(DAY.multipliedBy(5))));
        apply(order("c1", 1_000, T0.plus(DAY.multipliedBy(30))));
        Instant now = T0.plus(DAY.multipliedBy(30));
        apply(order("c1", 500, T0.plus(DAY.multipliedBy(5)).plusSeconds(60)), now, true);
        assertThat(RepeatPurchases.x(s)).isEqualTo(2); // day 5 had a purchase already
        apply(order("c1", 500, T0.plus(DAY.multipliedBy(7))), now, true);
        assertThat(RepeatPurchases.x(s)).isEqualTo(3); // day 7 had none
        assertThat(s.repeatValueMinor).isEqualTo(3_000);
    }

    @Test
    void shouldHaveNoSummaryBeforeTheFirstOrder() {
        assertThat(RepeatPurchases.stats(s, T0.toEpochMilli(), 100)).isNull();
        assertThat(RepeatPurchases.x(s)).isZero();
    }
}
