package io.customerpulse.clv;

import io.customerpulse.avro.ClvModel;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * A served CLV model: what the job predicts for one customer from the fitted BG/NBD and Gamma-Gamma
 * parameters (DESIGN section 6).
 *
 * <p>Predicted CLV follows the usual discounted-cash-flow form (as in lifetimes'
 * customer_lifetime_value): for each month i of the horizon, the purchases expected in that month
 * (the difference of E[Y(t) | x, t_x, T] at the month's end and start) times the expected value of
 * a purchase E[M | x, m_x], divided by (1 + monthly discount rate)^i.
 */
public final class ClvScorer implements Serializable {
    /** Weeks in an average month (365.25 / 12 / 7). */
    public static final double WEEKS_PER_MONTH = 365.25 / 12 / 7;

    private static final double WEEKS_90_DAYS = 90 / 7.0;

    private final String modelId;
    private final BgNbd purchases;
    private final GammaGamma value;
    private final int horizonMonths;
    private final double monthlyDiscount;

    public ClvScorer(
            String modelId,
            BgNbd purchases,
            GammaGamma value,
            int horizonMonths,
            double monthlyDiscount) {
        this.modelId = modelId;
        this.purchases = purchases;
        this.value = value;
        this.horizonMonths = horizonMonths;
        this.monthlyDiscount = monthlyDiscount;
    }

    public static ClvScorer of(ClvModel m, int horizonMonths, double monthlyDiscount) {
        return new ClvScorer(
                m.getModelId(),
                new BgNbd(m.getR(), m.getAlpha(), m.getA(), m.getB()),
                new GammaGamma(m.getP(), m.getQ(), m.getGamma()),
                horizonMonths,
                monthlyDiscount);
    }

    /**
     * Why a published model cannot be served, or null if it can: every parameter finite and
     * positive, and q > 1 (else the Gamma-Gamma mean does not exist).
     */
    public static String problem(ClvModel m) {
        double[] params = {
            m.getR(), m.getAlpha(), m.getA(), m.getB(), m.getP(), m.getQ(), m.getGamma()
        };
        for (double v : params) {
            if (!Double.isFinite(v) || v <= 0) {
                return "parameters must be finite and positive: " + m;
            }
        }
        if (m.getQ() <= 1) {
            return "Gamma-Gamma q must exceed 1 (the mean value is γp/(q − 1)): q = " + m.getQ();
        }
        return null;
    }

    /**
     * Why this scorer cannot be served, or null: it must score every reference customer (new and
     * old, none to a thousand repeat purchases on distinct days, recent and twenty years back) with
     * finite, non-negative figures and a probability of being alive within [0, 1]. Parameters that
     * pass {@link #problem} can still make the hypergeometric series diverge or divide by zero (a +
     * b below 1, say); a model like that, once served, would fail the task at the first customer it
     * scores, and again after every restart, since the served model is kept in state.
     */
    public String scoringProblem() {
        for (RfmStats c : REFERENCE_CUSTOMERS) {
            Prediction p;
            try {
                p = predict(c);
            } catch (ArithmeticException | IllegalArgumentException e) {
                return "scoring " + c + " fails: " + e.getMessage();
            }
            if (!(p.pAlive() >= 0 && p.pAlive() <= 1)
                    || !(p.expectedOrders90d() >= 0)
                    || !(p.clv() >= 0)
                    || !Double.isFinite(p.expectedOrders90d())
                    || !Double.isFinite(p.clv())) {
                return "scores " + c + " as " + p;
            }
        }
        return null;
    }

    private static final List<RfmStats> REFERENCE_CUSTOMERS = referenceCustomers();

    private static List<RfmStats> referenceCustomers() {
        List<RfmStats> all = new ArrayList<>();
        for (double x : new double[] {0, 1, 3, 20, 1_000}) {
            for (double T : new double[] {0, 1, 13, 52, 260, 1_040}) {
                for (double tx : new double[] {0, T / 2, T}) {
                    if (x > tx * 7) {
                        continue; // repeat purchases are on distinct days after the first
                    }
                    for (double mx : x == 0 ? new double[] {0} : new double[] {0.01, 30, 10_000}) {
                        all.add(new RfmStats(x, tx, T, mx));
                    }
                }
            }
        }
        return List.copyOf(all);
    }

    public String modelId() {
        return modelId;
    }

    /** What the model says of one customer; values in the unit of γ (major currency units). */
    public record Prediction(double expectedOrders90d, double pAlive, double clv) {}

    public Prediction predict(RfmStats c) {
        double pAlive = purchases.probabilityAlive(c.x(), c.tx(), c.T());
        double orders90d =
                purchases.conditionalExpectedPurchases(WEEKS_90_DAYS, c.x(), c.tx(), c.T());
        double perPurchase = value.conditionalExpectedValue(c.x(), c.mx());
        double clv = 0;
        double before = 0;
        for (int month = 1; month <= horizonMonths; month++) {
            double upTo =
                    purchases.conditionalExpectedPurchases(
                            month * WEEKS_PER_MONTH, c.x(), c.tx(), c.T());
            clv += (upTo - before) * perPurchase / Math.pow(1 + monthlyDiscount, month);
            before = upTo;
        }
        return new Prediction(orders90d, pAlive, clv);
    }
}
