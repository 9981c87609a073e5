package io.customerpulse.profile;

import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.avro.Segment;
import io.customerpulse.config.JobConfig;
import org.junit.jupiter.api.Test;

class SegmentRulesTest {
    private static final long DAY = 86_400_000L;
    private final SegmentRules rules = new SegmentRules(JobConfig.defaults().segments());

    private static Customer state(long orders, long gmv, long returned, int orders90d) {
        Customer c = new Customer();
        c.ordersTotal = orders;
        c.gmvMinor = gmv;
        c.returnedOrders = returned;
        for (int i = 0; i < orders90d; i++) {
            c.addOrderTime(i);
        }
        c.lastInteractionAt = 0L;
        return c;
    }

    @Test
    void shouldRequireAllThreeHighValueConditions() {
        assertThat(rules.evaluate(state(2, 15_000, 0, 2), 1)).isEqualTo(Segment.HIGH_VALUE);
        assertThat(rules.evaluate(state(2, 14_999, 0, 2), 1)).isEqualTo(Segment.REPEAT);
        assertThat(rules.evaluate(state(2, 15_000, 0, 1), 1)).isEqualTo(Segment.REPEAT);
        assertThat(rules.evaluate(state(20, 15_000, 1, 2), 1)).isEqualTo(Segment.REPEAT); // 5 %
        assertThat(rules.evaluate(state(21, 15_000, 1, 2), 1))
                .isEqualTo(Segment.HIGH_VALUE); // 4.8 %
    }

    @Test
    void shouldPutChurnRiskFirstFromTheDeadlineInclusive() {
        Customer s = state(2, 15_000, 0, 2);
        assertThat(rules.evaluate(s, 60 * DAY - 1)).isEqualTo(Segment.HIGH_VALUE);
        assertThat(rules.evaluate(s, 60 * DAY)).isEqualTo(Segment.CHURN_RISK);
    }

    @Test
    void shouldLabelOneOrderPotentialAndEngagementWithoutOrdersProspect() {
        assertThat(rules.evaluate(state(1, 100, 0, 1), 1)).isEqualTo(Segment.POTENTIAL);
        Customer clicked = state(0, 0, 0, 0);
        clicked.engaged = true;
        assertThat(rules.evaluate(clicked, 1)).isEqualTo(Segment.PROSPECT);
        assertThat(rules.evaluate(state(0, 0, 0, 0), 1)).isNull(); // not engaged: impressions
    }

    @Test
    void shouldCapTheReturnRateAtOne() {
        Customer s = state(1, 100, 3, 1);
        assertThat(SegmentRules.returnRate(s)).isEqualTo(1.0);
        assertThat(SegmentRules.returnRate(state(0, 0, 2, 0))).isEqualTo(0.0);
    }
}
