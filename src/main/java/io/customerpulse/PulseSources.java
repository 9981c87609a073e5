package io.customerpulse;

import io.customerpulse.avro.IngestRecord;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Where events come from: Kafka in production, a file in replay, bounded collections in tests. Each
 * source decodes and validates its records and applies {@code watermarks} itself.
 */
public interface PulseSources {
    DataStream<IngestRecord> events(
            StreamExecutionEnvironment env, WatermarkStrategy<IngestRecord> watermarks);
}
