package io.customerpulse.clv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.data.Percentage.withPercentage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.distribution.GammaDistribution;
import org.apache.commons.math3.random.MersenneTwister;
import org.apache.commons.math3.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** The models against the published CDNOW values of ../shared/data/cdnow/SOURCE.md. */
class ClvModelsTest {
    /** BTYD 2.4.3's estimates, with which it prints the customer-level values below. */
    private static final BgNbd BTYD = new BgNbd(0.2425982, 4.4136842, 0.7929899, 2.4261667);

    private static final GammaGamma HARDIE = new GammaGamma(6.25, 3.74, 15.44);

    @Test
    void shouldReproduceThePublishedBgNbdFitOnCdnow() throws Exception {
        ModelFit<BgNbd> fit = ModelFit.bgNbd(List.copyOf(CdnowData.summary().values()));

        assertThat(fit.customers()).isEqualTo(2357);
        assertThat(fit.model().r()).isCloseTo(0.243, withPercentage(0.5));
        assertThat(fit.model().alpha()).isCloseTo(4.414, withPercentage(0.5));
        assertThat(fit.model().a()).isCloseTo(0.793, withPercentage(0.5));
        assertThat(fit.model().b()).isCloseTo(2.426, withPercentage(0.5));
        assertThat(fit.logLikelihood()).isCloseTo(-9582.4, within(0.1));
    }

    @Test
    void shouldReproduceThePublishedGammaGammaFitOnCdnow() throws Exception {
        ModelFit<GammaGamma> fit = ModelFit.gammaGamma(List.copyOf(CdnowData.summary().values()));

        assertThat(fit.customers()).isEqualTo(946);
        assertThat(fit.model().p()).isCloseTo(6.25, withPercentage(0.5));
        assertThat(fit.model().q()).isCloseTo(3.74, withPercentage(0.5));
        assertThat(fit.model().gamma()).isCloseTo(15.44, withPercentage(0.5));
        assertThat(fit.logLikelihood()).isCloseTo(-4055.92, within(0.05));
    }

    @Test
    void shouldMatchThePublishedCustomerLevelValues() throws Exception {
        // customer 1516: x = 26, t_x = 30.85714, T = 31 (BTYD walkthrough)
        assertThat(BTYD.conditionalExpectedPurchases(52, 26, 30.85714, 31))
                .isCloseTo(25.75659, within(0.0005));
        assertThat(BTYD.probabilityAlive(26, 30.85714, 31)).isCloseTo(0.9688523, within(1e-5));
        assertThat(BTYD.expectedPurchases(52)).isCloseTo(1.444004, within(1e-5));
        // CET(52) at t_x = 20, T = 39 for x = 10, 15, 20, 25
        double[] x = {10, 15, 20, 25};
        double[] cet = {0.3474606, 0.04283391, 0.004158973, 0.0003583685};
        for (int i = 0; i < x.length; i++) {
            assertThat(BTYD.conditionalExpectedPurchases(52, x[i], 20, 39))
                    .isCloseTo(cet[i], withPercentage(0.01));
        }
        assertThat(BTYD.probabilityAlive(0, 0, 10)).isEqualTo(1.0);

        // lifetimes: ID 1 over the next 39 weeks with the fitted parameters; E[X(t)] after the fit
        Map<String, RfmStats> cdnow = CdnowData.summary();
        BgNbd fitted = ModelFit.bgNbd(List.copyOf(cdnow.values())).model();
        RfmStats one = cdnow.get("1");
        assertThat(fitted.conditionalExpectedPurchases(39, one.x(), one.tx(), one.T()))
                .isCloseTo(1.226, within(0.001));
        double[] t = {0.1429, 1, 3, 31.8571, 32, 78};
        double[] ex = {0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576};
        for (int i = 0; i < t.length; i++) {
            assertThat(fitted.expectedPurchases(t[i])).isCloseTo(ex[i], within(0.0005));
        }

        // Gamma-Gamma E[M] for IDs 1-10 (Hardie's spreadsheet, via lifetimes)
        double[] em = {24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17};
        for (int id = 1; id <= 10; id++) {
            RfmStats c = cdnow.get(Integer.toString(id));
            assertThat(HARDIE.conditionalExpectedValue(c.x(), c.mx()))
                    .as("E[M] of customer %d", id)
                    .isCloseTo(em[id - 1], within(0.1));
        }
    }

    @Test
    void shouldRecoverTheParametersSyntheticCustomersWereDrawnWith() {
        BgNbd truth = new BgNbd(0.5, 6.0, 0.7, 3.0);
        GammaGamma spend = new GammaGamma(4.0, 5.0, 20.0);
        RandomGenerator random = new MersenneTwister(42);
        GammaDistribution rate = new GammaDistribution(random, truth.r(), 1 / truth.alpha());
        BetaDistribution dropout = new BetaDistribution(random, truth.a(), truth.b());
        GammaDistribution scale = new GammaDistribution(random, spend.q(), 1 / spend.gamma());
        List<RfmStats> customers = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            double lambda = rate.sample();
            double p = dropout.sample();
            double nu = scale.sample();
            GammaDistribution value = new GammaDistribution(random, spend.p(), 1 / nu);
            double T = 20 + random.nextDouble() * 40; // first purchase 20 to 60 weeks ago
            double t = 0;
            double last = 0;
            int x = 0;
            double sum = 0;
            while (true) { // alive at the first purchase; may drop out after each repeat one
                t += -Math.log(1 - random.nextDouble()) / lambda;
                if (t > T) {
                    break;
                }
                x++;
                last = t;
                sum += value.sample();
                if (random.nextDouble() < p) {
                    break;
                }
            }
            customers.add(new RfmStats(x, last, T, x == 0 ? 0 : sum / x));
        }

        BgNbd bg = ModelFit.bgNbd(customers).model();
        GammaGamma gg = ModelFit.gammaGamma(customers).model();
        System.out.printf("synthetic: drawn with %s %s, fitted %s %s%n", truth, spend, bg, gg);

        assertThat(bg.r()).isCloseTo(truth.r(), withPercentage(10));
        assertThat(bg.alpha()).isCloseTo(truth.alpha(), withPercentage(10));
        assertThat(bg.a()).isCloseTo(truth.a(), withPercentage(15));
        assertThat(bg.b()).isCloseTo(truth.b(), withPercentage(15));
        assertThat(gg.p()).isCloseTo(spend.p(), withPercentage(10));
        assertThat(gg.q()).isCloseTo(spend.q(), withPercentage(10));
        assertThat(gg.gamma()).isCloseTo(spend.gamma(), withPercentage(15));
    }
}
