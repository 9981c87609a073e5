package io.customerpulse.kafka;

import io.customerpulse.avro.AdEvent;
import io.customerpulse.avro.IngestRecord;
import io.customerpulse.avro.Interaction;
import io.customerpulse.avro.OrderPlaced;
import io.customerpulse.avro.OrderReturned;
import io.customerpulse.ingest.EventNormalizer;
import io.customerpulse.ingest.RejectReason;
import io.customerpulse.ingest.SourceRef;
import java.io.IOException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Decodes a record of an input topic (Avro binary of the topic's schema in {@code avro/input/}) and
 * validates it. Whatever does not decode — empty, truncated, another schema's bytes, trailing
 * bytes, a length prefix longer than the message ({@link AvroBounds}) — or breaks a rule becomes a
 * rejection carrying topic, partition, offset and the bytes.
 */
public final class AvroInputDeserializer implements KafkaRecordDeserializationSchema<IngestRecord> {
    private final Class<? extends SpecificRecord> type;
    private final EventNormalizer normalizer;

    private transient SpecificDatumReader<SpecificRecord> reader;
    private transient BinaryDecoder decoder;

    public AvroInputDeserializer(Class<? extends SpecificRecord> type, EventNormalizer normalizer) {
        this.type = type;
        this.normalizer = normalizer;
    }

    /** The record type of an input topic. */
    public static Class<? extends SpecificRecord> typeOf(String input) {
        return switch (input) {
            case KafkaSettings.ORDERS -> OrderPlaced.class;
            case KafkaSettings.RETURNS -> OrderReturned.class;
            case KafkaSettings.AD_EVENTS -> AdEvent.class;
            case KafkaSettings.INTERACTIONS -> Interaction.class;
            default -> throw new IllegalArgumentException("no input topic " + input);
        };
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<IngestRecord> out) {
        SourceRef ref = new SourceRef(record.topic(), record.partition(), record.offset());
        byte[] bytes = record.value();
        if (bytes == null || bytes.length == 0) {
            out.collect(
                    EventNormalizer.rejected(
                            RejectReason.MALFORMED, "empty payload", ref, bytes, null, null));
            return;
        }
        SpecificRecord decoded;
        try {
            decoded = decode(bytes);
        } catch (IOException | RuntimeException e) {
            out.collect(
                    EventNormalizer.rejected(
                            RejectReason.MALFORMED,
                            "not Avro of " + type.getSimpleName() + ": " + e,
                            ref,
                            bytes,
                            null,
                            null));
            return;
        }
        out.collect(normalizer.toIngest(decoded, ref, bytes, System.currentTimeMillis()));
    }

    @SuppressWarnings("unchecked")
    private SpecificRecord decode(byte[] bytes) throws IOException {
        if (reader == null) {
            reader = new SpecificDatumReader<>((Class<SpecificRecord>) type);
        }
        AvroBounds.check(reader.getSchema(), bytes, 0); // nothing allocated for a corrupt length
        decoder = DecoderFactory.get().binaryDecoder(bytes, decoder);
        return reader.read(null, decoder);
    }

    @Override
    public TypeInformation<IngestRecord> getProducedType() {
        return new AvroTypeInfo<>(IngestRecord.class);
    }
}
