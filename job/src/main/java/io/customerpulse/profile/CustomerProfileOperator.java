package io.customerpulse.profile;

import io.customerpulse.Outputs;
import io.customerpulse.avro.CampaignDelta;
import io.customerpulse.avro.ChurnAlert;
import io.customerpulse.avro.ClvModel;
import io.customerpulse.avro.CustomerAction;
import io.customerpulse.avro.CustomerEvent;
import io.customerpulse.avro.CustomerProfile;
import io.customerpulse.avro.HealthDelta;
import io.customerpulse.avro.LateEvent;
import io.customerpulse.avro.SegmentChange;
import io.customerpulse.avro.state.CustomerState;
import io.customerpulse.clv.ClvScorer;
import io.customerpulse.clv.ClvSettings;
import io.customerpulse.config.JobConfig;
import java.time.Instant;
import java.util.stream.Stream;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The customer operator, keyed by customer_id, with the published CLV models on its second,
 * broadcast input. It is the shell around {@link CustomerSteps} (what happens to one customer) and
 * {@link ProfileEngine} (the arithmetic), and does what needs Flink: state, timers, watermarks,
 * barriers. It follows the shape of Flink SQL's mini-batch operators ({@code
 * AbstractMapBundleOperator}): customers are read from keyed state once and kept decoded in a
 * {@link CustomerCache}, so that most events and steps cost no state access at all.
 *
 * <ol>
 *   <li><b>An event</b> finds its customer in the cache, or reads it from keyed state (one read).
 *       It is de-duplicated and waits in memory until event time passes it — or, already behind the
 *       customer's time, is applied at once as a late step and reported.
 *   <li><b>A watermark</b> moves event time. The cached customers whose next step it passes are
 *       taken from the cache's heap and advanced in memory: their waiting events and limits are
 *       applied in event-time order. Then the keyed timers it passes fire (customers not cached, or
 *       whose record was written back with something due), and the watermark goes downstream after
 *       every output it caused.
 *   <li><b>Writing back.</b> A changed customer is written to keyed state when it is evicted (least
 *       recently used, past {@code profile.cache.max-customers}), when it has been dirty the
 *       longest past {@code profile.cache.max-dirty}, when the cache holds too many waiting events,
 *       and — every dirty one — before each checkpoint barrier ({@link
 *       #prepareSnapshotPreBarrier}). So at every checkpoint keyed state and timers hold
 *       everything: a restore or a rescale needs nothing but them.
 *   <li><b>Timers only move earlier.</b> Writing a customer back registers one event-time timer at
 *       its next due time only if none is registered at or before it ({@link Customer#wakeUpAt}). A
 *       timer that fires after its customer's due time moved later (new activity postponed the
 *       churn deadline) finds nothing due and re-arms at the next write-back; no timer is ever
 *       deleted.
 *   <li><b>Expiry.</b> A customer with no event for {@code retention.inactive-after} is expired by
 *       their own timer ({@link Schedule#expiresAt}): the last profile goes out with expired_at and
 *       the keyed state is cleared at write-back ({@link Customer#isEmpty}). Every timer of a
 *       customer is at or before their expiry (it is one of their limits, and timers are registered
 *       at the earliest), so none is left.
 * </ol>
 *
 * <p><b>Time.</b> Only the event input's watermark counts: the model input carries no event time,
 * and its watermarks and idleness are ignored (a quiet event input must never let the model
 * source's end-of-time watermark through). The final watermark (Long.MAX_VALUE) ends time: every
 * waiting event and limit is applied once, nothing re-arms, and no timer is left. In live mode
 * event time never runs more than {@code watermark.wall-clock-tolerance} ahead of the wall clock: a
 * watermark further ahead is held (and counted) until the clock catches up, so no output is stamped
 * in the future — neither by an event ahead of the clock nor by the final watermark.
 */
public class CustomerProfileOperator extends AbstractStreamOperator<CustomerProfile>
        implements TwoInputStreamOperator<CustomerEvent, ClvModel, CustomerProfile>,
                Triggerable<String, VoidNamespace> {
    private static final Logger LOG = LoggerFactory.getLogger(CustomerProfileOperator.class);

    /** Every customer's state, in the compact form. */
    static final ValueStateDescriptor<Customer> STATE =
            new ValueStateDescriptor<>("customer-v2", new CustomerSerializer());

    /** The state of releases before the compact form, read once when restoring from them. */
    static final ValueStateDescriptor<CustomerState> LEGACY_STATE =
            new ValueStateDescriptor<>("customer", new AvroTypeInfo<>(CustomerState.class));

    /** The CLV model served, the newest published ({@link #SERVED} is its only key). */
    public static final MapStateDescriptor<String, ClvModel> CLV_MODEL =
            new MapStateDescriptor<>("clv-model", Types.STRING, new AvroTypeInfo<>(ClvModel.class));

    /**
     * Up to when an erased customer's history was forgotten (DESIGN section 13): their events at or
     * before it arriving later are dropped. The only thing kept of them, with a state TTL of
     * erasure.remember (processing time), so it needs no timer of its own.
     */
    static final String ERASED = "erased-at";

    /**
     * Operator state: present in every snapshot of a release whose customers all have a timer at or
     * before their expiry (issue 17). A restore without it is of an earlier release, where a
     * customer with nothing due had no timer at all: each such customer is armed once, in {@link
     * #open}, so that every customer expires.
     */
    static final ListStateDescriptor<Boolean> EXPIRY_ARMED =
            new ListStateDescriptor<>("expiry-armed", Types.BOOLEAN);

    /** The timer service's name: the one of Flink's keyed broadcast operator, kept for restores. */
    static final String TIMERS = "user-timers";

    private static final String SERVED = "served";

    /** How often a held watermark is looked at again while the wall clock catches up. */
    private static final long HOLD_RECHECK_MILLIS = 200;

    private final CustomerSteps steps;
    private final ClvSettings clvSettings;
    private final ProfileCacheSettings cacheSettings;
    private final boolean live;
    private final long wallClockTolerance;

    /** alerts.max-age: a churn alert or action due further behind the wall clock is stale. */
    private final long alertsMaxAge;

    /** erasure.remember: how long an erasure's time is kept to drop the erased history. */
    private final long erasureRemember;

    private transient ValueState<Customer> state;
    private transient ValueState<Long> erased;
    private transient InternalTimerService<VoidNamespace> timers;
    private transient BroadcastState<String, ClvModel> models;
    private transient ClvScorer scorer;
    private transient CustomerCache cache;
    private transient boolean copyState;
    private transient Emitter emitter;

    /** Every customer has been advanced to this event time. */
    private transient long time;

    /** The event input's latest watermark (may be ahead of {@link #time} in live mode). */
    private transient long inputWatermark;

    /** The final watermark has come: nothing re-arms any more. */
    private transient boolean ended;

    private transient boolean holdRecheckScheduled;

    /** Restored from a release before expiry: customers without a timer get one in open(). */
    private transient boolean armUnarmed;

    /** When the last checkpoint barrier came, and the time between the last two (nanoseconds). */
    private transient long lastBarrier;

    private transient long barrierInterval;

    private transient Counter duplicates;
    transient Counter ordersRepeated; // read by MoneyCountedOnceTest

    /** Seller-health counts of the steps since the last flush (before each watermark, barrier). */
    private transient HealthDeltas healthSums;

    /** Actions by status (DUE, SKIPPED, ...): {@code actions.status.<STATUS>.count}. */
    private transient java.util.Map<String, Counter> actionsByStatus;

    private transient org.apache.flink.metrics.MetricGroup actionMetrics;
    private transient Counter lateEvents;
    private transient Counter churnAlerts;
    transient Counter customersExpired; // read by RetentionTest
    transient Counter waitingForced; // read by StateBoundsTest
    transient Counter erasedEventsDropped; // read by ErasureTest
    private transient Counter customersErased;
    transient Counter staleOutputs; // read by StaleOutputsTest
    private transient Counter modelsRejected;
    private transient Counter stateReads;
    private transient Counter stateWrites;
    private transient Counter timersRegistered;
    transient Counter watermarksHeld; // read by EventTimeTest

    public CustomerProfileOperator(
            CustomerSteps steps,
            ClvSettings clvSettings,
            ProfileCacheSettings cacheSettings,
            boolean live,
            long wallClockToleranceMillis,
            long alertsMaxAgeMillis,
            long erasureRememberMillis) {
        this.erasureRemember = erasureRememberMillis;
        this.steps = steps;
        this.clvSettings = clvSettings;
        this.cacheSettings = cacheSettings;
        this.live = live;
        this.wallClockTolerance = wallClockToleranceMillis;
        this.alertsMaxAge = alertsMaxAgeMillis;
    }

    /** The operator as the job configures it. */
    public static CustomerProfileOperator of(JobConfig config) {
        return new CustomerProfileOperator(
                CustomerSteps.of(config),
                config.clv(),
                config.profileCache(),
                !config.replayMode(),
                config.watermarks().wallClockTolerance().toMillis(),
                config.alertsMaxAge().toMillis(),
                config.retention().erasureRemember().toMillis());
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        if (context.isRestored()) {
            migrateLegacyState();
        }
        var armed = context.getOperatorStateStore().getUnionListState(EXPIRY_ARMED);
        armUnarmed = context.isRestored() && !armed.get().iterator().hasNext();
        armed.update(java.util.List.of(true));
    }

    /**
     * A savepoint of a release before the compact form holds every customer as an Avro record:
     * rewrite each in the current form, once (the timers are the same). One read and one write per
     * customer, at restore.
     */
    private void migrateLegacyState() throws Exception {
        KeyedStateBackend<String> backend = getKeyedStateBackend();
        try (Stream<String> keys =
                backend.getKeys(LEGACY_STATE.getName(), VoidNamespace.INSTANCE)) {
            if (keys.findAny().isEmpty()) {
                return;
            }
        }
        ValueState<Customer> current =
                backend.getPartitionedState(
                        VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, STATE);
        long[] migrated = {0};
        backend.applyToAllKeys(
                VoidNamespace.INSTANCE,
                VoidNamespaceSerializer.INSTANCE,
                LEGACY_STATE,
                (key, legacy) -> {
                    current.update(LegacyState.toCustomer(legacy.value()));
                    legacy.clear();
                    migrated[0]++;
                });
        LOG.info("customer state: {} customers rewritten from the earlier Avro form", migrated[0]);
    }

    /**
     * Once, after a restore from a release before expiry: a customer with no timer registered
     * (nothing was due: a churned prospect, say) gets one at their next due time, their expiry at
     * the latest. One pass over the keys, as the legacy migration; registering the same timer twice
     * is one timer, so the next write-back may register it again.
     */
    private void armUnarmed() throws Exception {
        long[] armed = {0};
        KeyedStateBackend<String> backend = getKeyedStateBackend();
        backend.applyToAllKeys(
                VoidNamespace.INSTANCE,
                VoidNamespaceSerializer.INSTANCE,
                STATE,
                (key, customer) -> {
                    Customer c = customer.value();
                    if (c != null && c.wakeUpAt == Customer.NONE) {
                        long due = steps.nextDueAt(key, c, scorer != null, true);
                        if (due != Long.MAX_VALUE) {
                            timers.registerEventTimeTimer(VoidNamespace.INSTANCE, due);
                            armed[0]++;
                        }
                    }
                });
        LOG.info("expiry: {} customers restored without a timer now have one", armed[0]);
    }

    @Override
    public void open() throws Exception {
        super.open();
        state = getPartitionedState(STATE);
        ValueStateDescriptor<Long> erasedAt = new ValueStateDescriptor<>(ERASED, Types.LONG);
        erasedAt.enableTimeToLive(
                StateTtlConfig.newBuilder(java.time.Duration.ofMillis(erasureRemember)).build());
        erased = getPartitionedState(erasedAt);
        timers = getInternalTimerService(TIMERS, VoidNamespaceSerializer.INSTANCE, this);
        models = getOperatorStateBackend().getBroadcastState(CLV_MODEL);
        ClvModel served = models.get(SERVED);
        scorer = served == null ? null : scorerOf(served);
        String restoredProblem = scorer == null ? null : scorer.scoringProblem();
        if (restoredProblem != null) {
            // served by a version that did not validate models by scoring: not served again
            LOG.error(
                    "CLV model {} restored from state is not served: {}",
                    served.getModelId(),
                    restoredProblem);
            models.remove(SERVED);
            scorer = null;
        }
        copyState = !getKeyedStateBackend().isSafeToReuseKVState();
        cache =
                new CustomerCache(
                        cacheSettings.maxCustomers(),
                        cacheSettings.maxDirty(),
                        cacheSettings.maxWaitingEvents(),
                        this::writeBack);
        emitter = new Emitter();
        time = Long.MIN_VALUE;
        inputWatermark = Long.MIN_VALUE;

        var metrics = getMetricGroup();
        duplicates = metrics.counter("duplicatesDropped");
        ordersRepeated = metrics.counter("repeatedOrdersDropped");
        healthSums = new HealthDeltas();
        actionMetrics = metrics.addGroup("actions");
        actionsByStatus = new java.util.HashMap<>();
        for (String status :
                java.util.List.of(
                        LifecycleActions.DUE,
                        LifecycleActions.SKIPPED,
                        LifecycleActions.EXPIRED,
                        LifecycleActions.COOLDOWN,
                        LifecycleActions.HELD,
                        LifecycleActions.CAPPED)) {
            actionsByStatus.put(status, actionMetrics.addGroup("status", status).counter("count"));
        }
        lateEvents = metrics.counter("lateEvents");
        churnAlerts = metrics.counter("churnAlerts");
        customersExpired = metrics.counter("customersExpired");
        waitingForced = metrics.counter("waitingEventsForced");
        erasedEventsDropped = metrics.counter("erasedEventsDropped");
        customersErased = metrics.counter("customersErased");
        staleOutputs = metrics.counter("staleAlertsAndActions");
        modelsRejected = metrics.counter("clvModelsRejected");
        stateReads = metrics.counter("customerStateReads");
        stateWrites = metrics.counter("customerStateWrites");
        timersRegistered = metrics.counter("customerTimersRegistered");
        watermarksHeld = metrics.counter("watermarksHeldByWallClock");
        if (armUnarmed) {
            armUnarmed();
        }
        metrics.gauge("cachedCustomers", () -> cache.size());
        metrics.gauge("dirtyCustomers", () -> cache.dirtyCount());
        metrics.gauge("waitingEvents", () -> cache.waitingEvents());
        // how far event time is behind the wall clock: a live job that falls behind (or a source
        // that stalls the watermark) shows here; 0 before the first watermark
        metrics.gauge(
                "watermarkLagMs",
                () -> time == Long.MIN_VALUE ? 0L : System.currentTimeMillis() - time);
        metrics.gauge(
                "watermarkHeldByWallClockMs",
                () ->
                        inputWatermark == Long.MAX_VALUE || inputWatermark <= time
                                ? 0L
                                : inputWatermark - time);
    }

    // ---------------------------------------------------------------- events

    @Override
    public void processElement1(StreamRecord<CustomerEvent> record) throws Exception {
        CustomerEvent event = record.getValue();
        String key = event.getCustomerId();
        CustomerCache.Entry e = entry(key);
        long eventAt = event.getEventTime().toEpochMilli();
        Customer c = e.customer;
        // an erasure's time is never ahead of event time, which never goes back: only a late
        // event can be of an erased history — or any, before the first watermark after a restore.
        // So a new customer's event ahead of event time costs no read of the erasure state.
        if ((eventAt <= Math.max(time, c.now) || time == Long.MIN_VALUE)
                && eventAt <= erasedAt(e)) {
            erasedEventsDropped.inc();
            return;
        }
        CustomerSteps.Arrival arrival =
                steps.onEvent(key, e.customer, event, time, scorer, emitter);
        forgetErased(e);
        switch (arrival) {
            case DUPLICATE -> {
                duplicates.inc();
                return;
            }
            case LATE -> {
                lateEvents.inc();
                long at = Math.max(time, e.customer.now());
                output.collect(
                        Outputs.LATE_EVENTS,
                        new StreamRecord<>(
                                new LateEvent(
                                        event,
                                        Instant.ofEpochMilli(at),
                                        at - event.getEventTime().toEpochMilli()),
                                record.getTimestamp()));
            }
            case WAITING -> {
                paceWriteBacks();
                cache.changed(e); // a waiting event moves no limit: nothing to arm
                return;
            }
            case FORCED -> waitingForced.inc();
            case ERASED -> {} // forgotten above
        }
        arm(e, false);
        paceWriteBacks();
        cache.changed(e);
    }

    /**
     * Spreads the write-back before a checkpoint barrier: over the last third of the time between
     * barriers (measured from the last two), the number of customers that may stay dirty falls from
     * {@code profile.cache.max-dirty} to a tenth of it, so the pre-barrier flush writes a tenth at
     * most and the rest went out a few at a time with the events. Barriers that come at other times
     * (savepoints) still find everything written by the flush, only slower.
     */
    private void paceWriteBacks() {
        if (barrierInterval <= 0) {
            return;
        }
        double progress = (double) (System.nanoTime() - lastBarrier) / barrierInterval;
        cache.dirtyCap(progress < 0.6 ? 1.0 : Math.max(0.1, 1.0 - (progress - 0.6) * 3));
    }

    /**
     * A published CLV model: served from now on if it can be and is not older than the one served.
     * Nothing is re-scored here (that would touch every customer in one step and stall the
     * checkpoint): each customer picks the model up at its next step, and while a model is served
     * every customer with an order has a re-scoring step at least every clv.rescore-interval.
     */
    @Override
    public void processElement2(StreamRecord<ClvModel> record) throws Exception {
        ClvModel model = record.getValue();
        String problem = ClvScorer.problem(model);
        ClvScorer candidate = problem == null ? scorerOf(model) : null;
        if (candidate != null) {
            problem = candidate.scoringProblem();
        }
        if (problem != null) {
            modelsRejected.inc();
            LOG.error(
                    "CLV model {} rejected, the served one stays: {}", model.getModelId(), problem);
            return;
        }
        ClvModel served = models.get(SERVED);
        if (served != null && served.getFittedAt().isAfter(model.getFittedAt())) {
            LOG.warn(
                    "CLV model {} is older than the served {}, ignored",
                    model.getModelId(),
                    served.getModelId());
            return;
        }
        models.put(SERVED, model);
        scorer = candidate;
        LOG.info("serving CLV model {} ({} customers)", model.getModelId(), model.getCustomers());
    }

    private ClvScorer scorerOf(ClvModel model) {
        return ClvScorer.of(model, clvSettings.horizonMonths(), clvSettings.monthlyDiscount());
    }

    // ---------------------------------------------------------------- time

    @Override
    public void processWatermark1(Watermark mark) throws Exception {
        inputWatermark = Math.max(inputWatermark, mark.getTimestamp());
        if (inputWatermark == Long.MAX_VALUE) {
            endTime();
        } else {
            moveTo(allowed(inputWatermark));
        }
    }

    /** The model input carries no event time: its watermarks never count. */
    @Override
    public void processWatermark2(Watermark mark) {}

    /**
     * Only the event input's idleness counts: a quiet event input makes this operator quiet
     * downstream, whatever the model input does.
     */
    @Override
    protected void processWatermarkStatus(WatermarkStatus status, int index) {
        if (index == 0) {
            output.emitWatermarkStatus(status);
        }
    }

    /** Event time as far as the wall clock lets it go (live mode), never backwards. */
    private long allowed(long watermark) {
        if (!live) {
            return watermark;
        }
        long limit = wallClock() + wallClockTolerance;
        if (watermark > limit) {
            watermarksHeld.inc();
            scheduleHoldRecheck();
            return Math.max(time, limit);
        }
        return watermark;
    }

    private long wallClock() {
        return getProcessingTimeService().getCurrentProcessingTime();
    }

    private void scheduleHoldRecheck() {
        if (!holdRecheckScheduled) {
            holdRecheckScheduled = true;
            getProcessingTimeService()
                    .registerTimer(
                            wallClock() + HOLD_RECHECK_MILLIS,
                            now -> {
                                holdRecheckScheduled = false;
                                if (!ended) {
                                    moveTo(allowed(inputWatermark));
                                }
                            });
        }
    }

    /** Moves event time to {@code t}: every customer is advanced, then it goes downstream. */
    private void moveTo(long t) throws Exception {
        if (t <= time) {
            return;
        }
        time = t;
        advanceCached(t);
        timeServiceManager.advanceWatermark(new Watermark(t)); // fires keyed timers up to t
        flushHealth(t); // before the watermark: the seller-health sums of everything up to t
        output.emitWatermark(new Watermark(t));
    }

    /** The seller-health sums since the last flush, downstream (stamped {@code at}). */
    private void flushHealth(long at) {
        if (healthSums.isEmpty()) {
            return;
        }
        for (HealthDelta d : healthSums.drain()) {
            output.collect(Outputs.HEALTH_DELTAS, new StreamRecord<>(d, at));
        }
    }

    /**
     * The final watermark: customers are advanced to the end of time (in live mode: to the wall
     * clock plus the tolerance), every keyed timer fires once, none is registered again.
     */
    private void endTime() throws Exception {
        ended = true;
        long end = live ? Math.max(time, wallClock() + wallClockTolerance) : Long.MAX_VALUE;
        time = end;
        advanceCached(end);
        timeServiceManager.advanceWatermark(Watermark.MAX_WATERMARK); // every timer, once
        flushHealth(end);
        output.emitWatermark(new Watermark(end));
    }

    /**
     * Advances every cached customer with a waiting event at or before {@code t} (their limits are
     * covered by keyed timers).
     */
    private void advanceCached(long t) throws Exception {
        for (CustomerCache.Entry e; (e = cache.pollDue(t)) != null; ) {
            steps.advance(e.key, e.customer, t, scorer, emitter);
            forgetErased(e);
            arm(e, true);
            cache.changed(e);
        }
    }

    /** A keyed timer: its customer (current key) is advanced to the current time. */
    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        String key = timer.getKey();
        CustomerCache.Entry e = entry(key);
        Customer c = e.customer;
        boolean changed = false;
        if (c.wakeUpAt != Customer.NONE && timer.getTimestamp() >= c.wakeUpAt) {
            c.wakeUpAt = Customer.NONE; // the registered timer has fired
            changed = true;
        }
        changed |= steps.advance(key, c, time, scorer, emitter);
        forgetErased(e);
        if (changed) {
            arm(e, false);
            cache.changed(e);
        }
    }

    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) {}

    /**
     * Keeps a timer registered at or before the customer's next limit or re-scoring ({@code
     * waiting}: or first waiting event), registering one only when the due time moved earlier than
     * the registered timer. Nothing is armed after the final watermark.
     *
     * @param setKey whether the customer's key must be made current first (it is the current key of
     *     an event or a timer, not of a customer advanced from the cache)
     */
    private void arm(CustomerCache.Entry e, boolean setKey) throws Exception {
        arm(e, setKey, false);
    }

    private void arm(CustomerCache.Entry e, boolean setKey, boolean waiting) throws Exception {
        if (ended) {
            return;
        }
        Customer c = e.customer;
        long due = steps.nextDueAt(e.key, c, scorer != null, waiting);
        if (due == Long.MAX_VALUE || (c.wakeUpAt != Customer.NONE && due >= c.wakeUpAt)) {
            return;
        }
        if (setKey) {
            setCurrentKey(e.key);
        }
        timers.registerEventTimeTimer(VoidNamespace.INSTANCE, due);
        timersRegistered.inc();
        c.wakeUpAt = due;
    }

    // ---------------------------------------------------------------- state

    /** Up to when the customer was erased, {@link Customer#NONE} if never (read once per entry). */
    private long erasedAt(CustomerCache.Entry e) throws Exception {
        if (!e.erasureRead) {
            Object current = getCurrentKey();
            setCurrentKey(e.key);
            Long t = erased.value();
            if (current != null) {
                setCurrentKey(current);
            }
            e.erasedAt = t == null ? Customer.NONE : t;
            e.erasureRead = true;
        }
        return e.erasedAt;
    }

    /**
     * The Flink part of an erasure the last step made ({@link Emitter#erased}): the time is kept
     * (to drop the erased history's events arriving later), every event-time timer of the customer
     * is deleted, and the cleared record is written back at its write-back (cleared, when nothing
     * waits). Timers are found by walking the instance's timer queue once: an erasure is rare, and
     * the queue keeps no index by key.
     */
    private void forgetErased(CustomerCache.Entry e) throws Exception {
        long at = emitter.erasedAt;
        if (at == Customer.NONE) {
            return;
        }
        emitter.erasedAt = Customer.NONE;
        Object current = getCurrentKey();
        setCurrentKey(e.key);
        erased.update(at);
        e.erasedAt = at;
        e.erasureRead = true;
        java.util.List<Long> registered = new java.util.ArrayList<>();
        timers.forEachEventTimeTimer(
                (namespace, t) -> {
                    if (e.key.equals(getCurrentKey())) {
                        registered.add(t);
                    }
                });
        setCurrentKey(e.key);
        for (long t : registered) {
            timers.deleteEventTimeTimer(VoidNamespace.INSTANCE, t);
        }
        e.customer.wakeUpAt = Customer.NONE; // the callers mark the entry changed
        if (current != null) {
            setCurrentKey(current);
        }
    }

    /** The cached customer of {@code key}, read from keyed state (current key) on a miss. */
    private CustomerCache.Entry entry(String key) throws Exception {
        CustomerCache.Entry e = cache.get(key);
        if (e != null) {
            return e;
        }
        Customer c = state.value();
        stateReads.inc();
        if (c == null) {
            c = new Customer();
        } else if (copyState) {
            c = c.copy(); // the heap backend's own object: a snapshot may be reading it
        }
        return cache.add(key, c);
    }

    /**
     * Writes a customer back to keyed state; its waiting events, which only the cache's heap
     * watched, are then covered by its timer too (restored, they are applied when it fires).
     */
    private void writeBack(CustomerCache.Entry e) throws Exception {
        Object current = getCurrentKey();
        setCurrentKey(e.key);
        Customer c = e.customer;
        arm(e, false, true);
        if (c.isEmpty()) {
            state.clear(); // expired (or never more than that): nothing is kept
        } else {
            state.update(copyState ? c.copy() : c);
        }
        stateWrites.inc();
        if (current != null) {
            setCurrentKey(current);
        }
    }

    /** Before every checkpoint barrier: keyed state and timers hold every customer. */
    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        cache.flush();
        flushHealth(time); // not in the snapshot: sent before the barrier
        long now = System.nanoTime();
        if (lastBarrier != 0) {
            barrierInterval = now - lastBarrier;
        }
        lastBarrier = now;
        cache.dirtyCap(1.0);
    }

    /**
     * At the end of the input, too, every changed customer is written back: the state is then
     * complete (as at a checkpoint), and a bounded run pays for every write it caused.
     */
    @Override
    public void finish() throws Exception {
        cache.flush();
        flushHealth(time);
        super.finish();
    }

    /**
     * The operator's outputs, stamped with the step's event time. Each record gets a new wrapper:
     * reusing one (long-lived, so in the old generation) would write a young reference into an old
     * object on every profile, which the garbage collector's write barrier makes expensive.
     */
    private final class Emitter implements StepOutput {
        @Override
        public void profile(CustomerProfile p, long at) {
            if (p.getExpiredAt() != null) {
                customersExpired.inc();
            }
            output.collect(new StreamRecord<>(p, at));
        }

        @Override
        public void segmentChange(SegmentChange change, long at) {
            output.collect(Outputs.SEGMENT_CHANGES, new StreamRecord<>(change, at));
        }

        @Override
        public void churnAlert(ChurnAlert alert, long at) {
            churnAlerts.inc();
            alert.setStale(isStale(alert.getAt().toEpochMilli()));
            output.collect(Outputs.CHURN_ALERTS, new StreamRecord<>(alert, at));
        }

        @Override
        public void campaignDelta(CampaignDelta delta, long at) {
            output.collect(Outputs.CAMPAIGN_DELTAS, new StreamRecord<>(delta, at));
        }

        @Override
        public void action(CustomerAction action, long at) {
            actionsByStatus.get(action.getStatus()).inc();
            action.setStale(isStale(action.getDueAt().toEpochMilli()));
            output.collect(Outputs.CUSTOMER_ACTIONS, new StreamRecord<>(action, at));
        }

        /**
         * DESIGN 13: due more than alerts.max-age behind the wall clock as it is emitted — a
         * backlog, a bootstrap or a replay of history catching up — so not to be acted on. The same
         * rule in both modes (a replay of history is history).
         */
        private boolean isStale(long dueAt) {
            boolean stale = wallClock() - dueAt > alertsMaxAge;
            if (stale) {
                staleOutputs.inc();
            }
            return stale;
        }

        @Override
        public void health(String marketplace, int day, int field, long amount) {
            healthSums.add(marketplace, day, field, amount);
        }

        @Override
        public void orderRepeated(CustomerEvent order) {
            ordersRepeated.inc();
        }

        /** The last step's erasure, for {@link #forgetErased}; {@link Customer#NONE} if none. */
        long erasedAt = Customer.NONE;

        @Override
        public void erased(String customerId, long at, String requestId) {
            customersErased.inc();
            erasedAt = at;
            output.collect(
                    Outputs.ERASURES,
                    new StreamRecord<>(
                            new io.customerpulse.avro.CustomerErasure(
                                    customerId, Instant.ofEpochMilli(at), requestId),
                            at));
        }
    }
}
