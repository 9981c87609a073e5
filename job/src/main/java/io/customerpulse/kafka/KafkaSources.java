package io.customerpulse.kafka;

import io.customerpulse.PulseSources;
import io.customerpulse.Uids;
import io.customerpulse.avro.ClvModel;
import io.customerpulse.avro.IngestRecord;
import io.customerpulse.config.JobConfig;
import io.customerpulse.ingest.EventNormalizer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.flink.api.common.eventtime.TimestampAssignerSupplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The five input topics, each its own KafkaSource so that watermarks are generated per partition of
 * each topic (a lagging ad stream holds the watermark back by itself), with the watermarks the
 * topology gives ({@link io.customerpulse.EventWatermarks}: in live mode a quiet partition advances
 * with the wall clock; replay mode, a bounded backfill, keeps plain bounded out-of-orderness, so it
 * is deterministic).
 */
public final class KafkaSources implements PulseSources {
    public static final List<String> INPUTS =
            List.of(
                    KafkaSettings.ORDERS,
                    KafkaSettings.RETURNS,
                    KafkaSettings.AD_EVENTS,
                    KafkaSettings.INTERACTIONS,
                    KafkaSettings.SHIPMENTS,
                    KafkaSettings.ERASURES);

    private final JobConfig config;

    public KafkaSources(JobConfig config) {
        this.config = config;
    }

    @Override
    public Map<String, DataStream<IngestRecord>> events(
            StreamExecutionEnvironment env, WatermarkStrategy<IngestRecord> watermarks) {
        EventNormalizer normalizer = new EventNormalizer(config);
        Map<String, DataStream<IngestRecord>> streams = new LinkedHashMap<>();
        for (String input : INPUTS) {
            streams.put(
                    input,
                    env.fromSource(
                                    source(input, normalizer),
                                    input.equals(KafkaSettings.ERASURES)
                                            ? alwaysIdle(watermarks)
                                            : watermarks,
                                    "kafka " + input)
                            .uid(Uids.kafkaSource(input)));
        }
        return streams;
    }

    /**
     * The clv-models topic (once it exists), from its beginning (the newest model wins; after a
     * restore the served model comes from the checkpoint). Models carry no event time: the source's
     * watermark is MAX, and the customer operator ignores it (only the events' watermark moves
     * event time there).
     */
    @Override
    public DataStream<ClvModel> clvModels(StreamExecutionEnvironment env) {
        KafkaSettings kafka = config.kafka();
        KafkaSourceBuilder<ClvModel> builder =
                KafkaSource.<ClvModel>builder()
                        .setProperties(kafka.clientProperties())
                        // a pattern, not a topic name: a job upgraded before the first fit
                        // runs without the topic (a named topic that does not exist fails the
                        // job, again and again) and picks it up once fit-clv creates it
                        .setTopicPattern(
                                Pattern.compile(
                                        Pattern.quote(kafka.topic(KafkaSettings.CLV_MODELS))))
                        .setGroupId(kafka.groupId())
                        .setProperty("isolation.level", "read_committed")
                        .setProperty("partition.discovery.interval.ms", "60000")
                        .setDeserializer(new ClvModelDeserializer())
                        .setStartingOffsets(OffsetsInitializer.earliest());
        if (kafka.bounded()) {
            builder.setBounded(OffsetsInitializer.latest()); // a backfill ends, models included
        }
        KafkaSource<ClvModel> source = builder.build();
        WatermarkStrategy<ClvModel> neverHoldsBack =
                WatermarkStrategy.forGenerator(ctx -> new MaxWatermark<>());
        return env.fromSource(source, neverHoldsBack, "kafka " + KafkaSettings.CLV_MODELS)
                .uid(Uids.kafkaSource(KafkaSettings.CLV_MODELS))
                .setParallelism(1);
    }

    private KafkaSource<IngestRecord> source(String input, EventNormalizer normalizer) {
        KafkaSettings kafka = config.kafka();
        KafkaSourceBuilder<IngestRecord> b =
                KafkaSource.<IngestRecord>builder()
                        .setProperties(kafka.clientProperties())
                        .setGroupId(kafka.groupId())
                        .setProperty("isolation.level", "read_committed")
                        .setProperty("partition.discovery.interval.ms", "60000")
                        .setDeserializer(
                                new AvroInputDeserializer(
                                        AvroInputDeserializer.typeOf(input),
                                        normalizer,
                                        kafka.schemaDirectory()))
                        .setStartingOffsets(
                                switch (kafka.startingOffsets()) {
                                    case "earliest" -> OffsetsInitializer.earliest();
                                    case "latest" -> OffsetsInitializer.latest();
                                    default ->
                                            OffsetsInitializer.committedOffsets(
                                                    OffsetResetStrategy.EARLIEST);
                                });
        if (input.equals(KafkaSettings.ERASURES)) {
            // a pattern, not a topic name: a job upgraded before the topic exists runs (a named
            // topic that does not exist fails the job, again and again) and picks it up once
            // scripts/erase or an operator creates it
            b.setTopicPattern(Pattern.compile(Pattern.quote(kafka.topic(input))));
        } else {
            b.setTopics(kafka.topic(input));
        }
        if (kafka.bounded()) {
            b.setBounded(OffsetsInitializer.latest());
        }
        return b.build();
    }

    /**
     * The erasure requests' watermarks: none — the source is always idle, so it neither holds event
     * time back nor moves it. The topic is quiet for days on end, and with watermark.idleness off
     * (a deterministic backfill) its empty partitions would hold event time back for good; a
     * watermark of its own (even MAX, as the models' input has) would move event time while every
     * event partition is idle, and end it. A request still carries its time and waits in the
     * customer operator until the events' watermark passes it; one already behind it is applied at
     * once (a late erasure: everything up to then).
     */
    private static WatermarkStrategy<IngestRecord> alwaysIdle(
            WatermarkStrategy<IngestRecord> events) {
        WatermarkStrategy<IngestRecord> idle = WatermarkStrategy.forGenerator(ctx -> new Idle());
        return idle.withTimestampAssigner(
                (TimestampAssignerSupplier<IngestRecord>) events::createTimestampAssigner);
    }

    /** Always idle: records pass, watermarks never come from here. */
    private static final class Idle implements WatermarkGenerator<IngestRecord> {
        @Override
        public void onEvent(IngestRecord record, long timestamp, WatermarkOutput output) {
            output.markIdle(); // a record may have made the split active again
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            output.markIdle();
        }
    }

    /** The watermark of a stream without event time: never holds back the streams joined to it. */
    private static final class MaxWatermark<T> implements WatermarkGenerator<T> {
        @Override
        public void onEvent(T record, long timestamp, WatermarkOutput output) {}

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            output.emitWatermark(new Watermark(Long.MAX_VALUE));
        }
    }
}
