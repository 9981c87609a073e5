package io.customerpulse.profile;

import static io.customerpulse.testing.Events.click;
import static io.customerpulse.testing.Events.interaction;
import static io.customerpulse.testing.Events.order;
import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.Outputs;
import io.customerpulse.avro.CustomerErasure;
import io.customerpulse.avro.CustomerEvent;
import io.customerpulse.avro.CustomerProfile;
import io.customerpulse.config.JobConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.junit.jupiter.api.Test;

/**
 * DESIGN 13, erasure, in the keyed harness on RocksDB: an ErasureRequest applied in event-time
 * order clears the customer's state and timers, hands the erasure to the sinks, drops (and counts)
 * the customer's events at or before its time arriving afterwards, and lets a later event start a
 * new history; other customers are untouched.
 */
class ErasureTest {
    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
    private static final Duration DAY = Duration.ofDays(1);

    static CustomerEvent erasure(String customer, String requestId, Instant at) {
        CustomerEvent e = interaction(customer, io.customerpulse.ingest.Interactions.ERASURE, at);
        e.setEventId(requestId);
        e.setMarketplace("");
        return e;
    }

    private static List<CustomerErasure> erasures(ProfileHarness h) {
        var out = h.harness.getSideOutput(Outputs.ERASURES);
        return out == null ? List.of() : out.stream().map(StreamRecord::getValue).toList();
    }

    /** The timers "stays" has alone: what is left when "gone" has none. */
    private static int timersOfStaysAlone() throws Exception {
        try (ProfileHarness h = new ProfileHarness()) {
            h.send(order("stays", 7_000, T0));
            h.watermark(T0.plus(DAY.multipliedBy(3)));
            return h.timers();
        }
    }

    @Test
    void shouldForgetTheCustomerEverywhereAndStartANewHistoryAfter() throws Exception {
        CustomerProfileOperator operator = CustomerProfileOperator.of(JobConfig.defaults());
        try (ProfileHarness h =
                new ProfileHarness(operator, null, new EmbeddedRocksDBStateBackend())) {
            h.send(order("gone", 5_000, T0), click("gone", T0.plus(DAY)));
            h.send(order("stays", 7_000, T0));
            h.watermark(T0.plus(DAY.multipliedBy(2)));
            assertThat(h.state("gone")).isNotNull();
            int staysAlone = timersOfStaysAlone();
            assertThat(h.timers()).isGreaterThan(staysAlone); // gone's churn deadline at least

            Instant t = T0.plus(DAY.multipliedBy(3));
            h.send(erasure("gone", "er-1", t));
            h.send(order("gone", 1_000, t.minusSeconds(1))); // before t, applied, then erased
            h.watermark(t);

            assertThat(erasures(h))
                    .singleElement()
                    .satisfies(
                            e -> {
                                assertThat(e.getCustomerId()).isEqualTo("gone");
                                assertThat(e.getErasedAt()).isEqualTo(t);
                                assertThat(e.getRequestId()).isEqualTo("er-1");
                            });
            // on the profiles' output, in order: the erasure's marker (the Kafka sink's tombstone)
            CustomerProfile marker = h.latest("gone");
            assertThat(marker.getErasedAt()).isEqualTo(t);
            assertThat(marker.getVersion()).isZero();
            assertThat(h.state("gone")).as("state").isNull();
            assertThat(h.timers()).as("gone's timers gone, stays' kept").isEqualTo(staysAlone);
            assertThat(h.state("stays")).isNotNull();
            int outputs = h.profiles().size();

            // at or before t, arriving afterwards: dropped and counted, whatever its kind
            h.send(order("gone", 2_000, t), click("gone", t.minus(DAY)));
            assertThat(operator.erasedEventsDropped.getCount()).isEqualTo(2);
            assertThat(h.late()).isEmpty();
            h.watermark(T0.plus(DAY.multipliedBy(70))); // past the old churn deadline
            assertThat(h.profiles()).hasSize(outputs + 1); // stays' churn, nothing of gone
            assertThat(h.alerts()).extracting(a -> a.getCustomerId()).containsExactly("stays");

            // after t: a new history, from nothing
            Instant back = T0.plus(DAY.multipliedBy(80));
            h.send(order("gone", 9_000, back));
            h.watermark(back);
            CustomerProfile fresh = h.latest("gone");
            assertThat(fresh.getOrdersTotal()).isEqualTo(1);
            assertThat(fresh.getGmvMinor()).isEqualTo(9_000);
            assertThat(fresh.getVersion()).isEqualTo(1);
            // and an event of the old history arriving now is still dropped
            h.send(order("gone", 3_000, t.minus(DAY)));
            assertThat(operator.erasedEventsDropped.getCount()).isEqualTo(3);
            assertThat(h.latest("gone").getOrdersTotal()).isEqualTo(1);
        }
    }

    /** The drop survives a restore: the erasure time is kept in keyed state, not in memory. */
    @Test
    void shouldDropTheErasedHistoryAfterARestore() throws Exception {
        org.apache.flink.runtime.checkpoint.OperatorSubtaskState snapshot;
        Instant t = T0.plus(DAY);
        try (ProfileHarness h = new ProfileHarness()) {
            h.send(order("gone", 5_000, T0), erasure("gone", "er-1", t));
            h.watermark(t);
            snapshot = h.snapshot();
        }
        CustomerProfileOperator operator = CustomerProfileOperator.of(JobConfig.defaults());
        try (ProfileHarness h =
                new ProfileHarness(operator, snapshot, new EmbeddedRocksDBStateBackend())) {
            assertThat(h.stateEntries()).isZero();
            assertThat(h.timers()).isZero();
            h.send(order("gone", 5_000, T0)); // a source re-reading after the restore
            h.watermark(t.plus(DAY));
            assertThat(h.profiles()).isEmpty();
            assertThat(operator.erasedEventsDropped.getCount()).isEqualTo(1);
        }
    }

    /** A late erasure (behind the customer's time) erases at once, all of the history. */
    @Test
    void shouldEraseAtOnceWhenTheRequestIsLate() throws Exception {
        try (ProfileHarness h = new ProfileHarness()) {
            h.send(order("gone", 5_000, T0), order("gone", 6_000, T0.plus(DAY.multipliedBy(2))));
            h.watermark(T0.plus(DAY.multipliedBy(3)));
            h.send(erasure("gone", "er-late", T0.plus(DAY)));
            // erased up to event time now: every row of the history goes
            assertThat(erasures(h))
                    .singleElement()
                    .extracting(CustomerErasure::getErasedAt)
                    .isEqualTo(T0.plus(DAY.multipliedBy(3)));
            assertThat(h.state("gone")).isNull();
            assertThat(h.timers()).isZero();
        }
    }

    /**
     * An event after the erasure, still waiting when it is applied, stays known: a repeat of it (a
     * producer retry) is a duplicate in the new history too.
     */
    @Test
    void shouldStillKnowTheWaitingEventsOfTheNextHistory() throws Exception {
        try (ProfileHarness h = new ProfileHarness()) {
            h.watermark(T0);
            Instant t = T0.plus(DAY);
            CustomerEvent after =
                    io.customerpulse.testing.Events.refund("gone", "X1", 500, t.plusSeconds(60));
            h.send(order("gone", 5_000, T0.plusSeconds(1)), erasure("gone", "er-1", t), after);
            h.watermark(t); // erased; the refund after it waits
            h.send(after); // the producer's retry
            h.watermark(t.plus(DAY));
            assertThat(h.latest("gone").getRefundsMinor()).isEqualTo(500);
        }
    }
}
