package io.customerpulse.kafka;

import io.customerpulse.avro.IngestRecord;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.util.clock.RelativeClock;

/**
 * Live-mode watermarks of one Kafka partition: bounded out-of-orderness on its events, and, once
 * the partition has had no record for the idle timeout, at least the wall clock minus a maximum
 * delay. So a quiet partition — or all of them, at night — never stops event time: churn and window
 * timers still fire. (Flink's own idleness only excludes a quiet partition; with every partition
 * quiet, nothing would advance.)
 *
 * <p>A generator that has never seen a record marks its output idle instead: an empty partition is
 * left out of the source's watermark, as Flink's idleness does. This matters beyond empty
 * partitions: Flink also gives the source's main output a generator, and Kafka's reader never
 * passes it a record; advancing that one with the wall clock advanced the whole source, past every
 * split, once the idle timeout had passed since the start, and the rest of a backlog was late.
 *
 * <p>Quiet time is measured on Flink's input activity clock, which stands still while the source is
 * back-pressured: a partition waiting on a busy job is not idle.
 */
public final class LiveWatermarks implements WatermarkGenerator<IngestRecord> {
    private final long bound;
    private final long idleMillis;
    private final long maxDelay;
    private final RelativeClock activity;

    private long maxTimestamp = Long.MIN_VALUE;
    private boolean seenRecord;
    private long lastRecordAt;
    private long emitted = Long.MIN_VALUE;

    public LiveWatermarks(
            long boundMillis, long idleMillis, long maxDelayMillis, RelativeClock activity) {
        this.bound = boundMillis;
        this.idleMillis = idleMillis;
        this.maxDelay = maxDelayMillis;
        this.activity = activity;
        this.lastRecordAt = activity.relativeTimeMillis();
    }

    @Override
    public void onEvent(IngestRecord record, long timestamp, WatermarkOutput output) {
        seenRecord = true;
        lastRecordAt = activity.relativeTimeMillis();
        if (timestamp != Long.MIN_VALUE) {
            maxTimestamp = Math.max(maxTimestamp, timestamp);
        }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        boolean quiet = activity.relativeTimeMillis() - lastRecordAt >= idleMillis;
        if (!seenRecord) {
            if (quiet) {
                output.markIdle();
            }
            return;
        }
        long watermark = maxTimestamp == Long.MIN_VALUE ? Long.MIN_VALUE : maxTimestamp - bound - 1;
        if (quiet) {
            watermark = Math.max(watermark, System.currentTimeMillis() - maxDelay - 1);
        }
        if (watermark > emitted) {
            emitted = watermark;
            output.emitWatermark(new Watermark(watermark));
        }
    }
}
