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

    private static final long DAY = 86_400_000L;

    /**
     * The summary of a customer whose first and last purchases were at {@code firstOrderAt} and
     * {@code lastOrderAt} (epoch ms; their UTC days count), with T measured to the UTC day {@code
     * asOfDay} (epoch day, at least the last purchase day) and {@code repeatValue} the total value
     * of the x repeat purchases.
     */
    public static RfmStats of(
            long firstOrderAt, long lastOrderAt, long asOfDay, int x, double repeatValue) {
        long firstDay = Math.floorDiv(firstOrderAt, DAY);
        long lastDay = Math.floorDiv(lastOrderAt, DAY);
        return new RfmStats(
                x,
                (lastDay - firstDay) / 7.0,
                (Math.max(asOfDay, lastDay) - firstDay) / 7.0,
                x == 0 ? 0 : repeatValue / x);
    }
}
