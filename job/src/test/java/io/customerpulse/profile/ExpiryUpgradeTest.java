package io.customerpulse.profile;

import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.config.JobConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.api.Test;

/**
 * A checkpoint of release 1ec242a, before expiry, where a customer with nothing due had no timer (a
 * prospect churned 60 days after a click): restored today, every customer gets a timer, so every
 * one expires (legacy/MakeUnarmedSnapshot.java.txt says how the checkpoint was made).
 */
class ExpiryUpgradeTest {
    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
    private static final Duration DAY = Duration.ofDays(1);

    @Test
    void shouldArmEveryCustomerRestoredFromAReleaseBeforeExpiry() throws Exception {
        OperatorSubtaskState old =
                OperatorSnapshotUtil.readStateHandle(
                        Path.of(
                                        ExpiryUpgradeTest.class
                                                .getResource(
                                                        "/legacy/customer-operator-1ec242a.snapshot")
                                                .toURI())
                                .toString());
        try (ProfileHarness h =
                new ProfileHarness(JobConfig.defaults(), old, new HashMapStateBackend())) {
            // the buyer's weekly check, as restored, and now one for the clicker
            assertThat(h.harness.numEventTimeTimers()).isEqualTo(2);

            // the wall clock past the expiries, which live mode would not let event time pass
            h.harness.setProcessingTime(T0.plus(DAY.multipliedBy(1_100)).toEpochMilli());
            h.watermark(T0.plus(DAY.multipliedBy(1_000)));
            // format 6 has no last event time: the last step's counts (the clicker's churn at
            // day 60), so a restored customer expires no earlier than its history allows
            assertThat(h.latest("clicker").getExpiredAt())
                    .isEqualTo(T0.plus(DAY.multipliedBy(60 + 730)));
            assertThat(h.latest("buyer").getExpiredAt()).isNotNull();
            assertThat(h.stateEntries()).isZero();
            assertThat(h.timers()).isZero();
        }
    }
}
