package io.customerpulse;

import io.customerpulse.avro.CampaignDaily;
import io.customerpulse.avro.ChurnAlert;
import io.customerpulse.avro.CustomerAction;
import io.customerpulse.avro.CustomerProfile;
import io.customerpulse.avro.LateEvent;
import io.customerpulse.avro.RejectedEvent;
import io.customerpulse.avro.SegmentChange;
import io.customerpulse.avro.SellerHealth;
import io.customerpulse.avro.SellerHealthAlert;
import java.util.List;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Where results go: Kafka and PostgreSQL in production, JSON-lines files in replay. An
 * implementation attaches its sinks (each with a uid) to the job's output streams.
 */
public interface PulseSinks {
    void attach(Streams streams);

    /** The job's output streams. */
    record Streams(
            DataStream<CustomerProfile> profiles,
            DataStream<SegmentChange> segmentChanges,
            DataStream<ChurnAlert> churnAlerts,
            DataStream<CustomerAction> customerActions,
            DataStream<CampaignDaily> campaignDaily,
            DataStream<SellerHealth> sellerHealth,
            DataStream<SellerHealthAlert> sellerHealthAlerts,
            DataStream<LateEvent> lateEvents,
            DataStream<RejectedEvent> deadLetter,
            DataStream<io.customerpulse.avro.CustomerErasure> erasures) {}

    /** Several sink sets fed the same streams (e.g. Kafka and PostgreSQL). */
    static PulseSinks all(List<PulseSinks> sinks) {
        return streams -> sinks.forEach(s -> s.attach(streams));
    }
}
