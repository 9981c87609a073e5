package io.customerpulse.tools.e2e;

import static io.customerpulse.tools.e2e.LiveStack.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.avro.OrderPlaced;
import io.customerpulse.avro.RejectedEvent;
import io.customerpulse.config.JobConfig;
import io.customerpulse.ingest.JsonEventDecoder;
import io.customerpulse.kafka.AvroBytes;
import io.customerpulse.kafka.KafkaSettings;
import io.customerpulse.kafka.ReleasedSchemas;
import io.customerpulse.kafka.Topics;
import io.customerpulse.testing.EventJson;
import io.customerpulse.testkit.TopicReader;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Producers and consumers upgrade their schemas (issue 14, DESIGN section 2), against the live job
 * on a real broker: a producer still writing plain binary, one writing the released version, one on
 * a newer version whose schema is in {@code kafka.schema-directory}, and one on a version nobody
 * registered (a dead letter UNKNOWN_SCHEMA, counted by reason). And a consumer outside the project,
 * on the first released CustomerProfile schema, reads the job's current profiles.
 */
@Timeout(300)
@ExtendWith(LiveStack.class)
class SchemaEvolutionITCase {
    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .setConfiguration(METRICS.addToConfiguration(new Configuration()))
                            .build());

    @TempDir Path schemaDirectory;

    /** OrderPlaced with one more optional field: a producer's next version. */
    private static Schema newerOrderPlaced(String field) {
        return new Schema.Parser()
                .parse(
                        OrderPlaced.getClassSchema()
                                .toString()
                                .replace(
                                        "\"fields\":[",
                                        "\"fields\":[{\"name\":\""
                                                + field
                                                + "\",\"type\":[\"null\",\"string\"],"
                                                + "\"default\":null},"));
    }

    /** OrderPlaced without the fields that have defaults: a producer's earlier version. */
    private static final Schema OLDER_ORDER_PLACED =
            io.customerpulse.testing.EarlierSchemas.withoutDefaultedFields(
                    OrderPlaced.getClassSchema());

    /**
     * {@code order} as the earlier version writes it (no lines, fulfillment, prime), single-object.
     */
    private static byte[] writtenWithOlder(OrderPlaced order) throws Exception {
        GenericRecord r =
                new GenericDatumReader<GenericRecord>(
                                OrderPlaced.getClassSchema(), OLDER_ORDER_PLACED)
                        .read(
                                null,
                                DecoderFactory.get()
                                        .binaryDecoder(AvroBytes.encodePlain(order), null));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new BinaryMessageEncoder<GenericRecord>(GenericData.get(), OLDER_ORDER_PLACED)
                .encode(r, out);
        return out.toByteArray();
    }

    private static OrderPlaced order(String customer, String orderId, long total) throws Exception {
        return (OrderPlaced)
                JsonEventDecoder.toRecord(
                        readTree(
                                EventJson.order("e-" + orderId)
                                        .customer(customer)
                                        .at(
                                                Instant.now()
                                                        .truncatedTo(ChronoUnit.MILLIS)
                                                        .minus(Duration.ofHours(2)))
                                        .with("order_id", orderId)
                                        .amount("total_minor", total, "USD")
                                        .json()));
    }

    /** {@code order} as written with {@code writer} (its extra field set), single-object. */
    private static byte[] writtenWith(Schema writer, String field, OrderPlaced order)
            throws Exception {
        GenericRecord r =
                new GenericDatumReader<GenericRecord>(OrderPlaced.getClassSchema(), writer)
                        .read(
                                null,
                                DecoderFactory.get()
                                        .binaryDecoder(AvroBytes.encodePlain(order), null));
        r.put(field, "gift wrap, please");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new BinaryMessageEncoder<GenericRecord>(GenericData.get(), writer).encode(r, out);
        return out.toByteArray();
    }

    /**
     * A MESSAGE as a producer still on Interaction version 1 (released before order_id and
     * reply_to) writes it: single-object with version 1's fingerprint, or plain binary.
     */
    private static byte[] interactionVersion1(String customer, boolean singleObject)
            throws Exception {
        Schema v1;
        try (var in =
                SchemaEvolutionITCase.class
                        .getClassLoader()
                        .getResourceAsStream("schemas/input/Interaction/1.avsc")) {
            v1 = new Schema.Parser().parse(in);
        }
        GenericRecord r = new GenericData.Record(v1);
        r.put("event_id", "e-" + customer);
        r.put("customer_id", customer);
        r.put(
                "event_time",
                Instant.now()
                        .truncatedTo(ChronoUnit.MILLIS)
                        .minus(Duration.ofHours(2))
                        .toEpochMilli());
        r.put("marketplace", "US");
        r.put("interaction_type", "MESSAGE");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (singleObject) {
            new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(r, out);
        } else {
            var encoder = org.apache.avro.io.EncoderFactory.get().binaryEncoder(out, null);
            new org.apache.avro.generic.GenericDatumWriter<GenericRecord>(v1).write(r, encoder);
            encoder.flush();
        }
        return out.toByteArray();
    }

    @Test
    void shouldReadEveryProducerItKnowsAndBeReadByAConsumerOnAnOlderSchema() throws Exception {
        Schema registered = newerOrderPlaced("gift_message");
        Schema unregistered = newerOrderPlaced("coupon_code");
        Files.writeString(schemaDirectory.resolve("OrderPlaced-next.avsc"), registered.toString());
        Files.writeString(
                schemaDirectory.resolve("OrderPlaced-previous.avsc"),
                OLDER_ORDER_PLACED.toString());

        Map<String, String> settings = liveSettings("schemas.");
        settings.put("kafka.schema-directory", schemaDirectory.toString());
        settings.put("watermark.idleness", "1 s");
        settings.put("watermark.max-out-of-orderness", "1 s");
        JobConfig config = JobConfig.parse(settings);
        Topics.create(config.kafka(), 1, (short) 1);
        byte[] unknown = writtenWith(unregistered, "coupon_code", order("p-unknown", "U1", 400));
        produceRaw(
                config.kafka(),
                List.of(
                        new Object[] {
                            KafkaSettings.ORDERS, AvroBytes.encodePlain(order("p-plain", "P1", 100))
                        },
                        new Object[] {
                            KafkaSettings.ORDERS, AvroBytes.encode(order("p-released", "R1", 200))
                        },
                        new Object[] {
                            KafkaSettings.ORDERS,
                            writtenWith(registered, "gift_message", order("p-newer", "N1", 300))
                        },
                        new Object[] {
                            KafkaSettings.ORDERS, writtenWithOlder(order("p-older", "O1", 500))
                        },
                        new Object[] {KafkaSettings.ORDERS, unknown},
                        new Object[] {
                            KafkaSettings.INTERACTIONS, interactionVersion1("i-single-v1", true)
                        },
                        new Object[] {
                            KafkaSettings.INTERACTIONS, interactionVersion1("i-plain-v1", false)
                        }));

        JobClient job = startLive(config);
        try {
            String db = config.postgres().url();
            Map<String, String> gmv =
                    await(
                            "the six readable producers' profiles",
                            () -> {
                                Map<String, String> rows =
                                        query(
                                                db,
                                                "SELECT customer_id, gmv_minor FROM"
                                                        + " customer_profile",
                                                r -> r.getString(1),
                                                r -> r.getString(2));
                                return rows.size() >= 6 ? rows : null;
                            });
            assertThat(gmv)
                    .containsOnly(
                            Map.entry("p-plain", "100"),
                            Map.entry("p-released", "200"),
                            Map.entry("p-newer", "300"),
                            Map.entry("p-older", "500"),
                            Map.entry("i-single-v1", "0"),
                            Map.entry("i-plain-v1", "0"));

            RejectedEvent dead =
                    await(
                            "the unknown schema's dead letter",
                            () ->
                                    readCommitted(
                                                    config.kafka(),
                                                    config.kafka().topic(KafkaSettings.DEAD_LETTER),
                                                    RejectedEvent.class)
                                            .stream()
                                            .findFirst()
                                            .orElse(null));
            assertThat(dead.getReason()).isEqualTo("UNKNOWN_SCHEMA");
            assertThat(dead.getDetail())
                    .contains(String.format("%016x", ReleasedSchemas.fingerprint(unregistered)));
            assertThat(dead.getPayload().array()).isEqualTo(unknown);
            assertThat(await("the dead letter counted", () -> deadLetters(job, "UNKNOWN_SCHEMA")))
                    .isEqualTo(1);
            assertThat(deadLetters(job, "MALFORMED")).isZero();

            // a consumer outside the project: the released schema files and Avro, reading the
            // job's current profiles with the first CustomerProfile schema ever released
            Path store = Path.of("schemas");
            SchemaStore.Cache writers = new SchemaStore.Cache();
            for (String f : Files.readAllLines(store.resolve("index.txt"))) {
                writers.addSchema(new Schema.Parser().parse(store.resolve(f).toFile()));
            }
            Schema first =
                    new Schema.Parser()
                            .parse(store.resolve("output/CustomerProfile/1.avsc").toFile());
            assertThat(first.getField("predicted_clv_minor")).isNull(); // older than the job's
            BinaryMessageDecoder<GenericRecord> consumer =
                    new BinaryMessageDecoder<>(GenericData.get(), first, writers);
            // the profiles reach read_committed consumers with the checkpoint after the rows
            Map<String, String> seen =
                    await(
                            "the committed profiles, read on the old schema",
                            () -> {
                                Map<String, String> read = new HashMap<>();
                                for (byte[] value :
                                        TopicReader.values(
                                                config.kafka().clientProperties(),
                                                config.kafka().topic(KafkaSettings.PROFILES))) {
                                    GenericRecord p = consumer.decode(value);
                                    assertThat(p.getSchema().getFields())
                                            .hasSameSizeAs(first.getFields());
                                    read.put(
                                            p.get("customer_id").toString(),
                                            p.get("gmv_minor").toString());
                                }
                                return read.equals(gmv) ? read : null;
                            });
            assertThat(seen).isEqualTo(gmv);
        } finally {
            job.cancel().get();
        }
    }

    /**
     * The dead letters of {@code reason} counted by the job's metric (group variable {@code
     * reason}), summed over the inputs' routers; null while none is counted yet for UNKNOWN_SCHEMA.
     */
    private static Long deadLetters(JobClient job, String reason) {
        long sum = 0;
        int found = 0;
        for (var group : METRICS.getMetricsByGroup().entrySet()) {
            Map<String, String> variables = group.getKey().getAllVariables();
            if (job.getJobID().toString().equals(variables.get("<job_id>"))
                    && reason.equals(variables.get("<reason>"))
                    && group.getValue().get("count") instanceof Counter c) {
                sum += c.getCount();
                found++;
            }
        }
        return found == 0 || (sum == 0 && reason.equals("UNKNOWN_SCHEMA")) ? null : sum;
    }
}
