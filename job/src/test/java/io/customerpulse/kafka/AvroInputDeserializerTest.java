package io.customerpulse.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.customerpulse.avro.IngestRecord;
import io.customerpulse.avro.OrderLine;
import io.customerpulse.avro.OrderPlaced;
import io.customerpulse.avro.RejectedEvent;
import io.customerpulse.config.JobConfig;
import io.customerpulse.ingest.EventNormalizer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Input records that do not decode: rejected with a reason, never an error out of the source. */
class AvroInputDeserializerTest {
    private final AvroInputDeserializer orders =
            new AvroInputDeserializer(
                    OrderPlaced.class,
                    new EventNormalizer(JobConfig.parse(Map.of("mode", "replay"))),
                    "");

    private static OrderPlaced order(int lines) {
        List<OrderLine> items = new ArrayList<>();
        for (int i = 0; i < lines; i++) {
            items.add(new OrderLine("B00" + i, 1, 1_000L));
        }
        return OrderPlaced.newBuilder()
                .setEventId("e1")
                .setCustomerId("c1")
                .setEventTime(Instant.parse("2025-03-01T10:00:00Z"))
                .setMarketplace("US")
                .setOrderId("o1")
                .setLines(items)
                .setTotalMinor(1_000L * lines)
                .setCurrency("USD")
                .build();
    }

    private List<IngestRecord> deserialize(byte[] value) {
        return deserialize(orders, value);
    }

    private static List<IngestRecord> deserialize(AvroInputDeserializer orders, byte[] value) {
        List<IngestRecord> out = new ArrayList<>();
        orders.deserialize(
                new ConsumerRecord<>("orders", 0, 7L, null, value),
                new Collector<>() {
                    @Override
                    public void collect(IngestRecord r) {
                        out.add(r);
                    }

                    @Override
                    public void close() {}
                });
        return out;
    }

    /** The prefix of an encoded order up to its line count: the five fields before it. */
    private static int linesCountAt(byte[] encoded, int lines) {
        byte[] tail = AvroBytes.encode(order(lines)); // same fields: the count is where they differ
        int at = 0;
        while (encoded[at] == tail[at]) {
            at++;
        }
        return at;
    }

    private static byte[] zigzag(long n) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long v = (n << 1) ^ (n >> 63);
        while ((v & ~0x7fL) != 0) {
            out.write((int) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
        return out.toByteArray();
    }

    private static byte[] splice(byte[] bytes, int at, int dropped, byte[] inserted) {
        byte[] out = new byte[bytes.length - dropped + inserted.length];
        System.arraycopy(bytes, 0, out, 0, at);
        System.arraycopy(inserted, 0, out, at, inserted.length);
        System.arraycopy(
                bytes, at + dropped, out, at + inserted.length, bytes.length - at - dropped);
        return out;
    }

    @Test
    void shouldDecodeAValidOrderInSingleObjectEncodingAndInThePlainBinaryOfBefore() {
        byte[] single = AvroBytes.encode(order(2));
        assertThat(AvroBytes.isSingleObject(single)).isTrue();
        assertThat(AvroBytes.fingerprint(single))
                .isEqualTo(ReleasedSchemas.fingerprint(OrderPlaced.getClassSchema()));
        for (byte[] bytes : List.of(single, AvroBytes.encodePlain(order(2)))) {
            List<IngestRecord> out = deserialize(bytes);
            assertThat(out).hasSize(1);
            assertThat(out.get(0).getRejected()).isNull();
            assertThat(out.get(0).getEvent().getCustomerId()).isEqualTo("c1");
        }
    }

    /**
     * A producer that writes plain binary (no single-object header) with Interaction version 1,
     * released before version 2 added order_id and reply_to: still read, as version 2 with those
     * empty. (Only the current version's plain binary was read before: this was MALFORMED.)
     */
    @Test
    void shouldReadThePlainBinaryOfAnEarlierReleasedVersion() throws IOException {
        Schema v1;
        try (var in =
                getClass()
                        .getClassLoader()
                        .getResourceAsStream("schemas/input/Interaction/1.avsc")) {
            v1 = new Schema.Parser().parse(in);
        }
        assertThat(v1.getField("reply_to")).isNull();
        GenericRecord old = new org.apache.avro.generic.GenericData.Record(v1);
        old.put("event_id", "i1");
        old.put("customer_id", "c1");
        old.put("event_time", Instant.parse("2025-03-01T10:00:00Z").toEpochMilli());
        old.put("marketplace", "US");
        old.put("interaction_type", "FEEDBACK");
        old.put("rating", 4);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        var encoder = org.apache.avro.io.EncoderFactory.get().binaryEncoder(bytes, null);
        new org.apache.avro.generic.GenericDatumWriter<GenericRecord>(v1).write(old, encoder);
        encoder.flush();

        AvroInputDeserializer interactions =
                new AvroInputDeserializer(
                        io.customerpulse.avro.Interaction.class,
                        new EventNormalizer(JobConfig.parse(Map.of("mode", "replay"))),
                        "");
        List<IngestRecord> out = deserialize(interactions, bytes.toByteArray());
        assertThat(out).hasSize(1);
        assertThat(out.get(0).getRejected()).isNull();
        assertThat(out.get(0).getEvent().getRating()).isEqualTo(4);
        assertThat(out.get(0).getEvent().getOrderId()).isNull();
        assertThat(out.get(0).getEvent().getReplyTo()).isNull();
        // and bytes that fit no version are still refused
        byte[] cut = java.util.Arrays.copyOf(bytes.toByteArray(), bytes.size() - 1);
        assertThat(deserialize(interactions, cut).get(0).getRejected().getReason())
                .isEqualTo("MALFORMED");
    }

    /** OrderPlaced as a producer's next version might write it: one more optional field. */
    private static final Schema NEWER =
            new Schema.Parser()
                    .parse(
                            OrderPlaced.getClassSchema()
                                    .toString()
                                    .replace(
                                            "\"fields\":[",
                                            "\"fields\":[{\"name\":\"gift_message\",\"type\":"
                                                    + "[\"null\",\"string\"],\"default\":null},"));

    /** order(1) read into the newer schema (gift message default), with a gift message. */
    private static GenericRecord newerOrder() throws IOException {
        GenericRecord r =
                new org.apache.avro.generic.GenericDatumReader<GenericRecord>(
                                OrderPlaced.getClassSchema(), NEWER)
                        .read(
                                null,
                                org.apache.avro.io.DecoderFactory.get()
                                        .binaryDecoder(AvroBytes.encodePlain(order(1)), null));
        r.put("gift_message", "happy birthday");
        return r;
    }

    @Test
    void shouldResolveANewerWriterSchemaFromTheSchemaDirectoryAndRejectOneItDoesNotKnow(
            @TempDir Path dir) throws IOException {
        byte[] newer =
                new BinaryMessageEncoder<GenericRecord>(GenericData.get(), NEWER)
                        .encode(newerOrder())
                        .array();
        assertThat(AvroBytes.fingerprint(newer)).isEqualTo(ReleasedSchemas.fingerprint(NEWER));

        RejectedEvent unknown = deserialize(newer).get(0).getRejected();
        assertThat(unknown.getReason()).isEqualTo("UNKNOWN_SCHEMA");
        assertThat(unknown.getDetail())
                .contains(String.format("%016x", ReleasedSchemas.fingerprint(NEWER)));
        assertThat(unknown.getPayload().array()).isEqualTo(newer);

        AvroInputDeserializer withDirectory =
                withSchemaInDirectory(dir, "OrderPlaced-gift.avsc", NEWER);
        assertDecodedOrder(deserialize(withDirectory, newer), "o1", 1_000L);

        // plain binary names no schema: the newer record's extra field reads as trailing bytes
        java.io.ByteArrayOutputStream plain = new java.io.ByteArrayOutputStream();
        org.apache.avro.io.BinaryEncoder e =
                org.apache.avro.io.EncoderFactory.get().binaryEncoder(plain, null);
        new org.apache.avro.generic.GenericDatumWriter<GenericRecord>(NEWER).write(newerOrder(), e);
        e.flush();
        assertThat(deserialize(withDirectory, plain.toByteArray()).get(0).getRejected().getReason())
                .isEqualTo("MALFORMED");
    }

    /**
     * OrderPlaced as an older producer's version might have written it: without the fields that
     * have defaults (lines, fulfillment, is_prime), which the reader then fills in.
     */
    private static final Schema OLDER =
            io.customerpulse.testing.EarlierSchemas.withoutDefaultedFields(
                    OrderPlaced.getClassSchema());

    @Test
    void shouldFillInTheDefaultsOfFieldsAnOlderWriterSchemaDidNotHave(@TempDir Path dir)
            throws IOException {
        assertThat(OLDER.getFields()).extracting(Schema.Field::name).doesNotContain("is_prime");
        GenericRecord old = new GenericData.Record(OLDER);
        old.put("event_id", "e-old");
        old.put("customer_id", "c1");
        old.put("event_time", Instant.parse("2025-03-01T10:00:00Z").toEpochMilli());
        old.put("marketplace", "US");
        old.put("order_id", "o-old");
        old.put("total_minor", 4_200L);
        old.put("currency", "USD");
        byte[] bytes =
                new BinaryMessageEncoder<GenericRecord>(GenericData.get(), OLDER)
                        .encode(old)
                        .array();
        assertThat(deserialize(bytes).get(0).getRejected().getReason())
                .isEqualTo("UNKNOWN_SCHEMA"); // not released, not in a directory

        AvroInputDeserializer withDirectory =
                withSchemaInDirectory(dir, "OrderPlaced-old.avsc", OLDER);
        assertDecodedOrder(deserialize(withDirectory, bytes), "o-old", 4_200L);
    }

    private static void assertDecodedOrder(List<IngestRecord> out, String orderId, long amount) {
        assertThat(out.get(0).getRejected()).isNull();
        assertThat(out.get(0).getEvent().getOrderId()).isEqualTo(orderId);
        assertThat(out.get(0).getEvent().getAmountMinor()).isEqualTo(amount);
    }

    /** A deserializer of orders with {@code schema} in its schema directory {@code dir}. */
    private static AvroInputDeserializer withSchemaInDirectory(Path dir, String file, Schema schema)
            throws IOException {
        Files.writeString(dir.resolve(file), schema.toString());
        return new AvroInputDeserializer(
                OrderPlaced.class,
                new EventNormalizer(JobConfig.parse(Map.of("mode", "replay"))),
                dir.toString());
    }

    @Test
    void shouldDeadLetterACorruptItemCountWithoutAllocatingForIt() {
        byte[] valid = AvroBytes.encode(order(1));
        int at = linesCountAt(valid, 2);
        assertThat(valid[at]).isEqualTo(zigzag(1)[0]);
        // 600 million lines in a message of 80 bytes: Avro would allocate an array of 2.4 GB
        byte[] corrupt = splice(valid, at, 1, zigzag(600_000_000L));

        List<IngestRecord> out = deserialize(corrupt);

        assertThat(out).hasSize(1);
        RejectedEvent r = out.get(0).getRejected();
        assertThat(r.getReason()).isEqualTo("MALFORMED");
        assertThat(r.getDetail()).contains("array of 600000000 items");
        assertThat(r.getOffset()).isEqualTo(7L);
        assertThat(r.getPayload().array()).isEqualTo(corrupt);
    }

    @Test
    void shouldDeadLetterACorruptStringLength() {
        byte[] valid = AvroBytes.encodePlain(order(1));
        // the event id is the first field: its length prefix is byte 0 ("e1": 2 bytes)
        assertThat(valid[0]).isEqualTo(zigzag(2)[0]);
        byte[] corrupt = splice(valid, 0, 1, zigzag(1_900_000_000L));

        RejectedEvent r = deserialize(corrupt).get(0).getRejected();

        assertThat(r.getReason()).isEqualTo("MALFORMED");
        assertThat(r.getDetail()).contains("string of 1900000000 bytes");
    }

    @Test
    void shouldRefuseTrailingBytesAndShortMessages() throws IOException {
        byte[] valid = AvroBytes.encodePlain(order(1));
        assertThatCode(() -> AvroBounds.check(OrderPlaced.getClassSchema(), valid, 0))
                .doesNotThrowAnyException();
        byte[] longer = Arrays.copyOf(valid, valid.length + 1);
        assertThatThrownBy(() -> AvroBounds.check(OrderPlaced.getClassSchema(), longer, 0))
                .hasMessageContaining("trailing bytes");
        byte[] shorter = Arrays.copyOf(valid, valid.length - 1);
        assertThatThrownBy(() -> AvroBounds.check(OrderPlaced.getClassSchema(), shorter, 0))
                .hasMessageContaining("message ends");
        assertThat(deserialize(longer).get(0).getRejected().getDetail()).contains("trailing bytes");
        byte[] single = AvroBytes.encode(order(1));
        byte[] singleLonger = Arrays.copyOf(single, single.length + 1);
        assertThat(deserialize(singleLonger).get(0).getRejected().getDetail())
                .contains("trailing bytes");
    }

    @Test
    void shouldAcceptEveryRecordAvroWrites() throws IOException {
        for (int lines : new int[] {0, 1, 100}) {
            AvroBounds.check(OrderPlaced.getClassSchema(), AvroBytes.encodePlain(order(lines)), 0);
            AvroBounds.check(
                    OrderPlaced.getClassSchema(), AvroBytes.encode(order(lines)), AvroBytes.HEADER);
        }
    }
}
