package io.customerpulse.profile;

import io.customerpulse.Outputs;
import io.customerpulse.avro.CampaignDelta;
import io.customerpulse.avro.ClvModel;
import io.customerpulse.avro.CustomerEvent;
import io.customerpulse.avro.CustomerProfile;
import io.customerpulse.avro.LateEvent;
import io.customerpulse.avro.state.CustomerState;
import io.customerpulse.clv.ClvScorer;
import io.customerpulse.clv.ClvSettings;
import io.customerpulse.config.JobConfig;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.MathUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The customer operator, keyed by customer_id. Events wait in state until the watermark passes
 * them, then are applied in event-time order, one millisecond at a time ({@link ProfileEngine}), so
 * the outputs do not depend on arrival order. A single event-time timer per customer — at the
 * earliest of the next waiting event, the churn deadline, the next order leaving the 90-day window
 * and, while a CLV model is served, the next re-scoring — drives every step; it is moved (deleted
 * and re-registered) whenever that time changes. Events already behind the watermark are applied at
 * once as a step of their own and reported.
 *
 * <p>Published CLV models arrive on the broadcast input; every profile is scored with the newest
 * valid one (README "Predicted CLV").
 */
public class CustomerProfileFunction
        extends KeyedBroadcastProcessFunction<String, CustomerEvent, ClvModel, CustomerProfile> {
    private static final Logger LOG = LoggerFactory.getLogger(CustomerProfileFunction.class);

    static final ValueStateDescriptor<CustomerState> STATE =
            new ValueStateDescriptor<>("customer", new AvroTypeInfo<>(CustomerState.class));

    /** The CLV model served, the newest published ({@link #SERVED} is its only key). */
    public static final MapStateDescriptor<String, ClvModel> CLV_MODEL =
            new MapStateDescriptor<>("clv-model", Types.STRING, new AvroTypeInfo<>(ClvModel.class));

    private static final String SERVED = "served";

    /**
     * Without a model, a customer with nothing else due wakes every this many rescore-intervals.
     */
    static final int DORMANT_CHECKS = 7;

    private final ProfileEngine engine;
    private final SeenIds seenIds;
    private final long horizon;
    private final ClvSettings clvSettings;

    private transient ValueState<CustomerState> state;
    private transient Counter duplicates;
    private transient Counter lateEvents;
    private transient Counter modelsRejected;
    private transient ClvScorer scorer; // built from the served model, rebuilt when it changes

    /**
     * @param horizon event time after which nothing takes effect (a replay's as-of), or {@code
     *     Long.MAX_VALUE}
     */
    public CustomerProfileFunction(
            ProfileEngine engine, SeenIds seenIds, long horizon, ClvSettings clvSettings) {
        this.engine = engine;
        this.seenIds = seenIds;
        this.horizon = horizon;
        this.clvSettings = clvSettings;
    }

    /** The operator as the job configures it. */
    public static CustomerProfileFunction of(JobConfig config) {
        return new CustomerProfileFunction(
                ProfileEngine.of(config),
                new SeenIds(config.dedupRetention(), config.dedupMaxIds()),
                config.horizonMillis(),
                config.clv());
    }

    @Override
    public void open(OpenContext openContext) {
        state = getRuntimeContext().getState(STATE);
        duplicates = getRuntimeContext().getMetricGroup().counter("duplicatesDropped");
        lateEvents = getRuntimeContext().getMetricGroup().counter("lateEvents");
        modelsRejected = getRuntimeContext().getMetricGroup().counter("clvModelsRejected");
    }

    /**
     * A published CLV model: served from now on if it can be and is not older than the one served.
     * Nothing is re-scored here (that would touch every customer in one step and stall the
     * checkpoint): each customer picks the model up at its next step, and while a model is served
     * every customer with an order has a re-scoring step at least every clv.rescore-interval.
     */
    @Override
    public void processBroadcastElement(ClvModel model, Context ctx, Collector<CustomerProfile> out)
            throws Exception {
        String problem = ClvScorer.problem(model);
        if (problem != null) {
            modelsRejected.inc();
            LOG.error(
                    "CLV model {} rejected, the served one stays: {}", model.getModelId(), problem);
            return;
        }
        ClvModel served = ctx.getBroadcastState(CLV_MODEL).get(SERVED);
        if (served != null && served.getFittedAt().isAfter(model.getFittedAt())) {
            LOG.warn(
                    "CLV model {} is older than the served {}, ignored",
                    model.getModelId(),
                    served.getModelId());
            return;
        }
        ctx.getBroadcastState(CLV_MODEL).put(SERVED, model);
        LOG.info("serving CLV model {} ({} customers)", model.getModelId(), model.getCustomers());
    }

    @Override
    public void processElement(
            CustomerEvent event, ReadOnlyContext ctx, Collector<CustomerProfile> out)
            throws Exception {
        CustomerState s = load();
        if (seenIds.checkAndRemember(s, event)) {
            duplicates.inc();
            return;
        }
        // the customer's own last step counts as well: watermarks are not checkpointed, so right
        // after a restore the watermark is MIN while the state has already moved past this time
        long watermark = ctx.timerService().currentWatermark();
        if (s.getNow() != null) {
            watermark = Math.max(watermark, s.getNow());
        }
        long at = event.getEventTime().toEpochMilli();
        ClvScorer clv = scorer(ctx);
        if (at > watermark) {
            s.getPending().add(event);
        } else {
            lateEvents.inc();
            ctx.output(
                    Outputs.LATE_EVENTS, new LateEvent(event, millis(watermark), watermark - at));
            long now = Math.min(watermark, horizon);
            emit(engine.step(ctx.getCurrentKey(), s, now, List.of(event), true, clv), ctx, out);
        }
        reschedule(s, clv, ctx);
        state.update(s);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<CustomerProfile> out)
            throws Exception {
        CustomerState s = load();
        ClvScorer clv = scorer(ctx);
        String key = ctx.getCurrentKey();
        s.setWakeUpAt(null); // this timer has fired
        while (true) {
            long stepAt = nextStepAt(s);
            long rescoreAt = nextRescoreAt(key, s, clv, stepAt);
            long next = Math.min(rescoreAt, stepAt);
            if (next > timestamp || next > horizon) {
                break;
            }
            ProfileEngine.Step step = engine.step(key, s, next, takePending(s, next), false, clv);
            if (step == null && next == rescoreAt && clv != null) {
                step = engine.rescore(key, s, next, clv);
            }
            emit(step, ctx, out);
        }
        seenIds.forget(s, timestamp);
        reschedule(s, clv, ctx);
        state.update(s);
    }

    private CustomerState load() throws Exception {
        CustomerState s = state.value();
        return s == null ? ProfileEngine.newState() : s;
    }

    /** The served model's scorer, or null while none is served. */
    private ClvScorer scorer(ReadOnlyContext ctx) throws Exception {
        ClvModel served = ctx.getBroadcastState(CLV_MODEL).get(SERVED);
        if (served == null) {
            return null;
        }
        if (scorer == null || !scorer.modelId().equals(served.getModelId())) {
            scorer =
                    ClvScorer.of(
                            served, clvSettings.horizonMonths(), clvSettings.monthlyDiscount());
        }
        return scorer;
    }

    /**
     * The first re-scoring time after the customer's last step, for a customer with an order: while
     * a model is served every clv.rescore-interval; while none is, only for a customer with nothing
     * else due (no waiting event, no limit ahead: CHURN_RISK and no order in 90 days) and only
     * every {@value #DORMANT_CHECKS} intervals, so that the first model reaches such a customer
     * within a week instead of at its next event, without waking active customers for nothing.
     * Shifted by a hash of the customer id so that customers wake spread over the interval, not all
     * at midnight. {@code stepAt} is {@link #nextStepAt}, which the callers have computed already.
     */
    private long nextRescoreAt(String customer, CustomerState s, ClvScorer clv, long stepAt) {
        if (s.getFirstOrderAt() == null || s.getNow() == null) {
            return Long.MAX_VALUE;
        }
        long interval = clvSettings.rescoreInterval().toMillis();
        if (clv == null) {
            if (stepAt != Long.MAX_VALUE) {
                return Long.MAX_VALUE;
            }
            interval *= DORMANT_CHECKS;
        }
        long offset = Math.floorMod(MathUtils.murmurHash(customer.hashCode()), interval);
        return Math.floorDiv(s.getNow() - offset, interval) * interval + offset + interval;
    }

    /** The next waiting event or limit, MAX if none. */
    private long nextStepAt(CustomerState s) {
        return Math.min(earliestPending(s), orMax(engine.nextLimitAt(s)));
    }

    private static void emit(
            ProfileEngine.Step step, ReadOnlyContext ctx, Collector<CustomerProfile> out) {
        if (step == null) {
            return;
        }
        out.collect(step.profile());
        if (step.change() != null) {
            ctx.output(Outputs.SEGMENT_CHANGES, step.change());
        }
        if (step.alert() != null) {
            ctx.output(Outputs.CHURN_ALERTS, step.alert());
        }
        for (CampaignDelta delta : step.campaignDeltas()) {
            ctx.output(Outputs.CAMPAIGN_DELTAS, delta);
        }
    }

    /** Keeps exactly one timer, at the next moment something is due (none beyond the horizon). */
    private void reschedule(CustomerState s, ClvScorer clv, ReadOnlyContext ctx) {
        long stepAt = nextStepAt(s);
        long next = Math.min(stepAt, nextRescoreAt(ctx.getCurrentKey(), s, clv, stepAt));
        Long wanted = next == Long.MAX_VALUE || next > horizon ? null : next;
        Long registered = s.getWakeUpAt();
        if (wanted != null && wanted.equals(registered)) {
            return;
        }
        if (registered != null) {
            ctx.timerService().deleteEventTimeTimer(registered);
        }
        if (wanted != null) {
            ctx.timerService().registerEventTimeTimer(wanted);
        }
        s.setWakeUpAt(wanted);
    }

    private static long earliestPending(CustomerState s) {
        long min = Long.MAX_VALUE;
        for (CustomerEvent e : s.getPending()) {
            min = Math.min(min, e.getEventTime().toEpochMilli());
        }
        return min;
    }

    /**
     * Removes and returns the waiting events of time {@code at} (Avro arrays have no iterator
     * remove).
     */
    private static List<CustomerEvent> takePending(CustomerState s, long at) {
        List<CustomerEvent> pending = s.getPending();
        List<CustomerEvent> due = new ArrayList<>();
        for (int i = pending.size() - 1; i >= 0; i--) {
            if (pending.get(i).getEventTime().toEpochMilli() == at) {
                due.add(pending.remove(i));
            }
        }
        return due;
    }

    private static long orMax(Long t) {
        return t == null ? Long.MAX_VALUE : t;
    }

    private static java.time.Instant millis(long t) {
        return java.time.Instant.ofEpochMilli(t);
    }
}
