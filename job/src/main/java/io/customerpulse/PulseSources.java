package io.customerpulse;

import io.customerpulse.avro.ClvModel;
import io.customerpulse.avro.IngestRecord;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;

/**
 * Where events come from: Kafka in production, a file in replay, bounded collections in tests. Each
 * source decodes and validates its records and applies {@code watermarks} ({@link EventWatermarks},
 * the one definition) to each of its partitions.
 */
public interface PulseSources {
    /**
     * One stream per input, by a name that is stable across releases (it names the router chained
     * to it: {@link Uids#route}). Kept apart, not unioned, so that each input's router runs in its
     * source's task, with no network hop between decoding and routing.
     */
    Map<String, DataStream<IngestRecord>> events(
            StreamExecutionEnvironment env, WatermarkStrategy<IngestRecord> watermarks);

    /**
     * Published CLV models (the clv-models topic in production). None by default: profiles then
     * carry no predictions.
     */
    default DataStream<ClvModel> clvModels(StreamExecutionEnvironment env) {
        return noClvModels(env);
    }

    /**
     * An empty stream of CLV models. (Flink has no empty bounded source: {@code fromData} of an
     * empty list fails at run time with "'from' must be <= 'to'"; one number mapped to nothing is
     * the smallest that works.)
     */
    static DataStream<ClvModel> noClvModels(StreamExecutionEnvironment env) {
        return env.fromSequence(0, 0)
                .uid(Uids.CLV_MODELS_NONE)
                .name("no CLV models")
                .flatMap((Long i, Collector<ClvModel> none) -> {})
                .returns(new AvroTypeInfo<>(ClvModel.class))
                .uid(Uids.CLV_MODELS_NONE + "-empty")
                .name("no CLV models");
    }
}
