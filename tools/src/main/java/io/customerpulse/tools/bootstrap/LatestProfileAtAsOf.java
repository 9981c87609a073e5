package io.customerpulse.tools.bootstrap;

import io.customerpulse.avro.CustomerProfile;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keeps each customer's last profile of history and emits it once, when event time reaches the
 * as-of instant: the profile table then takes one upsert per customer instead of one per step of
 * history (the table keeps the latest anyway, and its dashboard triggers follow the row).
 */
final class LatestProfileAtAsOf
        extends KeyedProcessFunction<String, CustomerProfile, CustomerProfile> {
    private final long asOf;
    private transient ValueState<CustomerProfile> latest;

    LatestProfileAtAsOf(long asOf) {
        this.asOf = asOf;
    }

    @Override
    public void open(OpenContext context) {
        latest =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "latest", new AvroTypeInfo<>(CustomerProfile.class)));
    }

    @Override
    public void processElement(CustomerProfile p, Context ctx, Collector<CustomerProfile> out)
            throws Exception {
        CustomerProfile kept = latest.value();
        latest.update(kept == null ? p : ProfilesFile.later(kept, p));
        ctx.timerService().registerEventTimeTimer(asOf);
    }

    @Override
    public void onTimer(long time, OnTimerContext ctx, Collector<CustomerProfile> out)
            throws Exception {
        out.collect(latest.value());
        latest.clear();
    }
}
