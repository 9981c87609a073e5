package io.customerpulse;

import io.customerpulse.avro.IngestRecord;
import io.customerpulse.config.JobConfig;
import io.customerpulse.config.WatermarkSettings;
import io.customerpulse.kafka.LiveWatermarks;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * The one definition of the events' watermarks (DESIGN section 3), applied by every source to each
 * of its partitions: bounded out-of-orderness on valid events' times (rejections carry no time). A
 * quiet partition either stops holding the watermark back after {@code watermark.idleness} (Flink's
 * idleness; none when 0, as in replay), or — in live mode with {@code
 * watermark.wall-clock-max-delay} above 0 — advances with the wall clock minus that delay, so that
 * with every partition quiet event time still moves ({@link LiveWatermarks}).
 */
public final class EventWatermarks {
    private EventWatermarks() {}

    public static WatermarkStrategy<IngestRecord> of(JobConfig config) {
        WatermarkSettings w = config.watermarks();
        long maxDelay = w.wallClockMaxDelay().toMillis();
        if (!config.replayMode() && maxDelay > 0) {
            long bound = w.maxOutOfOrderness().toMillis();
            long idle = w.idleness().toMillis();
            return WatermarkStrategy.<IngestRecord>forGenerator(
                            ctx ->
                                    new LiveWatermarks(
                                            bound, idle, maxDelay, ctx.getInputActivityClock()))
                    .withTimestampAssigner(EVENT_TIME);
        }
        WatermarkStrategy<IngestRecord> bounded =
                WatermarkStrategy.<IngestRecord>forBoundedOutOfOrderness(w.maxOutOfOrderness())
                        .withTimestampAssigner(EVENT_TIME);
        return w.idleness().isZero() ? bounded : bounded.withIdleness(w.idleness());
    }

    private static final SerializableTimestampAssigner<IngestRecord> EVENT_TIME =
            (r, previous) ->
                    r.getEvent() == null
                            ? Long.MIN_VALUE
                            : r.getEvent().getEventTime().toEpochMilli();
}
