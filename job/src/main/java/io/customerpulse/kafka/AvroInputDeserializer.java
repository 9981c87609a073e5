package io.customerpulse.kafka;

import io.customerpulse.avro.AdEvent;
import io.customerpulse.avro.ErasureRequest;
import io.customerpulse.avro.IngestRecord;
import io.customerpulse.avro.Interaction;
import io.customerpulse.avro.OrderPlaced;
import io.customerpulse.avro.OrderReturned;
import io.customerpulse.avro.OrderShipment;
import io.customerpulse.ingest.EventNormalizer;
import io.customerpulse.ingest.RejectReason;
import io.customerpulse.ingest.SourceRef;
import java.io.IOException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Decodes a record of an input topic ({@link AvroBytes}: single-object encoding with any released
 * version of the topic's schema, or one in {@code kafka.schema-directory}, resolved against the
 * current one in {@code avro/input/}; or plain binary of the current one) and validates it. A
 * writer schema in no store is rejected as UNKNOWN_SCHEMA; whatever else does not decode — empty,
 * truncated, another schema's bytes, trailing bytes, a length prefix longer than the message
 * ({@link AvroBounds}) — is MALFORMED; a record that breaks a rule gets that rule's reason. Each
 * rejection carries topic, partition, offset and the bytes.
 */
public final class AvroInputDeserializer implements KafkaRecordDeserializationSchema<IngestRecord> {
    private final Class<? extends SpecificRecord> type;
    private final EventNormalizer normalizer;
    private final String schemaDirectory;

    private transient AvroBytes.Reader<? extends SpecificRecord> reader;

    /**
     * @param schemaDirectory further writer schemas ({@code kafka.schema-directory}), blank for
     *     none
     */
    public AvroInputDeserializer(
            Class<? extends SpecificRecord> type,
            EventNormalizer normalizer,
            String schemaDirectory) {
        this.type = type;
        this.normalizer = normalizer;
        this.schemaDirectory = schemaDirectory;
    }

    /** The record type of an input topic. */
    public static Class<? extends SpecificRecord> typeOf(String input) {
        return switch (input) {
            case KafkaSettings.ORDERS -> OrderPlaced.class;
            case KafkaSettings.RETURNS -> OrderReturned.class;
            case KafkaSettings.AD_EVENTS -> AdEvent.class;
            case KafkaSettings.INTERACTIONS -> Interaction.class;
            case KafkaSettings.SHIPMENTS -> OrderShipment.class;
            case KafkaSettings.ERASURES -> ErasureRequest.class;
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
        } catch (AvroBytes.UnknownSchemaException e) {
            out.collect(
                    EventNormalizer.rejected(
                            RejectReason.UNKNOWN_SCHEMA, e.getMessage(), ref, bytes, null, null));
            return;
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

    private SpecificRecord decode(byte[] bytes) throws IOException {
        if (reader == null) {
            reader = new AvroBytes.Reader<>(type, ReleasedSchemas.with(schemaDirectory));
        }
        return reader.read(bytes);
    }

    @Override
    public TypeInformation<IngestRecord> getProducedType() {
        return new AvroTypeInfo<>(IngestRecord.class);
    }
}
