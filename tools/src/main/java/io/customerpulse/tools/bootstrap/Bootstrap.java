package io.customerpulse.tools.bootstrap;

import com.fasterxml.jackson.databind.JsonNode;
import io.customerpulse.CustomerPulseJob;
import io.customerpulse.PulseSinks;
import io.customerpulse.PulseSources;
import io.customerpulse.Uids;
import io.customerpulse.avro.CustomerProfile;
import io.customerpulse.config.Cli;
import io.customerpulse.config.ConfigException;
import io.customerpulse.config.EmbeddedFlink;
import io.customerpulse.config.JobConfig;
import io.customerpulse.ingest.EventNormalizer;
import io.customerpulse.ingest.JsonEventDecoder;
import io.customerpulse.kafka.AvroBytes;
import io.customerpulse.kafka.KafkaSettings;
import io.customerpulse.kafka.Topics;
import io.customerpulse.postgres.Migrations;
import io.customerpulse.postgres.PostgresSinks;
import io.customerpulse.replay.JsonLinesSink;
import io.customerpulse.replay.ReplayRunner;
import io.customerpulse.testkit.FlinkRest;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.OperatorIDPair;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Starts the live job from a seller's history (DESIGN section 13): the job's own topology over the
 * history, on an embedded Flink, writing the tables only (the profile table one row per customer:
 * the last profile of history, {@link LatestProfileAtAsOf}); once event time stands at the as-of
 * instant in every operator, the job is stopped with a savepoint, from which the state of the
 * operators that only the bootstrap has is left out — what is left is the live job's operators and
 * state, under its uids. Then the last profile of each customer goes to customer-profiles once
 * (what compaction would leave of history), and nothing to the alert and action topics.
 */
public final class Bootstrap {
    /**
     * The history source's uid, and the inputs' name (its router is {@code
     * route-ingested-history}).
     */
    static final String SOURCE_UID = "history-source";

    static final String INPUT = "history";

    private static final String METADATA = "_metadata";

    static final String LATEST_PROFILES = "bootstrap-latest-profiles";
    private static final String LAST_PROFILE_NAME = "last profile of history";
    static final String PROFILES_FILE = "bootstrap-profiles-file";
    static final String DEAD_LETTER_FILE = "bootstrap-dead-letter-file";
    static final String LATE_EVENTS_FILE = "bootstrap-late-events-file";

    private Bootstrap() {}

    /** What a bootstrap wrote. */
    public record Result(
            String savepoint,
            Instant asOf,
            Instant eventTime,
            int profilesPublished,
            int operatorsDropped,
            long deadLettered,
            long late,
            double seconds) {}

    /**
     * Bootstraps from {@code history} as of {@code asOf} (null: its last event): the savepoint goes
     * to {@code savepoint} (a directory that does not exist or is empty), the history's dead letter
     * and late events as JSON lines to {@code out}.
     *
     * @param live the live job's parameters: the bootstrap runs with them in replay mode ({@link
     *     #settings}), and its savepoint keeps the operators of the job they build
     * @param bound how far out of order the history may be
     */
    public static Result run(
            Map<String, String> live,
            Path history,
            Instant asOf,
            Path savepoint,
            Path out,
            Duration bound,
            int parallelism)
            throws Exception {
        long started = System.nanoTime();
        JobConfig liveConfig = JobConfig.parse(live);
        JobConfig config = JobConfig.parse(settings(live, bound, parallelism));
        if (!config.postgres().enabled()) {
            throw new ConfigException(
                    "postgres.url", "is not set: a bootstrap writes the history to the tables");
        }
        Instant last = lastEventTime(live, history); // the one scan of the file before the job
        if (asOf == null) {
            asOf = last;
        }
        if (last.isAfter(asOf)) {
            // its watermarks would carry event time past as-of before the source could hold it
            throw new Cli.UsageError(
                    "the history has events after the as-of time "
                            + asOf
                            + " (the last at "
                            + last
                            + "): cut it there, the rest goes to the live job's topics");
        }
        if (asOf.isAfter(Instant.now().plus(config.watermarks().wallClockTolerance()))) {
            // replay mode holds nothing to the wall clock: outputs would be stamped in the future
            throw new Cli.UsageError("the as-of time " + asOf + " is in the future");
        }
        Files.createDirectories(out);
        Path work = Files.createTempDirectory(out.toAbsolutePath(), ".bootstrap-");
        try {
            if (config.postgres().migrateOnStart()) {
                Migrations.migrate(config.postgres());
            }
            Taken taken = takeSavepoint(config, history, asOf, work, out, parallelism);
            int dropped = keepLiveOperators(liveConfig, taken.path(), savepoint);
            int published = publishLatestProfiles(config.kafka(), work.resolve("profiles"));
            return new Result(
                    savepoint.toAbsolutePath().toString(),
                    asOf,
                    Instant.ofEpochMilli(taken.eventTime()),
                    published,
                    dropped,
                    countLines(out.resolve("dead_letter.jsonl")),
                    countLines(out.resolve("late_events.jsonl")),
                    (System.nanoTime() - started) / 1e9);
        } finally {
            org.apache.flink.util.FileUtils.deleteDirectoryQuietly(work.toFile());
        }
    }

    /** The latest event time among the valid events of {@code history} (the default as-of). */
    private static Instant lastEventTime(Map<String, String> live, Path history)
            throws IOException {
        JobConfig config = JobConfig.parse(settings(live, Duration.ofHours(1), 1));
        return ReplayRunner.latestEventTime(
                history, new JsonEventDecoder(new EventNormalizer(config)));
    }

    /**
     * The live job's parameters as the bootstrap runs them: in replay mode (watermarks from the
     * history alone, bounded by {@code bound}; no wall clock) and without an as-of, so that timers
     * due after it stay registered for the live job.
     */
    public static Map<String, String> settings(
            Map<String, String> live, Duration bound, int parallelism) {
        Map<String, String> s = new java.util.LinkedHashMap<>(live);
        s.put("mode", "replay");
        s.remove("replay.as-of");
        s.put("watermark.max-out-of-orderness", bound.toMillis() + " ms");
        s.put("watermark.idleness", "0 ms");
        s.put("job.parallelism", Integer.toString(parallelism));
        return s;
    }

    /** A savepoint taken, and the event time every operator had reached when it was. */
    private record Taken(String path, long eventTime) {}

    /**
     * Runs the topology over the history until event time is at as-of everywhere and stops it with
     * a savepoint (in {@code work}).
     */
    private static Taken takeSavepoint(
            JobConfig config, Path history, Instant asOf, Path work, Path out, int parallelism)
            throws Exception {
        Configuration flink = EmbeddedFlink.configuration();
        flink.setString("state.backend.type", "rocksdb");
        flink.setString("restart-strategy.type", "none"); // a failure would only repeat
        // no restart, so no periodic checkpoint is needed (rows are written in batches all along);
        // the final savepoint waits for the sinks to take the last profile of every customer
        flink.setString("execution.checkpointing.interval", "1 h");
        flink.setString("execution.checkpointing.timeout", "6 h");
        flink.setString(
                "execution.checkpointing.dir", work.resolve("checkpoints").toUri().toString());
        flink.setString("rest.bind-port", "0");
        flink.setString("rest.port", "0");
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(flink);
        env.setParallelism(parallelism);
        JsonEventDecoder decoder = new JsonEventDecoder(new EventNormalizer(config));
        HistorySource source = new HistorySource(history, decoder, asOf.toEpochMilli());
        PulseSources sources =
                (e, watermarks) ->
                        Map.of(
                                INPUT,
                                e.fromSource(source, watermarks, "history " + history.getFileName())
                                        .uid(SOURCE_UID)
                                        .setParallelism(1));
        Path files = work.resolve("parts");
        PulseSinks sinks =
                s -> {
                    // history's profiles, the last of each customer only, at as-of
                    DataStream<CustomerProfile> last =
                            s.profiles()
                                    .keyBy(CustomerProfile::getCustomerId)
                                    .process(new LatestProfileAtAsOf(asOf.toEpochMilli()))
                                    .returns(new AvroTypeInfo<>(CustomerProfile.class))
                                    .uid(LATEST_PROFILES)
                                    .name(LAST_PROFILE_NAME);
                    new PostgresSinks(config.postgres())
                            .attach(
                                    new PulseSinks.Streams(
                                            last,
                                            s.segmentChanges(),
                                            s.churnAlerts(),
                                            s.customerActions(),
                                            s.campaignDaily(),
                                            s.sellerHealth(),
                                            s.sellerHealthAlerts(),
                                            s.lateEvents(),
                                            s.deadLetter(),
                                            s.erasures()));
                    last.sinkTo(new ProfilesFile(work.resolve("profiles")))
                            .uid(PROFILES_FILE)
                            .name("profiles file");
                    s.deadLetter()
                            .sinkTo(new JsonLinesSink<>(files, "dead_letter"))
                            .uid(DEAD_LETTER_FILE)
                            .name("dead letter file");
                    s.lateEvents()
                            .sinkTo(new JsonLinesSink<>(files, "late_events"))
                            .uid(LATE_EVENTS_FILE)
                            .name("late events file");
                };
        CustomerPulseJob.buildTopology(env, config, sources, sinks);

        MiniClusterConfiguration cluster =
                new MiniClusterConfiguration.Builder()
                        .setConfiguration(flink)
                        .setNumTaskManagers(1)
                        .setNumSlotsPerTaskManager(parallelism)
                        .build();
        try (MiniCluster flinkCluster = new MiniCluster(cluster)) {
            flinkCluster.start();
            JobID job = flinkCluster.submitJob(env.getStreamGraph().getJobGraph()).get().getJobID();
            FlinkRest rest = new FlinkRest(flinkCluster.getRestAddress().get().toString());
            long eventTime = awaitEventTime(flinkCluster, rest, job, asOf.toEpochMilli());
            String taken =
                    flinkCluster
                            .stopWithSavepoint(
                                    job,
                                    work.resolve("taken").toUri().toString(),
                                    false,
                                    SavepointFormatType.CANONICAL)
                            .get();
            concat(files, "dead_letter", out.resolve("dead_letter.jsonl"));
            concat(files, "late_events", out.resolve("late_events.jsonl"));
            return new Taken(taken, eventTime);
        }
    }

    /**
     * Waits until every running operator with an input has event time at {@code asOf}: each has
     * then applied the whole history. (The savepoint would cover it even if taken as soon as the
     * source emitted as-of — barriers follow watermarks on every channel — but the source's own
     * progress is not visible outside.)
     */
    private static long awaitEventTime(MiniCluster cluster, FlinkRest rest, JobID job, long asOf)
            throws Exception {
        long lastReport = System.currentTimeMillis();
        while (true) {
            JobStatus status = cluster.getJobStatus(job).get();
            if (status.isGloballyTerminalState()) {
                Throwable cause =
                        cluster.requestJobResult(job)
                                .get()
                                .getSerializedThrowable()
                                .map(t -> t.deserializeError(Bootstrap.class.getClassLoader()))
                                .orElse(null);
                throw new IllegalStateException("the bootstrap job ended " + status, cause);
            }
            long behind = Long.MAX_VALUE;
            boolean all = status == JobStatus.RUNNING;
            boolean lastProfiles = false; // the last keyed operator of history's profiles: checked
            JsonNode plan = all ? rest.get("/jobs/" + job) : null;
            for (JsonNode vertex :
                    plan == null ? List.<JsonNode>of() : iterable(plan.path("vertices"))) {
                if (vertex.path("status").asText().equals("FINISHED")
                        || !hasInputs(plan, vertex.path("id").asText())) {
                    continue;
                }
                JsonNode marks =
                        rest.get(
                                "/jobs/"
                                        + job
                                        + "/vertices/"
                                        + vertex.path("id").asText()
                                        + "/watermarks");
                if (!marks.isArray() || marks.isEmpty()) {
                    all = false;
                }
                lastProfiles |= vertex.path("name").asText().contains(LAST_PROFILE_NAME);
                for (JsonNode m : iterable(marks)) {
                    long w = m.path("value").asLong(Long.MIN_VALUE);
                    behind = Math.min(behind, w);
                    all &= w >= asOf;
                }
            }
            if (all && lastProfiles) {
                if (behind != asOf) {
                    throw new IllegalStateException(
                            "event time went past as-of to " + Instant.ofEpochMilli(behind));
                }
                return behind;
            }
            if (System.currentTimeMillis() - lastReport > 10_000) {
                lastReport = System.currentTimeMillis();
                System.out.printf(
                        "  event time at %s of %s%n",
                        behind == Long.MAX_VALUE || behind < 0 ? "-" : Instant.ofEpochMilli(behind),
                        Instant.ofEpochMilli(asOf));
            }
            Thread.sleep(200);
        }
    }

    private static boolean hasInputs(JsonNode job, String vertexId) {
        for (JsonNode node : iterable(job.path("plan").path("nodes"))) {
            if (node.path("id").asText().equals(vertexId)) {
                return node.path("inputs").size() > 0;
            }
        }
        return false;
    }

    private static Iterable<JsonNode> iterable(JsonNode array) {
        return array::elements;
    }

    /**
     * Writes the savepoint {@code taken} to {@code target} with the state of the live job's
     * operators only: the operator ids of the live job's graph, built from {@code live} as {@code
     * flink run} would build it. (The State Processor API's SavepointWriter would do the same, but
     * on Java 17 its Kryo copy of the kept operators' states fails.) A canonical savepoint refers
     * to its files relative to its directory: the files are copied, the metadata rewritten.
     */
    static int keepLiveOperators(JobConfig live, String taken, Path target) throws Exception {
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(new Configuration());
        CustomerPulseJob.buildLive(env, live);
        Set<OperatorID> liveIds = new HashSet<>();
        OperatorID profiles = null;
        for (JobVertex v : env.getStreamGraph().getJobGraph().getVertices()) {
            for (OperatorIDPair pair : v.getOperatorIDs()) {
                liveIds.add(pair.getGeneratedOperatorID());
                if (Uids.PROFILES.equals(pair.getUserDefinedOperatorUid())) {
                    profiles = pair.getGeneratedOperatorID();
                }
            }
        }
        Path from = Path.of(new org.apache.flink.core.fs.Path(taken).toUri());
        CheckpointMetadata metadata;
        try (DataInputStream in =
                new DataInputStream(Files.newInputStream(from.resolve(METADATA)))) {
            metadata =
                    Checkpoints.loadCheckpointMetadata(
                            in, Bootstrap.class.getClassLoader(), from.toString());
        }
        List<OperatorState> kept = new ArrayList<>();
        for (OperatorState s : metadata.getOperatorStates()) {
            if (liveIds.contains(s.getOperatorID())) {
                kept.add(s);
            }
        }
        OperatorID customers = profiles;
        if (kept.stream().noneMatch(s -> s.getOperatorID().equals(customers))) {
            throw new IllegalStateException("the savepoint " + taken + " holds no customer state");
        }
        // every file: a canonical savepoint refers to its files relative to its directory. The
        // states left out hold no customer's data (the last-profile operator clears its state when
        // it emits, at as-of), and what of them is not in the metadata itself stays unreferenced
        Files.createDirectories(target);
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) {
                if (!f.getFileName().toString().equals(METADATA)) {
                    Files.copy(f, target.resolve(f.getFileName()));
                }
            }
        }
        try (DataOutputStream out =
                new DataOutputStream(Files.newOutputStream(target.resolve(METADATA)))) {
            Checkpoints.storeCheckpointMetadata(
                    new CheckpointMetadata(
                            metadata.getCheckpointId(),
                            kept,
                            metadata.getMasterStates(),
                            metadata.getCheckpointProperties()),
                    out);
        }
        return metadata.getOperatorStates().size() - kept.size();
    }

    /**
     * The last profile of each customer to customer-profiles (a tombstone for one erased last),
     * keyed and encoded as the job's sink writes them; the topic is created compacted if missing.
     */
    static int publishLatestProfiles(KafkaSettings kafka, Path profiles) throws Exception {
        String topic = kafka.topic(KafkaSettings.PROFILES);
        Topics.createMissing(
                kafka,
                List.of(
                        new NewTopic(topic, Optional.empty(), Optional.empty())
                                .configs(Map.of("cleanup.policy", "compact"))));
        Properties props = kafka.clientProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        int[] sent = {0};
        java.util.concurrent.atomic.AtomicReference<Exception> failed =
                new java.util.concurrent.atomic.AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            if (Files.isDirectory(profiles)) {
                ProfilesFile.read(
                        profiles,
                        p -> {
                            producer.send(
                                    new ProducerRecord<>(
                                            topic,
                                            p.getCustomerId().getBytes(StandardCharsets.UTF_8),
                                            p.getErasedAt() != null ? null : AvroBytes.encode(p)),
                                    (written, e) -> {
                                        if (e != null) {
                                            failed.compareAndSet(null, e);
                                        }
                                    });
                            sent[0]++;
                        });
            }
            producer.flush();
        }
        if (failed.get() != null) {
            throw new IOException("publishing the profiles to " + topic, failed.get());
        }
        return sent[0];
    }

    private static void concat(Path parts, String name, Path target) throws IOException {
        Files.deleteIfExists(target);
        Files.createFile(target);
        if (!Files.isDirectory(parts)) {
            return;
        }
        try (var files = Files.list(parts)) {
            for (Path part :
                    files.filter(f -> f.getFileName().toString().startsWith(name + "-"))
                            .sorted()
                            .toList()) {
                try (var append =
                        Files.newOutputStream(target, java.nio.file.StandardOpenOption.APPEND)) {
                    Files.copy(part, append);
                }
            }
        }
    }

    private static long countLines(Path file) throws IOException {
        try (var lines = Files.lines(file)) {
            return lines.count();
        }
    }
}
