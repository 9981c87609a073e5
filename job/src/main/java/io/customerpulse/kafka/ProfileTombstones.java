package io.customerpulse.kafka;

import io.customerpulse.avro.CustomerErasure;
import io.customerpulse.erasure.AfterCheckpointSink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Erasure on the compacted customer-profiles topic (DESIGN section 13): a tombstone (the customer's
 * key, no value) per erased customer, written once the checkpoint covering the erasure is complete
 * ({@link AfterCheckpointSink}), so behind every profile of the customer the job appended before
 * it; compaction then removes them all. Idempotent producer, acks=all; a send that fails fails the
 * job, which writes the tombstone again after the restore.
 */
final class ProfileTombstones implements AfterCheckpointSink.Action {
    private final String topic;
    private final KafkaProducer<byte[], byte[]> producer;

    ProfileTombstones(KafkaSettings kafka) {
        this.topic = kafka.topic(KafkaSettings.PROFILES);
        Properties p = new Properties();
        p.putAll(kafka.clientProperties());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, kafka.transactionalIdPrefix() + "-erasures");
        this.producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** The sink of the customer-profiles tombstones. */
    static AfterCheckpointSink sink(KafkaSettings kafka) {
        return new AfterCheckpointSink(() -> new ProfileTombstones(kafka));
    }

    @Override
    public void apply(List<CustomerErasure> erasures) throws IOException, InterruptedException {
        List<Future<RecordMetadata>> sent = new ArrayList<>(erasures.size());
        for (CustomerErasure e : erasures) {
            byte[] key = e.getCustomerId().getBytes(StandardCharsets.UTF_8);
            sent.add(producer.send(new ProducerRecord<byte[], byte[]>(topic, key, null)));
        }
        producer.flush();
        for (Future<RecordMetadata> f : sent) {
            try {
                f.get();
            } catch (ExecutionException failed) {
                throw new IOException("tombstone on " + topic + " not written", failed.getCause());
            }
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
