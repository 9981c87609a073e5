package io.customerpulse.profile;

import io.customerpulse.avro.Segment;
import java.io.Serializable;

/**
 * The segment rules of DESIGN section 5, evaluated in order, the first that holds wins. Pure: the
 * same state and time always give the same segment.
 */
public final class SegmentRules implements Serializable {
    private final SegmentThresholds limits;
    private final long churnAfter;
    private final long urgentLookback;

    public SegmentRules(SegmentThresholds limits) {
        this.limits = limits;
        this.churnAfter = limits.churnAfter().toMillis();
        this.urgentLookback = limits.urgentLookback().toMillis();
    }

    /**
     * The segment of a customer in state {@code c} at event time {@code now}; null before any
     * activity (impressions are none). A customer with returns but no order is a PROSPECT (DESIGN
     * section 5 is silent; the order lies before the data, or is not seen yet), so a customer who
     * has had a label always has one: a return brings a returns-only customer back from CHURN_RISK
     * to PROSPECT.
     */
    public Segment evaluate(Customer c, long now) {
        long churnAt = churnDeadline(c);
        if (churnAt != Customer.NONE && now >= churnAt) {
            return Segment.CHURN_RISK;
        }
        if (isHighValue(c)) {
            return Segment.HIGH_VALUE;
        }
        if (c.ordersTotal >= 2) {
            return Segment.REPEAT;
        }
        if (c.ordersTotal == 1) {
            return Segment.POTENTIAL;
        }
        return c.engaged ? Segment.PROSPECT : null;
    }

    /**
     * From this time on (inclusive) the customer is CHURN_RISK unless a new event comes first;
     * {@link Customer#NONE} before any event.
     */
    public long churnDeadline(Customer c) {
        return c.lastInteractionAt == Customer.NONE
                ? Customer.NONE
                : c.lastInteractionAt + churnAfter;
    }

    /** Whether entering CHURN_RISK at {@code at} is urgent: HIGH_VALUE within the look-back. */
    public boolean isUrgent(Customer c, long at) {
        if (c.segment == Segment.HIGH_VALUE) {
            return true;
        }
        return c.highValueUntil != Customer.NONE && c.highValueUntil > at - urgentLookback;
    }

    private boolean isHighValue(Customer c) {
        return c.orderCount >= limits.highValueMinOrders()
                && netRevenue(c) >= limits.highValueMinClvMinor()
                && returnRate(c) < limits.highValueMaxReturnRate();
    }

    /** Historical CLV: gmv minus refunds. */
    public static long netRevenue(Customer c) {
        return c.gmvMinor - c.refundsMinor;
    }

    /** min(1, returned_orders / orders_total); 0 when there are no orders. */
    public static double returnRate(Customer c) {
        if (c.ordersTotal == 0) {
            return 0.0;
        }
        return Math.min(1.0, (double) c.returnedOrders / c.ordersTotal);
    }
}
