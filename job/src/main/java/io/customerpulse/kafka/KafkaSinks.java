package io.customerpulse.kafka;

import io.customerpulse.PulseSinks;
import io.customerpulse.Uids;
import io.customerpulse.avro.CampaignDaily;
import io.customerpulse.avro.ChurnAlert;
import io.customerpulse.avro.CustomerAction;
import io.customerpulse.avro.CustomerProfile;
import io.customerpulse.avro.LateEvent;
import io.customerpulse.avro.RejectedEvent;
import io.customerpulse.avro.SegmentChange;
import io.customerpulse.avro.SellerHealth;
import io.customerpulse.avro.SellerHealthAlert;
import io.customerpulse.profile.LifecycleActions;
import java.nio.charset.StandardCharsets;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The output topics, written exactly once with Kafka transactions committed on checkpoints (so
 * consumers read them with isolation.level=read_committed). Values are Avro single-object encoding
 * ({@link AvroBytes}) of the schemas in {@code avro/output/}, every released version of which is in
 * {@code schemas/}; keys are the customer id (campaign rows: campaign id and day).
 */
public final class KafkaSinks implements PulseSinks {
    private final KafkaSettings kafka;

    public KafkaSinks(KafkaSettings kafka) {
        this.kafka = kafka;
    }

    @Override
    public void attach(Streams s) {
        write(
                s.profiles(),
                KafkaSettings.PROFILES,
                CustomerProfile.class,
                p -> p.getCustomerId(),
                Uids.SINK_PROFILES);
        write(
                s.segmentChanges(),
                KafkaSettings.SEGMENT_CHANGES,
                SegmentChange.class,
                c -> c.getCustomerId(),
                Uids.SINK_SEGMENT_CHANGES);
        write(
                s.churnAlerts(),
                KafkaSettings.CHURN_ALERTS,
                ChurnAlert.class,
                a -> a.getCustomerId(),
                Uids.SINK_CHURN_ALERTS);
        write(
                s.customerActions()
                        .filter(a -> a.getStatus().equals(LifecycleActions.DUE))
                        .uid(Uids.ACTIONS_DUE)
                        .name("actions due"),
                KafkaSettings.CUSTOMER_ACTIONS,
                CustomerAction.class,
                a -> a.getCustomerId(),
                Uids.SINK_ACTIONS);
        write(
                s.sellerHealth(),
                KafkaSettings.SELLER_HEALTH,
                SellerHealth.class,
                r -> r.getMarketplace() + "/" + r.getDay(),
                Uids.SINK_SELLER_HEALTH);
        write(
                s.sellerHealthAlerts(),
                KafkaSettings.SELLER_HEALTH_ALERTS,
                SellerHealthAlert.class,
                a -> a.getMarketplace(),
                Uids.SINK_HEALTH_ALERTS);
        write(
                s.campaignDaily(),
                KafkaSettings.CAMPAIGN_METRICS,
                CampaignDaily.class,
                r -> r.getCampaignId() + "/" + r.getDay(),
                Uids.SINK_CAMPAIGNS);
        write(
                s.lateEvents(),
                KafkaSettings.LATE_EVENTS,
                LateEvent.class,
                l -> l.getEvent().getCustomerId(),
                Uids.SINK_LATE_EVENTS);
        write(
                s.deadLetter(),
                KafkaSettings.DEAD_LETTER,
                RejectedEvent.class,
                r -> r.getSource(),
                Uids.SINK_REJECTED);
    }

    /** Extracts the record key. */
    private interface Key<T> extends java.io.Serializable {
        String of(T record);
    }

    private <T extends SpecificRecord> void write(
            DataStream<T> stream, String name, Class<T> type, Key<T> key, String uid) {
        String topic = kafka.topic(name);
        KafkaSink<T> sink =
                KafkaSink.<T>builder()
                        .setKafkaProducerConfig(kafka.clientProperties())
                        .setRecordSerializer(new WrittenNow<>(topic, key))
                        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                        .setTransactionalIdPrefix(kafka.transactionalIdPrefix() + "-" + name)
                        .setProperty(
                                "transaction.timeout.ms",
                                Long.toString(kafka.transactionTimeout().toMillis()))
                        .build();
        stream.sinkTo(sink).uid(uid).name("kafka " + topic);
    }

    /**
     * An output record: key, value {@link AvroBytes#encode} (single-object encoding), partition by
     * key, and no timestamp of its own, so the producer stamps it with the time it is written. The
     * connector's default would stamp it with the Flink record's timestamp, the event time, and a
     * broker's time-based retention ({@code retention.ms}, 7 days by default) deletes whole
     * segments of records stamped in the past at its next check: a replay or a backlog of events
     * older than the retention lost its committed outputs within minutes (docs/operations.md, "a
     * Kafka broker stops"). Event time stays in the payload.
     */
    static final class WrittenNow<T extends SpecificRecord>
            implements KafkaRecordSerializationSchema<T> {
        private final String topic;
        private final Key<T> key;

        WrittenNow(String topic, Key<T> key) {
            this.topic = topic;
            this.key = key;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(
                T record, KafkaSinkContext context, Long eventTime) {
            return new ProducerRecord<>(
                    topic,
                    null,
                    null,
                    key.of(record).getBytes(StandardCharsets.UTF_8),
                    isErasure(record) ? null : AvroBytes.encode(record));
        }

        /**
         * An erasure's marker on the profiles' output (DESIGN section 13): written as a tombstone,
         * the customer's key with no value, in the profiles' own order — behind the erased
         * history's profiles, ahead of the next history's — so compaction removes the former only.
         */
        private static boolean isErasure(Object record) {
            return record instanceof CustomerProfile p && p.getErasedAt() != null;
        }
    }
}
