package io.customerpulse.tools.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.customerpulse.CustomerPulseJob;
import io.customerpulse.avro.CustomerProfile;
import io.customerpulse.config.EmbeddedFlink;
import io.customerpulse.config.JobConfig;
import io.customerpulse.ingest.JsonEventDecoder;
import io.customerpulse.json.AvroJson;
import io.customerpulse.kafka.AvroBytes;
import io.customerpulse.kafka.KafkaSettings;
import io.customerpulse.kafka.ReleasedSchemas;
import io.customerpulse.kafka.Topics;
import io.customerpulse.testkit.EmbeddedKafka;
import io.customerpulse.testkit.FlinkRest;
import io.customerpulse.testkit.LocalPostgres;
import io.customerpulse.testkit.TrafficGenerator;
import java.io.ByteArrayOutputStream;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.TimeUtils;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * {@code scripts/bench e2e}: the whole job in live mode on an embedded Flink, between a real Kafka
 * broker and a real PostgreSQL. Phase 1 measures the sustained rate: a backlog of generated events
 * is drained, timed from the profiles of its first tenth to the last. Phase 2 feeds events, built
 * beforehand and stamped with the wall clock as they are sent, at {@code --load} (70 %) of that
 * rate, for {@code --warmup} seconds and then the measured {@code --seconds}, and measures, for
 * every profile, the time from the event's append to Kafka to its arrival at a read_uncommitted and
 * a read_committed consumer, and to its row in PostgreSQL ({@code written_at − updated_at}).
 */
public final class EndToEndBenchmark {
    private EndToEndBenchmark() {}

    /** {@code settings} with the job parameters of {@code --job key=value,...} over them. */
    private static Map<String, String> withJobOptions(Map<String, String> settings) {
        Map<String, String> all = new HashMap<>(settings);
        all.putAll(ProfileBenchmark.keyValues("bench.job"));
        return all;
    }

    static void run(Map<String, String> o, Path dir) throws Exception {
        long backlog = Long.parseLong(o.getOrDefault("--backlog", "1000000"));
        int seconds = Integer.parseInt(o.getOrDefault("--seconds", "60"));
        int warmup = Integer.parseInt(o.getOrDefault("--warmup", "30"));
        double load = Double.parseDouble(o.getOrDefault("--load", "0.7"));
        Duration bound = Duration.ofMillis(500);
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                LocalPostgres postgres = LocalPostgres.start(dir.resolve("postgres"))) {
            Map<String, String> settings = new HashMap<>();
            settings.put("mode", "live");
            settings.put("kafka.bootstrap-servers", kafka.bootstrapServers());
            settings.put("postgres.url", postgres.database("customer_pulse"));
            settings.put("postgres.user", "postgres");
            settings.put("job.parallelism", "1");
            settings.put("watermark.max-out-of-orderness", bound.toMillis() + " ms");
            // phase 1 drains a backlog whose event times lie up to 2 ms × backlog in the past: a
            // partition not yet read must not advance with the wall clock past them (they would
            // all be late, and skipped cheaply: an early version of this bench measured 180,000
            // events/s that way)
            settings.put("kafka.starting-offsets", "earliest");
            settings.put("kafka.group-id", "bench-drain");
            settings.put("watermark.idleness", "1 s");
            settings.put("watermark.wall-clock-max-delay", (2 * backlog + 3_600_000) + " ms");
            JobConfig drainConfig = JobConfig.parse(withJobOptions(settings));
            // phase 2, a new job from the latest offsets: a quiet partition must not hold time
            // back by more than the bound: it counts as idle after the bound and then advances
            // with the wall clock minus the bound (events are stamped with the wall clock here),
            // as an active one does (BENCHMARKS.md section 3)
            settings.put("kafka.starting-offsets", "latest");
            settings.put("kafka.group-id", "bench-live");
            settings.put("watermark.idleness", bound.toMillis() + " ms");
            settings.put("watermark.wall-clock-max-delay", bound.toMillis() + " ms");
            JobConfig config = JobConfig.parse(withJobOptions(settings));
            Topics.create(config.kafka(), 2, (short) 1);
            io.customerpulse.postgres.Migrations.migrate(config.postgres());
            if (o.containsKey("--no-dashboard-triggers")) { // what the V6 aggregates cost
                try (java.sql.Connection c =
                                java.sql.DriverManager.getConnection(config.postgres().url());
                        java.sql.Statement s = c.createStatement()) {
                    s.execute(
                            "ALTER TABLE customer_profile DISABLE TRIGGER"
                                    + " customer_profile_dashboard");
                    s.execute(
                            "ALTER TABLE segment_change DISABLE TRIGGER segment_change_dashboard");
                }
                System.out.println("e2e: the dashboard aggregates' triggers are off");
            }

            Configuration flink = EmbeddedFlink.configuration();
            flink.setString(
                    "execution.checkpointing.dir",
                    dir.resolve("e2e-checkpoints").toAbsolutePath().toUri().toString());
            ProfileBenchmark.keyValues("bench.flink").forEach(flink::setString); // --flink
            int port;
            try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            flink.setString("rest.port", String.valueOf(port));
            flink.setString("rest.bind-port", String.valueOf(port));
            // --watermarks: sample every task's watermark through the REST API (a diagnosis: the
            // metric fetcher's dumps cost CPU, so the headline figures are measured without it)
            boolean sampleWatermarks = o.containsKey("--watermarks");
            if (sampleWatermarks) {
                flink.setString("metrics.fetcher.update-interval", "50 ms");
            }
            String interval = flink.getString("execution.checkpointing.interval", "10 s");
            System.out.printf(
                    "e2e: live mode, parallelism 1, RocksDB, checkpoints every %s, out-of-orderness"
                            + " bound %d ms, 2 partitions per topic%n",
                    interval, bound.toMillis());

            TrafficGenerator generator =
                    new TrafficGenerator(11, Instant.parse("2025-01-01T00:00:00Z"), 50);
            Encoder encoder = new Encoder();
            try (KafkaProducer<String, byte[]> producer = producer(config.kafka())) {
                // phase 1, the sustained rate. Event times 2 ms apart in the past, so the watermark
                // passes them steadily and profiles come out at the processing rate. "fed"
                // (default): the job runs while the producer sends, never more than a second of
                // input ahead of what the job has read, so the machine carries the broker's
                // produce path and the producer as in phase 2; "drain": the backlog is produced
                // first and then drained by the job alone (the figure of earlier sessions, which
                // phase 2's extra work then pushed to a full machine: BENCHMARKS.md section 3)
                boolean fed = !"drain".equals(o.getOrDefault("--sustained", "fed"));
                // --rate: phase 2 at this many events per second, phase 1 skipped (to compare
                // builds or settings at one load)
                double fixedRate = Double.parseDouble(o.getOrDefault("--rate", "0"));
                double max;
                if (fixedRate > 0) {
                    max = fixedRate / load;
                } else {
                    long origin = System.currentTimeMillis() - 2 * backlog;
                    List<Prepared> backlogEvents = new ArrayList<>();
                    for (long i = 0; i < backlog; i++) {
                        backlogEvents.add(Prepared.of(config.kafka(), generator.next()));
                    }
                    if (!fed) {
                        for (long i = 0; i < backlog; i++) {
                            send(producer, encoder, backlogEvents.get((int) i), origin + 2 * i);
                        }
                        producer.flush();
                    }
                    Consumer drained = new Consumer(config.kafka(), "read_uncommitted", "drain");
                    // timed from the profiles of the backlog's first tenth: job start-up and the
                    // first fetch of every partition are not part of the rate
                    drained.timeDrainFrom(origin + 2 * (backlog / 10));
                    drained.start();
                    long submitted = System.currentTimeMillis();
                    JobClient drain = submit(flink, drainConfig);
                    try {
                        if (fed) {
                            // how far the job has read: the event time of the latest profile (it
                            // trails what the job has read by the bound, 250 events)
                            long ahead = 50_000; // about a second of input at this machine's rate
                            for (long i = 0; i < backlog; i++) {
                                while (i - Math.max(0, drained.maxUpdatedAt.get() - origin) / 2
                                        > ahead) {
                                    Thread.sleep(1);
                                }
                                send(producer, encoder, backlogEvents.get((int) i), origin + 2 * i);
                                backlogEvents.set((int) i, null);
                            }
                            producer.flush();
                        }
                        // drained: no new profile for 3 s. The last events of the backlog stay
                        // (those within the bound of the input with the oldest last event: a few
                        // thousandths of it)
                        while (drained.lastArrival.get() == 0
                                || System.currentTimeMillis() - drained.lastArrival.get() < 3_000) {
                            Thread.sleep(200);
                        }
                        double seconds1 =
                                (drained.lastArrival.get() - drained.drainStart.get()) / 1e3;
                        max = 0.9 * backlog / seconds1;
                        System.out.printf(
                                "  phase 1 (%s): %,d events, the last 90 %% processed in %.1f s (first"
                                        + " profile %.1f s after submission) = %,.0f events/s"
                                        + " sustained%n",
                                fed ? "fed while the job runs" : "a backlog drained",
                                backlog,
                                seconds1,
                                (drained.firstArrival.get() - submitted) / 1e3,
                                max);
                    } finally {
                        drained.stop.set(true);
                        stop(drain);
                    }
                }

                // phase 2: wall-clock events at a fixed share of that rate
                double rate = max * load;
                // built before they are sent, so that the producer costs the machine (two
                // cores, shared with the job and the broker) little more than the send: the
                // generator and its JSON cost about 9 µs per event
                List<Prepared> events = new ArrayList<>();
                for (long i = 0; i < (long) (rate * (warmup + seconds)) + 1_000; i++) {
                    events.add(Prepared.of(config.kafka(), generator.next()));
                }
                Consumer uncommitted = new Consumer(config.kafka(), "read_uncommitted", "live");
                Consumer committed = new Consumer(config.kafka(), "read_committed", "live");
                uncommitted.start();
                committed.start();
                JobClient job = submit(flink, config);
                WatermarkLag lag =
                        new WatermarkLag("http://localhost:" + port + "/jobs/" + job.getJobID());
                try {
                    long start = System.nanoTime();
                    // the load runs --warmup seconds before it is measured: the job reads from
                    // the latest offsets and runs its live paths through the JIT
                    long from = System.currentTimeMillis() + warmup * 1_000L;
                    uncommitted.measureFrom(from);
                    committed.measureFrom(from);
                    lag.measureFrom(from);
                    if (sampleWatermarks) {
                        lag.start();
                    }
                    long sent = 0;
                    long measuredFrom = 0;
                    while (System.nanoTime() - start < (warmup + seconds) * 1_000_000_000L) {
                        if (measuredFrom == 0 && System.currentTimeMillis() >= from) {
                            measuredFrom = sent;
                        }
                        long due = (long) ((System.nanoTime() - start) / 1e9 * rate);
                        while (sent < due) {
                            send(
                                    producer,
                                    encoder,
                                    events.get((int) sent),
                                    System.currentTimeMillis());
                            events.set((int) sent, null);
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
                            "  phase 2: %,d events in %d s measured after %d s of warm-up ="
                                    + " %,.0f events/s (%.0f %% of the sustained rate)%n",
                            sent - measuredFrom,
                            seconds,
                            warmup,
                            (sent - measuredFrom) / ((end - from) / 1e3),
                            load * 100);
                    report("Kafka append → profile, read_uncommitted", uncommitted.latencies());
                    uncommitted.save(dir.resolve("e2e-read-uncommitted.csv"));
                    report("Kafka append → profile, read_committed", committed.latencies());
                    report(
                            "Kafka append → customer_profile row",
                            postgresLatencies(config.postgres().url(), from, end));
                    checkpoints("http://localhost:" + port + "/jobs/" + job.getJobID(), from);
                    lag.stop.set(true);
                    if (sampleWatermarks) {
                        lag.printLags();
                    }
                    System.out.printf(
                            "  the out-of-orderness bound (%d ms) and the watermark interval are"
                                    + " part of every figure; read_committed adds up to one"
                                    + " checkpoint interval (%s)%n",
                            bound.toMillis(), interval);
                } finally {
                    uncommitted.stop.set(true);
                    committed.stop.set(true);
                    stop(job);
                }
            }
        }
    }

    /**
     * Prints, per task, the checkpoints' phases (REST per-subtask details) of those triggered after
     * {@code from}: how long each holds the task up.
     */
    private static void checkpoints(String job, long from) throws Exception {
        Map<String, List<long[]>> phases = new java.util.TreeMap<>();
        int n = 0;
        for (com.fasterxml.jackson.databind.JsonNode c :
                get(job + "/checkpoints").path("history")) {
            if (!"COMPLETED".equals(c.path("status").asText())
                    || c.path("trigger_timestamp").asLong() < from) {
                continue;
            }
            n++;
            com.fasterxml.jackson.databind.JsonNode d =
                    get(job + "/checkpoints/details/" + c.path("id").asText());
            for (com.fasterxml.jackson.databind.JsonNode v : get(job).path("vertices")) {
                String id = v.path("id").asText();
                com.fasterxml.jackson.databind.JsonNode t =
                        get(
                                job
                                        + "/checkpoints/details/"
                                        + c.path("id").asText()
                                        + "/subtasks/"
                                        + id);
                for (com.fasterxml.jackson.databind.JsonNode st : t.path("subtasks")) {
                    phases.computeIfAbsent(v.path("name").asText(), k -> new ArrayList<>())
                            .add(
                                    new long[] {
                                        st.path("start_delay").asLong(),
                                        st.path("alignment").path("duration").asLong(),
                                        st.path("checkpoint").path("sync").asLong(),
                                        st.path("checkpoint").path("async").asLong(),
                                        st.path("end_to_end_duration").asLong()
                                    });
                }
            }
        }
        System.out.printf(
                "  checkpoints in the measured time: %d; per task, max over them (ms):"
                        + " start_delay, alignment, sync, async, end to end%n",
                n);
        for (Map.Entry<String, List<long[]>> e : phases.entrySet()) {
            long[] max = new long[5];
            for (long[] p : e.getValue()) {
                for (int i = 0; i < 5; i++) {
                    max[i] = Math.max(max[i], p[i]);
                }
            }
            String name = e.getKey().length() > 50 ? e.getKey().substring(0, 50) : e.getKey();
            System.out.printf(
                    "    %-50s %5d %5d %5d %5d %5d%n",
                    name, max[0], max[1], max[2], max[3], max[4]);
        }
    }

    /** GET of a REST URL (http://host:port/jobs/...) through the test kit's {@link FlinkRest}. */
    static com.fasterxml.jackson.databind.JsonNode get(String url) throws Exception {
        int path = url.indexOf("/jobs/");
        return new FlinkRest(url.substring(0, path)).get(url.substring(path));
    }

    private static JobClient submit(Configuration flink, JobConfig config) throws Exception {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(1, flink);
        CustomerPulseJob.buildLive(env, config);
        return env.executeAsync("customer-pulse bench");
    }

    /** Cancels the job and waits until it has ended (before PostgreSQL or the broker stop). */
    private static void stop(JobClient job) throws Exception {
        job.cancel().get();
        try {
            job.getJobExecutionResult().get();
        } catch (ExecutionException cancelled) {
            // the cancellation it was asked for
        }
    }

    /** Sends a prepared event stamped with {@code time}, as its event time and its timestamp. */
    private static void send(
            KafkaProducer<String, byte[]> producer, Encoder encoder, Prepared e, long time)
            throws Exception {
        producer.send(new ProducerRecord<>(e.topic, null, time, e.key, encoder.encode(e, time)));
    }

    /** An input event ready to be stamped and sent. */
    private record Prepared(String topic, String key, SpecificRecord record) {
        static Prepared of(KafkaSettings kafka, Map<String, Object> event) throws Exception {
            ObjectNode n = AvroJson.MAPPER.valueToTree(event);
            return new Prepared(
                    kafka.topic(AvroBytes.topicOf(n.get("type").asText())),
                    AvroBytes.keyOf(n),
                    JsonEventDecoder.toRecord(n));
        }
    }

    /** Avro binary encoding with one writer per schema and one buffer, reused. */
    private static final class Encoder {
        private final Map<Schema, SpecificDatumWriter<SpecificRecord>> writers = new HashMap<>();
        private final ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        private BinaryEncoder encoder;

        byte[] encode(Prepared e, long eventTime) throws Exception {
            SpecificRecordBase record = (SpecificRecordBase) e.record();
            record.put("event_time", Instant.ofEpochMilli(eventTime));
            out.reset();
            encoder = EncoderFactory.get().binaryEncoder(out, encoder);
            writers.computeIfAbsent(record.getSchema(), SpecificDatumWriter::new)
                    .write(record, encoder);
            encoder.flush();
            return out.toByteArray();
        }
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
        final AtomicLong drainStart = new AtomicLong();
        private volatile long drainFrom = Long.MAX_VALUE;

        private final ConcurrentLinkedQueue<long[]> samples = new ConcurrentLinkedQueue<>();
        private final KafkaConsumer<byte[], byte[]> consumer;
        private volatile long from = Long.MAX_VALUE;
        private volatile long until = Long.MAX_VALUE;

        Consumer(KafkaSettings kafka, String isolation, String group) {
            super("consumer-" + isolation + "-" + group);
            setDaemon(true);
            Properties p = kafka.clientProperties();
            p.put("group.id", "bench-" + isolation + "-" + group);
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

        /** Notes when the first profile at or past this event time arrives. */
        void timeDrainFrom(long eventTime) {
            drainFrom = eventTime;
        }

        void measureFrom(long millis) {
            from = millis;
        }

        void measureUntil(long millis) {
            until = millis;
            stop.set(true);
        }

        /** Writes every measured sample, "event time,arrival" per line, for plotting the tail. */
        void save(Path file) throws Exception {
            join(10_000);
            List<String> lines = new ArrayList<>();
            for (long[] s : samples) {
                if (s[0] >= from && s[0] <= until) {
                    lines.add(s[0] + "," + s[1]);
                }
            }
            java.nio.file.Files.write(file, lines);
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
            AvroBytes.Reader<CustomerProfile> reader =
                    new AvroBytes.Reader<>(CustomerProfile.class, ReleasedSchemas.released());
            try (consumer) {
                while (!stop.get()) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(20))) {
                        long arrival = System.currentTimeMillis();
                        CustomerProfile p = reader.read(r.value());
                        long at = p.getUpdatedAt().toEpochMilli();
                        firstArrival.compareAndSet(0, arrival);
                        lastArrival.set(arrival);
                        maxUpdatedAt.accumulateAndGet(at, Math::max);
                        if (at >= drainFrom) {
                            drainStart.compareAndSet(0, arrival);
                        }

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
                "  %-45s%n      p50 %5d ms  p99 %5d ms  max %5d ms  (%,d samples)%n",
                what,
                sorted.get(sorted.size() / 2),
                sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(0.99 * sorted.size()) - 1)),
                sorted.get(sorted.size() - 1),
                sorted.size());
    }

    /**
     * Samples every task's input watermark through the REST API every 50 ms and reports how far
     * behind the wall clock each was: where along the path an event's time to its profile goes.
     */
    private static final class WatermarkLag extends Thread {
        final AtomicBoolean stop = new AtomicBoolean();
        private final String job;
        private final Map<String, List<Long>> lags = new java.util.LinkedHashMap<>();
        private final Map<String, String> metricIds = new HashMap<>();
        private volatile long from = Long.MAX_VALUE;

        WatermarkLag(String job) {
            super("watermark-lag");
            setDaemon(true);
            this.job = job;
        }

        void measureFrom(long millis) {
            from = millis;
        }

        @Override
        public void run() {
            try {
                while (!stop.get()) {
                    long now = System.currentTimeMillis();
                    if (now >= from) {
                        com.fasterxml.jackson.databind.JsonNode j = get(job);
                        for (com.fasterxml.jackson.databind.JsonNode v : j.path("vertices")) {
                            String name = v.path("name").asText();
                            String vertex = job + "/vertices/" + v.path("id").asText();
                            String ids = metricIds.computeIfAbsent(vertex, k -> ids(k));
                            if (ids.isEmpty()) {
                                continue;
                            }
                            for (com.fasterxml.jackson.databind.JsonNode w :
                                    get(vertex + "/metrics?get=" + ids)) {
                                String id = w.path("id").asText();
                                long value = w.path("value").asLong(Long.MIN_VALUE);
                                boolean watermark = id.endsWith("Watermark");
                                if (watermark && (value <= 0 || value == Long.MAX_VALUE)) {
                                    continue;
                                }
                                String key =
                                        name.substring(0, Math.min(25, name.length())) + " " + id;
                                synchronized (this) {
                                    lags.computeIfAbsent(key, x -> new ArrayList<>())
                                            .add(watermark ? now - value : value);
                                }
                            }
                        }
                    }
                    Thread.sleep(50);
                }
            } catch (Exception e) {
                System.out.println("  watermark sampling stopped: " + e);
            }
        }

        private static String ids(String vertex) {
            List<String> keep = new ArrayList<>();
            try {
                for (com.fasterxml.jackson.databind.JsonNode m : get(vertex + "/metrics")) {
                    String id = m.path("id").asText();
                    if (id.matches("\\d+\\.currentInputWatermark")
                            || id.matches("\\d+\\.Source_.*currentOutputWatermark")
                            || id.matches("\\d+\\.(busy|backPressured)TimeMsPerSecond")
                            || id.endsWith("EventTimeLag")
                            || id.endsWith("records-lag-max")) {
                        keep.add(id);
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return String.join(",", keep);
        }

        synchronized void printLags() {
            System.out.println("  input watermark behind the wall clock, sampled every 50 ms:");
            for (Map.Entry<String, List<Long>> e : lags.entrySet()) {
                List<Long> l = new ArrayList<>(e.getValue());
                Collections.sort(l);
                String name = e.getKey().length() > 110 ? e.getKey().substring(0, 110) : e.getKey();
                EndToEndBenchmark.report("  " + name, l);
            }
        }
    }
}
