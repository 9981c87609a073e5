package io.customerpulse.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a whole output topic as a downstream consumer of the exactly-once sinks must: with {@code
 * isolation.level=read_committed}, so only records of committed transactions are seen. For checks
 * (the soak, the end-to-end tests), not for the job.
 */
public final class TopicReader {
    private TopicReader() {}

    /**
     * Every committed record of {@code topic}, decoded as {@code type}, up to the current end. The
     * values are Avro single-object encoding; {@code writers} finds each record's writer schema by
     * its fingerprint (the job's released schemas), which Avro resolves against {@code type}'s.
     * Records without the header are plain binary of {@code type}'s schema, as releases before the
     * single-object encoding wrote them (a topic that an upgraded job continues).
     */
    public static <T extends SpecificRecord> List<T> readCommitted(
            Properties client, String topic, Class<T> type, SchemaStore writers)
            throws java.io.IOException {
        SpecificData model = SpecificData.getForClass(type);
        BinaryMessageDecoder<T> reader =
                new BinaryMessageDecoder<>(model, model.getSchema(type), writers);
        SpecificDatumReader<T> plain = new SpecificDatumReader<>(type); // written before it
        List<T> out = new ArrayList<>();
        for (byte[] v : values(client, topic)) {
            if (v != null) { // a tombstone (an erased customer on a compacted topic) is no record
                out.add(decode(v, reader, plain));
            }
        }
        return out;
    }

    /**
     * Every committed record of {@code topic} as (key, record) in each partition's order, a
     * tombstone as (key, null): what a consumer of a compacted topic replays.
     */
    public static <T extends SpecificRecord> List<Map.Entry<String, T>> readCommittedKeyed(
            Properties client, String topic, Class<T> type, SchemaStore writers)
            throws java.io.IOException {
        SpecificData model = SpecificData.getForClass(type);
        BinaryMessageDecoder<T> reader =
                new BinaryMessageDecoder<>(model, model.getSchema(type), writers);
        SpecificDatumReader<T> plain = new SpecificDatumReader<>(type);
        List<Map.Entry<String, T>> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : read(client, topic, rec -> rec)) {
            String key = new String(r.key(), java.nio.charset.StandardCharsets.UTF_8);
            T value = r.value() == null ? null : decode(r.value(), reader, plain);
            out.add(new java.util.AbstractMap.SimpleImmutableEntry<>(key, value));
        }
        return out;
    }

    private static <T> T decode(
            byte[] v, BinaryMessageDecoder<T> reader, SpecificDatumReader<T> plain)
            throws java.io.IOException {
        boolean singleObject = v.length >= 10 && v[0] == (byte) 0xC3 && v[1] == 0x01;
        return singleObject
                ? reader.decode(v)
                : plain.read(null, DecoderFactory.get().binaryDecoder(v, null));
    }

    /** Every committed value of {@code topic}, as bytes, up to the current end (30 s at most). */
    public static List<byte[]> values(Properties client, String topic) {
        return read(client, topic, ConsumerRecord::value);
    }

    /**
     * The Kafka timestamp of every committed record of {@code topic} (the record's {@code
     * CreateTime} as its producer set it, or the broker's time with {@code LogAppendTime}).
     */
    public static List<Long> timestamps(Properties client, String topic) {
        return read(client, topic, ConsumerRecord::timestamp);
    }

    private static <X> List<X> read(
            Properties client,
            String topic,
            java.util.function.Function<ConsumerRecord<byte[], byte[]>, X> field) {
        Properties p = new Properties();
        p.putAll(client);
        p.put("isolation.level", "read_committed");
        p.put("key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
        p.put("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
        List<X> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(topic).stream()
                            .map(i -> new TopicPartition(topic, i.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.currentTimeMillis() + 30_000;
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
                    && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    out.add(field.apply(r));
                }
            }
        }
        return out;
    }
}
