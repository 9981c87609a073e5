package io.customerpulse.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.customerpulse.CustomerPulseJob;
import io.customerpulse.avro.CustomerProfile;
import io.customerpulse.config.JobConfig;
import io.customerpulse.generator.TrafficGenerator;
import io.customerpulse.json.AvroJson;
import io.customerpulse.kafka.AvroBytes;
import io.customerpulse.kafka.KafkaSettings;
import io.customerpulse.kafka.Topics;
import io.customerpulse.local.EmbeddedKafka;
import io.customerpulse.local.LocalPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.TimeUtils;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * {@code scripts/bench e2e}: the whole job in live mode on an embedded Flink, between a real Kafka
 * broker and a real PostgreSQL. Phase 1 measures the sustained rate: a backlog of generated events
 * is drained, timed from the first to the last profile on the output topic. Phase 2 feeds events
 * stamped with the wall clock at {@code --load} (70 %) of that rate and measures, for every
 * profile, the time from the event's append to Kafka to its arrival at a read_uncommitted and a
 * read_committed consumer, and to its row in PostgreSQL ({@code written_at − updated_at}).
 */
public final class EndToEndBenchmark {
    private EndToEndBenchmark() {}

    static void run(Map<String, String> o, Path dir) throws Exception {
        long backlog = Long.parseLong(o.getOrDefault("--backlog", "150000"));
        int seconds = Integer.parseInt(o.getOrDefault("--seconds", "60"));
        double load = Double.parseDouble(o.getOrDefault("--load", "0.7"));
        Duration bound = Duration.ofMillis(500);
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                LocalPostgres postgres = LocalPostgres.start(dir.resolve("postgres"))) {
            Map<String, String> settings = new HashMap<>();
            settings.put("mode", "live");
            settings.put("kafka.bootstrap-servers", kafka.bootstrapServers());
            settings.put("kafka.starting-offsets", "earliest");
            settings.put("postgres.url", postgres.database("customer_pulse"));
            settings.put("postgres.user", "postgres");
            settings.put("job.parallelism", "1");
            settings.put("watermark.max-out-of-orderness", bound.toMillis() + " ms");
            settings.put("watermark.idleness", "1 s");
            settings.put("watermark.wall-clock-max-delay", "1 s");
            JobConfig config = JobConfig.parse(settings);
            Topics.create(config.kafka(), 2, (short) 1);

            Configuration flink =
                    GlobalConfiguration.loadConfiguration(
                            System.getProperty("customerpulse.flink-conf", "flink-conf"));
            flink.setString(
                    "execution.checkpointing.dir",
                    dir.resolve("e2e-checkpoints").toAbsolutePath().toUri().toString());
            String interval = flink.getString("execution.checkpointing.interval", "10 s");
            System.out.printf(
                    "e2e: live mode, parallelism 1, RocksDB, checkpoints every %s, out-of-orderness"
                            + " bound %d ms, 2 partitions per topic%n",
                    interval, bound.toMillis());

            TrafficGenerator generator =
                    new TrafficGenerator(11, Instant.parse("2025-01-01T00:00:00Z"), 50);
            try (KafkaProducer<String, byte[]> producer = producer(config.kafka())) {
                // phase 1: a backlog, then the job
                // event times spread over the past (2 ms apart), so the watermark passes them
                // steadily while the backlog drains and profiles come out at the processing rate
                long last = 0;
                long origin = System.currentTimeMillis() - 2 * backlog;
                for (long i = 0; i < backlog; i++) {
                    last = send(producer, config.kafka(), generator, origin + 2 * i);
                }
                producer.flush();
                Consumer uncommitted = new Consumer(config.kafka(), "read_uncommitted");
                uncommitted.start();
                StreamExecutionEnvironment env =
                        StreamExecutionEnvironment.createLocalEnvironment(1, flink);
                CustomerPulseJob.buildLive(env, config);
                long submitted = System.currentTimeMillis();
                JobClient job = env.executeAsync("customer-pulse bench");
                try {
                    long lastEvent = last;
                    while (uncommitted.maxUpdatedAt.get() < lastEvent - bound.toMillis() - 100) {
                        Thread.sleep(200);
                    }
                    // from submission, job start-up included: a conservative sustained rate (the
                    // first profile can wait for the slowest split's watermark, so timing from it
                    // overstated the rate about threefold)
                    double drain = (uncommitted.lastArrival.get() - submitted) / 1e3;
                    double max = backlog / drain;
                    System.out.printf(
                            "  phase 1: %,d events drained in %.1f s (job submission to last"
                                    + " profile, start-up %.1f s of it) = %,.0f events/s sustained%n",
                            backlog,
                            drain,
                            (uncommitted.firstArrival.get() - submitted) / 1e3,
                            max);

                    // phase 2: wall-clock events at a fixed share of that rate
                    double rate = max * load;
                    Consumer committed = new Consumer(config.kafka(), "read_committed");
                    committed.start();
                    Thread.sleep(3_000);
                    long from = System.currentTimeMillis() + 1_000;
                    uncommitted.measureFrom(from);
                    committed.measureFrom(from);
                    long start = System.nanoTime();
                    long sent = 0;
                    while (System.nanoTime() - start < seconds * 1_000_000_000L) {
                        long due = (long) ((System.nanoTime() - start) / 1e9 * rate);
                        while (sent < due) {
                            send(producer, config.kafka(), generator, System.currentTimeMillis());
                            sent++;
                        }
                        Thread.sleep(1);
                    }
                    long end = System.currentTimeMillis();
                    producer.flush();
                    Thread.sleep(
                            bound.toMillis()
                                    + 2 * TimeUtils.parseDuration(interval).toMillis()
                                    + 5_000); // the last checkpoint commits
                    uncommitted.measureUntil(end);
                    committed.measureUntil(end);
                    System.out.printf(
                            "  phase 2: %,d events in %d s = %,.0f events/s (%.0f %% of the"
                                    + " sustained rate)%n",
                            sent, seconds, sent / (double) seconds, load * 100);
                    report("Kafka append → profile, read_uncommitted", uncommitted.latencies());
                    report("Kafka append → profile, read_committed", committed.latencies());
                    report(
                            "Kafka append → customer_profile row",
                            postgresLatencies(config.postgres().url(), from, end));
                    System.out.printf(
                            "  the out-of-orderness bound (%d ms) and the watermark interval are"
                                    + " part of every figure; read_committed adds up to one"
                                    + " checkpoint interval (%s)%n",
                            bound.toMillis(), interval);
                } finally {
                    uncommitted.stop.set(true);
                    job.cancel().get();
                }
            }
        }
    }

    /** Sends the generator's next event, stamped with {@code now}; returns its time. */
    private static long send(
            KafkaProducer<String, byte[]> producer,
            KafkaSettings kafka,
            TrafficGenerator generator,
            long now)
            throws Exception {
        ObjectNode n = AvroJson.MAPPER.valueToTree(generator.next());
        n.put("event_time", Instant.ofEpochMilli(now).toString());
        producer.send(AvroBytes.inputRecord(kafka, n, null, now));
        return now;
    }

    private static KafkaProducer<String, byte[]> producer(KafkaSettings kafka) {
        Properties p = kafka.clientProperties();
        p.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
        p.put("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
        p.put("linger.ms", "5");
        return new KafkaProducer<>(p);
    }

    /** Reads customer-profiles and notes, per record, arrival wall time minus the event time. */
    private static final class Consumer extends Thread {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong maxUpdatedAt = new AtomicLong();
        final AtomicLong firstArrival = new AtomicLong();
        final AtomicLong lastArrival = new AtomicLong();
        private final ConcurrentLinkedQueue<long[]> samples = new ConcurrentLinkedQueue<>();
        private final KafkaConsumer<byte[], byte[]> consumer;
        private volatile long from = Long.MAX_VALUE;
        private volatile long until = Long.MAX_VALUE;

        Consumer(KafkaSettings kafka, String isolation) {
            super("consumer-" + isolation);
            setDaemon(true);
            Properties p = kafka.clientProperties();
            p.put("group.id", "bench-" + isolation);
            p.put("isolation.level", isolation);
            p.put("auto.offset.reset", "earliest");
            p.put(
                    "key.deserializer",
                    "org.apache.kafka.common.serialization.ByteArrayDeserializer");
            p.put(
                    "value.deserializer",
                    "org.apache.kafka.common.serialization.ByteArrayDeserializer");
            consumer = new KafkaConsumer<>(p);
            consumer.subscribe(List.of(kafka.topic(KafkaSettings.PROFILES)));
        }

        void measureFrom(long millis) {
            from = millis;
        }

        void measureUntil(long millis) {
            until = millis;
            stop.set(true);
        }

        List<Long> latencies() throws InterruptedException {
            join(10_000);
            List<Long> l = new ArrayList<>();
            for (long[] s : samples) {
                if (s[0] >= from && s[0] <= until) {
                    l.add(s[1] - s[0]);
                }
            }
            Collections.sort(l);
            return l;
        }

        @Override
        public void run() {
            SpecificDatumReader<CustomerProfile> reader =
                    new SpecificDatumReader<>(CustomerProfile.class);
            try (consumer) {
                while (!stop.get()) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(20))) {
                        long arrival = System.currentTimeMillis();
                        CustomerProfile p =
                                reader.read(
                                        null,
                                        org.apache.avro.io.DecoderFactory.get()
                                                .binaryDecoder(r.value(), null));
                        long at = p.getUpdatedAt().toEpochMilli();
                        firstArrival.compareAndSet(0, arrival);
                        lastArrival.set(arrival);
                        maxUpdatedAt.accumulateAndGet(at, Math::max);
                        if (at >= from) {
                            samples.add(new long[] {at, arrival});
                        }
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static List<Long> postgresLatencies(String jdbc, long from, long until)
            throws Exception {
        List<Long> l = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(jdbc);
                Statement s = c.createStatement();
                ResultSet r =
                        s.executeQuery(
                                "SELECT (extract(epoch from updated_at) * 1000)::bigint,"
                                        + " (extract(epoch from written_at) * 1000)::bigint"
                                        + " FROM customer_profile")) {
            while (r.next()) {
                long at = r.getLong(1);
                if (at >= from && at <= until) {
                    l.add(r.getLong(2) - at);
                }
            }
        }
        Collections.sort(l);
        return l;
    }

    private static void report(String what, List<Long> sorted) {
        if (sorted.isEmpty()) {
            System.out.printf("  %-45s no samples%n", what);
            return;
        }
        System.out.printf(
                "  %-45s p50 %5d ms  p99 %5d ms  max %5d ms  (%,d samples)%n",
                what,
                sorted.get(sorted.size() / 2),
                sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(0.99 * sorted.size()) - 1)),
                sorted.get(sorted.size() - 1),
                sorted.size());
    }
}
