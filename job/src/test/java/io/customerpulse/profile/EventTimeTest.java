package io.customerpulse.profile;

import static io.customerpulse.testing.Events.DAY;
import static io.customerpulse.testing.Events.T0;
import static io.customerpulse.testing.Events.interaction;
import static io.customerpulse.testing.Events.order;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.customerpulse.avro.ChurnAlert;
import io.customerpulse.avro.CustomerProfile;
import io.customerpulse.avro.Segment;
import io.customerpulse.config.JobConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Time in the customer operator (DESIGN section 3): the final watermark ends time, only the event
 * input's watermark counts, and in live mode event time never runs ahead of the wall clock.
 */
class EventTimeTest {
    private static final JobConfig REPLAY = JobConfig.parse(Map.of("mode", "replay"));

    /**
     * Customers with every kind of timer at day 91: "waiting" has an event the watermark has not
     * passed, "churn" (back at day 70) a churn deadline at day 130, "window" (CHURN_RISK since day
     * 80) an order leaving the window at day 110, and "dormant" (CHURN_RISK, its order out of the
     * window) nothing but the weekly check of a buyer while no model is served.
     */
    private static void everyKindOfTimer(ProfileHarness h) throws Exception {
        h.send(order("churn", 5_000, T0), order("dormant", 5_000, T0));
        h.send(order("window", 5_000, T0.plus(DAY.multipliedBy(20))));
        h.watermark(T0.plus(DAY.multipliedBy(61)));
        h.send(order("churn", 5_000, T0.plus(DAY.multipliedBy(70))));
        h.watermark(T0.plus(DAY.multipliedBy(91)));
        h.send(interaction("waiting", T0.plus(DAY.multipliedBy(100))));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldEndTimeAtTheFinalWatermarkWithNoTimerLeft() throws Exception {
        try (ProfileHarness h = new ProfileHarness(REPLAY)) {
            everyKindOfTimer(h);
            assertThat(h.timers()).isEqualTo(4);

            h.endOfTime();

            assertThat(h.timers()).isZero();
            assertThat(h.harness.numEventTimeTimers()).isZero();
            // every waiting event and limit happened once, at its own time
            assertThat(h.alerts())
                    .extracting(ChurnAlert::getCustomerId, ChurnAlert::getAt)
                    .containsExactlyInAnyOrder(
                            tuple("churn", day(60)),
                            tuple("dormant", day(60)),
                            tuple("window", day(80)),
                            tuple("churn", day(130)),
                            tuple("waiting", day(160)));
            assertThat(latest(h, "window").getOrders90d()).isZero(); // left at day 110
            assertThat(latest(h, "churn").getOrders90d()).isZero(); // day 160 left the window
            assertThat(latest(h, "waiting").getSegment()).isEqualTo(Segment.CHURN_RISK);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldEndTimeWithoutRescoringForeverWhileAModelIsServed() throws Exception {
        try (ProfileHarness h = new ProfileHarness(REPLAY)) {
            h.serve(ClvServingTest.model("m1"));
            everyKindOfTimer(h);
            assertThat(h.timers()).isEqualTo(4); // daily re-scoring of every buyer

            h.endOfTime();

            assertThat(h.timers()).isZero();
            // re-scored daily up to its last limit — its expiry, retention.inactive-after (730 d)
            // after its last order at day 70 — then nothing: re-scoring has no last time
            CustomerProfile last = latest(h, "churn");
            assertThat(last.getUpdatedAt()).isEqualTo(T0.plus(DAY.multipliedBy(70 + 730)));
            assertThat(last.getExpiredAt()).isEqualTo(last.getUpdatedAt());
            assertThat(last.getClvModel()).isEqualTo("m1");
            assertThat(h.stateEntries()).isZero();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldEndTimeAtTheWallClockInLiveModeWithNothingStampedAfterIt() throws Exception {
        try (ProfileHarness h = new ProfileHarness(JobConfig.defaults())) {
            long now = Instant.parse("2026-06-01T12:00:00Z").toEpochMilli();
            h.harness.setProcessingTime(now);
            Instant recent = Instant.ofEpochMilli(now).minus(DAY.multipliedBy(10));
            h.send(order("recent", 5_000, recent));
            everyKindOfTimer(h);

            h.endOfTime();

            assertThat(h.timers()).isZero();
            long limit = now + Duration.ofMinutes(1).toMillis();
            assertThat(h.harness.extractOutputStreamRecords())
                    .allSatisfy(r -> assertThat(r.getTimestamp()).isLessThanOrEqualTo(limit));
            assertThat(emittedWatermarks(h))
                    .allSatisfy(w -> assertThat(w).isLessThanOrEqualTo(limit));
            assertThat(latest(h, "recent").getSegment())
                    .isEqualTo(Segment.POTENTIAL); // day 60 is ahead
            assertThat(latest(h, "waiting").getSegment())
                    .isEqualTo(Segment.CHURN_RISK); // long past
        }
    }

    @Test
    void shouldNeverLetTheModelInputsWatermarkThroughWhileTheEventInputIsIdle() throws Exception {
        try (ProfileHarness h = new ProfileHarness(JobConfig.defaults())) {
            h.send(order("c1", 5_000, T0));
            Instant last = T0.plusSeconds(30);
            h.watermark(last);
            h.harness.processWatermarkStatus1(WatermarkStatus.IDLE);
            h.harness.processWatermark2(Watermark.MAX_WATERMARK);
            h.serve(ClvServingTest.model("m1"));
            h.harness.processWatermark2(Watermark.MAX_WATERMARK);

            assertThat(h.profiles()).hasSize(1);
            assertThat(h.harness.extractOutputStreamRecords())
                    .allSatisfy(
                            r ->
                                    assertThat(r.getTimestamp())
                                            .isLessThanOrEqualTo(last.toEpochMilli()));
            assertThat(emittedWatermarks(h)).containsExactly(last.toEpochMilli());
            assertThat(h.harness.getOutput()).contains(WatermarkStatus.IDLE);
        }
    }

    @Test
    void shouldHoldEventTimeAtTheWallClockPlusTheToleranceInLiveMode() throws Exception {
        CustomerProfileOperator operator = CustomerProfileOperator.of(JobConfig.defaults());
        try (ProfileHarness h =
                new ProfileHarness(operator, null, new EmbeddedRocksDBStateBackend())) {
            long now = Instant.parse("2026-06-01T12:00:00Z").toEpochMilli();
            long tolerance = Duration.ofMinutes(1).toMillis();
            h.harness.setProcessingTime(now);
            Instant ahead = Instant.ofEpochMilli(now + Duration.ofMinutes(10).toMillis());
            h.send(order("c1", 5_000, ahead)); // valid: less than a day ahead
            h.watermark(ahead);

            assertThat(h.profiles()).isEmpty(); // held: the clock is 9 minutes short
            assertThat(operator.watermarksHeld.getCount()).isPositive();
            assertThat(emittedWatermarks(h))
                    .allSatisfy(w -> assertThat(w).isLessThanOrEqualTo(now + tolerance));

            h.harness.setProcessingTime(ahead.toEpochMilli() - tolerance + 1_000);
            assertThat(h.profiles())
                    .singleElement()
                    .satisfies(p -> assertThat(p.getUpdatedAt()).isEqualTo(ahead));
            assertThat(h.harness.extractOutputStreamRecords())
                    .allSatisfy(
                            r ->
                                    assertThat(r.getTimestamp())
                                            .isLessThanOrEqualTo(
                                                    h.harness.getProcessingTime() + tolerance));
            assertThat(emittedWatermarks(h)).last().isEqualTo(ahead.toEpochMilli());
        }
    }

    @Test
    void shouldNotHoldEventTimeInReplayMode() throws Exception {
        try (ProfileHarness h = new ProfileHarness(REPLAY)) {
            h.harness.setProcessingTime(0); // a replay does not look at the wall clock
            h.send(order("c1", 5_000, T0));
            h.watermark(T0);
            assertThat(h.profiles()).hasSize(1);
        }
    }

    private static Instant day(int n) {
        return T0.plus(DAY.multipliedBy(n));
    }

    private static CustomerProfile latest(ProfileHarness h, String customer) {
        return h.profiles().stream()
                .filter(p -> p.getCustomerId().equals(customer))
                .reduce((a, b) -> b)
                .orElseThrow();
    }

    private static java.util.List<Long> emittedWatermarks(ProfileHarness h) {
        return h.harness.getOutput().stream()
                .filter(o -> o instanceof Watermark)
                .map(o -> ((Watermark) o).getTimestamp())
                .toList();
    }

    @SuppressWarnings("unused")
    private static long stamp(StreamRecord<?> r) {
        return r.getTimestamp();
    }
}
