package io.customerpulse.campaign;

import io.customerpulse.avro.CustomerEvent;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Drops a repeated ad event, keyed by campaign and event_id (impressions often have no customer, so
 * the customer operator cannot de-duplicate them). Ids are remembered for the retention in
 * processing time (state TTL), which for a live stream covers at least that much event time; a
 * replay runs in far less, so it de-duplicates over the whole file.
 */
public class AdEventDedup extends KeyedProcessFunction<String, CustomerEvent, CustomerEvent> {
    private final Duration retention;

    private transient ValueState<Boolean> seen;
    private transient Counter duplicates;

    public AdEventDedup(Duration retention) {
        this.retention = retention;
    }

    /** The key: an event id is unique within its campaign. */
    public static String key(CustomerEvent e) {
        return e.getCampaignId() + '\u0000' + e.getEventId();
    }

    @Override
    public void open(OpenContext openContext) {
        ValueStateDescriptor<Boolean> descriptor =
                new ValueStateDescriptor<>("seen", Types.BOOLEAN);
        descriptor.enableTimeToLive(
                StateTtlConfig.newBuilder(retention)
                        .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                        .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                        .build());
        seen = getRuntimeContext().getState(descriptor);
        duplicates = getRuntimeContext().getMetricGroup().counter("adDuplicatesDropped");
    }

    @Override
    public void processElement(CustomerEvent event, Context ctx, Collector<CustomerEvent> out)
            throws Exception {
        if (seen.value() != null) {
            duplicates.inc();
            return;
        }
        seen.update(Boolean.TRUE);
        out.collect(event);
    }
}
