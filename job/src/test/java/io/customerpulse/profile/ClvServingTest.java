package io.customerpulse.profile;

import static io.customerpulse.testing.Events.DAY;
import static io.customerpulse.testing.Events.T0;
import static io.customerpulse.testing.Events.order;
import static org.assertj.core.api.Assertions.assertThat;

import io.customerpulse.avro.ClvModel;
import io.customerpulse.avro.CustomerProfile;
import io.customerpulse.clv.BgNbd;
import io.customerpulse.clv.ClvScorer;
import io.customerpulse.clv.GammaGamma;
import io.customerpulse.clv.RfmStats;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.junit.jupiter.api.Test;

/**
 * The customer operator serving published CLV models, in the keyed broadcast harness on RocksDB.
 */
class ClvServingTest {
    private static final BgNbd PURCHASES = new BgNbd(0.2426, 4.4136, 0.7929, 2.4259);
    private static final GammaGamma VALUE = new GammaGamma(6.25, 3.74, 15.44);

    static ClvModel model(String id, Instant fittedAt, double q) {
        return ClvModel.newBuilder()
                .setModelId(id)
                .setFittedAt(fittedAt)
                .setAsOf(LocalDate.of(2025, 3, 1))
                .setCurrency("USD")
                .setCustomers(2_357)
                .setRepeatCustomers(946)
                .setR(PURCHASES.r())
                .setAlpha(PURCHASES.alpha())
                .setA(PURCHASES.a())
                .setB(PURCHASES.b())
                .setBgnbdLogLikelihood(-9582.4)
                .setP(VALUE.p())
                .setQ(q)
                .setGamma(VALUE.gamma())
                .setGammaGammaLogLikelihood(-4055.9)
                .build();
    }

    static ClvModel model(String id) {
        return model(id, T0, VALUE.q());
    }

    @Test
    void shouldLeavePredictionsEmptyAndScheduleNoRescoringWithoutAModel() throws Exception {
        try (ProfileHarness h = new ProfileHarness()) {
            h.send(order("c1", 1_000, T0));
            h.watermark(T0.plus(DAY.multipliedBy(10)));
            CustomerProfile p = h.latest();
            assertThat(h.profiles()).hasSize(1);
            assertThat(p.getRepeatPurchases()).isZero();
            assertThat(p.getPAlive()).isNull();
            assertThat(p.getExpectedOrders90d()).isNull();
            assertThat(p.getPredictedClvMinor()).isNull();
            assertThat(p.getClvModel()).isNull();
        }
    }

    @Test
    void shouldScoreACustomerAtItsNextStepOnceAModelIsServed() throws Exception {
        try (ProfileHarness h = new ProfileHarness()) {
            h.send(order("c1", 1_000, T0));
            h.watermark(T0);
            h.serve(model("m1"));
            h.send(order("c1", 3_000, T0.plus(DAY.multipliedBy(14))));
            h.watermark(T0.plus(DAY.multipliedBy(14)));

            CustomerProfile p = h.latest();
            // x = 1, t_x = 2 weeks, T = 2 weeks, m_x = $30
            RfmStats c = new RfmStats(1, 2, 2, 30.0);
            ClvScorer.Prediction expected = ClvScorer.of(model("m1"), 12, 0.01).predict(c);
            assertThat(p.getRepeatPurchases()).isEqualTo(1);
            assertThat(p.getRepeatValueMinor()).isEqualTo(3_000);
            assertThat(p.getPAlive()).isEqualTo(PURCHASES.probabilityAlive(1, 2, 2));
            assertThat(p.getExpectedOrders90d())
                    .isEqualTo(PURCHASES.conditionalExpectedPurchases(90 / 7.0, 1, 2, 2));
            assertThat(p.getPredictedClvMinor()).isEqualTo(Math.round(expected.clv() * 100));
            assertThat(p.getPredictedClvMinor()).isPositive();
            assertThat(p.getClvModel()).isEqualTo("m1");
        }
    }

    @Test
    void shouldRescoreEachCustomerDailyAtItsOwnTimeOfDay() throws Exception {
        try (ProfileHarness h = new ProfileHarness()) {
            h.serve(model("m1"));
            h.send(order("c1", 1_000, T0), order("c2", 1_000, T0));
            h.watermark(T0.plus(DAY.multipliedBy(3)));

            for (String customer : List.of("c1", "c2")) {
                List<CustomerProfile> rescored =
                        h.profiles().stream()
                                .filter(p -> p.getCustomerId().equals(customer))
                                .skip(1)
                                .toList();
                assertThat(rescored).as(customer).hasSize(3);
                for (int i = 1; i < rescored.size(); i++) {
                    assertThat(rescored.get(i).getUpdatedAt())
                            .isEqualTo(rescored.get(i - 1).getUpdatedAt().plus(DAY));
                    // nothing happened: T grows, so fewer orders are expected
                    assertThat(rescored.get(i).getExpectedOrders90d())
                            .isLessThan(rescored.get(i - 1).getExpectedOrders90d());
                }
            }
            assertThat(timeOfDay(h, "c1")).isNotEqualTo(timeOfDay(h, "c2"));
            assertThat(h.timers()).isEqualTo(2); // still one per customer
        }
    }

    private static long timeOfDay(ProfileHarness h, String customer) {
        return h.profiles().stream()
                        .filter(p -> p.getCustomerId().equals(customer))
                        .reduce((a, b) -> b)
                        .orElseThrow()
                        .getUpdatedAt()
                        .toEpochMilli()
                % DAY.toMillis();
    }

    @Test
    void shouldReachACustomerWithNothingDueWithinAWeekOfTheFirstModel() throws Exception {
        try (ProfileHarness h = new ProfileHarness()) {
            h.send(order("c1", 1_000, T0));
            // churned at +60 d, the order left the 90-day window at +90 d: nothing is due any more
            Instant dormant = T0.plus(DAY.multipliedBy(200));
            h.watermark(dormant);
            int before = h.profiles().size();
            assertThat(h.timers()).isEqualTo(1); // the weekly check, not a daily one
            h.serve(model("m1"));
            h.watermark(dormant.plus(DAY.multipliedBy(7)));

            List<CustomerProfile> after = h.profiles().subList(before, h.profiles().size());
            assertThat(after).isNotEmpty();
            assertThat(after.get(0).getClvModel()).isEqualTo("m1");
            assertThat(after.get(0).getUpdatedAt()).isBefore(dormant.plus(DAY.multipliedBy(7)));
            assertThat(after.get(0).getExpectedOrders90d()).isPositive();
        }
    }

    @Test
    void shouldServeTheNewestValidModelOnly() throws Exception {
        try (ProfileHarness h = new ProfileHarness()) {
            h.serve(model("m2", T0.plusSeconds(60), VALUE.q()));
            h.serve(model("bad", T0.plusSeconds(120), 0.5)); // q <= 1: no mean value
            h.serve(model("m1-older", T0, VALUE.q()));
            h.send(order("c1", 1_000, T0));
            h.watermark(T0);
            assertThat(h.latest().getClvModel()).isEqualTo("m2");

            h.serve(model("m3", T0.plusSeconds(180), VALUE.q()));
            h.send(order("c1", 1_000, T0.plus(DAY.multipliedBy(5))));
            h.watermark(T0.plus(DAY.multipliedBy(5)));
            assertThat(h.latest().getClvModel()).isEqualTo("m3");
        }
    }

    @Test
    void shouldRejectAModelThatCannotScoreEveryCustomer() throws Exception {
        // valid parameters one by one, but α this small puts z = t / (α + T + t) so close to 1
        // for a new customer that the hypergeometric series does not converge
        ClvModel diverging = model("diverging", T0.plusSeconds(60), VALUE.q());
        diverging.setAlpha(1e-9);
        assertThat(ClvScorer.problem(diverging)).isNull();
        assertThat(ClvScorer.of(diverging, 12, 0.01).scoringProblem()).contains("fails");
        try (ProfileHarness h = new ProfileHarness()) {
            h.serve(model("m1"));
            h.serve(diverging);
            h.send(order("c1", 1_000, T0));
            h.watermark(T0);
            assertThat(h.latest().getClvModel()).isEqualTo("m1");
            assertThat(h.latest().getPredictedClvMinor()).isNotNull();
        }
    }

    @Test
    void shouldKeepServingTheModelAfterARestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (ProfileHarness h = new ProfileHarness()) {
            h.serve(model("m1"));
            h.send(order("c1", 1_000, T0));
            h.watermark(T0);
            snapshot = h.snapshot();
        }
        try (ProfileHarness h = ProfileHarness.restored(snapshot)) {
            h.send(order("c1", 2_000, T0.plusSeconds(60)));
            h.watermark(T0.plusSeconds(60));
            assertThat(h.latest().getClvModel()).isEqualTo("m1");
            assertThat(h.latest().getPAlive()).isEqualTo(1.0); // x = 0: nothing says it left
        }
    }
}
