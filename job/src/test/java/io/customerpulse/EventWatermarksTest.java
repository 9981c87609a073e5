package io.customerpulse;

import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.config.JobConfig;
import io.customerpulse.kafka.LiveWatermarks;
import java.util.Map;
import org.apache.flink.api.common.eventtime.BoundedOutOfOrdernessWatermarks;
import org.junit.jupiter.api.Test;

class EventWatermarksTest {
    private static Object generator(Map<String, String> settings) {
        return EventWatermarks.of(JobConfig.parse(settings)).createWatermarkGenerator(null);
    }

    @Test
    void shouldAdvanceQuietPartitionsWithTheWallClockOnlyLive() {
        assertThat(generator(Map.of("mode", "live", "watermark.wall-clock-max-delay", "5 s")))
                .isInstanceOf(LiveWatermarks.class);
        assertThat(
                        generator(
                                Map.of(
                                        "mode", "replay",
                                        "watermark.wall-clock-max-delay", "5 s",
                                        "watermark.idleness", "0 ms")))
                .isInstanceOf(BoundedOutOfOrdernessWatermarks.class);
        assertThat(
                        generator(
                                Map.of(
                                        "mode", "live",
                                        "watermark.wall-clock-max-delay", "0 ms",
                                        "watermark.idleness", "0 ms")))
                .isInstanceOf(BoundedOutOfOrdernessWatermarks.class);
    }
}
