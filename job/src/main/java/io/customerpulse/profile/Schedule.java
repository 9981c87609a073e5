package io.customerpulse.profile;

import io.customerpulse.avro.Segment;
import io.customerpulse.config.JobConfig;
import java.io.Serializable;
import org.apache.flink.util.MathUtils;

/**
 * When a customer's next step is due — the one place that decides it. A step falls at the earliest
 * of: the next waiting event, the churn deadline (unless already CHURN_RISK), the moment the oldest
 * order leaves the orders_90d window, the next lifecycle action due (a review request, a repurchase
 * reminder: {@link LifecycleActions}), the next buyer message's reply deadline ({@link
 * HealthFacts}), the customer's expiry (retention.inactive-after after their last event), and the
 * next re-scoring of the predictions. All times are event time, strictly after the customer's last
 * step; {@code Long.MAX_VALUE} means never.
 *
 * <p>Re-scoring: while a CLV model is served, a customer with an order is re-scored every
 * clv.rescore-interval; while none is, only a buyer with nothing else due (but their expiry) is
 * woken, and only every {@value #DORMANT_CHECKS} intervals, so that the first model reaches such a
 * customer within a week instead of at its next event, without waking active customers for nothing.
 * The times are shifted by a hash of the customer id so that customers wake spread over the
 * interval, not all at midnight.
 *
 * <p>Forgetting (clicks out of the attribution window, credited orders out of the return window,
 * old event ids) happens inside steps and needs no step of its own: nothing reads what has expired.
 */
public final class Schedule implements Serializable {
    /** Without a model, a buyer with nothing else due wakes every this many rescore-intervals. */
    static final int DORMANT_CHECKS = 7;

    private final SegmentRules rules;
    private final LifecycleActions actions;
    private final long ordersWindow;
    private final long rescoreInterval;
    private final long inactiveAfter;

    public Schedule(
            SegmentThresholds limits,
            ActionSettings actionSettings,
            long orderRetentionMillis,
            long rescoreIntervalMillis,
            long inactiveAfterMillis) {
        this.inactiveAfter = inactiveAfterMillis;
        this.rules = new SegmentRules(limits);
        this.actions = new LifecycleActions(actionSettings, orderRetentionMillis);
        this.ordersWindow = limits.ordersWindow().toMillis();
        this.rescoreInterval = rescoreIntervalMillis;
    }

    public static Schedule of(JobConfig config) {
        return new Schedule(
                config.segments(),
                config.actions(),
                config.dedup().orderRetention().toMillis(),
                config.clv().rescoreInterval().toMillis(),
                config.retention().inactiveAfter().toMillis());
    }

    /**
     * When the customer expires: retention.inactive-after after their last event; {@code
     * Long.MAX_VALUE} for a customer with no event.
     */
    public long expiresAt(Customer c) {
        return c.lastEventAt == Customer.NONE ? Long.MAX_VALUE : c.lastEventAt + inactiveAfter;
    }

    /**
     * The next limit after the last step: the churn deadline (unless already CHURN_RISK), the
     * oldest order leaving the window, an action or reply deadline, or the expiry; {@code
     * Long.MAX_VALUE} if none.
     */
    public long nextLimitAt(Customer c) {
        long after = c.now;
        // strictly after the last step, even for a history that a very late event started
        long next =
                c.lastEventAt == Customer.NONE ? Long.MAX_VALUE : Math.max(expiresAt(c), after + 1);
        long churnAt = rules.churnDeadline(c);
        if (churnAt != Customer.NONE && c.segment != Segment.CHURN_RISK && churnAt > after) {
            next = churnAt;
        }
        if (c.orderCount > 0) {
            long expiry = c.orderTimes[0] + ordersWindow;
            if (expiry > after) {
                next = Math.min(next, expiry);
            }
        }
        return Math.min(next, Math.min(actions.nextDueAt(c), HealthFacts.nextDueAt(c)));
    }

    /** The next waiting event or limit; {@code Long.MAX_VALUE} if none. */
    public long nextStepAt(Customer c) {
        return Math.min(c.firstPendingAt(), nextLimitAt(c));
    }

    /**
     * The first re-scoring time after the customer's last step (see the class comment); {@code
     * Long.MAX_VALUE} if none. {@code stepAt} is {@link #nextStepAt}, which callers have.
     */
    public long nextRescoreAt(String customer, Customer c, boolean modelServed, long stepAt) {
        if (c.firstOrderAt == Customer.NONE || c.now == Customer.NONE) {
            return Long.MAX_VALUE;
        }
        long interval = rescoreInterval;
        if (!modelServed) {
            if (stepAt != Long.MAX_VALUE && stepAt < expiresAt(c)) {
                return Long.MAX_VALUE; // something before the expiry is due: it wakes them
            }
            interval *= DORMANT_CHECKS;
        }
        long offset = Math.floorMod(MathUtils.murmurHash(customer.hashCode()), interval);
        return Math.floorDiv(c.now - offset, interval) * interval + offset + interval;
    }

    /** When anything is next due for this customer; {@code Long.MAX_VALUE} if nothing is. */
    public long nextDueAt(String customer, Customer c, boolean modelServed) {
        long stepAt = nextStepAt(c);
        return Math.min(stepAt, nextRescoreAt(customer, c, modelServed, stepAt));
    }

    /**
     * The next limit or re-scoring, leaving out the waiting events: what a customer's timer must
     * cover while its waiting events are in memory.
     */
    public long nextTimerAt(String customer, Customer c, boolean modelServed) {
        long limit = nextLimitAt(c);
        long stepAt = Math.min(c.firstPendingAt(), limit);
        return Math.min(limit, nextRescoreAt(customer, c, modelServed, stepAt));
    }
}
