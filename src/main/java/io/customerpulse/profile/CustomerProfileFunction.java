package io.customerpulse.profile;

import io.customerpulse.Outputs;
import io.customerpulse.avro.CampaignDelta;
import io.customerpulse.avro.CustomerEvent;
import io.customerpulse.avro.CustomerProfile;
import io.customerpulse.avro.LateEvent;
import io.customerpulse.avro.state.CustomerState;
import io.customerpulse.config.JobConfig;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The customer operator, keyed by customer_id. Events wait in state until the watermark passes
 * them, then are applied in event-time order, one millisecond at a time ({@link ProfileEngine}), so
 * the outputs do not depend on arrival order. A single event-time timer per customer — at the
 * earliest of the next waiting event, the churn deadline and the next order leaving the 90-day
 * window — drives every step; it is moved (deleted and re-registered) whenever that time changes.
 * Events already behind the watermark are applied at once as a step of their own and reported.
 */
public class CustomerProfileFunction
        extends KeyedProcessFunction<String, CustomerEvent, CustomerProfile> {

    static final ValueStateDescriptor<CustomerState> STATE =
            new ValueStateDescriptor<>("customer", new AvroTypeInfo<>(CustomerState.class));

    private final ProfileEngine engine;
    private final SeenIds seenIds;
    private final long horizon;

    private transient ValueState<CustomerState> state;
    private transient Counter duplicates;
    private transient Counter lateEvents;

    /**
     * @param horizon event time after which nothing takes effect (a replay's as-of), or {@code
     *     Long.MAX_VALUE}
     */
    public CustomerProfileFunction(ProfileEngine engine, SeenIds seenIds, long horizon) {
        this.engine = engine;
        this.seenIds = seenIds;
        this.horizon = horizon;
    }

    /** The operator as the job configures it. */
    public static CustomerProfileFunction of(JobConfig config) {
        return new CustomerProfileFunction(
                new ProfileEngine(
                        config.segments(),
                        config.attribution(),
                        config.maxReturnedOrderIds(),
                        config.reportingCurrency()),
                new SeenIds(config.dedupRetention(), config.dedupMaxIds()),
                config.horizonMillis());
    }

    @Override
    public void open(OpenContext openContext) {
        state = getRuntimeContext().getState(STATE);
        duplicates = getRuntimeContext().getMetricGroup().counter("duplicatesDropped");
        lateEvents = getRuntimeContext().getMetricGroup().counter("lateEvents");
    }

    @Override
    public void processElement(CustomerEvent event, Context ctx, Collector<CustomerProfile> out)
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
        if (at > watermark) {
            s.getPending().add(event);
        } else {
            lateEvents.inc();
            ctx.output(
                    Outputs.LATE_EVENTS, new LateEvent(event, millis(watermark), watermark - at));
            long now = Math.min(watermark, horizon);
            emit(engine.step(ctx.getCurrentKey(), s, now, List.of(event), true), ctx, out);
        }
        reschedule(s, ctx);
        state.update(s);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<CustomerProfile> out)
            throws Exception {
        CustomerState s = load();
        s.setWakeUpAt(null); // this timer has fired
        while (true) {
            long next = Math.min(earliestPending(s), orMax(engine.nextLimitAt(s)));
            if (next > timestamp || next > horizon) {
                break;
            }
            emit(engine.step(ctx.getCurrentKey(), s, next, takePending(s, next), false), ctx, out);
        }
        seenIds.forget(s, timestamp);
        reschedule(s, ctx);
        state.update(s);
    }

    private CustomerState load() throws Exception {
        CustomerState s = state.value();
        return s == null ? ProfileEngine.newState() : s;
    }

    private static void emit(ProfileEngine.Step step, Context ctx, Collector<CustomerProfile> out) {
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
    private void reschedule(CustomerState s, Context ctx) {
        long next = Math.min(earliestPending(s), orMax(engine.nextLimitAt(s)));
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
