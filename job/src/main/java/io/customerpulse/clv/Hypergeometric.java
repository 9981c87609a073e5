package io.customerpulse.clv;

/** Gauss's hypergeometric function ₂F₁, as the BG/NBD expectations need it. */
final class Hypergeometric {
    private static final int MAX_TERMS = 1_000_000;

    private Hypergeometric() {}

    /**
     * ₂F₁(a, b; c; z) for 0 ≤ z < 1 and positive a, b, c by its power series, summed until a term
     * no longer changes the sum. Every term is positive (no cancellation) and the ratio of two
     * terms tends to z, so it converges geometrically; the BG/NBD uses z = t / (α + T + t), below
     * 1.
     */
    static double h2f1(double a, double b, double c, double z) {
        if (z < 0 || z >= 1) {
            throw new IllegalArgumentException("2F1 needs 0 <= z < 1, got " + z);
        }
        double term = 1;
        double sum = 1;
        for (int k = 0; k < MAX_TERMS; k++) {
            term *= (a + k) * (b + k) / ((c + k) * (k + 1)) * z;
            double next = sum + term;
            if (next == sum) {
                return sum;
            }
            sum = next;
        }
        throw new ArithmeticException("2F1 series did not converge");
    }
}
