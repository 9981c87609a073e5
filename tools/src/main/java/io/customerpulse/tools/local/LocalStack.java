package io.customerpulse.tools.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.customerpulse.CustomerPulseJob;
import io.customerpulse.config.Cli;
import io.customerpulse.config.EmbeddedFlink;
import io.customerpulse.config.JobConfig;
import io.customerpulse.config.JobParameterOptions;
import io.customerpulse.json.AvroJson;
import io.customerpulse.kafka.AvroBytes;
import io.customerpulse.kafka.KafkaSettings;
import io.customerpulse.kafka.KafkaSources;
import io.customerpulse.kafka.Topics;
import io.customerpulse.postgres.PostgresSettings;
import io.customerpulse.testkit.LocalKafka;
import io.customerpulse.testkit.LocalPostgres;
import io.customerpulse.testkit.TrafficGenerator;
import io.customerpulse.tools.bootstrap.Bootstrap;
import io.customerpulse.tools.dashboard.DashboardServer;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code scripts/run}: the whole of customer-pulse on this machine. Starts a real Kafka broker and
 * a real PostgreSQL on loopback, creates the topics, migrates the schema, runs the job on an
 * embedded Flink (RocksDB, checkpoints, exactly-once Kafka sinks) and feeds it — from the traffic
 * generator in time-lapse (simulated days per second, so churn shows within a minute) or from a
 * file. Prints progress, where to connect, and a summary read from the dashboard views; stops
 * everything on Ctrl-C or after {@code --duration}. Everything stays in the run's directory ({@link
 * LocalData}): {@code --resume} continues the run, the job from the savepoint it stopped with (or
 * its last checkpoint), the traffic after what the input topics already hold.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "The whole of customer-pulse on this machine: a Kafka broker, PostgreSQL and the job on"
                    + " an embedded Flink, fed generated traffic in time-lapse (or a file); prints"
                    + " where to connect and a summary; stops on Ctrl-C or after --duration and"
                    + " keeps the run in --out: --resume continues it, scripts/dashboard --data"
                    + " shows it."
        })
public final class LocalStack implements Callable<Integer> {
    /**
     * Fits and publishes a CLV model once enough customers exist (every 15 s until then), so that
     * predicted CLV shows in a local run.
     */
    private static void fitWhenReady(
            JobConfig config, java.util.concurrent.atomic.AtomicBoolean stopping) {
        while (!stopping.get()) {
            try {
                Thread.sleep(15_000);
                io.customerpulse.avro.ClvModel m =
                        ClvAutoFit.tryOnce(
                                config,
                                java.time.LocalDate.now(java.time.ZoneOffset.UTC),
                                Instant.now(),
                                io.customerpulse.tools.clv.FitCommand.MIN_CUSTOMERS,
                                io.customerpulse.tools.clv.FitCommand.MIN_REPEAT_CUSTOMERS);
                if (m != null) {
                    System.out.printf(
                            "CLV model  %s fitted on %,d customers (%,d with a repeat purchase) and"
                                    + " published: predicted CLV from each customer's next step%n",
                            m.getModelId(), m.getCustomers(), m.getRepeatCustomers());
                    return;
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                if (!stopping.get()) { // stopping: the database may be gone already
                    System.err.println("CLV model: not published (" + e.getMessage() + ")");
                }
            }
        }
    }

    /** The dashboard on port 8088, or a free one when that is taken. */
    private static DashboardServer dashboard(String jdbc, LocalPostgres.Login reader)
            throws java.io.IOException {
        for (int port : new int[] {8088, 0}) {
            try {
                return new DashboardServer(
                        "127.0.0.1", port, jdbc, reader.properties(), Duration.ofSeconds(5));
            } catch (java.net.BindException taken) {
                // the next
            }
        }
        throw new IllegalStateException("no port for the dashboard");
    }

    @Option(
            names = "--duration",
            paramLabel = "DURATION",
            description = "stop after this long, e.g. 60s or 5min (default: run until Ctrl-C)")
    Duration duration;

    @Option(
            names = "--rate",
            paramLabel = "EVENTS_PER_S",
            defaultValue = "1500",
            description = "generated events per second (default: ${DEFAULT-VALUE})")
    double rate;

    @Option(
            names = "--days-per-second",
            paramLabel = "D",
            defaultValue = "2.5",
            description = "simulated days per second of the generator (default: ${DEFAULT-VALUE})")
    double daysPerSecond;

    @Option(names = "--seed", paramLabel = "N", description = "generator seed (default: 42)")
    Long seed;

    @Option(
            names = "--input",
            paramLabel = "EVENTS.jsonl",
            description = "publish this file instead of generating traffic")
    Path input;

    @Option(
            names = "--history",
            paramLabel = "HISTORY.jsonl",
            description =
                    "start from this history (scripts/bootstrap): its outputs go to the tables,"
                            + " the job starts from its savepoint, and the traffic follows it")
    Path history;

    @Option(
            names = "--history-as-of",
            paramLabel = "ISO-8601",
            description = "event time the history ends at (default: its last event)")
    String historyAsOf;

    @Option(names = "--parallelism", defaultValue = "1", description = "default: ${DEFAULT-VALUE}")
    int parallelism;

    @Option(
            names = "--partitions",
            paramLabel = "N",
            description = "partitions of each topic, set by the first run (default: 2)")
    Integer partitions;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            defaultValue = "out/local",
            description =
                    "the run's directory, kept after it: database, broker data, checkpoints"
                            + " (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(
            names = "--resume",
            description =
                    "continue the run kept in --out: the job from where it stopped, the same"
                            + " traffic from where it stopped")
    boolean resume;

    @Option(names = "--fresh", description = "delete the run kept in --out and start anew")
    boolean fresh;

    @Mixin JobParameterOptions parameters = new JobParameterOptions();

    public static void main(String[] args) {
        Cli.exit(new LocalStack(), args);
    }

    @Override
    public Integer call() throws Exception {
        if (rate <= 0 || daysPerSecond <= 0) {
            throw new Cli.UsageError("--rate and --days-per-second must be positive");
        }
        if (parallelism < 1) {
            throw new Cli.UsageError("--parallelism must be at least 1, got " + parallelism);
        }
        if (input != null && !Files.isRegularFile(input)) {
            throw new Cli.UsageError("--input: no such file: " + input);
        }
        if (partitions != null && partitions < 1) {
            throw new Cli.UsageError("--partitions must be at least 1, got " + partitions);
        }
        if (resume && fresh) {
            throw new Cli.UsageError("--resume and --fresh exclude each other");
        }
        if (history != null && !Files.isRegularFile(history)) {
            throw new Cli.UsageError("--history: no such file: " + history);
        }
        if (historyAsOf != null && history == null) {
            throw new Cli.UsageError("--history-as-of needs --history");
        }
        if (historyAsOf != null) {
            try {
                Instant.parse(historyAsOf);
            } catch (java.time.format.DateTimeParseException e) {
                throw new Cli.UsageError(
                        "--history-as-of: '" + historyAsOf + "' is not an ISO-8601 instant");
            }
        }
        if (resume && (seed != null || input != null || partitions != null || history != null)) {
            throw new Cli.UsageError(
                    "--resume continues the kept run's own traffic and topics: --seed, --input,"
                            + " --partitions and --history cannot change them");
        }
        // every job parameter is checked before Kafka and PostgreSQL start
        JobConfig.parse(
                settings(
                        "localhost:9092", "jdbc:postgresql://localhost/check", LocalData.JOB_ROLE));
        new LocalStack.Run(this).run();
        return 0;
    }

    /** The job parameters of the local stack on these servers, with --set over them. */
    Map<String, String> settings(String bootstrapServers, String jdbc, String user)
            throws java.io.IOException {
        Map<String, String> settings = new HashMap<>();
        settings.put("mode", "live");
        settings.put("kafka.bootstrap-servers", bootstrapServers);
        settings.put("kafka.starting-offsets", "earliest");
        settings.put("postgres.url", jdbc);
        settings.put("postgres.user", user);
        settings.put("job.parallelism", Integer.toString(parallelism));
        // time-lapse traffic runs behind the wall clock: event time alone drives timers
        settings.put("watermark.wall-clock-max-delay", "0 ms");
        settings.put("watermark.idleness", "5 s");
        settings.putAll(parameters.settings());
        return settings;
    }

    private record Run(LocalStack o) {

        void run() throws Exception {
            try (LocalData data = LocalData.open(o.out)) {
                if (data.hasRun() && !o.resume && !o.fresh) {
                    throw new Cli.UsageError(
                            o.out
                                    + " holds the run started "
                                    + data.get("started-at")
                                    + ": --resume continues it, --fresh deletes it and starts anew"
                                    + " (or give --out another directory)");
                }
                if (o.resume && !data.hasRun()) {
                    throw new Cli.UsageError("--resume: " + o.out + " holds no run to continue");
                }
                if (o.fresh) {
                    data.clear();
                }
                if (!o.resume) {
                    data.put("started-at", Instant.now().toString());
                    data.put(
                            "partitions",
                            Integer.toString(o.partitions == null ? 2 : o.partitions));
                    if (o.input == null) {
                        data.put("seed", Long.toString(o.seed == null ? 42 : o.seed));
                        data.put(
                                "generator-start",
                                Instant.now().minus(Duration.ofDays(150)).toString());
                    } else {
                        data.put("input", o.input.toAbsolutePath().toString());
                    }
                }
                run(data);
            }
        }

        void run(LocalData data) throws Exception {
            AtomicBoolean stopping = new AtomicBoolean();
            // Ctrl-C: the main thread stops the job, the broker and the database before exit
            CtrlC ctrlC = new CtrlC(Duration.ofSeconds(90));
            long started = System.currentTimeMillis();

            System.out.println(
                    (o.resume ? "resuming the run in " : "starting a run in ")
                            + o.out
                            + ": Kafka and PostgreSQL ...");
            try (LocalKafka kafka = data.kafka();
                    LocalData.Database db = data.database()) {
                // as in production: passwords, and the job as a role that is not a superuser
                // (its password reaches the job's writers as a system property of this process)
                System.setProperty(PostgresSettings.PASSWORD_PROPERTY, db.job().password());
                String jdbc = db.url();
                Properties dbLogin = db.job().properties();
                Map<String, String> settings =
                        o.settings(kafka.bootstrapServers(), jdbc, db.job().user());
                JobConfig config = JobConfig.parse(settings);
                Topics.create(config.kafka(), Integer.parseInt(data.get("partitions")), (short) 1);
                long published = o.resume ? publishedInputs(config.kafka()) : 0;

                Configuration flink = EmbeddedFlink.configuration();
                // --resume needs RocksDB state and the last checkpoint kept after a cancel
                flink.setString("state.backend.type", "rocksdb");
                flink.setString(
                        "execution.checkpointing.externalized-checkpoint-retention",
                        "RETAIN_ON_CANCELLATION");
                flink.setString("execution.checkpointing.interval", "2 s");
                flink.setString(
                        "execution.checkpointing.dir",
                        data.checkpoints().toAbsolutePath().toUri().toString());
                String restored = "a new job";
                if (!o.resume && o.history != null) {
                    restored = bootstrap(data, settings, flink);
                }
                if (o.resume) {
                    Optional<Path> snapshot = data.latestSnapshot();
                    if (snapshot.isPresent()) {
                        // the resumed job owns the snapshot (deletes it once its own supersede it)
                        flink.setString(
                                "execution.state-recovery.path",
                                snapshot.get().toAbsolutePath().toUri().toString());
                        flink.setString("execution.state-recovery.claim-mode", "CLAIM");
                        data.deleteSnapshotsBut(snapshot.get());
                        restored = "resumed from " + data.dir.relativize(snapshot.get());
                    } else {
                        restored =
                                "no checkpoint was kept: the job starts over from the first input"
                                        + " (its Kafka outputs repeat)";
                    }
                }
                int metricsPort = PrometheusEndpoint.enable(flink);
                StreamExecutionEnvironment env =
                        StreamExecutionEnvironment.createLocalEnvironment(o.parallelism, flink);
                CustomerPulseJob.buildLive(env, config);
                JobClient job = env.executeAsync("customer-pulse (local)");

                System.out.printf(
                        "%nKafka      %s   topics: %s + outputs %s%n",
                        kafka.bootstrapServers(),
                        KafkaSources.INPUTS,
                        List.of(
                                KafkaSettings.PROFILES,
                                KafkaSettings.SEGMENT_CHANGES,
                                KafkaSettings.CHURN_ALERTS,
                                KafkaSettings.CUSTOMER_ACTIONS,
                                KafkaSettings.SELLER_HEALTH,
                                KafkaSettings.SELLER_HEALTH_ALERTS,
                                KafkaSettings.CAMPAIGN_METRICS,
                                KafkaSettings.LATE_EVENTS,
                                KafkaSettings.DEAD_LETTER));
                System.out.printf("PostgreSQL %s   (%s)%n", jdbc, db.psql());
                System.out.printf(
                        "Erase      scripts/erase --customer ID --set kafka.bootstrap-servers=%s%n",
                        kafka.bootstrapServers());
                System.out.printf(
                        "Flink      job %s (%s), RocksDB, checkpoints every 2 s in %s%n",
                        job.getJobID(), restored, data.checkpoints());
                System.out.printf(
                        "Metrics    http://localhost:%d/metrics   (Prometheus; docs/operations.md)%n",
                        metricsPort);
                DashboardServer dashboard = dashboard(jdbc, db.reader());
                System.out.printf(
                        "Dashboard  %s   (refreshes every 5 s; docs/dashboard.md)%n",
                        dashboard.url());
                if (published > 0) {
                    System.out.printf(
                            "Traffic    %,d events published before; continuing after them%n",
                            published);
                }
                System.out.println();

                AtomicLong produced = new AtomicLong(published);
                AtomicLong simTime = new AtomicLong();
                Iterator<String> events =
                        data.get("input") == null
                                ? generated(
                                        Long.parseLong(data.get("seed")),
                                        Instant.parse(data.get("generator-start")),
                                        published)
                                : fromFile(Path.of(data.get("input")), published);
                Thread feeder =
                        new Thread(
                                () -> feed(config.kafka(), events, produced, simTime, stopping),
                                "feeder");
                feeder.setDaemon(true);
                feeder.start();
                Thread fitter = new Thread(() -> fitWhenReady(config, stopping), "clv-fit");
                fitter.setDaemon(true);
                fitter.start();

                long deadline =
                        o.duration == null ? Long.MAX_VALUE : started + o.duration.toMillis();
                while (System.currentTimeMillis() < deadline && !ctrlC.requested()) {
                    ctrlC.await(Duration.ofSeconds(5));
                    progress(jdbc, dbLogin, produced.get(), simTime.get(), started);
                }
                stopping.set(true);
                feeder.join(5_000);
                stopJob(job, data);
                dashboard.close();
                progress(jdbc, dbLogin, produced.get(), simTime.get(), started);
                try {
                    summary(jdbc, dbLogin, config.reportingCurrency());
                } catch (java.sql.SQLException e) {
                    // Ctrl-C in a terminal reaches the database process too
                    System.out.println(
                            "\nno summary: PostgreSQL is already stopping ("
                                    + e.getMessage()
                                    + ")");
                }
                System.out.println("\nstopping ...");
            } finally {
                System.out.println("stopped: Kafka, PostgreSQL and Flink are down.");
                System.out.printf(
                        "kept in %s: scripts/run --resume%s continues this run;"
                                + " scripts/dashboard --data %s serves its dashboard and psql"
                                + " without the job%n",
                        o.out, o.out.equals(Path.of("out/local")) ? "" : " --out " + o.out, o.out);
                ctrlC.close();
            }
        }

        /**
         * Bootstraps the run from --history (scripts/bootstrap, into this run's tables and topics)
         * and sets the job to start from its savepoint; the generated traffic starts at its as-of.
         */
        String bootstrap(LocalData data, Map<String, String> settings, Configuration flink)
                throws Exception {
            System.out.printf(
                    "History    bootstrapping from %s as of %s ...%n",
                    o.history, o.historyAsOf == null ? "its last event" : o.historyAsOf);
            Path savepoint = data.savepoints().resolve("bootstrap");
            Bootstrap.Result r =
                    Bootstrap.run(
                            settings,
                            o.history,
                            o.historyAsOf == null ? null : Instant.parse(o.historyAsOf),
                            savepoint,
                            data.dir.resolve("bootstrap-out"),
                            Duration.ofHours(1),
                            o.parallelism);
            System.out.printf(
                    "History    %,d customers in %.1f s; dead letter and late events of it in %s%n",
                    r.profilesPublished(), r.seconds(), data.dir.resolve("bootstrap-out"));
            if (data.get("input") == null) {
                data.put("generator-start", r.asOf().toString()); // the traffic follows history
            }
            flink.setString(
                    "execution.state-recovery.path", savepoint.toAbsolutePath().toUri().toString());
            flink.setString("execution.state-recovery.claim-mode", "CLAIM");
            return "started from the bootstrap of " + o.history;
        }

        /**
         * Stops the job with a savepoint in the run's directory, which --resume starts from (its
         * final Kafka transactions and table writes are committed with it). When that fails —
         * Ctrl-C in a terminal stops PostgreSQL too — cancels it: --resume then starts from its
         * last retained checkpoint.
         */
        void stopJob(JobClient job, LocalData data) throws Exception {
            try {
                String savepoint =
                        job.stopWithSavepoint(
                                        false,
                                        data.savepoints().toAbsolutePath().toUri().toString(),
                                        SavepointFormatType.CANONICAL)
                                .get(60, TimeUnit.SECONDS);
                System.out.println("\njob stopped with savepoint " + savepoint);
            } catch (Exception e) {
                System.out.println(
                        "\nno savepoint ("
                                + e.getMessage()
                                + "): --resume starts from the last checkpoint");
                job.cancel().get();
            }
        }

        /**
         * Publishes the events at --rate. A line that is no event (not JSON, no known type, a field
         * that does not decode) goes to the orders topic as it is, as a broken producer's would:
         * the job dead-letters it, as a replay of the file does.
         */
        void feed(
                KafkaSettings kafka,
                Iterator<String> events,
                AtomicLong produced,
                AtomicLong simTime,
                AtomicBoolean stopping) {
            Properties p = kafka.clientProperties();
            p.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
            p.put("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
            p.put("linger.ms", "20");
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
                long t0 = System.nanoTime();
                long first = produced.get();
                while (!stopping.get() && events.hasNext()) {
                    String line = events.next();
                    ProducerRecord<String, byte[]> record;
                    try {
                        JsonNode n = AvroJson.MAPPER.readTree(line);
                        record = AvroBytes.inputRecord(kafka, n, null, null);
                        simTime.set(Instant.parse(n.get("event_time").asText()).toEpochMilli());
                    } catch (Exception noEvent) {
                        record =
                                new ProducerRecord<>(
                                        kafka.topic(KafkaSettings.ORDERS),
                                        null,
                                        line.getBytes(StandardCharsets.UTF_8));
                    }
                    producer.send(record);
                    long n0 = produced.incrementAndGet() - first;
                    long ahead = (long) (n0 / o.rate * 1e9) - (System.nanoTime() - t0);
                    if (ahead > 1_000_000) {
                        Thread.sleep(ahead / 1_000_000);
                    }
                }
                if (!events.hasNext()) {
                    System.out.printf(
                            "input      all published (%,d events); the run goes on until"
                                    + " --duration or Ctrl-C%n",
                            produced.get());
                }
            } catch (Exception e) {
                System.err.println("feeder stopped: " + e);
            }
        }

        /**
         * The generator's traffic after its first {@code skip} events, in time-lapse: simulated
         * time runs at most --days-per-second from the first event on, and never past now.
         */
        Iterator<String> generated(long seed, Instant start, long skip) {
            TrafficGenerator g = new TrafficGenerator(seed, start, 8);
            for (long i = 0; i < skip; i++) {
                g.next();
            }
            long simStart = skip == 0 ? start.toEpochMilli() : g.peekTime();
            long wallStart = System.currentTimeMillis();
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return true;
                }

                @Override
                public String next() {
                    while (g.peekTime() > simLimit()) {
                        try {
                            Thread.sleep(20);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    try {
                        return AvroJson.MAPPER.writeValueAsString(g.next());
                    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                        throw new IllegalStateException(e);
                    }
                }

                private long simLimit() {
                    long elapsed = System.currentTimeMillis() - wallStart;
                    return Math.min(
                            System.currentTimeMillis(),
                            simStart + (long) (elapsed * o.daysPerSecond * 86_400));
                }
            };
        }

        /** The non-blank lines of {@code file} after the first {@code skip}. */
        Iterator<String> fromFile(Path file, long skip) throws java.io.IOException {
            if (!Files.isRegularFile(file)) {
                throw new Cli.UsageError("--resume: the run's input is gone: " + file);
            }
            BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8);
            return r.lines().filter(l -> !l.isBlank()).skip(skip).iterator();
        }
    }

    /** How many events the input topics hold: what the runs of a kept stack published. */
    public static long publishedInputs(KafkaSettings kafka) throws Exception {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            // the traffic's topics: erasure requests are not traffic (scripts/erase sends them)
            List<String> topics =
                    KafkaSources.INPUTS.stream()
                            .filter(t -> !t.equals(KafkaSettings.ERASURES))
                            .map(kafka::topic)
                            .toList();
            Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
            admin.describeTopics(topics)
                    .allTopicNames()
                    .get()
                    .forEach(
                            (name, d) ->
                                    d.partitions()
                                            .forEach(
                                                    p ->
                                                            ends.put(
                                                                    new TopicPartition(
                                                                            name, p.partition()),
                                                                    OffsetSpec.latest())));
            long sum = 0;
            for (var e : admin.listOffsets(ends).all().get().values()) {
                sum += e.offset();
            }
            return sum;
        }
    }

    private static void progress(
            String jdbc, Properties login, long produced, long simTime, long started) {
        try (Connection c = DriverManager.getConnection(jdbc, login);
                Statement s = c.createStatement();
                ResultSet r =
                        s.executeQuery(
                                "SELECT (SELECT count(*) FROM customer_profile),"
                                        + " (SELECT count(*) FROM segment_change),"
                                        + " (SELECT count(*) FROM segment_change WHERE to_segment = 'CHURN_RISK'),"
                                        + " (SELECT count(*) FROM campaign_daily)")) {
            r.next();
            System.out.printf(
                    "%5ds  events in %8d  (simulated %s)  profiles %6d  segment changes %6d  churn alerts %5d  campaign rows %4d%n",
                    (System.currentTimeMillis() - started) / 1000,
                    produced,
                    simTime == 0 ? "-" : Instant.ofEpochMilli(simTime).toString().substring(0, 10),
                    r.getLong(1),
                    r.getLong(2),
                    r.getLong(3),
                    r.getLong(4));
        } catch (Exception e) {
            System.out.printf(
                    "%5ds  events in %8d  (tables not ready: %s)%n",
                    (System.currentTimeMillis() - started) / 1000, produced, e.getMessage());
        }
    }

    private static void summary(String jdbc, Properties login, String currency) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbc, login)) {
            // live mode never stamps an output later than the wall clock plus the tolerance
            // (watermark.wall-clock-tolerance, 1 min): a time-lapse run reaching "now" shows it
            print(
                    c,
                    currency,
                    "outputs dated more than a minute after the wall clock (always 0)",
                    "SELECT (SELECT count(*) FROM segment_change WHERE at > now() + interval '1 minute')"
                            + " AS segment_changes,"
                            + " (SELECT count(*) FROM customer_profile"
                            + " WHERE updated_at > now() + interval '1 minute') AS profiles");
            print(
                    c,
                    currency,
                    "segments now (view segment_counts)",
                    "SELECT * FROM segment_counts ORDER BY customers DESC");
            print(
                    c,
                    currency,
                    "GMV concentration (view gmv_concentration; healthy: top 20 % hold >= 60 %)",
                    "SELECT * FROM gmv_concentration");
            print(
                    c,
                    currency,
                    "CLV distribution, bounds in " + currency + " (view clv_distribution)",
                    "SELECT * FROM clv_distribution ORDER BY bucket");
            print(
                    c,
                    currency,
                    "cohort retention (view cohort_retention)",
                    "SELECT * FROM cohort_retention ORDER BY cohort");
            print(
                    c,
                    currency,
                    "customer actions by type and status (table customer_action; only DUE is sent"
                            + " to customer-actions)",
                    "SELECT action, status, count(*) AS actions FROM customer_action"
                            + " GROUP BY action, status ORDER BY action, status");
            print(
                    c,
                    currency,
                    "seller health, latest day per marketplace (view seller_health_now)",
                    "SELECT marketplace, day, final, metric, value, healthy_when, threshold, healthy"
                            + " FROM seller_health_now ORDER BY marketplace, metric");
            print(
                    c,
                    currency,
                    "campaigns (view campaign_performance; refs: CTR > 0.4 %, ACoS <= 25 %, CPM 1.8-3.2)",
                    "SELECT campaign_id, impressions, clicks, spend_minor, attributed_orders, attributed_sales_minor,"
                            + " ctr, acos, cpm, roas, new_customers, cac FROM campaign_performance ORDER BY campaign_id");
        }
    }

    private static void print(Connection c, String currency, String title, String sql)
            throws Exception {
        System.out.println("\n" + title);
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            ResultSetMetaData m = r.getMetaData();
            TextTable table =
                    new TextTable(
                            currency,
                            java.util.Currency.getInstance(currency).getDefaultFractionDigits());
            for (int i = 1; i <= m.getColumnCount(); i++) {
                table.column(m.getColumnLabel(i), isNumber(m.getColumnType(i)));
            }
            while (r.next()) {
                List<String> values = new ArrayList<>();
                for (int i = 1; i <= m.getColumnCount(); i++) {
                    values.add(r.getString(i));
                }
                table.row(values);
            }
            System.out.print(table.render());
        }
    }

    private static boolean isNumber(int sqlType) {
        return switch (sqlType) {
            case Types.BIGINT,
                    Types.INTEGER,
                    Types.SMALLINT,
                    Types.NUMERIC,
                    Types.DECIMAL,
                    Types.DOUBLE,
                    Types.REAL,
                    Types.FLOAT ->
                    true;
            default -> false;
        };
    }
}
