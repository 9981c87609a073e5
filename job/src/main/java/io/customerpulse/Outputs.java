package io.customerpulse;

import io.customerpulse.avro.CampaignDelta;
import io.customerpulse.avro.ChurnAlert;
import io.customerpulse.avro.CustomerAction;
import io.customerpulse.avro.CustomerEvent;
import io.customerpulse.avro.HealthDelta;
import io.customerpulse.avro.LateEvent;
import io.customerpulse.avro.RejectedEvent;
import io.customerpulse.avro.SegmentChange;
import io.customerpulse.avro.SellerHealthAlert;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.util.OutputTag;

/** The side outputs of the job, in one place. */
public final class Outputs {
    public static final OutputTag<RejectedEvent> REJECTED =
            new OutputTag<>("rejected", new AvroTypeInfo<>(RejectedEvent.class));
    public static final OutputTag<CustomerEvent> AD_EVENTS =
            new OutputTag<>("ad-events", new AvroTypeInfo<>(CustomerEvent.class));
    public static final OutputTag<CampaignDelta> CAMPAIGN_DELTAS =
            new OutputTag<>("campaign-deltas", new AvroTypeInfo<>(CampaignDelta.class));
    public static final OutputTag<SegmentChange> SEGMENT_CHANGES =
            new OutputTag<>("segment-changes", new AvroTypeInfo<>(SegmentChange.class));
    public static final OutputTag<ChurnAlert> CHURN_ALERTS =
            new OutputTag<>("churn-alerts", new AvroTypeInfo<>(ChurnAlert.class));
    public static final OutputTag<CustomerAction> CUSTOMER_ACTIONS =
            new OutputTag<>("customer-actions", new AvroTypeInfo<>(CustomerAction.class));
    public static final OutputTag<HealthDelta> HEALTH_DELTAS =
            new OutputTag<>("health-deltas", new AvroTypeInfo<>(HealthDelta.class));
    public static final OutputTag<SellerHealthAlert> HEALTH_ALERTS =
            new OutputTag<>("seller-health-alerts", new AvroTypeInfo<>(SellerHealthAlert.class));

    /** Customers erased (DESIGN section 13): the sinks delete and tombstone them. */
    public static final OutputTag<io.customerpulse.avro.CustomerErasure> ERASURES =
            new OutputTag<>(
                    "erasures", new AvroTypeInfo<>(io.customerpulse.avro.CustomerErasure.class));

    public static final OutputTag<LateEvent> LATE_EVENTS =
            new OutputTag<>("late-events", new AvroTypeInfo<>(LateEvent.class));

    private Outputs() {}
}
