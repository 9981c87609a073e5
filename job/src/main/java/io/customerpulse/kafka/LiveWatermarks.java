package io.customerpulse.kafka;

import io.customerpulse.avro.IngestRecord;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Live-mode watermarks of one Kafka partition: bounded out-of-orderness on its events, and, once
 * the partition has had no record for the idle timeout, at least the wall clock minus a maximum
 * delay. So a quiet partition — or all of them, at night — never stops event time: churn and window
 * timers still fire. (Flink's own idleness only excludes a quiet partition; with every partition
 * quiet, nothing would advance.)
 */
public final class LiveWatermarks implements WatermarkGenerator<IngestRecord> {
    private final long bound;
    private final long idleMillis;
    private final long maxDelay;

    private long maxTimestamp = Long.MIN_VALUE;
    private long lastRecordWallClock = System.currentTimeMillis();
    private long emitted = Long.MIN_VALUE;

    public LiveWatermarks(long boundMillis, long idleMillis, long maxDelayMillis) {
        this.bound = boundMillis;
        this.idleMillis = idleMillis;
        this.maxDelay = maxDelayMillis;
    }

    @Override
    public void onEvent(IngestRecord record, long timestamp, WatermarkOutput output) {
        lastRecordWallClock = System.currentTimeMillis();
        if (timestamp != Long.MIN_VALUE) {
            maxTimestamp = Math.max(maxTimestamp, timestamp);
        }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        long now = System.currentTimeMillis();
        long watermark = maxTimestamp == Long.MIN_VALUE ? Long.MIN_VALUE : maxTimestamp - bound - 1;
        if (now - lastRecordWallClock >= idleMillis) {
            watermark = Math.max(watermark, now - maxDelay - 1);
        }
        if (watermark > emitted) {
            emitted = watermark;
            output.emitWatermark(new Watermark(watermark));
        }
    }
}
