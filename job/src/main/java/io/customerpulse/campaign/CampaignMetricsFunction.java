package io.customerpulse.campaign;

import io.customerpulse.avro.CampaignDaily;
import io.customerpulse.avro.CampaignDelta;
import io.customerpulse.avro.state.CampaignDay;
import io.customerpulse.avro.state.CampaignState;
import io.customerpulse.avro.state.PendingBucket;
import io.customerpulse.config.JobConfig;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Campaign metrics per campaign and UTC day, keyed by campaign. Deltas (impressions, clicks,
 * attributed orders, refunds) wait, summed per update boundary, until the watermark passes that
 * boundary; then they are added to the campaign's open days and the changed days are emitted as
 * provisional rows — at most once per update interval of event time, and holding exactly the events
 * before that time, whatever the arrival order. A day is emitted final when the watermark reaches
 * the next midnight plus the attribution window (no credit for its clicks can come later) and then
 * leaves state.
 *
 * <p>The waiting sums are a map keyed by flush time, with one timer per flush time, so a delta
 * costs one map read and write however far the watermark lags (a replay reads far ahead of it).
 */
public class CampaignMetricsFunction
        extends KeyedProcessFunction<String, CampaignDelta, CampaignDaily> {
    static final ValueStateDescriptor<CampaignState> DAYS =
            new ValueStateDescriptor<>("campaign-days", new AvroTypeInfo<>(CampaignState.class));
    static final MapStateDescriptor<Long, PendingBucket> PENDING =
            new MapStateDescriptor<>(
                    "campaign-pending", Types.LONG, new AvroTypeInfo<>(PendingBucket.class));
    private static final long MILLIS_PER_DAY = 86_400_000L;

    private final CampaignMath math;
    private final long window;
    private final long interval;
    private final long horizon;

    private transient ValueState<CampaignState> days;
    private transient MapState<Long, PendingBucket> pending;
    private transient Counter afterFinal;

    /**
     * @param window the attribution window (a day is final at next midnight + window)
     * @param interval event time between two provisional emissions of a campaign
     * @param horizon nothing takes effect after it (a replay's as-of), or {@code Long.MAX_VALUE}
     */
    public CampaignMetricsFunction(CampaignMath math, long window, long interval, long horizon) {
        this.math = math;
        this.window = window;
        this.interval = interval;
        this.horizon = horizon;
    }

    /** The operator as the job configures it. */
    public static CampaignMetricsFunction of(JobConfig config) {
        return new CampaignMetricsFunction(
                new CampaignMath(config.reportingCurrency(), config.campaigns()),
                config.attribution().window().toMillis(),
                config.campaigns().updateInterval().toMillis(),
                config.horizonMillis());
    }

    /** When a day's row becomes final: the next midnight (UTC) plus the attribution window. */
    public long finalAt(long epochDay) {
        return (epochDay + 1) * MILLIS_PER_DAY + window;
    }

    @Override
    public void open(OpenContext openContext) {
        days = getRuntimeContext().getState(DAYS);
        pending = getRuntimeContext().getMapState(PENDING);
        afterFinal = getRuntimeContext().getMetricGroup().counter("campaignDeltasAfterFinal");
    }

    @Override
    public void processElement(CampaignDelta delta, Context ctx, Collector<CampaignDaily> out)
            throws Exception {
        long fin = finalAt(delta.getDay().toEpochDay());
        if (fin <= ctx.timerService().currentWatermark() || isFinal(days.value(), delta)) {
            afterFinal.inc(); // that row is final; the late event that caused this was reported
            return;
        }
        long boundary = (Math.floorDiv(ctx.timestamp(), interval) + 1) * interval;
        long flushAt = Math.min(Math.min(boundary, fin), horizon);
        PendingBucket bucket = pending.get(flushAt);
        if (bucket == null) {
            bucket = PendingBucket.newBuilder().build();
            ctx.timerService().registerEventTimeTimer(flushAt);
        }
        addToBucket(bucket.getSums(), delta);
        pending.put(flushAt, bucket);
    }

    /** Whether the delta's day was already emitted final (kept in state: survives a restore). */
    private static boolean isFinal(CampaignState s, CampaignDelta delta) {
        return s != null
                && s.getFinalizedThrough() != null
                && delta.getDay().toEpochDay() <= s.getFinalizedThrough();
    }

    @Override
    public void onTimer(long t, OnTimerContext ctx, Collector<CampaignDaily> out) throws Exception {
        CampaignState s = days.value();
        if (s == null) {
            s = CampaignState.newBuilder().build();
        }
        List<CampaignDay> open = s.getDays();
        PendingBucket bucket = pending.get(t);
        if (bucket != null) {
            pending.remove(t);
            for (CampaignDelta sum : bucket.getSums()) {
                long fin = finalAt(sum.getDay().toEpochDay());
                if (fin < t || isFinal(s, sum)) {
                    afterFinal.inc();
                    continue;
                }
                CampaignDay day = openDay(open, (int) sum.getDay().toEpochDay(), ctx);
                long asOf = asOf(day);
                CampaignMath.add(day, sum);
                day.setVersion(asOf + content(day)); // the as-of time stays what it was
                day.setDirty(true);
            }
        }
        for (int i = open.size() - 1; i >= 0; i--) {
            CampaignDay d = open.get(i);
            long fin = finalAt(d.getDay());
            if (fin <= t) {
                d.setVersion(nextVersion(d, fin));
                out.collect(math.row(ctx.getCurrentKey(), d, true, fin));
                open.remove(i);
                Integer through = s.getFinalizedThrough();
                s.setFinalizedThrough(through == null ? d.getDay() : Math.max(through, d.getDay()));
            } else if (d.getDirty()) {
                d.setVersion(nextVersion(d, t));
                d.setDirty(false);
                out.collect(math.row(ctx.getCurrentKey(), d, false, t));
            }
        }
        days.update(s); // also when no day is open: it remembers which days are final
    }

    /**
     * A row's version is the event time it is as of (the latest flush time of its deltas; the final
     * row's is its final time) plus its content: the sum of its counts and amounts (impressions,
     * clicks, spend, attributed orders, sales and returns, new customers), all of them never
     * negative. It is a function of the deltas the row holds, not of how they were grouped into
     * flushes: a run restored from a checkpoint, whose watermarks start again from nothing, may
     * find on time a delta that an undisturbed run found behind the watermark and flushed on its
     * own, at an earlier time than the row's — both give the row the same version. And it grows
     * with every change: a flush on time moves the as-of time, a late one (an ad event behind the
     * watermark, or the credit of an order the customer operator applied late, stamped with its own
     * time) adds to the content. So the sinks' "keep the highest version" never keeps a stale row,
     * and a restored run's rows end with the same versions.
     */
    private static long nextVersion(CampaignDay d, long flushAt) {
        return Math.max(asOf(d), flushAt) + content(d);
    }

    /**
     * The latest flush time of the day's deltas (at most that for a day kept by an earlier release,
     * whose version was its flush time plus one for each late flush).
     */
    private static long asOf(CampaignDay d) {
        return d.getVersion() - content(d);
    }

    private static long content(CampaignDay d) {
        return d.getImpressions()
                + d.getClicks()
                + d.getSpendMinor()
                + d.getAttributedOrders()
                + d.getAttributedSalesMinor()
                + d.getAttributedReturnsMinor()
                + d.getNewCustomers();
    }

    /** Adds a delta to the bucket's sum of its day. */
    private static void addToBucket(List<CampaignDelta> sums, CampaignDelta delta) {
        for (CampaignDelta sum : sums) {
            if (sum.getDay().equals(delta.getDay())) {
                CampaignMath.add(sum, delta);
                return;
            }
        }
        sums.add(CampaignDelta.newBuilder(delta).build());
    }

    /** The open day, opened (with its final timer) if new. */
    private CampaignDay openDay(List<CampaignDay> open, int epochDay, Context ctx) {
        int i = 0;
        while (i < open.size() && open.get(i).getDay() < epochDay) {
            i++;
        }
        if (i < open.size() && open.get(i).getDay() == epochDay) {
            return open.get(i);
        }
        CampaignDay day = CampaignDay.newBuilder().setDay(epochDay).build();
        open.add(i, day);
        if (finalAt(epochDay) <= horizon) {
            ctx.timerService().registerEventTimeTimer(finalAt(epochDay));
        }
        return day;
    }
}
