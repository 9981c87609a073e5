package io.customerpulse;

import io.customerpulse.avro.CampaignDaily;
import io.customerpulse.avro.ChurnAlert;
import io.customerpulse.avro.CustomerProfile;
import io.customerpulse.avro.LateEvent;
import io.customerpulse.avro.RejectedEvent;
import io.customerpulse.avro.SegmentChange;
import org.apache.flink.api.connector.sink2.Sink;

/** Where results go: Kafka and PostgreSQL in production, JSON-lines files in replay. */
public interface PulseSinks {
    Sink<CustomerProfile> profiles();

    Sink<SegmentChange> segmentChanges();

    Sink<ChurnAlert> churnAlerts();

    Sink<LateEvent> lateEvents();

    Sink<CampaignDaily> campaignDaily();

    Sink<RejectedEvent> rejected();
}
