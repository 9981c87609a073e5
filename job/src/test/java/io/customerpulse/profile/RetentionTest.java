package io.customerpulse.profile;

import static io.customerpulse.testing.Events.click;
import static io.customerpulse.testing.Events.interaction;
import static io.customerpulse.testing.Events.order;
import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.avro.CustomerProfile;
import io.customerpulse.config.ConfigException;
import io.customerpulse.config.JobConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * DESIGN 13, retention: a customer with no event for {@code retention.inactive-after} is expired by
 * their own timer — the last profile goes out with expired_at, their keyed state and timers are
 * gone — and a later event starts a new history. In the keyed harness on RocksDB.
 */
class RetentionTest {
    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
    private static final Duration DAY = Duration.ofDays(1);
    private static final Duration INACTIVE = Duration.ofDays(100);
    private static final Map<String, String> SETTINGS = Map.of("retention.inactive-after", "100 d");

    @Test
    void shouldExpireACustomerWithNoEventForInactiveAfterAndStartANewHistoryAfter()
            throws Exception {
        CustomerProfileOperator operator = CustomerProfileOperator.of(JobConfig.parse(SETTINGS));
        try (ProfileHarness h =
                new ProfileHarness(operator, null, new EmbeddedRocksDBStateBackend())) {
            Instant last = T0.plus(DAY.multipliedBy(10));
            h.send(order("gone", 5_000, T0), click("gone", last), order("stays", 5_000, T0));
            h.send(interaction("stays", T0.plus(DAY.multipliedBy(50))));
            Instant expiry = last.plus(INACTIVE);

            h.watermark(expiry.minusMillis(1));
            assertThat(h.latest("gone").getExpiredAt()).isNull();
            assertThat(h.state("gone")).isNotNull();

            h.watermark(expiry);
            CustomerProfile expired = h.latest("gone");
            assertThat(expired.getExpiredAt()).isEqualTo(expiry);
            assertThat(expired.getUpdatedAt()).isEqualTo(expiry);
            assertThat(expired.getOrdersTotal()).as("the last profile, kept").isEqualTo(1);
            // and the customer leaves their segment: a later history starts from none
            io.customerpulse.avro.SegmentChange left =
                    h.changes().stream()
                            .filter(c -> c.getCustomerId().equals("gone"))
                            .reduce((a, b) -> b)
                            .orElseThrow();
            assertThat(left.getFromSegment()).isEqualTo(expired.getSegment());
            assertThat(left.getToSegment()).isNull();
            assertThat(left.getReason()).isEqualTo(ProfileEngine.EXPIRED);
            assertThat(left.getAt()).isEqualTo(expiry);
            assertThat(h.state("gone")).as("nothing kept").isNull();
            assertThat(h.latest("stays").getExpiredAt()).isNull();
            assertThat(h.stateEntries()).isEqualTo(1);
            assertThat(operator.customersExpired.getCount()).isEqualTo(1);

            // "stays" expires too, 100 days after its interaction: then no state and no timer
            h.watermark(T0.plus(DAY.multipliedBy(150)));
            assertThat(h.latest("stays").getExpiredAt()).isNotNull();
            assertThat(h.stateEntries()).isZero();
            assertThat(h.timers()).isZero();

            // a later event starts a new history: counted from nothing, version 1
            Instant back = T0.plus(DAY.multipliedBy(400));
            h.send(order("gone", 7_000, back));
            h.watermark(back);
            CustomerProfile fresh = h.latest("gone");
            assertThat(fresh.getExpiredAt()).isNull();
            assertThat(fresh.getOrdersTotal()).isEqualTo(1);
            assertThat(fresh.getGmvMinor()).isEqualTo(7_000);
            assertThat(fresh.getFirstOrderAt()).isEqualTo(back);
            assertThat(fresh.getVersion()).isEqualTo(1);
            assertThat(h.stateEntries()).isEqualTo(1);
        }
    }

    /**
     * While a CLV model is served every buyer is re-scored every interval: before expiry this was
     * forever (a timer per buyer per day). The expiry ends it.
     */
    @Test
    void shouldStopReScoringABuyerOnceExpired() throws Exception {
        try (ProfileHarness h = ProfileHarness.withSettings(SETTINGS)) {
            h.serve(ClvServingTest.model("m1"));
            h.send(order("c", 5_000, T0));
            h.watermark(T0.plus(DAY.multipliedBy(30)));
            assertThat(h.timers()).as("re-scoring").isEqualTo(1);
            int profiles = h.profiles().size();
            assertThat(profiles).as("re-scored daily").isGreaterThan(20);

            h.watermark(T0.plus(DAY.multipliedBy(300)));
            assertThat(h.latest("c").getExpiredAt()).isEqualTo(T0.plus(INACTIVE));
            assertThat(h.timers()).isZero();
            assertThat(h.stateEntries()).isZero();
            int atExpiry = h.profiles().size();
            h.watermark(T0.plus(DAY.multipliedBy(600)));
            assertThat(h.profiles()).hasSize(atExpiry);
        }
    }

    /** An expired customer's record is cleared by a checkpoint's write-back and stays so. */
    @Test
    void shouldNotBringAnExpiredCustomerBackAfterARestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (ProfileHarness h = ProfileHarness.withSettings(SETTINGS)) {
            h.send(order("c", 5_000, T0));
            h.watermark(T0.plus(INACTIVE));
            assertThat(h.latest("c").getExpiredAt()).isNotNull();
            snapshot = h.snapshot();
        }
        try (ProfileHarness h =
                new ProfileHarness(
                        JobConfig.parse(SETTINGS), snapshot, new EmbeddedRocksDBStateBackend())) {
            assertThat(h.stateEntries()).isZero();
            assertThat(h.timers()).isZero();
            h.watermark(T0.plus(DAY.multipliedBy(900)));
            assertThat(h.profiles()).isEmpty();
        }
    }

    @Test
    void shouldRefuseAnInactivityShorterThanAWindowItClears() {
        Assertions.assertThatThrownBy(
                        () -> JobConfig.parse(Map.of("retention.inactive-after", "60 d")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("retention.inactive-after")
                .hasMessageContaining("segments.churn-after");
    }
}
