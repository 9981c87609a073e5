package io.customerpulse.profile;

import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.avro.Segment;
import io.customerpulse.avro.state.CustomerState;
import io.customerpulse.config.JobConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SegmentRulesTest {
    private static final long DAY = 86_400_000L;
    private final SegmentRules rules = new SegmentRules(JobConfig.defaults().segments());

    private static CustomerState state(long orders, long gmv, long returned, int orders90d) {
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < orders90d; i++) {
            times.add((long) i);
        }
        return CustomerState.newBuilder()
                .setOrdersTotal(orders)
                .setGmvMinor(gmv)
                .setReturnedOrders(returned)
                .setOrderTimes90d(times)
                .setLastInteractionAt(0L)
                .build();
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
        CustomerState s = state(2, 15_000, 0, 2);
        assertThat(rules.evaluate(s, 60 * DAY - 1)).isEqualTo(Segment.HIGH_VALUE);
        assertThat(rules.evaluate(s, 60 * DAY)).isEqualTo(Segment.CHURN_RISK);
    }

    @Test
    void shouldLabelOneOrderPotentialAndEngagementWithoutOrdersProspect() {
        assertThat(rules.evaluate(state(1, 100, 0, 1), 1)).isEqualTo(Segment.POTENTIAL);
        CustomerState clicked = state(0, 0, 0, 0);
        clicked.setEngaged(true);
        assertThat(rules.evaluate(clicked, 1)).isEqualTo(Segment.PROSPECT);
        assertThat(rules.evaluate(state(0, 0, 0, 0), 1)).isNull(); // a return only
    }

    @Test
    void shouldCapTheReturnRateAtOne() {
        CustomerState s = state(1, 100, 3, 1);
        assertThat(SegmentRules.returnRate(s)).isEqualTo(1.0);
        assertThat(SegmentRules.returnRate(state(0, 0, 2, 0))).isEqualTo(0.0);
    }
}
