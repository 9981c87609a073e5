package io.customerpulse.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import io.customerpulse.ingest.JsonEventDecoder;
import io.customerpulse.ingest.Rejection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Avro binary encoding of a record, as the input topics carry it (for producers and tests). */
public final class AvroBytes {
    private AvroBytes() {}

    public static byte[] encode(SpecificRecord record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        try {
            new SpecificDatumWriter<SpecificRecord>(record.getSchema()).write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Decodes one record of {@code type}; bytes left over or out of bounds are an error. */
    public static <T extends SpecificRecord> T decode(Class<T> type, byte[] bytes)
            throws IOException {
        SpecificDatumReader<T> reader = new SpecificDatumReader<>(type);
        AvroBounds.check(reader.getSchema(), bytes, 0);
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, null);
        return reader.read(null, decoder);
    }

    /** The input topic of a replay-format type: order, return, ad, interaction. */
    public static String topicOf(String type) {
        return switch (type) {
            case "order" -> KafkaSettings.ORDERS;
            case "return" -> KafkaSettings.RETURNS;
            case "ad" -> KafkaSettings.AD_EVENTS;
            case "interaction" -> KafkaSettings.INTERACTIONS;
            default -> throw new IllegalArgumentException("no topic for type " + type);
        };
    }

    /** The key of an input record: the customer, or the event id when there is none. */
    public static String keyOf(JsonNode event) {
        return event.path("customer_id").isTextual()
                ? event.get("customer_id").asText()
                : event.get("event_id").asText();
    }

    /**
     * A replay-format event (one JSON line) as producers send it: Avro on its input topic, keyed by
     * {@link #keyOf}; {@code partition} and {@code timestamp} may be null (the producer decides).
     */
    public static ProducerRecord<String, byte[]> inputRecord(
            KafkaSettings kafka, JsonNode event, Integer partition, Long timestamp)
            throws Rejection {
        return new ProducerRecord<>(
                kafka.topic(topicOf(event.get("type").asText())),
                partition,
                timestamp,
                keyOf(event),
                encode(JsonEventDecoder.toRecord(event)));
    }
}
