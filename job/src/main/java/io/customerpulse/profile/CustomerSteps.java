package io.customerpulse.profile;

import io.customerpulse.avro.CampaignDelta;
import io.customerpulse.avro.ChurnAlert;
import io.customerpulse.avro.CustomerAction;
import io.customerpulse.avro.CustomerEvent;
import io.customerpulse.avro.CustomerProfile;
import io.customerpulse.avro.SegmentChange;
import io.customerpulse.clv.ClvScorer;
import io.customerpulse.config.JobConfig;
import io.customerpulse.ingest.Interactions;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * What happens to one customer, in event-time order (DESIGN section 3): an arriving event is
 * de-duplicated and waits, or — when it is already behind the customer's time — is applied at once
 * as a late step; {@link #advance} applies every waiting event and limit due up to a time, one
 * millisecond at a time. The customer operator calls these with the customer's decoded state,
 * whether from its cache or from keyed state; nothing here touches Flink, so it is tested and
 * benchmarked on plain objects.
 *
 * <p>Not thread-safe: each operator instance has its own.
 */
public final class CustomerSteps implements Serializable {
    private final ProfileEngine engine;
    private final SeenIds seenIds;
    private final Schedule schedule;
    private final long horizon;
    private final int maxWaiting;

    private transient List<CustomerEvent> one;
    private transient Restamped restamped;

    /**
     * @param horizon event time after which nothing takes effect (a replay's as-of), or {@code
     *     Long.MAX_VALUE}
     */
    public CustomerSteps(
            ProfileEngine engine,
            SeenIds seenIds,
            Schedule schedule,
            long horizon,
            int maxWaitingEvents) {
        this.maxWaiting = maxWaitingEvents;
        this.engine = engine;
        this.seenIds = seenIds;
        this.schedule = schedule;
        this.horizon = horizon;
    }

    public static CustomerSteps of(JobConfig config) {
        return new CustomerSteps(
                ProfileEngine.of(config),
                new SeenIds(config.dedup().retention(), config.dedup().maxIds()),
                Schedule.of(config),
                config.horizonMillis(),
                config.retention().maxWaitingEvents());
    }

    /** What became of an arriving event. */
    public enum Arrival {
        /** Seen before: dropped. */
        DUPLICATE,
        /** Waits until event time passes it. */
        WAITING,
        /** Already behind the customer's time: applied at once as a step of its own. */
        LATE,
        /**
         * Waits, but the customer had retention.max-waiting-events waiting already: the earliest of
         * them were applied at once, ahead of the watermark (events arriving behind the customer's
         * time from then on are late).
         */
        FORCED,
        /**
         * An erasure request already behind event time: the whole history was erased at once
         * (DESIGN section 13), up to event time now.
         */
        ERASED
    }

    /**
     * An event of this customer arrives while event time is {@code eventTime}. The customer's own
     * last step counts as well: watermarks are not checkpointed, so right after a restore event
     * time is MIN while the state has already moved past this event's time. A late event is applied
     * at the customer's time (capped by the horizon); its results carry the event's own timestamp,
     * as a record processed on arrival does.
     */
    public Arrival onEvent(
            String key,
            Customer c,
            CustomerEvent e,
            long eventTime,
            ClvScorer clv,
            StepOutput out) {
        if (seenIds.checkAndRemember(c, e)) {
            return Arrival.DUPLICATE;
        }
        long time = Math.max(eventTime, c.now);
        long at = e.getEventTime().toEpochMilli();
        if (at > time) {
            c.addPending(e);
            if (c.pending.size() <= maxWaiting) {
                return Arrival.WAITING;
            }
            advance(key, c, c.firstPendingAt(), clv, out); // the cap: the earliest go now
            return Arrival.FORCED;
        }
        if (Interactions.isErasure(e)) {
            // late: everything up to now goes, the customer's outputs being no later than it
            erase(key, c, time, e.getEventId(), out);
            return Arrival.ERASED;
        }
        List<CustomerEvent> events = one();
        events.set(0, e);
        engine.step(key, c, Math.min(time, horizon), events, 1, true, clv, restamp(out, at));
        events.set(0, null);
        return Arrival.LATE;
    }

    /**
     * Applies, in time order, every step due at or before {@code to} (and the horizon): waiting
     * events, limits, re-scorings. Returns whether the customer's state changed.
     *
     * <p>{@code to == Long.MAX_VALUE} is the final watermark, which ends time: every waiting event
     * and limit is applied once, at its own time, with the re-scorings that fall before them; none
     * comes after the last of them (re-scoring has no last time, and nothing re-arms).
     */
    public boolean advance(String key, Customer c, long to, ClvScorer clv, StepOutput out) {
        long end = Math.min(to, horizon);
        boolean changed = false;
        while (true) {
            long stepAt = schedule.nextStepAt(c);
            if (end == Long.MAX_VALUE && stepAt == Long.MAX_VALUE) {
                break;
            }
            long rescoreAt = schedule.nextRescoreAt(key, c, clv != null, stepAt);
            long next = Math.min(stepAt, rescoreAt);
            if (next > end) {
                break;
            }
            int count = c.pendingAt(next);
            if (hasErasure(c.pending, count)) {
                eraseAfterStep(key, c, next, count, clv, out);
                changed = true;
                continue;
            }
            boolean stepped = engine.step(key, c, next, c.pending, count, false, clv, out);
            c.removeFirstPending(count);
            if (schedule.expiresAt(c) <= next) {
                engine.expire(key, c, next, clv, out); // no event for retention.inactive-after
                clearHistory(c);
            } else if (!stepped && next == rescoreAt && clv != null) {
                engine.rescore(key, c, next, clv, out);
            }
            changed = true;
        }
        if (changed && c.now != Customer.NONE) {
            seenIds.forget(c, c.now);
        }
        return changed;
    }

    /**
     * When anything is next due for this customer, within the horizon; {@code Long.MAX_VALUE} if
     * nothing is. With {@code waiting} false the waiting events are left out (limits and
     * re-scorings only).
     */
    public long nextDueAt(String key, Customer c, boolean modelServed, boolean waiting) {
        long due =
                waiting
                        ? schedule.nextDueAt(key, c, modelServed)
                        : schedule.nextTimerAt(key, c, modelServed);
        return due > horizon ? Long.MAX_VALUE : due;
    }

    private static boolean hasErasure(List<CustomerEvent> pending, int count) {
        for (int i = 0; i < count; i++) {
            if (Interactions.isErasure(pending.get(i))) {
                return true;
            }
        }
        return false;
    }

    /**
     * A millisecond with an erasure request: its other events (and limits) first, as a step, then
     * the erasure — so what came at the erasure's own time is erased too.
     */
    private void eraseAfterStep(
            String key, Customer c, long t, int count, ClvScorer clv, StepOutput out) {
        List<CustomerEvent> others = new ArrayList<>(count);
        String requestId = null;
        for (int i = 0; i < count; i++) {
            CustomerEvent e = c.pending.get(i);
            if (Interactions.isErasure(e)) {
                requestId = e.getEventId();
            } else {
                others.add(e);
            }
        }
        engine.step(key, c, t, others, others.size(), false, clv, out);
        c.removeFirstPending(count);
        erase(key, c, t, requestId, out);
    }

    /**
     * DESIGN section 13: the customer's history up to {@code at} is forgotten (the events waiting
     * after it stay: they start the next one), and the operator is told.
     */
    private void erase(String key, Customer c, long at, String requestId, StepOutput out) {
        clearHistory(c);
        out.profile(engine.erasureMarker(key, at), at);
        out.erased(key, at, requestId);
    }

    /**
     * Forgets the history, and remembers again the ids of the events still waiting (the next
     * history's): a repeat of one of them is still a duplicate.
     */
    private static void clearHistory(Customer c) {
        c.clearHistory();
        for (CustomerEvent e : c.pending) {
            SeenIds.remember(c, e.getEventId(), e.getEventTime().toEpochMilli());
        }
    }

    private List<CustomerEvent> one() {
        if (one == null) {
            one = new ArrayList<>(1);
            one.add(null);
        }
        return one;
    }

    private StepOutput restamp(StepOutput out, long at) {
        if (restamped == null) {
            restamped = new Restamped();
        }
        restamped.out = out;
        restamped.at = at;
        return restamped;
    }

    /** Passes a step's results on with another timestamp: a late event's own. */
    private static final class Restamped implements StepOutput {
        StepOutput out;
        long at;

        @Override
        public void profile(CustomerProfile profile, long ignored) {
            out.profile(profile, at);
        }

        @Override
        public void segmentChange(SegmentChange change, long ignored) {
            out.segmentChange(change, at);
        }

        @Override
        public void churnAlert(ChurnAlert alert, long ignored) {
            out.churnAlert(alert, at);
        }

        @Override
        public void campaignDelta(CampaignDelta delta, long ignored) {
            out.campaignDelta(delta, at);
        }

        @Override
        public void action(CustomerAction action, long ignored) {
            out.action(action, at);
        }

        @Override
        public void health(String marketplace, int day, int field, long amount) {
            out.health(marketplace, day, field, amount);
        }

        @Override
        public void orderRepeated(CustomerEvent order) {
            out.orderRepeated(order);
        }

        @Override
        public void erased(String customerId, long at, String requestId) {
            out.erased(customerId, at, requestId);
        }
    }
}
