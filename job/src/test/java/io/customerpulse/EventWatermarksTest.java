package io.customerpulse;

import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.config.JobConfig;
import io.customerpulse.kafka.LiveWatermarks;
import java.util.Map;
import org.apache.flink.api.common.eventtime.BoundedOutOfOrdernessWatermarks;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.clock.ManualClock;
import org.apache.flink.util.clock.RelativeClock;
import org.junit.jupiter.api.Test;

class EventWatermarksTest {
    private static Object generator(Map<String, String> settings) {
        return EventWatermarks.of(JobConfig.parse(settings))
                .createWatermarkGenerator(
                        new WatermarkGeneratorSupplier.Context() {
                            @Override
                            public MetricGroup getMetricGroup() {
                                return new UnregisteredMetricsGroup();
                            }

                            @Override
                            public RelativeClock getInputActivityClock() {
                                return new ManualClock();
                            }
                        });
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
