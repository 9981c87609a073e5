package io.customerpulse.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import io.customerpulse.ingest.JsonEventDecoder;
import io.customerpulse.ingest.Rejection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The wire format of every topic (DESIGN section 2): Avro single-object encoding — the marker
 * {@code C3 01}, the writer schema's 64-bit fingerprint (little-endian), then the record in Avro
 * binary — so a reader finds the writer's schema in {@link ReleasedSchemas} and resolves it against
 * its own. Plain Avro binary (what producers wrote before) of the current version, or of an earlier
 * released one, is still read.
 */
public final class AvroBytes {
    /** The single-object header: marker and fingerprint. */
    public static final int HEADER = 10;

    private static final Map<Schema, BinaryMessageEncoder<SpecificRecord>> ENCODERS =
            new ConcurrentHashMap<>();

    private AvroBytes() {}

    /** The record in single-object encoding, as the job writes its outputs. */
    public static byte[] encode(SpecificRecord record) {
        BinaryMessageEncoder<SpecificRecord> encoder =
                ENCODERS.computeIfAbsent(
                        record.getSchema(),
                        s -> new BinaryMessageEncoder<>(SpecificData.getForSchema(s), s));
        try {
            ByteBuffer b = encoder.encode(record);
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The record in plain Avro binary, with no header (what producers wrote before). */
    public static byte[] encodePlain(SpecificRecord record) {
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

    /** Whether {@code bytes} start with the single-object header. */
    public static boolean isSingleObject(byte[] bytes) {
        return bytes.length >= HEADER && bytes[0] == (byte) 0xC3 && bytes[1] == 0x01;
    }

    /** The writer schema's fingerprint of a single-object record. */
    public static long fingerprint(byte[] bytes) {
        long v = 0;
        for (int i = HEADER - 1; i >= 2; i--) {
            v = (v << 8) | (bytes[i] & 0xFF);
        }
        return v;
    }

    /** Decodes one record of {@code type} in either form (released schemas only). */
    public static <T extends SpecificRecord> T decode(Class<T> type, byte[] bytes)
            throws IOException {
        return new Reader<>(type, ReleasedSchemas.released()).read(bytes);
    }

    /** A record's writer schema is in no store: it cannot be read. */
    public static final class UnknownSchemaException extends IOException {
        private final long fingerprint;

        UnknownSchemaException(long fingerprint) {
            super(
                    String.format(
                            "writer schema with fingerprint %016x is neither a released schema of"
                                    + " customer-pulse nor in kafka.schema-directory",
                            fingerprint));
            this.fingerprint = fingerprint;
        }

        public long fingerprint() {
            return fingerprint;
        }
    }

    /**
     * Reads records of one type in either form: a single-object record with the writer schema its
     * fingerprint names (resolved against the type's, Avro schema resolution), plain binary with
     * the type's own. Bytes left over or a length beyond the message are an error ({@link
     * AvroBounds}, checked against the writer schema before Avro allocates). Not thread-safe.
     */
    public static final class Reader<T extends SpecificRecord> {
        private final Schema schema;
        private final ReleasedSchemas store;
        private final BinaryMessageDecoder<T> messages;
        private final SpecificDatumReader<T> plain;
        private final SpecificData model;
        private final Map<Schema, SpecificDatumReader<T>> earlier = new HashMap<>();
        private BinaryDecoder decoder;

        public Reader(Class<T> type, ReleasedSchemas store) {
            this.model = SpecificData.getForClass(type);
            this.schema = model.getSchema(type);
            this.store = store;
            this.messages = new BinaryMessageDecoder<>(model, schema, store);
            this.plain = new SpecificDatumReader<>(type);
        }

        /** The type's (reader) schema. */
        public Schema schema() {
            return schema;
        }

        public T read(byte[] bytes) throws IOException {
            if (isSingleObject(bytes)) {
                long fingerprint = fingerprint(bytes);
                Schema writer = store.findByFingerprint(fingerprint);
                if (writer == null) {
                    throw new UnknownSchemaException(fingerprint);
                }
                AvroBounds.check(writer, bytes, HEADER);
                return messages.decode(bytes);
            }
            try {
                AvroBounds.check(schema, bytes, 0);
            } catch (IOException notCurrent) {
                return readEarlier(bytes, notCurrent);
            }
            decoder = DecoderFactory.get().binaryDecoder(bytes, decoder);
            return plain.read(null, decoder);
        }

        /**
         * Plain binary that is not the current version: the first earlier released version (newest
         * first) whose shape the bytes fit exactly, resolved against the current one — a producer
         * that never adopted single-object encoding keeps working after the schema gains a field.
         */
        private T readEarlier(byte[] bytes, IOException notCurrent) throws IOException {
            for (Schema writer : store.earlierVersions(schema.getFullName())) {
                try {
                    AvroBounds.check(writer, bytes, 0);
                } catch (IOException notThisOne) {
                    continue;
                }
                SpecificDatumReader<T> reader =
                        earlier.computeIfAbsent(
                                writer, w -> new SpecificDatumReader<>(w, schema, model));
                decoder = DecoderFactory.get().binaryDecoder(bytes, decoder);
                return reader.read(null, decoder);
            }
            throw notCurrent;
        }
    }

    /** The input topic of a replay-format type: order, return, ad, interaction, shipment. */
    public static String topicOf(String type) {
        return switch (type) {
            case "order" -> KafkaSettings.ORDERS;
            case "return" -> KafkaSettings.RETURNS;
            case "ad" -> KafkaSettings.AD_EVENTS;
            case "interaction" -> KafkaSettings.INTERACTIONS;
            case "shipment" -> KafkaSettings.SHIPMENTS;
            case "erasure" -> KafkaSettings.ERASURES;
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
