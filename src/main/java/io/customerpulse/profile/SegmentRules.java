package io.customerpulse.profile;

import io.customerpulse.avro.Segment;
import io.customerpulse.avro.state.CustomerState;
import java.io.Serializable;

/**
 * The segment rules of DESIGN section 5, evaluated in order, the first that holds wins. Pure: the
 * same state and time always give the same segment.
 */
public final class SegmentRules implements Serializable {
    private final SegmentThresholds limits;

    public SegmentRules(SegmentThresholds limits) {
        this.limits = limits;
    }

    /** The segment of a customer in state {@code s} at event time {@code now}; null when none. */
    public Segment evaluate(CustomerState s, long now) {
        Long churnAt = churnDeadline(s);
        if (churnAt != null && now >= churnAt) {
            return Segment.CHURN_RISK;
        }
        if (isHighValue(s)) {
            return Segment.HIGH_VALUE;
        }
        if (s.getOrdersTotal() >= 2) {
            return Segment.REPEAT;
        }
        if (s.getOrdersTotal() == 1) {
            return Segment.POTENTIAL;
        }
        return s.getEngaged() ? Segment.PROSPECT : null;
    }

    /** From this time on (inclusive) the customer is CHURN_RISK unless a new event comes first. */
    public Long churnDeadline(CustomerState s) {
        Long last = s.getLastInteractionAt();
        return last == null ? null : last + limits.churnAfter().toMillis();
    }

    /** Whether entering CHURN_RISK at {@code at} is urgent: HIGH_VALUE within the look-back. */
    public boolean isUrgent(CustomerState s, long at) {
        if (s.getSegment() == Segment.HIGH_VALUE) {
            return true;
        }
        Long until = s.getHighValueUntil();
        return until != null && until > at - limits.urgentLookback().toMillis();
    }

    private boolean isHighValue(CustomerState s) {
        return s.getOrderTimes90d().size() >= limits.highValueMinOrders()
                && netRevenue(s) >= limits.highValueMinClvMinor()
                && returnRate(s) < limits.highValueMaxReturnRate();
    }

    /** Historical CLV: gmv minus refunds. */
    public static long netRevenue(CustomerState s) {
        return s.getGmvMinor() - s.getRefundsMinor();
    }

    /** min(1, returned_orders / orders_total); 0 when there are no orders. */
    public static double returnRate(CustomerState s) {
        if (s.getOrdersTotal() == 0) {
            return 0.0;
        }
        return Math.min(1.0, (double) s.getReturnedOrders() / s.getOrdersTotal());
    }
}
