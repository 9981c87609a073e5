package io.customerpulse.replay;

import io.customerpulse.CustomerPulseJob;
import io.customerpulse.PulseSinks;
import io.customerpulse.PulseSources;
import io.customerpulse.Uids;
import io.customerpulse.avro.IngestRecord;
import io.customerpulse.config.JobConfig;
import io.customerpulse.ingest.EventNormalizer;
import io.customerpulse.ingest.JsonEventDecoder;
import io.customerpulse.ingest.JsonEventFormat;
import io.customerpulse.ingest.SourceRef;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Runs the customer-pulse topology bounded over a JSON-lines events file (DESIGN section 9) and
 * writes what it would have sent to the sinks. Results are as of a time fixed before the run: the
 * configured {@code replay.as-of}, else the latest valid event time in the file.
 */
public final class ReplayRunner {
    private ReplayRunner() {}

    /** What a replay produced. */
    public record Result(Instant asOf, Map<String, Integer> lines) {}

    /** Replays {@code input} on {@code env} and writes the outputs into {@code out}. */
    public static Result run(StreamExecutionEnvironment env, JobConfig config, Path input, Path out)
            throws Exception {
        if (!config.replayMode()) {
            throw new IllegalArgumentException("replay needs mode=replay");
        }
        JsonEventDecoder decoder = new JsonEventDecoder(new EventNormalizer(config));
        Instant asOf = config.asOf() != null ? config.asOf() : latestEventTime(input, decoder);
        JobConfig fixed = config.withAsOf(asOf);

        Files.createDirectories(out);
        Path parts = out.resolve(".parts");
        ReplayOutputs.deleteTree(parts);
        ReplayOutputs.names().forEach(n -> deleteIfExists(out.resolve(n + ".jsonl")));

        String source = input.getFileName().toString();
        PulseSources sources =
                (e, watermarks) ->
                        Map.of(
                                "file",
                                e.fromSource(
                                                FileSource.forRecordStreamFormat(
                                                                new JsonEventFormat(
                                                                        decoder, source),
                                                                new org.apache.flink.core.fs.Path(
                                                                        input.toAbsolutePath()
                                                                                .toUri()))
                                                        .build(),
                                                watermarks,
                                                "events file")
                                        .uid(Uids.SOURCE));
        CustomerPulseJob.buildTopology(env, fixed, sources, fileSinks(parts));
        env.execute("customer-pulse replay of " + source);

        Map<String, Integer> lines = ReplayOutputs.write(parts, out);
        ReplayOutputs.deleteTree(parts);
        return new Result(asOf, lines);
    }

    /** The latest event time among the file's valid events. */
    public static Instant latestEventTime(Path input, JsonEventDecoder decoder) throws IOException {
        long max = Long.MIN_VALUE;
        try (BufferedReader r = Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                IngestRecord rec = decoder.decode(line, new SourceRef("scan", 0, 0), 0L);
                if (rec.getEvent() != null) {
                    max = Math.max(max, rec.getEvent().getEventTime().toEpochMilli());
                }
            }
        }
        if (max == Long.MIN_VALUE) {
            throw new IllegalArgumentException(input + " holds no valid event");
        }
        return Instant.ofEpochMilli(max);
    }

    /** JSON-lines part files under {@code parts}, one set per output. */
    public static PulseSinks fileSinks(Path parts) {
        return streams -> {
            streams.profiles()
                    .sinkTo(new JsonLinesSink<>(parts, ReplayOutputs.PROFILES))
                    .uid(Uids.SINK_PROFILES)
                    .name("profiles file");
            streams.segmentChanges()
                    .sinkTo(new JsonLinesSink<>(parts, ReplayOutputs.SEGMENT_CHANGES))
                    .uid(Uids.SINK_SEGMENT_CHANGES)
                    .name("segment changes file");
            streams.churnAlerts()
                    .sinkTo(new JsonLinesSink<>(parts, ReplayOutputs.CHURN_ALERTS))
                    .uid(Uids.SINK_CHURN_ALERTS)
                    .name("churn alerts file");
            streams.customerActions()
                    .sinkTo(new JsonLinesSink<>(parts, ReplayOutputs.ACTIONS))
                    .uid(Uids.SINK_ACTIONS)
                    .name("customer actions file");
            streams.sellerHealth()
                    .sinkTo(new JsonLinesSink<>(parts, ReplayOutputs.SELLER_HEALTH))
                    .uid(Uids.SINK_SELLER_HEALTH)
                    .name("seller health file");
            streams.sellerHealthAlerts()
                    .sinkTo(new JsonLinesSink<>(parts, ReplayOutputs.SELLER_HEALTH_ALERTS))
                    .uid(Uids.SINK_HEALTH_ALERTS)
                    .name("seller health alerts file");
            streams.campaignDaily()
                    .sinkTo(new JsonLinesSink<>(parts, ReplayOutputs.CAMPAIGN_DAILY))
                    .uid(Uids.SINK_CAMPAIGNS)
                    .name("campaign days file");
            streams.lateEvents()
                    .sinkTo(new JsonLinesSink<>(parts, ReplayOutputs.LATE_EVENTS))
                    .uid(Uids.SINK_LATE_EVENTS)
                    .name("late events file");
            streams.deadLetter()
                    .sinkTo(new JsonLinesSink<>(parts, ReplayOutputs.DEAD_LETTER))
                    .uid(Uids.SINK_REJECTED)
                    .name("dead letter file");
            streams.erasures()
                    .sinkTo(new JsonLinesSink<>(parts, ReplayOutputs.ERASURES))
                    .uid(Uids.SINK_ERASURES)
                    .name("erasures file");
        };
    }

    private static void deleteIfExists(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
