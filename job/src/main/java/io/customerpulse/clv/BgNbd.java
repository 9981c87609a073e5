package io.customerpulse.clv;

import static org.apache.commons.math3.special.Beta.logBeta;
import static org.apache.commons.math3.special.Gamma.logGamma;

import java.io.Serializable;

/**
 * The BG/NBD model of repeat buying (Fader, Hardie and Lee 2005, "Counting your customers the easy
 * way"): while alive a customer buys as a Poisson process whose rate is Gamma(r, α) over customers;
 * after every purchase the customer drops out with a probability that is Beta(a, b) over customers.
 * A customer is summarised by x (repeat purchases), t_x (time of the last purchase since the first)
 * and T (time since the first purchase), all in weeks. Everything is computed in log space where
 * terms can overflow.
 */
public record BgNbd(double r, double alpha, double a, double b) implements Serializable {

    /** The log-likelihood of one customer's (x, t_x, T) (equation 6 of the paper). */
    public double logLikelihood(double x, double tx, double T) {
        double common = logGamma(r + x) - logGamma(r) + r * Math.log(alpha) - logBeta(a, b);
        double alive = logBeta(a, b + x) - (r + x) * Math.log(alpha + T);
        if (x == 0) {
            return common + alive;
        }
        double droppedOut = logBeta(a + 1, b + x - 1) - (r + x) * Math.log(alpha + tx);
        return common + logSumExp(alive, droppedOut);
    }

    /** E[X(t)]: expected purchases in (0, t] of a customer drawn at random at time 0. */
    public double expectedPurchases(double t) {
        double z = t / (alpha + t);
        return (a + b - 1)
                / (a - 1)
                * (1 - Math.pow(alpha / (alpha + t), r) * Hypergeometric.h2f1(r, b, a + b - 1, z));
    }

    /** P(alive | x, t_x, T): that the customer has not dropped out by T. */
    public double probabilityAlive(double x, double tx, double T) {
        if (x == 0) {
            return 1.0;
        }
        return 1.0 / (1.0 + deadOverAlive(x, tx, T));
    }

    /** E[Y(t) | x, t_x, T]: expected purchases in (T, T + t] of this customer (equation 10). */
    public double conditionalExpectedPurchases(double t, double x, double tx, double T) {
        double z = t / (alpha + T + t);
        double growth =
                1
                        - Math.exp((r + x) * Math.log((alpha + T) / (alpha + T + t)))
                                * Hypergeometric.h2f1(r + x, b + x, a + b + x - 1, z);
        double denominator = 1 + (x > 0 ? deadOverAlive(x, tx, T) : 0);
        return (a + b + x - 1) / (a - 1) * growth / denominator;
    }

    /** (a / (b + x − 1)) ((α + T) / (α + t_x))^(r + x), in log space. */
    private double deadOverAlive(double x, double tx, double T) {
        return Math.exp(Math.log(a / (b + x - 1)) + (r + x) * Math.log((alpha + T) / (alpha + tx)));
    }

    static double logSumExp(double u, double v) {
        double max = Math.max(u, v);
        return max + Math.log(Math.exp(u - max) + Math.exp(v - max));
    }
}
