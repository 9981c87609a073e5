package io.customerpulse.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.util.clock.ManualClock;
import org.junit.jupiter.api.Test;

class LiveWatermarksTest {
    private static final long BOUND = 1_000;
    private static final long IDLE = 30_000;
    private static final long MAX_DELAY = 60_000;

    private final ManualClock activity = new ManualClock();
    private final LiveWatermarks generator = new LiveWatermarks(BOUND, IDLE, MAX_DELAY, activity);
    private final Output output = new Output();

    @Test
    void shouldFollowTheEventsWhileRecordsCome() {
        generator.onEvent(null, 5_000, output);
        activity.advanceTime(Duration.ofMillis(IDLE - 1));
        generator.onPeriodicEmit(output);

        assertThat(output.watermarks).containsExactly(5_000 - BOUND - 1);
        assertThat(output.idle).isZero();
    }

    @Test
    void shouldAdvanceAQuietPartitionWithTheWallClock() {
        generator.onEvent(null, 5_000, output);
        activity.advanceTime(Duration.ofMillis(IDLE));
        long before = System.currentTimeMillis();
        generator.onPeriodicEmit(output);

        assertThat(output.watermarks)
                .singleElement()
                .satisfies(
                        w ->
                                assertThat(w)
                                        .isBetween(
                                                before - MAX_DELAY - 1,
                                                System.currentTimeMillis() - MAX_DELAY - 1));
    }

    /**
     * A generator without records (an empty partition, or the source's main output, which Kafka's
     * reader never feeds) must never carry the wall clock: it would overtake every split.
     */
    @Test
    void shouldMarkIdleNotAdvanceWithoutARecord() {
        generator.onPeriodicEmit(output);
        assertThat(output.idle).isZero();

        activity.advanceTime(Duration.ofMillis(IDLE));
        generator.onPeriodicEmit(output);

        assertThat(output.watermarks).isEmpty();
        assertThat(output.idle).isEqualTo(1);
    }

    private static final class Output implements WatermarkOutput {
        final List<Long> watermarks = new ArrayList<>();
        int idle;

        @Override
        public void emitWatermark(Watermark watermark) {
            watermarks.add(watermark.getTimestamp());
        }

        @Override
        public void markIdle() {
            idle++;
        }

        @Override
        public void markActive() {}
    }
}
