package io.customerpulse.clv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Predicted CLV as discounted monthly cash flows, checked against what the sum must reduce to. */
class ClvScorerTest {
    private static final BgNbd PURCHASES = new BgNbd(0.2426, 4.4136, 0.7929, 2.4259);
    private static final GammaGamma VALUE = new GammaGamma(6.25, 3.74, 15.44);
    private static final RfmStats CUSTOMER = new RfmStats(4, 30, 38, 42.5);

    private static double clv(int months, double discount) {
        return new ClvScorer("m", PURCHASES, VALUE, months, discount).predict(CUSTOMER).clv();
    }

    @Test
    void shouldBeExpectedPurchasesTimesExpectedValueWithoutDiscount() {
        double weeks = 12 * ClvScorer.WEEKS_PER_MONTH; // a year
        double purchases = PURCHASES.conditionalExpectedPurchases(weeks, 4, 30, 38);
        double value = VALUE.conditionalExpectedValue(4, 42.5);
        assertThat(clv(12, 0)).isCloseTo(purchases * value, within(1e-9));
    }

    @Test
    void shouldDiscountTheFirstMonthOnce() {
        double month =
                PURCHASES.conditionalExpectedPurchases(ClvScorer.WEEKS_PER_MONTH, 4, 30, 38)
                        * VALUE.conditionalExpectedValue(4, 42.5);
        assertThat(clv(1, 0.01)).isCloseTo(month / 1.01, within(1e-9));
    }

    @Test
    void shouldFallWithTheDiscountRateAndGrowWithTheHorizon() {
        assertThat(clv(12, 0.05)).isLessThan(clv(12, 0.01)).isLessThan(clv(12, 0));
        assertThat(clv(24, 0.01)).isGreaterThan(clv(12, 0.01));
    }

    @Test
    void shouldGiveTheModelsOwnValuesForTheOtherTwoPredictions() {
        ClvScorer.Prediction p = new ClvScorer("m", PURCHASES, VALUE, 12, 0.01).predict(CUSTOMER);
        assertThat(p.pAlive()).isEqualTo(PURCHASES.probabilityAlive(4, 30, 38));
        assertThat(p.expectedOrders90d())
                .isEqualTo(PURCHASES.conditionalExpectedPurchases(90 / 7.0, 4, 30, 38));
    }
}
