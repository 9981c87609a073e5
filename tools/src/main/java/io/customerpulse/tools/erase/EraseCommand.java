package io.customerpulse.tools.erase;

import io.customerpulse.avro.ErasureRequest;
import io.customerpulse.config.Cli;
import io.customerpulse.config.JobConfig;
import io.customerpulse.config.JobParameterOptions;
import io.customerpulse.kafka.AvroBytes;
import io.customerpulse.kafka.KafkaSettings;
import io.customerpulse.kafka.Topics;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code scripts/erase}: publishes an ErasureRequest for one customer to the customer-erasure topic
 * (DESIGN section 13; docs/operations.md, "Erasing a customer"). The running job applies it when
 * event time passes its time: state, timers and rows of the customer up to it are forgotten, and a
 * tombstone goes to customer-profiles.
 */
@Command(
        name = "erase",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Asks the job to forget a customer: publishes an ErasureRequest to the customer-erasure"
                    + " topic. Kafka is the job's (kafka.* parameters: --config FILE, --set"
                    + " kafka.bootstrap-servers=HOST:PORT, ...)."
        })
public final class EraseCommand implements Callable<Integer> {
    @Option(
            names = "--customer",
            required = true,
            paramLabel = "ID",
            description = "the customer_id to forget")
    String customer;

    @Option(
            names = "--at",
            paramLabel = "ISO-8601",
            description =
                    "erase the customer's history up to this instant (default: now); their later"
                            + " events start a new history")
    String at;

    @Option(
            names = "--request-id",
            paramLabel = "ID",
            description = "the request's id, for the audit trail (default: erase-CUSTOMER-MILLIS)")
    String requestId;

    @Mixin JobParameterOptions parameters = new JobParameterOptions();

    public static void main(String[] args) {
        Cli.exit(new EraseCommand(), args);
    }

    @Override
    public Integer call() throws Exception {
        if (customer.isBlank()) {
            throw new Cli.UsageError("--customer must not be empty");
        }
        Instant time;
        try {
            time = at == null ? Instant.now() : Instant.parse(at);
        } catch (DateTimeParseException e) {
            throw new Cli.UsageError("--at: '" + at + "' is not an ISO-8601 instant");
        }
        String id = requestId != null ? requestId : "erase-" + customer + "-" + time.toEpochMilli();
        KafkaSettings kafka = JobConfig.parse(parameters.settings()).kafka();
        ErasureRequest request = new ErasureRequest(id, customer, time);
        Properties props = kafka.clientProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        String topic = kafka.topic(KafkaSettings.ERASURES);
        // as the brokers' defaults say (partitions, replication), like scripts/fit-clv's topic
        Topics.createMissing(
                kafka,
                List.of(
                        new NewTopic(
                                topic, java.util.Optional.empty(), java.util.Optional.empty())));
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            RecordMetadata written =
                    producer.send(new ProducerRecord<>(topic, customer, AvroBytes.encode(request)))
                            .get();
            System.out.printf(
                    "erasure %s of customer %s up to %s published to %s (partition %d, offset %d)%n",
                    id, customer, time, topic, written.partition(), written.offset());
        }
        return 0;
    }
}
