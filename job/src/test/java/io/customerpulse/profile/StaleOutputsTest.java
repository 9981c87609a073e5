package io.customerpulse.profile;

import static io.customerpulse.testing.Events.order;
import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.avro.ChurnAlert;
import io.customerpulse.avro.CustomerAction;
import io.customerpulse.config.JobConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.junit.jupiter.api.Test;

/**
 * DESIGN 13: a churn alert or customer action due more than {@code alerts.max-age} behind the wall
 * clock when it is emitted (a backlog catching up) carries stale = true, and only then; counted in
 * the operator's {@code staleAlertsAndActions} metric.
 */
class StaleOutputsTest {
    private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
    private static final Duration DAY = Duration.ofDays(1);

    @Test
    void shouldMarkWhatWasDueMoreThanMaxAgeBehindTheWallClockAsStale() throws Exception {
        CustomerProfileOperator operator = CustomerProfileOperator.of(JobConfig.defaults());
        try (ProfileHarness h =
                new ProfileHarness(operator, null, new EmbeddedRocksDBStateBackend())) {
            // both go quiet after one order; their churn alerts are due 60 days later, a day apart
            h.send(order("today", 5_000, T0), order("yesterday", 5_000, T0.minus(DAY)));
            Instant due = T0.plus(DAY.multipliedBy(60));
            // the wall clock exactly 24 h (the default max age) after today's churn is due
            h.harness.setProcessingTime(due.plus(DAY).toEpochMilli());
            h.watermark(due.plusSeconds(1));

            Map<String, ChurnAlert> alerts = new java.util.TreeMap<>();
            h.alerts().forEach(a -> alerts.put(a.getCustomerId(), a));
            assertThat(alerts.get("today").getAt()).isEqualTo(due);
            assertThat(alerts.get("today").getStale()).as("exactly max-age behind").isFalse();
            assertThat(alerts.get("yesterday").getStale()).as("a day more behind").isTrue();

            long wall = h.harness.getProcessingTime();
            assertThat(h.actions())
                    .isNotEmpty()
                    .allSatisfy(
                            a ->
                                    assertThat(a.getStale())
                                            .as("%s due %s", a.getActionId(), a.getDueAt())
                                            .isEqualTo(
                                                    wall - a.getDueAt().toEpochMilli()
                                                            > DAY.toMillis()))
                    .extracting(CustomerAction::getStale)
                    .contains(true);
            // the metric counts what was flagged, and only that
            long flagged =
                    h.alerts().stream().filter(ChurnAlert::getStale).count()
                            + h.actions().stream().filter(CustomerAction::getStale).count();
            assertThat(h.alerts().size() + h.actions().size()).isGreaterThan((int) flagged);
            assertThat(operator.staleOutputs.getCount()).isEqualTo(flagged);
        }
    }

    @Test
    void shouldTakeTheMaxAgeFromTheConfiguration() throws Exception {
        try (ProfileHarness h = ProfileHarness.withSettings(Map.of("alerts.max-age", "3 d"))) {
            h.send(order("c", 5_000, T0));
            Instant due = T0.plus(DAY.multipliedBy(60));
            h.harness.setProcessingTime(due.plus(DAY.multipliedBy(2)).toEpochMilli());
            h.watermark(due.plusSeconds(1));

            assertThat(h.alerts())
                    .singleElement()
                    .extracting(ChurnAlert::getStale)
                    .isEqualTo(false);
        }
    }
}
