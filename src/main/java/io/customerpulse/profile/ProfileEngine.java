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
import io.customerpulse.avro.state.CustomerState;
import io.customerpulse.clv.ClvScorer;
import io.customerpulse.clv.RfmStats;
import io.customerpulse.config.JobConfig;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;

/**
 * The arithmetic of a customer's profile (DESIGN section 4), one step at a time. A step is either
 * the events of one millisecond (applied in event_id order) followed by the limits that fall on
 * that millisecond, or a limit alone. Plain Java with no Flink in it, so the rules can be tested
 * and benchmarked without a runtime; {@link CustomerProfileFunction} decides when steps happen.
 */
public final class ProfileEngine implements Serializable {
    private static final double MILLIS_PER_DAY = 86_400_000.0;

    private final SegmentThresholds limits;
    private final SegmentRules rules;
    private final AttributionLedger ledger;
    private final int maxReturnedOrderIds;
    private final String currency;
    private final double minorPerUnit;

    public ProfileEngine(
            SegmentThresholds limits,
            AttributionSettings attribution,
            int maxReturnedOrderIds,
            String currency,
            long minorPerUnit) {
        this.limits = limits;
        this.rules = new SegmentRules(limits);
        this.ledger = new AttributionLedger(attribution);
        this.maxReturnedOrderIds = maxReturnedOrderIds;
        this.currency = currency;
        this.minorPerUnit = minorPerUnit;
    }

    /** The engine as the job configures it. */
    public static ProfileEngine of(JobConfig config) {
        return new ProfileEngine(
                config.segments(),
                config.attribution(),
                config.maxReturnedOrderIds(),
                config.reportingCurrency(),
                config.clv().minorPerUnit());
    }

    /**
     * What a step produced: the new profile, a segment change and alert when there was one, and
     * what it adds to campaign days (attributed orders, new customers, refunds).
     */
    public record Step(
            CustomerProfile profile,
            SegmentChange change,
            ChurnAlert alert,
            List<CampaignDelta> campaignDeltas) {}

    /** An empty state: no events yet. */
    public static CustomerState newState() {
        return CustomerState.newBuilder().build();
    }

    /**
     * The earliest time after the last step at which a limit falls: the churn deadline (unless
     * already CHURN_RISK), the moment the oldest order leaves the orders_90d window, or a click or
     * credited order is forgotten. Null if none.
     */
    public Long nextLimitAt(CustomerState s) {
        long after = s.getNow() == null ? Long.MIN_VALUE : s.getNow();
        long forget = ledger.nextExpiry(s);
        long next = forget > after ? forget : Long.MAX_VALUE;
        Long churnAt = rules.churnDeadline(s);
        if (churnAt != null && s.getSegment() != Segment.CHURN_RISK && churnAt > after) {
            next = Math.min(next, churnAt);
        }
        if (!s.getOrderTimes90d().isEmpty()) {
            long expiry = s.getOrderTimes90d().get(0) + limits.ordersWindow().toMillis();
            if (expiry > after) {
                next = Math.min(next, expiry);
            }
        }
        return next == Long.MAX_VALUE ? null : next;
    }

    /**
     * Applies one step at event time {@code t}: {@code events} (possibly none) in event_id order,
     * then every limit due at {@code t}. Returns null when the step changed nothing (no version).
     *
     * @param late whether the events arrived behind the watermark (the reason says so)
     */
    public Step step(
            String customerId, CustomerState s, long t, List<CustomerEvent> events, boolean late) {
        return step(customerId, s, t, events, late, null);
    }

    /**
     * {@link #step(String, CustomerState, long, List, boolean)}, with the profile scored by {@code
     * clv} when a CLV model is served (null: predictions empty).
     */
    public Step step(
            String customerId,
            CustomerState s,
            long t,
            List<CustomerEvent> events,
            boolean late,
            ClvScorer clv) {
        Set<EventKind> kinds = EnumSet.noneOf(EventKind.class);
        List<CustomerEvent> ordered = new ArrayList<>(events);
        ordered.sort(Comparator.comparing(CustomerEvent::getEventId));
        for (CustomerEvent e : ordered) {
            apply(s, e, t);
            kinds.add(e.getKind());
        }
        List<CampaignDelta> deltas = new ArrayList<>();
        for (CustomerEvent e : ordered) { // after every click of this millisecond is in
            if (e.getKind() == EventKind.ORDER) {
                deltas.addAll(ledger.creditOrder(s, e));
            } else if (e.getKind() == EventKind.RETURN) {
                deltas.addAll(ledger.creditReturn(s, e));
            }
        }
        ledger.expire(s, t);
        boolean expired = expireOrders(s, t);
        s.setNow(t);

        Segment before = s.getSegment();
        Segment after = rules.evaluate(s, t);
        if (events.isEmpty() && !expired && after == before) {
            return null;
        }
        s.setVersion(s.getVersion() + 1);
        String reason =
                reason(kinds, late, expired, after == Segment.CHURN_RISK && events.isEmpty());

        SegmentChange change = null;
        ChurnAlert alert = null;
        if (after != before) {
            long netRevenue = SegmentRules.netRevenue(s);
            change =
                    SegmentChange.newBuilder()
                            .setCustomerId(customerId)
                            .setFromSegment(before)
                            .setToSegment(after)
                            .setAt(Instant.ofEpochMilli(t))
                            .setReason(reason)
                            .setClvMinor(netRevenue)
                            .setVersion(s.getVersion())
                            .build();
            if (after == Segment.CHURN_RISK) {
                alert =
                        ChurnAlert.newBuilder()
                                .setCustomerId(customerId)
                                .setAt(Instant.ofEpochMilli(t))
                                .setLastInteractionAt(instant(s.getLastInteractionAt()))
                                .setPreviousSegment(before)
                                .setUrgent(rules.isUrgent(s, t))
                                .setClvMinor(netRevenue)
                                .build();
            }
            if (before == Segment.HIGH_VALUE) {
                s.setHighValueUntil(t);
            }
            s.setSegment(after);
            s.setSegmentSince(t);
        }
        return new Step(profile(customerId, s, t, clv), change, alert, deltas);
    }

    /**
     * A step with no events and no limit due that only brings the predictions up to {@code t} (T
     * grows while a customer does nothing; a new model changes every prediction). Call it only
     * where {@link #step} returned null for {@code t}.
     */
    public Step rescore(String customerId, CustomerState s, long t, ClvScorer clv) {
        s.setNow(t);
        s.setVersion(s.getVersion() + 1);
        return new Step(profile(customerId, s, t, clv), null, null, List.of());
    }

    private void apply(CustomerState s, CustomerEvent e, long t) {
        long at = e.getEventTime().toEpochMilli();
        switch (e.getKind()) {
            case ORDER -> applyOrder(s, e, at, t);
            case RETURN -> applyReturn(s, e);
            case CLICK -> {
                s.setEngaged(true);
                ledger.addClick(s, e, t);
            }
            case INTERACTION -> s.setEngaged(true);
            case IMPRESSION -> {
                return; // impressions are not customer activity (DESIGN section 4)
            }
        }
        Long last = s.getLastInteractionAt();
        s.setLastInteractionAt(last == null ? at : Math.max(last, at));
    }

    private void applyOrder(CustomerState s, CustomerEvent e, long at, long t) {
        RepeatPurchases.add(s, at, e.getAmountMinor());
        s.setOrdersTotal(s.getOrdersTotal() + 1);
        s.setGmvMinor(s.getGmvMinor() + e.getAmountMinor());
        Long first = s.getFirstOrderAt();
        Long second = s.getSecondOrderAt();
        if (first == null || at < first) {
            s.setSecondOrderAt(first);
            s.setFirstOrderAt(at);
        } else if (second == null || at < second) {
            s.setSecondOrderAt(at);
        }
        Long last = s.getLastOrderAt();
        s.setLastOrderAt(last == null ? at : Math.max(last, at));
        if (at + limits.ordersWindow().toMillis() > t) {
            List<Long> times = s.getOrderTimes90d();
            int i = times.size();
            while (i > 0 && times.get(i - 1) > at) {
                i--;
            }
            times.add(i, at);
        }
    }

    private void applyReturn(CustomerState s, CustomerEvent e) {
        s.setRefundsMinor(s.getRefundsMinor() + e.getAmountMinor());
        String orderId = e.getOrderId();
        List<String> returned = s.getReturnedOrderIds();
        if (orderId == null || returned.contains(orderId)) {
            return;
        }
        s.setReturnedOrders(s.getReturnedOrders() + 1);
        returned.add(orderId);
        if (returned.size() > maxReturnedOrderIds) {
            returned.remove(0);
        }
    }

    /** Drops orders at or past the end of the window; true if one left. */
    private boolean expireOrders(CustomerState s, long t) {
        List<Long> times = s.getOrderTimes90d();
        long window = limits.ordersWindow().toMillis();
        boolean expired = false;
        while (!times.isEmpty() && times.get(0) + window <= t) {
            times.remove(0);
            expired = true;
        }
        return expired;
    }

    private static String reason(
            Set<EventKind> kinds, boolean late, boolean expired, boolean inactivity) {
        StringJoiner reason = new StringJoiner("+");
        kinds.forEach(k -> reason.add(late ? "LATE_" + k.name() : k.name()));
        if (expired) {
            reason.add("ORDER_LEFT_WINDOW");
        }
        if (inactivity) {
            reason.add("INACTIVITY");
        }
        return reason.toString();
    }

    /**
     * The profile as of {@code t}. Built with setters on a new record, not Avro's builder: the
     * builder looks up and deep-copies every field's default, which made this the costliest line of
     * a step (BENCHMARKS.md). Every field is set here; a field added to the schema must be too.
     */
    private CustomerProfile profile(String customerId, CustomerState s, long t, ClvScorer clv) {
        Long first = s.getFirstOrderAt();
        Long second = s.getSecondOrderAt();
        CustomerProfile p = new CustomerProfile();
        p.setCustomerId(customerId);
        p.setCurrency(currency);
        p.setOrdersTotal(s.getOrdersTotal());
        p.setGmvMinor(s.getGmvMinor());
        p.setRefundsMinor(s.getRefundsMinor());
        p.setReturnedOrders(s.getReturnedOrders());
        p.setReturnRate(SegmentRules.returnRate(s));
        p.setNetRevenueMinor(SegmentRules.netRevenue(s));
        p.setOrders90d(s.getOrderTimes90d().size());
        p.setFirstOrderAt(instant(first));
        p.setLastOrderAt(instant(s.getLastOrderAt()));
        p.setLastInteractionAt(instant(s.getLastInteractionAt()));
        p.setRepeatGapDays(second == null ? null : (second - first) / MILLIS_PER_DAY);
        p.setAcquisitionCampaign(s.getAcquisitionCampaign());
        p.setCacMinor(s.getCacMinor());
        p.setSegment(s.getSegment());
        p.setSegmentSince(instant(s.getSegmentSince()));
        p.setVersion(s.getVersion());
        p.setUpdatedAt(Instant.ofEpochMilli(t));
        p.setRepeatPurchases(RepeatPurchases.x(s));
        p.setRepeatValueMinor(s.getRepeatValueMinor());
        RfmStats stats = clv == null ? null : RepeatPurchases.stats(s, t, minorPerUnit);
        if (stats != null) {
            ClvScorer.Prediction prediction = clv.predict(stats);
            p.setExpectedOrders90d(prediction.expectedOrders90d());
            p.setPAlive(prediction.pAlive());
            p.setPredictedClvMinor(Math.round(prediction.clv() * minorPerUnit));
            p.setClvModel(clv.modelId());
        }
        return p;
    }

    private static Instant instant(Long millis) {
        return millis == null ? null : Instant.ofEpochMilli(millis);
    }
}
