package io.customerpulse.clv;

import java.io.Serializable;

/**
 * What the models know of a customer, in the literature's units: x repeat purchases (purchases on
 * the same UTC day count once), t_x the weeks from the first purchase to the last, T the weeks from
 * the first purchase to now, and m_x the mean value of the repeat purchases (0 when x = 0).
 */
public record RfmStats(double x, double tx, double T, double mx) implements Serializable {
    public RfmStats {
        if (x < 0 || tx < 0 || T < tx || mx < 0) {
            throw new IllegalArgumentException(
                    "need 0 <= t_x <= T and x, m_x >= 0: " + x + ", " + tx + ", " + T + ", " + mx);
        }
    }
}
