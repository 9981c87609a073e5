package io.customerpulse.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

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
}
