package io.customerpulse.clv;

import static org.apache.commons.math3.special.Gamma.logGamma;

import java.io.Serializable;

/**
 * The Gamma-Gamma model of spend per transaction (Fader and Hardie 2013, "The Gamma-Gamma model of
 * monetary value"): a customer's transaction values are Gamma(p, ν) with ν Gamma(q, γ) over
 * customers, independent of how often the customer buys. A customer is summarised by x (repeat
 * transactions) and m_x (their mean value); customers without a repeat transaction tell the model
 * nothing and are left out of the fit.
 */
public record GammaGamma(double p, double q, double gamma) implements Serializable {

    /** The log-likelihood of one customer's mean spend m_x over x transactions (x > 0). */
    public double logLikelihood(double x, double mx) {
        return logGamma(p * x + q)
                - logGamma(p * x)
                - logGamma(q)
                + q * Math.log(gamma)
                + (p * x - 1) * Math.log(mx)
                + p * x * Math.log(x)
                - (p * x + q) * Math.log(gamma + mx * x);
    }

    /**
     * E[M | x, m_x]: the expected value of this customer's future transactions, a weighted mean of
     * the population mean γp/(q − 1) and the customer's own mean; x = 0 gives the population mean.
     */
    public double conditionalExpectedValue(double x, double mx) {
        return (gamma + mx * x) * p / (p * x + q - 1);
    }
}
