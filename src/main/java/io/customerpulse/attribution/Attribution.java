package io.customerpulse.attribution;

import io.customerpulse.avro.state.Click;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which clicks an order is credited to, and how much each gets (DESIGN section 7). Pure functions
 * over the clicks kept in the customer's state; time is epoch milliseconds.
 */
public final class Attribution {
    /** Click order: by time, equal times by event_id. "Latest" is the largest in this order. */
    public static final Comparator<Click> CLICK_ORDER =
            Comparator.comparingLong(Click::getAt).thenComparing(Click::getEventId);

    private Attribution() {}

    /** One click's part of an order. */
    public record Share(Click click, long amountMinor) {}

    /**
     * The clicks that may be credited with an order at {@code orderAt}: orderAt - window < c <=
     * orderAt.
     */
    public static List<Click> eligible(List<Click> clicks, long orderAt, long windowMillis) {
        List<Click> in = new ArrayList<>();
        for (Click c : clicks) {
            if (c.getAt() <= orderAt && c.getAt() > orderAt - windowMillis) {
                in.add(c);
            }
        }
        in.sort(CLICK_ORDER);
        return in;
    }

    /**
     * The credit of an order of {@code amountMinor} under {@code model}; empty when no click is
     * eligible.
     */
    public static List<Share> credit(
            AttributionSettings.Model model,
            List<Click> clicks,
            long orderAt,
            long windowMillis,
            long amountMinor) {
        List<Click> in = eligible(clicks, orderAt, windowMillis);
        if (in.isEmpty()) {
            return List.of();
        }
        return switch (model) {
            case LAST_CLICK -> List.of(new Share(in.get(in.size() - 1), amountMinor));
            case FIRST_CLICK -> List.of(new Share(in.get(0), amountMinor));
            case LINEAR -> {
                long[] parts = split(amountMinor, in.size());
                List<Share> shares = new ArrayList<>(in.size());
                for (int i = 0; i < in.size(); i++) {
                    shares.add(new Share(in.get(i), parts[i]));
                }
                yield shares;
            }
        };
    }

    /** The last click of the window (acquisition is always decided by last click), or null. */
    public static Click lastClick(List<Click> clicks, long orderAt, long windowMillis) {
        List<Click> in = eligible(clicks, orderAt, windowMillis);
        return in.isEmpty() ? null : in.get(in.size() - 1);
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
