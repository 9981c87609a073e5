package io.customerpulse.profile;

import io.customerpulse.attribution.AttributionLedger;
import io.customerpulse.attribution.AttributionSettings;
import io.customerpulse.avro.CampaignDelta;
import io.customerpulse.avro.ChurnAlert;
import io.customerpulse.avro.CustomerEvent;
import io.customerpulse.avro.CustomerProfile;
import io.customerpulse.avro.EventKind;
import io.customerpulse.avro.Segment;
import io.customerpulse.avro.SegmentChange;
import io.customerpulse.clv.ClvScorer;
import io.customerpulse.clv.RfmStats;
import io.customerpulse.config.DedupSettings;
import io.customerpulse.config.JobConfig;
import io.customerpulse.config.RetentionSettings;
import io.customerpulse.ingest.Interactions;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * The arithmetic of a customer's profile (DESIGN section 4), one step at a time. A step is either
 * the events of one millisecond (applied in event_id order) followed by the limits that fall on
 * that millisecond, or a limit alone. Plain Java with no Flink in it, so the rules can be tested
 * and benchmarked without a runtime; {@link CustomerSteps} decides which steps happen when.
 *
 * <p>Not thread-safe: each operator instance has its own (it reuses a list for campaign deltas).
 */
public final class ProfileEngine implements Serializable {
    private static final double MILLIS_PER_DAY = 86_400_000.0;
    private static final int CREDITING =
            (1 << EventKind.ORDER.ordinal()) | (1 << EventKind.RETURN.ordinal());

    private final SegmentRules rules;
    private final AttributionLedger ledger;
    private final LifecycleActions actions;
    private final HealthFacts health;
    private final int maxReturnedOrderIds;
    private final long orderRetention;
    private final int maxOrderIds;
    private final long ordersWindow;
    private final int maxOrders90d;
    private final String currency;
    private final double minorPerUnit;

    /** Reasons by kinds of the step's events, lateness, window exit and inactivity. */
    private final String[] reasons = new String[1 << (EventKind.values().length + 3)];

    private transient List<CampaignDelta> deltas;

    /**
     * Per event of the step: the refund it applied, {@link #DROPPED} (a repeated order) or {@link
     * #PASSIVE} (a shipment or a seller's reply).
     */
    private transient long[] applied;

    private static final long DROPPED = -1;

    /** What {@link #apply} returns for an event that is not the customer's activity. */
    private static final long PASSIVE = -2;

    public ProfileEngine(
            SegmentThresholds limits,
            AttributionSettings attribution,
            DedupSettings dedup,
            ActionSettings actionSettings,
            int maxOpenMessages,
            int maxReturnedOrderIds,
            RetentionSettings retention,
            String currency,
            long minorPerUnit) {
        this.rules = new SegmentRules(limits);
        this.ledger = new AttributionLedger(attribution, retention.maxCreditedOrders());
        this.maxOrders90d = retention.maxOrders90d();
        this.actions = new LifecycleActions(actionSettings, dedup.orderRetention().toMillis());
        this.health = new HealthFacts(maxOpenMessages);
        this.orderRetention = dedup.orderRetention().toMillis();
        this.maxOrderIds = dedup.maxOrderIds();
        this.maxReturnedOrderIds = maxReturnedOrderIds;
        this.ordersWindow = limits.ordersWindow().toMillis();
        this.currency = currency;
        this.minorPerUnit = minorPerUnit;
    }

    /** The engine as the job configures it. */
    public static ProfileEngine of(JobConfig config) {
        return new ProfileEngine(
                config.segments(),
                config.attribution(),
                config.dedup(),
                config.actions(),
                config.sellerHealth().maxOpenMessages(),
                config.maxReturnedOrderIds(),
                config.retention(),
                config.reportingCurrency(),
                config.clv().minorPerUnit());
    }

    /**
     * Applies one step at event time {@code t}: the first {@code count} of {@code events} (in
     * event_id order; none for a limit alone), then every limit due at {@code t}. Writes what it
     * produced to {@code out} and returns true, or returns false when the step changed nothing that
     * shows (no version).
     *
     * @param late whether the events arrived behind the watermark (the reason says so)
     * @param clv the served CLV model's scorer, or null (predictions empty)
     */
    public boolean step(
            String customerId,
            Customer c,
            long t,
            List<CustomerEvent> events,
            int count,
            boolean late,
            ClvScorer clv,
            StepOutput out) {
        ledger.forget(c.ads, t, false); // what ended before this millisecond
        c.orders.forget(orderRetention, t);
        long[] applied = applied(count);
        int kinds = 0;
        int unseen = 0; // events that change nothing a profile shows
        for (int i = 0; i < count; i++) {
            CustomerEvent e = events.get(i);
            long at = e.getEventTime().toEpochMilli();
            if (at > c.lastEventAt) {
                c.lastEventAt = at; // any event, even a repeated order: the customer is there
            }
            applied[i] = apply(c, e, t);
            health.onEvent(c, e, applied[i] != DROPPED, out);
            if (applied[i] == DROPPED) {
                unseen++;
                out.orderRepeated(e);
            } else if (applied[i] == PASSIVE) {
                unseen++;
            } else {
                kinds |= 1 << e.getKind().ordinal();
            }
        }
        List<CampaignDelta> credits = deltas();
        credits.clear();
        if ((kinds & CREDITING) != 0) {
            for (int i = 0; i < count; i++) { // after every click of this millisecond is in
                CustomerEvent e = events.get(i);
                if (e.getKind() == EventKind.ORDER && applied[i] != DROPPED) {
                    ledger.creditOrder(c.ads, e, credits);
                } else if (e.getKind() == EventKind.RETURN && applied[i] > 0) {
                    ledger.creditReturn(c.ads, e, applied[i], credits);
                }
            }
        }
        ledger.forget(c.ads, t, true); // and what ends on it, after its events
        boolean expired = expireOrders(c, t);
        c.now = t;

        Segment before = c.segment;
        Segment after = rules.evaluate(c, t);
        if (count == unseen && !expired && after == before) {
            health.decide(c, t, out); // a message's reply deadline
            actions.decide(customerId, c, t, before, false, out); // a review or reminder due
            return false; // nothing but repeated orders, shipments, replies (or nothing at all)
        }
        c.version++;
        String reason =
                reason(kinds, late, expired, after == Segment.CHURN_RISK && count == unseen);

        SegmentChange change = null;
        ChurnAlert alert = null;
        boolean urgent = false;
        if (after != before) {
            long netRevenue = SegmentRules.netRevenue(c);
            Instant at = Instant.ofEpochMilli(t);
            change = new SegmentChange();
            change.setCustomerId(customerId);
            change.setFromSegment(before);
            change.setToSegment(after);
            change.setAt(at);
            change.setReason(reason);
            change.setClvMinor(netRevenue);
            change.setVersion(c.version);
            if (after == Segment.CHURN_RISK) {
                alert = new ChurnAlert();
                alert.setCustomerId(customerId);
                alert.setAt(at);
                alert.setLastInteractionAt(instant(c.lastInteractionAt));
                alert.setPreviousSegment(before);
                urgent = rules.isUrgent(c, t);
                alert.setUrgent(urgent);
                alert.setClvMinor(netRevenue);
            }
            if (before == Segment.HIGH_VALUE) {
                c.highValueUntil = t;
            }
            c.segment = after;
            c.segmentSince = t;
        }
        out.profile(profile(customerId, c, t, clv), t);
        if (change != null) {
            out.segmentChange(change, t);
        }
        if (alert != null) {
            out.churnAlert(alert, t);
        }
        for (int i = 0; i < credits.size(); i++) {
            out.campaignDelta(credits.get(i), t);
        }
        health.decide(c, t, out);
        actions.decide(customerId, c, t, before, urgent, out);
        return true;
    }

    /**
     * A step with no events and no limit due that only brings the predictions up to {@code t} (T
     * grows while a customer does nothing; a new model changes every prediction). Call it only
     * where {@link #step} returned false for {@code t}.
     */
    public void rescore(String customerId, Customer c, long t, ClvScorer clv, StepOutput out) {
        c.now = t;
        c.version++;
        out.profile(profile(customerId, c, t, clv), t);
    }

    /**
     * Retention (DESIGN section 13): the customer had no event for retention.inactive-after. The
     * last profile goes out once more, as of {@code t}, with expired_at; the caller then clears the
     * history.
     */
    public void expire(String customerId, Customer c, long t, ClvScorer clv, StepOutput out) {
        if (c.version == 0) {
            return; // never had a profile (shipments or seller replies only): nothing to keep
        }
        c.now = t;
        c.version++;
        CustomerProfile p = profile(customerId, c, t, clv);
        p.setExpiredAt(p.getUpdatedAt());
        out.profile(p, t);
        if (c.segment != null) {
            // the customer leaves their segment: a change to none, so that a history after this
            // one, which starts from none, follows on from it (the daily segment counts)
            SegmentChange change = new SegmentChange();
            change.setCustomerId(customerId);
            change.setFromSegment(c.segment);
            change.setToSegment(null);
            change.setAt(p.getUpdatedAt());
            change.setReason(EXPIRED);
            change.setClvMinor(SegmentRules.netRevenue(c));
            change.setVersion(c.version);
            out.segmentChange(change, t);
        }
    }

    /**
     * The marker of an erasure up to {@code t} on the profiles' output (DESIGN section 13): a
     * profile with only the customer, the time and erased_at — behind every profile of the erased
     * history and ahead of any of the next, which the Kafka sink writes as a tombstone.
     */
    public CustomerProfile erasureMarker(String customerId, long t) {
        CustomerProfile p = new CustomerProfile();
        p.setCustomerId(customerId);
        p.setCurrency(currency);
        Instant at = Instant.ofEpochMilli(t);
        p.setUpdatedAt(at);
        p.setErasedAt(at);
        return p;
    }

    /** The reason of the segment change of an expiry (to no segment). */
    public static final String EXPIRED = "EXPIRED";

    private List<CampaignDelta> deltas() {
        if (deltas == null) {
            deltas = new ArrayList<>();
        }
        return deltas;
    }

    private long[] applied(int count) {
        if (applied == null || applied.length < count) {
            applied = new long[Math.max(8, count)];
        }
        return applied;
    }

    /**
     * Applies one event; returns the refund a return applied, {@link #DROPPED}, {@link #PASSIVE} or
     * 0.
     */
    private long apply(Customer c, CustomerEvent e, long t) {
        long at = e.getEventTime().toEpochMilli();
        long refund = 0;
        switch (e.getKind()) {
            case ORDER -> {
                if (!applyOrder(c, e, at, t)) {
                    return DROPPED;
                }
            }
            case RETURN -> {
                c.engaged = true; // a buyer whose order we have not seen is still a prospect
                refund = applyReturn(c, e, t);
            }
            case CLICK -> {
                c.engaged = true;
                ledger.addClick(c.ads, e, t);
            }
            case INTERACTION -> {
                actions.onEvent(c, e);
                if (!Interactions.isCustomerActivity(e)) {
                    return PASSIVE; // the seller's act or the carrier's (DESIGN section 2)
                }
                c.engaged = true;
            }
            case IMPRESSION -> {
                return 0; // impressions are not customer activity (DESIGN section 4)
            }
        }
        c.lastInteractionAt =
                c.lastInteractionAt == Customer.NONE ? at : Math.max(c.lastInteractionAt, at);
        return refund;
    }

    /**
     * Counts an order, unless its order_id is already known (then returns false). Returns of it
     * that came first (refunded in full, the order unknown then) now count against its total: what
     * they refunded beyond it is taken back from the customer's refunds.
     */
    private boolean applyOrder(Customer c, CustomerEvent e, long at, long t) {
        String orderId = e.getOrderId();
        if (orderId != null) {
            byte[] id = orderId.getBytes(StandardCharsets.UTF_8);
            int hash = KnownOrders.hash(id);
            int known = c.orders.find(id, hash);
            long refunded = 0;
            if (known >= 0) {
                if (c.orders.placed(known)) {
                    return false; // counted already
                }
                refunded = c.orders.remove(known); // its returns came first
                long excess = refunded - e.getAmountMinor();
                if (excess > 0) {
                    c.refundsMinor -= excess;
                    refunded = e.getAmountMinor();
                }
            }
            if (at + orderRetention >= t) {
                c.orders.add(id, hash, at, e.getAmountMinor(), refunded, maxOrderIds);
            }
        }
        RepeatPurchases.add(c, at, e.getAmountMinor());
        c.ordersTotal++;
        c.gmvMinor += e.getAmountMinor();
        if (c.firstOrderAt == Customer.NONE || at < c.firstOrderAt) {
            c.secondOrderAt = c.firstOrderAt;
            c.firstOrderAt = at;
        } else if (c.secondOrderAt == Customer.NONE || at < c.secondOrderAt) {
            c.secondOrderAt = at;
        }
        if (c.lastOrderAt == Customer.NONE || at >= c.lastOrderAt) {
            c.lastOrderAt = at;
            c.lastOrderMarketplace = e.getMarketplace();
        }
        if (at + ordersWindow > t) {
            c.addOrderTime(at);
            if (c.orderCount > maxOrders90d) {
                c.removeFirstOrderTimes(1); // retention.max-orders-90d: orders_90d reads the cap
            }
        }
        return true;
    }

    /**
     * Refunds a return, capped at what is left of its order's total when the order is known; a
     * return of an order not known refunds in full and is remembered, so the order, if it comes
     * later, starts with it refunded (up to its total: {@link #applyOrder}). Returns the amount
     * refunded.
     */
    private long applyReturn(Customer c, CustomerEvent e, long t) {
        String orderId = e.getOrderId();
        if (orderId == null) {
            c.refundsMinor += e.getAmountMinor();
            return e.getAmountMinor();
        }
        byte[] id = orderId.getBytes(StandardCharsets.UTF_8);
        int hash = KnownOrders.hash(id);
        int known = c.orders.find(id, hash);
        long refund;
        if (known >= 0) {
            refund = c.orders.refund(known, e.getAmountMinor());
        } else {
            refund = e.getAmountMinor(); // an order not seen: in full, and remembered
            long at = e.getEventTime().toEpochMilli();
            if (at + orderRetention >= t) {
                c.orders.add(id, hash, at, KnownOrders.NOT_PLACED, refund, maxOrderIds);
            }
        }
        c.refundsMinor += refund;
        for (int i = 0; i < c.returnedIdCount; i++) {
            if (c.returnedIds[i].equals(orderId)) {
                return refund;
            }
        }
        c.returnedOrders++;
        if (c.returnedIdCount == c.returnedIds.length) {
            c.returnedIds =
                    java.util.Arrays.copyOf(c.returnedIds, Math.max(2, c.returnedIdCount * 2));
        }
        c.returnedIds[c.returnedIdCount++] = orderId;
        if (c.returnedIdCount > maxReturnedOrderIds) {
            int rest = c.returnedIdCount - 1;
            System.arraycopy(c.returnedIds, 1, c.returnedIds, 0, rest);
            c.returnedIds[rest] = null;
            c.returnedIdCount = rest;
        }
        return refund;
    }

    /** Drops orders at or past the end of the window; true if one left. */
    private boolean expireOrders(Customer c, long t) {
        int n = 0;
        while (n < c.orderCount && c.orderTimes[n] + ordersWindow <= t) {
            n++;
        }
        if (n == 0) {
            return false;
        }
        c.removeFirstOrderTimes(n);
        return true;
    }

    private String reason(int kinds, boolean late, boolean expired, boolean inactivity) {
        int shift = EventKind.values().length;
        int index =
                kinds
                        | (late ? 1 << shift : 0)
                        | (expired ? 1 << (shift + 1) : 0)
                        | (inactivity ? 1 << (shift + 2) : 0);
        String reason = reasons[index];
        if (reason == null) {
            StringJoiner joined = new StringJoiner("+");
            for (EventKind k : EventKind.values()) {
                if ((kinds & (1 << k.ordinal())) != 0) {
                    joined.add(late ? "LATE_" + k.name() : k.name());
                }
            }
            if (expired) {
                joined.add("ORDER_LEFT_WINDOW");
            }
            if (inactivity) {
                joined.add("INACTIVITY");
            }
            reason = joined.toString();
            reasons[index] = reason;
        }
        return reason;
    }

    /**
     * The profile as of {@code t}. Built with setters on a new record, not Avro's builder: the
     * builder looks up and deep-copies every field's default (BENCHMARKS.md). Every field is set
     * here; a field added to the schema must be too.
     */
    private CustomerProfile profile(String customerId, Customer c, long t, ClvScorer clv) {
        CustomerProfile p = new CustomerProfile();
        p.setCustomerId(customerId);
        p.setCurrency(currency);
        p.setOrdersTotal(c.ordersTotal);
        p.setGmvMinor(c.gmvMinor);
        p.setRefundsMinor(c.refundsMinor);
        p.setReturnedOrders(c.returnedOrders);
        p.setReturnRate(SegmentRules.returnRate(c));
        p.setNetRevenueMinor(SegmentRules.netRevenue(c));
        p.setOrders90d(c.orderCount);
        Instant now = Instant.ofEpochMilli(t); // shared by the times that are now (immutable)
        p.setFirstOrderAt(instant(c.firstOrderAt, now));
        p.setLastOrderAt(instant(c.lastOrderAt, now));
        p.setLastInteractionAt(instant(c.lastInteractionAt, now));
        p.setRepeatGapDays(
                c.secondOrderAt == Customer.NONE
                        ? null
                        : (c.secondOrderAt - c.firstOrderAt) / MILLIS_PER_DAY);
        p.setAcquisitionCampaign(c.ads.acquisitionCampaign());
        p.setCacMinor(c.ads.cacMinor() == Customer.NONE ? null : c.ads.cacMinor());
        p.setSegment(c.segment);
        p.setSegmentSince(instant(c.segmentSince, now));
        p.setVersion(c.version);
        p.setUpdatedAt(now);
        p.setExpiredAt(null); // set by expire()
        p.setErasedAt(null); // set on an erasure's marker only
        p.setRepeatPurchases(RepeatPurchases.x(c));
        p.setRepeatValueMinor(c.repeatValueMinor);
        RfmStats stats = clv == null ? null : RepeatPurchases.stats(c, t, minorPerUnit);
        if (stats != null) {
            ClvScorer.Prediction prediction = clv.predict(stats);
            p.setExpectedOrders90d(prediction.expectedOrders90d());
            p.setPAlive(prediction.pAlive());
            p.setPredictedClvMinor(Math.round(prediction.clv() * minorPerUnit));
            p.setClvModel(clv.modelId());
        }
        return p;
    }

    private static Instant instant(long millis) {
        return millis == Customer.NONE ? null : Instant.ofEpochMilli(millis);
    }

    /** {@code millis} as an instant, {@code now} itself when it is that time. */
    private static Instant instant(long millis, Instant now) {
        return millis == now.toEpochMilli() ? now : instant(millis);
    }
}
