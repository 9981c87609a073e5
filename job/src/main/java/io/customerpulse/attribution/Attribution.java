package io.customerpulse.attribution;

import java.util.ArrayList;
import java.util.List;

/**
 * Which clicks an order is credited to, and how much each gets (DESIGN section 7). Pure functions
 * over the clicks kept in the customer's state ({@link Clicks}, in click order: by time, equal
 * times by event_id, so "latest" is the last); time is epoch milliseconds.
 */
public final class Attribution {
    private Attribution() {}

    /** One click's part of an order. */
    public record Share(String eventId, long clickAt, String campaignId, long amountMinor) {}

    /**
     * The credit of an order of {@code amountMinor} at {@code orderAt} under {@code model}: the
     * clicks with orderAt - window &lt; c &lt;= orderAt; empty when there is none.
     */
    public static List<Share> credit(
            AttributionSettings.Model model,
            Clicks clicks,
            long orderAt,
            long windowMillis,
            long amountMinor) {
        int first = clicks.firstEligible(orderAt, windowMillis);
        int end = clicks.endEligible(orderAt);
        if (first >= end) {
            return List.of();
        }
        return switch (model) {
            case LAST_CLICK -> List.of(share(clicks, end - 1, amountMinor));
            case FIRST_CLICK -> List.of(share(clicks, first, amountMinor));
            case LINEAR -> {
                long[] parts = split(amountMinor, end - first);
                List<Share> shares = new ArrayList<>(end - first);
                for (int i = first; i < end; i++) {
                    shares.add(share(clicks, i, parts[i - first]));
                }
                yield shares;
            }
        };
    }

    /**
     * The index of the last click of the window (acquisition is always decided by last click), or
     * -1.
     */
    public static int lastClick(Clicks clicks, long orderAt, long windowMillis) {
        int end = clicks.endEligible(orderAt);
        return end > clicks.firstEligible(orderAt, windowMillis) ? end - 1 : -1;
    }

    private static Share share(Clicks clicks, int i, long amountMinor) {
        return new Share(clicks.eventId(i), clicks.at(i), clicks.campaign(i), amountMinor);
    }

    /**
     * {@code amount} split into {@code n} equal parts in minor units, in click order; the remainder
     * goes one unit each to the last (latest) parts. The parts add up to {@code amount}.
     */
    public static long[] split(long amount, int n) {
        long[] parts = new long[n];
        long each = amount / n;
        long remainder = amount % n;
        for (int i = 0; i < n; i++) {
            parts[i] = each + (i >= n - remainder ? 1 : 0);
        }
        return parts;
    }

    /**
     * {@code amount} split in proportion to {@code weights} (rounded down), the remainder going one
     * unit each to the last parts; used to report a refund for the campaigns its order credited.
     */
    public static long[] proportional(long amount, long[] weights) {
        long total = 0;
        for (long w : weights) {
            total += w;
        }
        if (total == 0) {
            return split(amount, weights.length);
        }
        long[] parts = new long[weights.length];
        long given = 0;
        for (int i = 0; i < weights.length; i++) {
            parts[i] =
                    java.math.BigInteger.valueOf(amount)
                            .multiply(java.math.BigInteger.valueOf(weights[i]))
                            .divide(java.math.BigInteger.valueOf(total))
                            .longValueExact();
            given += parts[i];
        }
        for (int i = weights.length - 1;
                given < amount;
                i = (i - 1 + weights.length) % weights.length) {
            parts[i]++;
            given++;
        }
        return parts;
    }
}
