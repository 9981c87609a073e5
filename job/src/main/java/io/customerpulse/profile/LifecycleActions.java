package io.customerpulse.profile;

import io.customerpulse.avro.CustomerAction;
import io.customerpulse.avro.CustomerEvent;
import io.customerpulse.avro.Segment;
import io.customerpulse.ingest.Interactions;
import java.io.Serializable;
import java.time.Instant;

/**
 * The lifecycle actions of DESIGN section 11: what a customer's step makes due, with its status.
 * Plain Java on the customer's state, called by {@link ProfileEngine} within a step (after the
 * step's events and segment); {@link Schedule} asks {@link #nextDueAt} for the customer's timer.
 *
 * <p>Each status's conditions are checked in the design's order; the first that holds wins, else
 * DUE. Only a DUE action starts a cooldown or the marketing cap.
 */
public final class LifecycleActions implements Serializable {
    public static final String REVIEW_REQUEST = "REVIEW_REQUEST";
    public static final String WIN_BACK = "WIN_BACK";
    public static final String HIGH_VALUE_REWARD = "HIGH_VALUE_REWARD";
    public static final String REPURCHASE_REMINDER = "REPURCHASE_REMINDER";

    public static final String DUE = "DUE";
    public static final String SKIPPED = "SKIPPED";
    public static final String EXPIRED = "EXPIRED";
    public static final String COOLDOWN = "COOLDOWN";
    public static final String HELD = "HELD";
    public static final String CAPPED = "CAPPED";

    private final long reviewDelay;
    private final long reviewExpireAfter;
    private final long rewardCooldown;
    private final long complaintHold;
    private final int complaintMaxRating;
    private final long marketingCap;
    private final long reminderLead;
    private final long reminderMinAfterOrder;
    private final long reminderDefaultGap;
    private final int maxDeliveries;
    private final long deliveryMemory;

    /**
     * @param deliveryMemory how long after delivery a decided request is remembered (the order-id
     *     retention)
     */
    public LifecycleActions(ActionSettings s, long deliveryMemory) {
        this.reviewDelay = s.reviewDelay().toMillis();
        this.reviewExpireAfter = s.reviewExpireAfter().toMillis();
        this.rewardCooldown = s.rewardCooldown().toMillis();
        this.complaintHold = s.complaintHold().toMillis();
        this.complaintMaxRating = s.complaintMaxRating();
        this.marketingCap = s.marketingCap().toMillis();
        this.reminderLead = s.reminderLead().toMillis();
        this.reminderMinAfterOrder = s.reminderMinAfterOrder().toMillis();
        this.reminderDefaultGap = s.reminderDefaultGap().toMillis();
        this.maxDeliveries = s.maxDeliveries();
        this.deliveryMemory = deliveryMemory;
    }

    /**
     * What an applied event of the step means for actions: a first DELIVERED of an order waits for
     * its review request; a COMPLAINT or a low rating may hold rewards and reminders.
     */
    void onEvent(Customer c, CustomerEvent e) {
        String type = e.getInteractionType();
        if (type == null) {
            return;
        }
        long at = e.getEventTime().toEpochMilli();
        if (Interactions.DELIVERED.equals(type) && e.getOrderId() != null) {
            c.deliveries.add(e.getOrderId(), e.getMarketplace(), at, false, maxDeliveries);
        } else if (Interactions.COMPLAINT.equals(type)
                || (Interactions.FEEDBACK.equals(type)
                        && e.getRating() != null
                        && e.getRating() <= complaintMaxRating)) {
            c.lastComplaintAt = Math.max(c.lastComplaintAt, at);
        }
    }

    /**
     * The actions of a step at {@code t}, after its events and its segment ({@code before} to
     * {@code c.segment}): into {@code out}, in the design's order within a millisecond.
     *
     * @param urgent whether the step's churn alert (if it has one) is urgent
     */
    void decide(
            String customerId, Customer c, long t, Segment before, boolean urgent, StepOutput out) {
        Segment after = c.segment;
        if (after == Segment.CHURN_RISK && before != Segment.CHURN_RISK && c.ordersTotal >= 1) {
            marketing(customerId, c, t, WIN_BACK, urgent, false, out);
        }
        if (after == Segment.HIGH_VALUE && before != Segment.HIGH_VALUE) {
            marketing(customerId, c, t, HIGH_VALUE_REWARD, false, true, out);
        }
        long reminderAt = reminderDueAt(c);
        if (reminderAt != Customer.NONE && reminderAt <= t) {
            c.reminderFor = c.lastOrderAt; // once per last_order_at
            if (after != Segment.CHURN_RISK) {
                marketing(customerId, c, t, REPURCHASE_REMINDER, false, true, out);
            }
        }
        Deliveries d = c.deliveries;
        for (int i = 0; i < d.size; i++) {
            if (d.decided[i] || d.deliveredAt[i] + reviewDelay > t) {
                continue;
            }
            d.decided[i] = true;
            String status = DUE;
            String reason = null;
            if (returned(c, d.orderIds[i])) {
                status = SKIPPED;
                reason = "RETURNED";
            } else if (t > d.deliveredAt[i] + reviewExpireAfter) {
                status = EXPIRED;
                reason = "DELIVERED_LATE";
            }
            out.action(
                    action(
                            customerId,
                            d.marketplaces[i],
                            REVIEW_REQUEST,
                            t,
                            d.orderIds[i],
                            false,
                            status,
                            reason),
                    t);
        }
        d.forgetDecided(t - deliveryMemory);
    }

    /** A marketing action's status, recorded; a DUE one starts its cooldown and the cap. */
    private void marketing(
            String customerId,
            Customer c,
            long t,
            String action,
            boolean urgent,
            boolean holdOnComplaint,
            StepOutput out) {
        String status = DUE;
        String reason = null;
        if (action.equals(HIGH_VALUE_REWARD)
                && c.lastRewardAt != Customer.NONE
                && c.lastRewardAt > t - rewardCooldown
                && c.lastRewardAt < t) {
            status = COOLDOWN;
            reason = "REWARDED_WITHIN_COOLDOWN";
        } else if (holdOnComplaint
                && c.lastComplaintAt != Customer.NONE
                && c.lastComplaintAt > t - complaintHold) {
            status = HELD;
            reason = "COMPLAINT";
        } else if (c.lastMarketingAt != Customer.NONE && c.lastMarketingAt > t - marketingCap) {
            status = CAPPED;
            reason = "MARKETING_WITHIN_CAP";
        }
        if (status.equals(DUE)) {
            c.lastMarketingAt = t;
            if (action.equals(HIGH_VALUE_REWARD)) {
                c.lastRewardAt = t;
            }
        }
        out.action(
                action(customerId, c.lastOrderMarketplace, action, t, null, urgent, status, reason),
                t);
    }

    /**
     * When the repurchase reminder for the customer's last order is due (the golden window), or
     * {@link Customer#NONE} when none is waiting: no order, or decided for this last order.
     */
    long reminderDueAt(Customer c) {
        if (c.lastOrderAt == Customer.NONE || c.reminderFor == c.lastOrderAt) {
            return Customer.NONE;
        }
        long gap =
                c.ordersTotal >= 2 && c.firstOrderAt != Customer.NONE
                        ? (c.lastOrderAt - c.firstOrderAt) / (c.ordersTotal - 1)
                        : reminderDefaultGap;
        return Math.max(c.lastOrderAt + gap - reminderLead, c.lastOrderAt + reminderMinAfterOrder);
    }

    /** The next time an action falls due after the customer's last step; Long.MAX_VALUE if none. */
    long nextDueAt(Customer c) {
        long next = Long.MAX_VALUE;
        long reminder = reminderDueAt(c);
        if (reminder != Customer.NONE && reminder > c.now) {
            next = reminder;
        }
        long delivered = c.deliveries.firstUndecided();
        if (delivered != Customer.NONE) {
            next = Math.min(next, Math.max(delivered + reviewDelay, c.now + 1));
        }
        return next;
    }

    private static boolean returned(Customer c, String orderId) {
        for (int i = 0; i < c.returnedIdCount; i++) {
            if (c.returnedIds[i].equals(orderId)) {
                return true;
            }
        }
        return false;
    }

    private static CustomerAction action(
            String customerId,
            String marketplace,
            String action,
            long t,
            String orderId,
            boolean urgent,
            String status,
            String reason) {
        Instant at = Instant.ofEpochMilli(t);
        CustomerAction a = new CustomerAction();
        a.setActionId(
                customerId + "|" + action + "|" + (orderId != null ? orderId : at.toString()));
        a.setCustomerId(customerId);
        a.setMarketplace(marketplace);
        a.setAction(action);
        a.setDueAt(at);
        a.setOrderId(orderId);
        a.setPriority(urgent ? "URGENT" : "NORMAL");
        a.setStatus(status);
        a.setReason(reason);
        return a;
    }
}
