package io.customerpulse.health;

import io.customerpulse.Outputs;
import io.customerpulse.avro.HealthDelta;
import io.customerpulse.avro.SellerHealth;
import io.customerpulse.avro.SellerHealthAlert;
import io.customerpulse.avro.state.HealthDay;
import io.customerpulse.avro.state.HealthJudgement;
import io.customerpulse.config.JobConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
 * Seller health per marketplace and UTC day (DESIGN section 12), keyed by marketplace: the customer
 * operators' {@link HealthDelta}s are added to the day they belong to; a day's row is emitted
 * provisional when the watermark reaches the end of the day (every count of the days up to it is
 * in: each delta reaches this operator before the watermark of its step) and final at the start of
 * the day after next, with its alerts. A day has no row before it ends: neither the live job's
 * current day nor the day of a replay's as-of (unless the as-of is its end), so a live run and a
 * replay as of the same watermark write the same rows.
 *
 * <p>Counts that arrive after their day's final row (late events) still count in the later days'
 * windows, but the final row is not emitted again (counted in {@code healthDeltasAfterFinal}).
 */
public class SellerHealthFunction extends KeyedProcessFunction<String, HealthDelta, SellerHealth> {
    static final MapStateDescriptor<Integer, HealthDay> DAYS =
            new MapStateDescriptor<>(
                    "seller-health-days", Types.INT, new AvroTypeInfo<>(HealthDay.class));
    static final ValueStateDescriptor<HealthJudgement> JUDGEMENT =
            new ValueStateDescriptor<>(
                    "seller-health-judgement", new AvroTypeInfo<>(HealthJudgement.class));
    private static final long MILLIS_PER_DAY = 86_400_000L;

    private final SellerHealthMath math;
    private final long horizon;

    private transient MapState<Integer, HealthDay> days;
    private transient ValueState<HealthJudgement> judgement;
    private transient Counter afterFinal;

    public SellerHealthFunction(SellerHealthMath math, long horizon) {
        this.math = math;
        this.horizon = horizon;
    }

    public static SellerHealthFunction of(JobConfig config) {
        return new SellerHealthFunction(
                new SellerHealthMath(config.sellerHealth()), config.horizonMillis());
    }

    @Override
    public void open(OpenContext openContext) {
        days = getRuntimeContext().getMapState(DAYS);
        judgement = getRuntimeContext().getState(JUDGEMENT);
        afterFinal = getRuntimeContext().getMetricGroup().counter("healthDeltasAfterFinal");
    }

    @Override
    public void processElement(HealthDelta d, Context ctx, Collector<SellerHealth> out)
            throws Exception {
        int day = d.getDay();
        HealthDay h = days.get(day);
        if (h == null) {
            h = new HealthDay();
        }
        h.setEvents(h.getEvents() + d.getEvents());
        h.setOrders(h.getOrders() + d.getOrders());
        h.setGmvMinor(h.getGmvMinor() + d.getGmvMinor());
        h.setRepeatGmvMinor(h.getRepeatGmvMinor() + d.getRepeatGmvMinor());
        h.setFeedback(h.getFeedback() + d.getFeedback());
        h.setNegativeFeedback(h.getNegativeFeedback() + d.getNegativeFeedback());
        h.setPositiveFeedback(h.getPositiveFeedback() + d.getPositiveFeedback());
        h.setMessagesDue(h.getMessagesDue() + d.getMessagesDue());
        h.setAnsweredIn24h(h.getAnsweredIn24h() + d.getAnsweredIn24h());
        days.put(day, h);
        if (h.getFinal$()) {
            afterFinal.inc();
            return;
        }
        for (long at : new long[] {start(day + 1), start(day + 2)}) {
            if (at <= horizon) { // no day ends after a replay's as-of
                ctx.timerService().registerEventTimeTimer(at);
            }
        }
    }

    @Override
    public void onTimer(long t, OnTimerContext ctx, Collector<SellerHealth> out) throws Exception {
        String marketplace = ctx.getCurrentKey();
        TreeMap<Integer, HealthDay> all = new TreeMap<>();
        for (Map.Entry<Integer, HealthDay> e : days.entries()) {
            all.put(e.getKey(), e.getValue());
        }
        Map<Integer, HealthDay> changed = new HashMap<>();
        List<SellerHealthAlert> alerts = new ArrayList<>();
        Integer lastFinal = null;
        for (Map.Entry<Integer, HealthDay> e : all.entrySet()) {
            int day = e.getKey();
            HealthDay h = e.getValue();
            if (h.getEvents() == 0) {
                continue; // no order, return, shipment or interaction there: no row (DESIGN 12)
            }
            if (!h.getFinal$() && start(day + 2) <= t) {
                SellerHealth row = math.row(marketplace, day, all::get, true);
                out.collect(row);
                alerts.addAll(judge(row));
                h.setFinal$(true);
                h.setProvisional(true);
                changed.put(day, h);
            } else if (!h.getProvisional() && start(day + 1) <= t) {
                out.collect(math.row(marketplace, day, all::get, false));
                h.setProvisional(true);
                changed.put(day, h);
            }
            if (h.getFinal$()) {
                lastFinal = day;
            }
        }
        for (Map.Entry<Integer, HealthDay> e : changed.entrySet()) {
            days.put(e.getKey(), e.getValue());
        }
        for (SellerHealthAlert a : alerts) {
            ctx.output(Outputs.HEALTH_ALERTS, a);
        }
        if (lastFinal != null) {
            // the next day's window starts 88 days before the last final one
            for (int day : all.headMap(lastFinal - SellerHealthMath.WINDOW_DAYS + 2).keySet()) {
                days.remove(day);
            }
        }
    }

    private List<SellerHealthAlert> judge(SellerHealth row) throws Exception {
        HealthJudgement j = judgement.value();
        Boolean[] previous =
                j == null
                        ? new Boolean[3]
                        : new Boolean[] {
                            j.getNegativeFeedbackOk(), j.getPositiveFeedbackOk(), j.getResponseOk()
                        };
        List<SellerHealthAlert> alerts = math.alerts(row, previous);
        judgement.update(new HealthJudgement(previous[0], previous[1], previous[2]));
        return alerts;
    }

    private static long start(int day) {
        return day * MILLIS_PER_DAY;
    }
}
