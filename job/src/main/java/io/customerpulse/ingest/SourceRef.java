package io.customerpulse.ingest;

/** Where a record came from: Kafka topic, partition and offset, or a replay file and line. */
public record SourceRef(String source, int partition, long offset) {}
