package io.customerpulse.clv;

import java.util.List;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.PointValuePair;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.NelderMeadSimplex;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.SimplexOptimizer;

/**
 * Maximum-likelihood fits of the two models over customers' statistics, with Apache Commons Math's
 * Nelder–Mead simplex on the logarithms of the parameters (so they stay positive), restarted from
 * its own optimum until the log-likelihood stops improving — a simplex can stall before the top.
 *
 * @param <M> the fitted model
 * @param model the parameters at the maximum
 * @param logLikelihood the summed log-likelihood there
 * @param customers how many customers' statistics were used
 */
public record ModelFit<M>(M model, double logLikelihood, int customers) {

    /** BG/NBD over every customer with at least one purchase. */
    public static ModelFit<BgNbd> bgNbd(List<RfmStats> customers) {
        return fit(
                new double[] {1, 1, 1, 1},
                p -> new BgNbd(p[0], p[1], p[2], p[3]),
                m ->
                        customers.stream()
                                .mapToDouble(c -> m.logLikelihood(c.x(), c.tx(), c.T()))
                                .sum(),
                customers.size());
    }

    /** Gamma-Gamma over the customers with a repeat purchase (the others carry no information). */
    public static ModelFit<GammaGamma> gammaGamma(List<RfmStats> customers) {
        List<RfmStats> repeat = customers.stream().filter(c -> c.x() > 0 && c.mx() > 0).toList();
        return fit(
                new double[] {1, 1, 1},
                p -> new GammaGamma(p[0], p[1], p[2]),
                m -> repeat.stream().mapToDouble(c -> m.logLikelihood(c.x(), c.mx())).sum(),
                repeat.size());
    }

    private static <M> ModelFit<M> fit(
            double[] start,
            Function<double[], M> model,
            ToDoubleFunction<M> logLikelihood,
            int customers) {
        if (customers == 0) {
            throw new IllegalArgumentException("no customers to fit");
        }
        ObjectiveFunction objective =
                new ObjectiveFunction(
                        logParams -> {
                            double value = logLikelihood.applyAsDouble(model.apply(exp(logParams)));
                            return Double.isFinite(value) ? value : -1e300;
                        });
        double[] point = log(start);
        double best = Double.NEGATIVE_INFINITY;
        for (int round = 0; round < 20; round++) {
            PointValuePair optimum =
                    new SimplexOptimizer(1e-12, 1e-10)
                            .optimize(
                                    new MaxEval(100_000),
                                    objective,
                                    GoalType.MAXIMIZE,
                                    new InitialGuess(point),
                                    new NelderMeadSimplex(point.length, 0.5));
            point = optimum.getPoint();
            boolean improved = optimum.getValue() > best + 1e-9;
            best = Math.max(best, optimum.getValue());
            if (!improved) {
                break;
            }
        }
        return new ModelFit<>(model.apply(exp(point)), best, customers);
    }

    private static double[] exp(double[] v) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = Math.exp(v[i]);
        }
        return r;
    }

    private static double[] log(double[] v) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = Math.log(v[i]);
        }
        return r;
    }
}
