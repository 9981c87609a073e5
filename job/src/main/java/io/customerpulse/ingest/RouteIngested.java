package io.customerpulse.ingest;

import io.customerpulse.Outputs;
import io.customerpulse.avro.CustomerEvent;
import io.customerpulse.avro.EventKind;
import io.customerpulse.avro.IngestRecord;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Splits what the sources decoded: customer events to the main output, rejections and ad events
 * (impressions and clicks, for campaign metrics) to side outputs. Events after a replay's as-of
 * time are ignored (and counted): they create no profile.
 */
public class RouteIngested extends ProcessFunction<IngestRecord, CustomerEvent> {
    private final long horizon;

    private transient Counter rejected;
    private transient Map<String, Counter> rejectedByReason;
    private transient MetricGroup reasons;
    private transient Counter afterAsOf;

    public RouteIngested(long horizon) {
        this.horizon = horizon;
    }

    @Override
    public void open(OpenContext openContext) {
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        rejected = metrics.counter("deadLettered");
        // deadLettered by reason: one counter per reason (a label where the reporter has them),
        // every reason registered from the start so that a dashboard sees its zero
        reasons = metrics.addGroup("deadLetters");
        rejectedByReason = new HashMap<>();
        for (RejectReason r : RejectReason.values()) {
            rejectedByReason.put(r.name(), reasons.addGroup("reason", r.name()).counter("count"));
        }
        afterAsOf = metrics.counter("ignoredAfterAsOf");
    }

    @Override
    public void processElement(IngestRecord record, Context ctx, Collector<CustomerEvent> out) {
        if (record.getRejected() != null) {
            rejected.inc();
            rejectedByReason
                    .computeIfAbsent(
                            record.getRejected().getReason(),
                            r -> reasons.addGroup("reason", r).counter("count"))
                    .inc();
            ctx.output(Outputs.REJECTED, record.getRejected());
            return;
        }
        CustomerEvent event = record.getEvent();
        if (event.getEventTime().toEpochMilli() > horizon) {
            afterAsOf.inc();
            return;
        }
        if (event.getKind() == EventKind.IMPRESSION || event.getKind() == EventKind.CLICK) {
            ctx.output(Outputs.AD_EVENTS, event); // campaign metrics
        }
        if (event.getKind() != EventKind.IMPRESSION) {
            out.collect(event); // customer activity (clicks: also attribution)
        }
    }
}
